"""Cold import time of each function's handler module, as Lambda's INIT pays it, against two floors.

Each sample is a fresh interpreter that imports ``app`` the way the Lambda Python runtime does: the function's
CodeUri (``functions/<name>/``) first on ``sys.path``, the layer's ``shared/`` after it, then the module is
imported by name and the import alone is timed: its CPU time (``process_time``), which the ratios use, and its
wall time. Importing is CPU work once files are cached; on a machine shared with other work, wall time also
counts the waits for a core, which no Lambda environment has. Two floors are imported the same way from
throwaway code folders, in the same rounds:

- minimal: a FastAPI app with one route behind Mangum, the least an HTTP function can import;
- DB floor: the same plus SQLAlchemy (an engine on the pg8000 dialect, not connected, and an ORM session
  factory), pg8000 and Powertools' Logger, the least a function with a database and structured logs imports.

Rounds are round-robin (every target once per round, ``--runs`` rounds) so that a busy machine slows every
target alike; each line shows the medians and the CPU median's ratio to both floors. ``--base DIR`` also imports
each function from another tree (e.g. a ``git archive`` of a base commit: its ``functions/`` and ``shared/``) in
the same rounds, as ``<name> (base)``, so a before/after pair shares the machine's load. Usage:

    .venv/bin/python bench/bench_cold_import.py [--runs 7] [--base DIR] [function ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "shared"
PROBE = """
import importlib, json, sys, time
sys.path[:0] = [{code!r}, {shared!r}]
wall, cpu = time.perf_counter(), time.process_time()
importlib.import_module("app")
print(json.dumps({{"wall": (time.perf_counter() - wall) * 1000, "cpu": (time.process_time() - cpu) * 1000,
                  "modules": len(sys.modules)}}))
"""
MINIMAL_APP = """
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
"""
DB_APP = MINIMAL_APP + """
from aws_lambda_powertools import Logger
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

logger = Logger(service="floor")
engine = create_engine("postgresql+pg8000://floor@localhost/floor")  # loads the dialect and pg8000, no connection
Session = sessionmaker(engine)
"""
FLOORS = {"(minimal app)": MINIMAL_APP, "(DB floor)": DB_APP}
# What the Lambda runtime sets that these imports read; no credentials, no database.
ENV = {"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
       "AWS_LAMBDA_FUNCTION_NAME": "bench", "POWERTOOLS_SERVICE_NAME": "bench"}


def sample(code_dir: Path, shared: Path = SHARED) -> dict[str, float]:
    """One cold import of ``code_dir/app.py`` in a fresh interpreter, ``shared`` as the layer."""
    probe = PROBE.format(code=str(code_dir), shared=str(shared))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--base", type=Path, help="a tree whose functions are also timed, in the same rounds")
    parser.add_argument("functions", nargs="*")
    args = parser.parse_args()
    names = args.functions or sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))
    with tempfile.TemporaryDirectory() as scratch:
        targets: dict[str, tuple[Path, Path]] = {}
        for label, source in FLOORS.items():
            folder = Path(scratch) / label.strip("()").replace(" ", "_")
            folder.mkdir()
            (folder / "app.py").write_text(source)
            targets[label] = (folder, SHARED)
        for name in names:
            if args.base is not None:
                targets[f"{name} (base)"] = (args.base / "functions" / name, args.base / "shared")
            targets[name] = (ROOT / "functions" / name, SHARED)
        samples: dict[str, list[dict[str, float]]] = {label: [] for label in targets}
        for _ in range(args.runs):
            for label, (folder, shared) in targets.items():
                samples[label].append(sample(folder, shared))
    cpu = {label: statistics.median(s["cpu"] for s in runs) for label, runs in samples.items()}
    wall = {label: statistics.median(s["wall"] for s in runs) for label, runs in samples.items()}
    minimal, db = cpu["(minimal app)"], cpu["(DB floor)"]
    print(f"python {sys.version.split()[0]}, median of {args.runs} cold imports each, round-robin")
    width = max(18, *map(len, cpu))
    print(f"{'':<{width}} {'CPU':>9} {'wall':>9} {'modules':>8} {'/minimal':>9} {'/DB floor':>10}")
    for label, median in cpu.items():
        modules = int(samples[label][0]["modules"])
        print(f"{label:<{width}} {median:6.1f} ms {wall[label]:6.1f} ms {modules:8d} {median / minimal:8.2f}x "
              f"{median / db:9.2f}x")


if __name__ == "__main__":
    main()
