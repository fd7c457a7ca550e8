"""The Powertools logger every module shares (JSON lines, service name from ``POWERTOOLS_SERVICE_NAME``)."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service=None, level=None)

__all__ = ["logger"]
