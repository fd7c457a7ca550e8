"""What `arbvault fuzz` prints from the stack's log when a pass failed."""

from __future__ import annotations

from infra.fuzz import MAX_EVIDENCE_LINES, failure_evidence

LOG = """\
GET /api/v1/analyses -> analyses 200 12.0 ms
GET /api/v1/analyses?roi_min=1e10 -> analyses 500 30.1 ms
  analyses | {"level":"INFO","message":"request","status":200}
  analyses | {"level":"ERROR","message":"unhandled error","exception_name":"DataError"}
POST /api/v1/batches -> - 503 30000.0 ms (integration timeout)
  batches | Traceback (most recent call last):
  batches |   File "app.py", line 3, in handler
  batches | ValueError: boom
GET /api/v1/health -> health 200 1.0 ms
"""


def test_keeps_server_errors_error_logs_and_whole_tracebacks() -> None:
    evidence = failure_evidence(LOG)
    assert evidence[:3] == [
        "GET /api/v1/analyses?roi_min=1e10 -> analyses 500 30.1 ms",
        '  analyses | {"level":"ERROR","message":"unhandled error","exception_name":"DataError"}',
        "POST /api/v1/batches -> - 503 30000.0 ms (integration timeout)",
    ]
    assert "  batches | ValueError: boom" in evidence
    assert not any(" 200 " in line or '"INFO"' in line for line in evidence[:3])


def test_a_clean_log_gives_nothing() -> None:
    assert failure_evidence("GET /a -> f 200 1.0 ms\nGET /b -> f 422 2.0 ms\n") == []


def test_a_flood_is_capped() -> None:
    assert len(failure_evidence("GET /a -> f 500 1.0 ms\n" * 1000)) == MAX_EVIDENCE_LINES
