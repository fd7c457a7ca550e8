"""Cold import time of each function's module, as Lambda's INIT would pay it.

Each sample is a fresh interpreter that imports ``functions/<name>/app.py`` with the layer on sys.path (as on
Lambda: no project install needed) and times the import with perf_counter; the baseline sample imports
nothing but the interpreter's startup, in the same command. Usage:

    .venv/bin/python bench/bench_cold_import.py [--runs 7] [function ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import sys, time, json, importlib.util
sys.path[:0] = [{code!r}, {shared!r}]
started = time.perf_counter()
if {path!r}:
    spec = importlib.util.spec_from_file_location("app", {path!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
print(json.dumps({{"ms": (time.perf_counter() - started) * 1000, "modules": len(sys.modules)}}))
"""


def sample(function: str | None) -> dict[str, float]:
    code_dir = str(ROOT / "functions" / function) if function else ""
    path = str(ROOT / "functions" / function / "app.py") if function else ""
    probe = PROBE.format(code=code_dir, shared=str(ROOT / "shared"), path=path)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("functions", nargs="*")
    args = parser.parse_args()
    names = args.functions or sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))
    print(f"python {sys.version.split()[0]}, {args.runs} cold processes each, median import time")
    baseline = statistics.median(sample(None)["ms"] for _ in range(args.runs))
    print(f"{'(interpreter only)':<20} {baseline:8.1f} ms")
    for name in names:
        samples = [sample(name) for _ in range(args.runs)]
        median = statistics.median(s["ms"] for s in samples)
        print(f"{name:<20} {median:8.1f} ms  {int(samples[0]['modules']):5d} modules")


if __name__ == "__main__":
    main()
