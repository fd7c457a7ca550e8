"""Powertools Metrics (CloudWatch EMF) for the job pipeline; flushed by each worker's ``@metrics.log_metrics``."""

from __future__ import annotations

from typing import Final

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

METRICS_NAMESPACE: Final = "ArbitrageVault"

metrics = Metrics(namespace=METRICS_NAMESPACE)


def count(name: str, value: int = 1) -> None:
    """Add ``value`` to the count metric ``name`` of this invocation."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
