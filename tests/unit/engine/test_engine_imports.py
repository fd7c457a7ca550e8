"""The engine is pure: importing it loads no database, Keepa client, web layer or AWS code."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("sqlalchemy", "pg8000", "httpx", "boto3", "botocore", "fastapi", "starlette", "arbvault.db",
             "arbvault.web", "arbvault.keepa.client", "arbvault.settings")


def test_importing_the_engine_loads_no_io_module() -> None:
    code = ("import sys, arbvault.engine; "
            f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
