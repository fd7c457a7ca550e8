"""The Powertools logger every module shares (JSON lines, service name from ``POWERTOOLS_SERVICE_NAME``), and the
Powertools Metrics (CloudWatch EMF) of the job pipeline, flushed by each worker's ``@metrics.log_metrics``."""

from __future__ import annotations

from typing import Final

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service=None, level=None)

METRICS_NAMESPACE: Final = "ArbitrageVault"

metrics = Metrics(namespace=METRICS_NAMESPACE)


def count(name: str, value: int = 1) -> None:
    """Add ``value`` to the count metric ``name`` of this invocation."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
