"""Each model module maps the tables its foreign keys point at, so a function that imports only the models it
uses can write them (a foreign key to an unmapped table fails at the first flush, not at import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[2] / "shared" / "arbvault" / "models"
MODULES = sorted(path.stem for path in MODELS.glob("*.py") if path.stem not in ("__init__", "base", "tables"))

CHECK = """
import importlib, sys
importlib.import_module(f"arbvault.models.{sys.argv[1]}")
from arbvault.models.base import Base
for table in Base.metadata.tables.values():
    for key in table.foreign_keys:
        key.column  # raises NoReferencedTableError when the referenced table is not mapped
print(len(Base.metadata.tables))
"""


@pytest.mark.parametrize("module", MODULES)
def test_a_model_module_imported_alone_resolves_its_foreign_keys(module: str) -> None:
    shared = str(MODELS.parents[1])
    done = subprocess.run([sys.executable, "-c", CHECK, module], capture_output=True, text=True,
                          env={"PYTHONPATH": shared}, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 1
