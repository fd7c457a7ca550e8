"""Every list and get route of analyses and batches, walked by two sourcer keys: neither sees the other's rows.

Each key owns one job with two analyses and one manual analysis. A key's listings hold exactly its own rows,
whatever job or batch id it names; another key's ids answer 404, for reads and for changes alike. An admin key
sees both.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete

from arbvault.db import session_scope
from arbvault.models.analysis import Analysis
from arbvault.models.job import Job
from support import ADMIN, call

ANALYSIS_ROUTE = "/api/v1/analyses/{analysis_id}"
BATCH_ROUTE = "/api/v1/batches/{batch_id}"


def _sourcer(name: str) -> dict[str, str]:
    return {"key_id": str(uuid.uuid4()), "key_name": name, "role": "sourcer"}


def _analysis(owner: str, job_id: uuid.UUID | None, index: int) -> Analysis:
    asin = f"B0{secrets.token_hex(4).upper()}"
    return Analysis(
        job_id=job_id, identifier=asin, asin=asin, strategy="balanced", buy_price=Decimal("8.00"),
        sell_price=Decimal("20.00"), fees=Decimal("8.30"), profit=Decimal(2 + index), roi_pct=Decimal(30 + index),
        margin_pct=Decimal("13.50"), velocity_score=Decimal("80.0"), stability_score=50, confidence_score=60,
        overall_rating="GOOD", recommendation="BUY", combined_score=Decimal(50 + index), bsr=50_000,
        metrics={}, source="manual" if job_id is None else "batch", created_by=owner,
    )


@pytest.fixture
def owned(database_url: str) -> Iterator[dict[str, dict[str, Any]]]:
    """Two sourcer keys, each owning a job with two analyses and a manual analysis: ``{name: {identity, job,
    analyses}}`` (ids as strings)."""
    owners: dict[str, dict[str, Any]] = {}
    with session_scope() as session:
        for name in ("alice", "bob"):
            identity = _sourcer(name)
            job = Job(kind="batch", name=f"{name}'s batch", owner_key_id=identity["key_id"], params={},
                      items_total=2, chunks_total=1)
            session.add(job)
            session.flush()
            rows = [_analysis(identity["key_id"], job.id, 0), _analysis(identity["key_id"], job.id, 1),
                    _analysis(identity["key_id"], None, 2)]
            session.add_all(rows)
            session.flush()
            owners[name] = {"identity": identity, "job": str(job.id), "analyses": {str(row.id) for row in rows}}
    yield owners
    keys = [owner["identity"]["key_id"] for owner in owners.values()]
    with session_scope() as session:
        session.execute(delete(Analysis).where(Analysis.created_by.in_(keys)))
        session.execute(delete(Job).where(Job.owner_key_id.in_(keys)))


def _ids(body: dict[str, Any]) -> set[str]:
    return {item["id"] for item in body["items"]}


def _get(function: str, path: str, identity: dict[str, str], *, query: str = "", route: str | None = None,
         params: dict[str, str] | None = None) -> tuple[int, Any]:
    status, _, body = call(function, "GET", path, query=query, route=route, path_parameters=params,
                           identity=identity)
    return status, body


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_a_sourcer_lists_only_its_own_analyses(owned: dict[str, dict[str, Any]], me: str, other: str) -> None:
    mine, theirs, identity = owned[me], owned[other], owned[me]["identity"]
    status, body = _get("analyses", "/api/v1/analyses", identity, query="limit=100")
    assert status == 200 and _ids(body) == mine["analyses"]
    assert {item["created_by"] for item in body["items"]} == {identity["key_id"]}
    for name in ("job_id",):
        status, body = _get("analyses", "/api/v1/analyses", identity, query=f"{name}={theirs['job']}")
        assert status == 200 and body["items"] == [], name
        status, body = _get("analyses", "/api/v1/analyses", identity, query=f"{name}={mine['job']}")
        assert status == 200 and len(_ids(body)) == 2 and _ids(body) < mine["analyses"], name
    status, body = _get("analyses", "/api/v1/analyses/top", identity, query="limit=100")
    assert status == 200 and _ids(body) == mine["analyses"]
    status, body = _get("analyses", "/api/v1/analyses/top", identity, query=f"job_id={theirs['job']}")
    assert status == 200 and body["items"] == []


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_another_sourcers_analysis_is_not_found(owned: dict[str, dict[str, Any]], me: str, other: str) -> None:
    identity = owned[me]["identity"]
    for analysis_id in owned[other]["analyses"]:
        params = {"analysis_id": analysis_id}
        status, body = _get("analyses", f"/api/v1/analyses/{analysis_id}", identity, route=ANALYSIS_ROUTE,
                            params=params)
        assert status == 404 and body["error"]["code"] == "not_found"
        status, _, body = call("analyses", "DELETE", f"/api/v1/analyses/{analysis_id}", route=ANALYSIS_ROUTE,
                               path_parameters=params, identity=identity)
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = _get("analyses", f"/api/v1/analyses/{analysis_id}", ADMIN, route=ANALYSIS_ROUTE,
                            params=params)
        assert status == 200 and body["created_by"] == owned[other]["identity"]["key_id"]  # not deleted
    for analysis_id in owned[me]["analyses"]:
        status, body = _get("analyses", f"/api/v1/analyses/{analysis_id}", identity, route=ANALYSIS_ROUTE,
                            params={"analysis_id": analysis_id})
        assert status == 200 and body["id"] == analysis_id


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_a_sourcer_sees_and_changes_only_its_own_batches(owned: dict[str, dict[str, Any]], me: str,
                                                          other: str) -> None:
    identity, mine, theirs = owned[me]["identity"], owned[me]["job"], owned[other]["job"]
    status, body = _get("batches", "/api/v1/batches", identity, query="limit=100")
    assert status == 200 and _ids(body) == {mine}
    status, body = _get("batches", f"/api/v1/batches/{mine}/results", identity, route=f"{BATCH_ROUTE}/results",
                        params={"batch_id": mine})
    assert status == 200 and len(_ids(body)) == 2 and _ids(body) < owned[me]["analyses"]
    params = {"batch_id": theirs}
    for suffix in ("", "/results"):
        status, body = _get("batches", f"/api/v1/batches/{theirs}{suffix}", identity, route=BATCH_ROUTE + suffix,
                            params=params)
        assert status == 404 and body["error"]["code"] == "job_not_found", suffix
    for method, suffix, payload in (("POST", "/cancel", None), ("PATCH", "/status", {"status": "cancelled"})):
        status, _, body = call("batches", method, f"/api/v1/batches/{theirs}{suffix}", route=BATCH_ROUTE + suffix,
                               path_parameters=params, json_body=payload, identity=identity)
        assert status == 404 and body["error"]["code"] == "job_not_found", suffix
    status, body = _get("batches", f"/api/v1/batches/{theirs}", ADMIN, route=BATCH_ROUTE, params=params)
    assert status == 200 and body["status"] == "PENDING"  # neither change reached it


def test_an_admin_sees_every_owners_rows(owned: dict[str, dict[str, Any]]) -> None:
    for owner in owned.values():
        status, body = _get("analyses", "/api/v1/analyses", ADMIN, query=f"job_id={owner['job']}")
        assert status == 200 and len(_ids(body)) == 2 and _ids(body) < owner["analyses"]
        status, body = _get("batches", f"/api/v1/batches/{owner['job']}/results", ADMIN,
                            route=f"{BATCH_ROUTE}/results", params={"batch_id": owner["job"]})
        assert status == 200 and len(body["items"]) == 2
    everything = set().union(*(owner["analyses"] for owner in owned.values()))
    seen: set[str] = set()
    cursor = ""
    while True:
        status, body = _get("analyses", "/api/v1/analyses", ADMIN, query=f"limit=100{cursor}")
        assert status == 200
        seen |= _ids(body)
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert everything <= seen
