"""`arbvault fuzz`: Schemathesis against `arbvault local`, as a sourcer key and as an admin key.

The stack runs on a free loopback port with a scratch database (on DATABASE_URL's server, else the embedded
one), dropped afterwards. Its merged OpenAPI document drives Schemathesis, which sends every request to that
loopback address. Each pass runs the examples, coverage and fuzzing phases with a fixed seed and a fixed number
of examples per operation, and fails on any 5xx, any undocumented status and any body that does not match its
documented schema. Schemathesis prints its report for each pass; one line of figures per pass follows, and when
a pass failed, what failed: each failure group with its operations, and the stack's log lines that show a 5xx
or an error (CI keeps only the end of the output, so the evidence is printed last).

Destructive operations cannot hollow out the run: the sourcer pass comes first; the admin pass leaves out
revoking keys; a last admin pass fuzzes only the revocation, so a key it revokes (Schemathesis reuses ids from
earlier responses, such as keys it created) is no longer needed. The stateful phase, which chains operations
through such ids, is off.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.embedded_pg import scratch_database, server_url
from infra.local_process import LocalStackProcess

CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
PHASES = ("examples", "coverage", "fuzzing")
REVOCATION = ("delete", "/api/v1/api-keys/{key_id}")
SOURCER_KEY_NAME = "fuzz-sourcer"
REQUEST_TIMEOUT_SECONDS = 30
# Gateway lines answered 5xx ("GET /path -> function 500 12.3 ms"), error-level JSON logs, tracebacks.
FAILURE_EVIDENCE = re.compile(r" -> \S+ 5\d\d |\"level\":\"(?:ERROR|CRITICAL)\"|Traceback")
TRACEBACK_LINES = 25
MAX_EVIDENCE_LINES = 120
# One at a time: with two threads Schemathesis 4.32 on Python 3.11 sometimes fails inside the coverage phase
# ("AST constructor recursion depth mismatch"), an error of the tool that would fail the run.
WORKERS = 1


@dataclass(frozen=True, slots=True)
class FuzzPass:
    """One Schemathesis run: a name, the role of the key it sends, and its operation filters."""

    name: str
    role: str
    filters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PassFigures:
    """What one pass did and found, read from Schemathesis' JSON report."""

    name: str
    exit_code: int
    operations: int
    test_cases: int
    failures: int
    server_errors: int
    seconds: float
    failure_groups: tuple[str, ...] = ()

    def line(self) -> str:
        return (f"{self.name:<18} {self.operations:>3} operations {self.test_cases:>6} requests "
                f"{self.server_errors:>3} server errors {self.failures:>3} failures {self.seconds:>6.1f} s")


def fuzz(*, examples: int, seed: int, report_dir: Path | None) -> int:
    """Run every pass; 0 when none failed."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="arbvault-fuzz-") as folder, \
            scratch_database(server_url()[0], prefix="arbvault_fuzz") as database:
        home = Path(folder)
        reports = report_dir or home / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        with LocalStackProcess(home, database, extra_args=("--no-reload",)) as stack:
            document = home / "openapi.json"
            document.write_bytes(stack.request("GET", "/openapi.json").raise_for_status().content)
            keys = {"admin": stack.dev_key, "sourcer": _sourcer_key(stack)}
            revocation = _operation_id(json.loads(document.read_text()), *REVOCATION)
            passes = (
                FuzzPass("sourcer", "sourcer"),
                FuzzPass("admin", "admin", ("--exclude-operation-id", revocation)),
                FuzzPass("admin-revocation", "admin", ("--include-operation-id", revocation)),
            )
            figures = [run_pass(fuzz_pass, stack.url, document, keys[fuzz_pass.role], examples=examples,
                                 seed=seed, reports=reports) for fuzz_pass in passes]
        stack_log = stack.stdout + stack.stderr
        if report_dir is not None:
            (report_dir / "stack.log").write_text(stack_log)
    _print_figures(figures, time.perf_counter() - began, examples=examples, seed=seed)
    failed = any(figure.exit_code != 0 for figure in figures)
    if failed:
        _print_failures(figures, stack_log)
    return 1 if failed else 0


def _sourcer_key(stack: LocalStackProcess) -> str:
    response = stack.request("POST", "/api/v1/api-keys", headers={"X-API-Key": stack.dev_key},
                             json={"name": SOURCER_KEY_NAME, "role": "sourcer"})
    return str(response.raise_for_status().json()["key"])


def _operation_id(document: dict[str, Any], method: str, path: str) -> str:
    return str(document["paths"][path][method]["operationId"])


def run_pass(fuzz_pass: FuzzPass, base_url: str, document: Path, key: str, *, examples: int, seed: int,
             reports: Path) -> PassFigures:
    """Run Schemathesis once (its report goes to standard output) and read the figures of its JSON report."""
    report = reports / f"{fuzz_pass.name}.json"
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(document), "--url", base_url,
        "--header", f"X-API-Key: {key}", "--generation-with-security-parameters", "false",
        "--checks", ",".join(CHECKS), "--phases", ",".join(PHASES),
        "--max-examples", str(examples), "--seed", str(seed), "--generation-database", "none",
        "--request-timeout", str(REQUEST_TIMEOUT_SECONDS), "--workers", str(WORKERS), "--continue-on-failure",
        "--report", "json", "--report-json-path", str(report), *fuzz_pass.filters,
    ]
    print(f"\n=== fuzz pass: {fuzz_pass.name} ({fuzz_pass.role} key) ===", flush=True)
    began = time.perf_counter()
    exit_code = subprocess.run(command, cwd=reports, check=False).returncode
    seconds = time.perf_counter() - began
    if not report.exists():  # Schemathesis stopped before testing anything: its output says why
        return PassFigures(fuzz_pass.name, exit_code or 1, 0, 0, 0, 0, seconds)
    summary = json.loads(report.read_text())
    failures = summary.get("failures") or []
    return PassFigures(
        name=fuzz_pass.name,
        exit_code=exit_code,
        operations=int(summary["operations"]["tested"]),
        test_cases=int(summary["test_cases"]["generated"]),
        failures=sum(int(failure["count"]) for failure in failures) + len(summary.get("errors") or []),
        server_errors=sum(int(failure["count"]) for failure in failures
                          if str(failure["type"]).endswith("ServerError")),
        seconds=seconds,
        failure_groups=tuple(f"{failure['title']} ({failure['count']}): {', '.join(failure['operations'])}"
                             for failure in failures)
        + tuple(f"error: {error['title']} ({error['count']})" for error in summary.get("errors") or []),
    )


def failure_evidence(stack_log: str) -> list[str]:
    """The stack's log lines that show a server error (a traceback with the lines after it), the first
    ``MAX_EVIDENCE_LINES``."""
    lines = stack_log.splitlines()
    evidence: list[str] = []
    for number, line in enumerate(lines):
        if FAILURE_EVIDENCE.search(line):
            evidence.extend(lines[number:number + TRACEBACK_LINES] if "Traceback" in line else [line])
    return evidence[:MAX_EVIDENCE_LINES]


def _print_figures(figures: list[PassFigures], seconds: float, *, examples: int, seed: int) -> None:
    print(f"\n=== fuzz figures (seed {seed}, {examples} examples per operation, checks {', '.join(CHECKS)}) ===")
    for figure in figures:
        print(figure.line())
    total = PassFigures("total", 0, sum(f.operations for f in figures), sum(f.test_cases for f in figures),
                        sum(f.failures for f in figures), sum(f.server_errors for f in figures), seconds)
    print(total.line())


def _print_failures(figures: list[PassFigures], stack_log: str) -> None:
    print("\n=== what failed ===")
    for figure in figures:
        for group in figure.failure_groups:
            print(f"{figure.name}: {group}")
    evidence = failure_evidence(stack_log)
    print(f"--- the stack's log: {len(evidence)} line(s) showing a 5xx or an error ---")
    print("\n".join(evidence))
