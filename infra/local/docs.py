"""Local-only documentation: ``/openapi.json`` (the merged document) and ``/docs`` (a page rendering it).

The document is built by ``infra.openapi.build_openapi`` in a subprocess, so the stack never imports function
code itself (it would go stale on the next edit); it is cached until the reloader says something changed.
The page is self-contained HTML, with no script or stylesheet from a CDN: it works offline.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from infra.local.console import Console
from infra.local.docs_page import render_page
from infra.local.responses import HttpResponse, gateway_error
from infra.paths import PROJECT_ROOT
from infra.template import Template

DOCS_PATH = "/docs"
OPENAPI_PATH = "/openapi.json"

_BUILD = """
import json, sys
from pathlib import Path
from infra.openapi import build_openapi
from infra.template import parse_template
Path(sys.argv[2]).write_text(json.dumps(build_openapi(parse_template(Path(sys.argv[1])))))
"""


class ApiDocs:
    """Answers the two local documentation paths for the current template."""

    def __init__(self, template: Template, console: Console, *, base_url: str) -> None:
        self.template = template  # replaced by the reloader with the document
        self._console = console
        self._base_url = base_url
        self._lock = threading.Lock()
        self._document: dict[str, Any] | None = None

    def invalidate(self, template: Template | None = None) -> None:
        """Forget the document (code or template changed)."""
        with self._lock:
            self._document = None
            if template is not None:
                self.template = template

    def page(self, raw_path: str) -> HttpResponse | None:
        """The response for ``raw_path`` if it is a documentation path, else ``None``."""
        if raw_path not in (DOCS_PATH, OPENAPI_PATH):
            return None
        document = self._build()
        if document is None:
            return gateway_error(503, "The OpenAPI document could not be built; see the stack's log")
        if raw_path == OPENAPI_PATH:
            return HttpResponse(200, [("content-type", "application/json")], json.dumps(document).encode())
        html = render_page(document, self.template, base_url=self._base_url)
        return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], html.encode())

    def _build(self) -> dict[str, Any] | None:
        with self._lock:
            if self._document is None:
                self._document = self._run_builder()
            return self._document

    def _run_builder(self) -> dict[str, Any] | None:
        with tempfile.TemporaryDirectory(prefix="arbvault-openapi-") as folder:
            target = Path(folder) / "openapi.json"
            completed = subprocess.run(
                [sys.executable, "-c", _BUILD, str(self.template.path), str(target)],
                cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
            )
            if completed.returncode != 0 or not target.exists():
                tail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
                self._console.line(f"docs: building the OpenAPI document failed: {tail}")
                return None
            document: dict[str, Any] = json.loads(target.read_text())
            return document
