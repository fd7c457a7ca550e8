"""`arbvault keepa-offline` serves as a process with the options it was given, and stops on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx

from infra.paths import PROJECT_ROOT


def test_command_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "keepa-offline", "--port", "0", "--key", "cli-key", "--tokens", "7",
         "--refill-rate", "3", "--latency-ms", "1"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "export KEEPA_BASE_URL=" in line
        base_url = line.rsplit("KEEPA_BASE_URL=", 1)[1].strip().rstrip(")")
        with httpx.Client(base_url=base_url) as client:
            status = client.get("/token", params={"key": "cli-key"}).json()
            assert (status["tokensLeft"], status["refillRate"]) == (7, 3)
            assert client.get("/token", params={"key": "other"}).status_code == 400
            product = client.get("/product", params={"key": "cli-key", "domain": 1, "asin": "1739104269"}).json()
            assert product["products"][0]["title"] == "The Lantern Cartographer: A Novel"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
