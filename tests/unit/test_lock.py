"""uv.lock is the one source of versions: pyproject.toml's ranges and the layer's requirements agree with it."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pins(text: str) -> dict[str, str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return {canonicalize_name(name): version for name, version in (line.split("==") for line in lines if line)}


def _key(requirement: Requirement, extra: str | None) -> tuple[str, str, frozenset[str], str | None]:
    return canonicalize_name(requirement.name), str(requirement.specifier), frozenset(requirement.extras), extra


def test_the_lock_records_pyprojects_dependencies_and_dev_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (locked,) = (package for package in lock["package"] if package["name"] == project["name"])
    recorded = {_key(Requirement(f"{entry['name']}[{','.join(entry.get('extras', []))}]{entry.get('specifier', '')}"),
                     "dev" if entry.get("marker") == "extra == 'dev'" else entry.get("marker"))
                for entry in locked["metadata"]["requires-dist"]}
    declared = {_key(Requirement(dependency), None) for dependency in project["dependencies"]}
    declared |= {_key(Requirement(dependency), "dev") for dependency in project["optional-dependencies"]["dev"]}
    assert recorded == declared
    assert set(locked["optional-dependencies"]) == set(project["optional-dependencies"]) == {"dev"}


def test_the_layer_pins_every_runtime_dependency_within_pyprojects_range() -> None:
    pins = _pins((ROOT / "shared" / "requirements.txt").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {canonicalize_name(package["name"]): package["version"] for package in lock["package"]}
    for dependency in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        requirement = Requirement(dependency)
        name = canonicalize_name(requirement.name)
        assert pins.get(name) == locked[name], name
        assert requirement.specifier.contains(pins[name]), (name, pins[name])
    assert set(pins) <= set(locked)
    assert not {"pytest", "moto", "boto3", "ruff"} & set(pins)  # nothing of the dev extra reaches the layer


def test_lock_check_passes_for_the_committed_files() -> None:
    # `infra/dev lock --check`: uv.lock is current for pyproject.toml, shared/requirements.txt is its export.
    result = subprocess.run([str(ROOT / "infra" / "dev"), "lock", "--check"], capture_output=True, text=True,
                            check=False, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
