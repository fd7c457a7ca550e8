"""DELETE /api/v1/analyses/{id}: 204 for the creating key or an admin; 404 for an unknown id or another key's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from analyses_support import Seed

from support import ADMIN, SOURCER, call

OTHER_SOURCER = {"key_id": "00000000-0000-0000-0000-0000000000c3", "key_name": "other-sourcer", "role": "sourcer"}
ROUTE = "/api/v1/analyses/{analysis_id}"


def _delete(analysis_id: str, identity: dict[str, str] | None) -> tuple[int, dict[str, str], Any]:
    return call("analyses", "DELETE", f"/api/v1/analyses/{analysis_id}", route=ROUTE,
                path_parameters={"analysis_id": analysis_id}, identity=identity)


def _exists(analysis_id: str) -> bool:
    status, _, _ = call("analyses", "GET", f"/api/v1/analyses/{analysis_id}", route=ROUTE,
                        path_parameters={"analysis_id": analysis_id})
    assert status in (200, 404)
    return status == 200


def _manual(identity: dict[str, str], created: list[str]) -> str:
    status, _, body = call("analyses", "POST", "/api/v1/analyses", identity=identity,
                           json_body={"identifier": "B00FLIJJSA", "buy_price": 8, "sell_price": 20})
    assert status == 201, body
    created.append(body["id"])
    return str(body["id"])


def test_creator_deletes_its_own_analysis(created: list[str]) -> None:
    analysis_id = _manual(SOURCER, created)
    status, _headers, body = _delete(analysis_id, SOURCER)
    assert status == 204 and body == ""
    assert not _exists(analysis_id)
    # deleting it again finds nothing
    status, _, body = _delete(analysis_id, SOURCER)
    assert status == 404 and body["error"]["code"] == "not_found"


def test_another_sourcer_may_not_delete_it(created: list[str]) -> None:
    analysis_id = _manual(SOURCER, created)
    status, _, body = _delete(analysis_id, OTHER_SOURCER)
    assert status == 404, body
    assert body["error"]["code"] == "not_found" and analysis_id in body["error"]["message"]
    assert _exists(analysis_id)


def test_admin_deletes_any_analysis(created: list[str], seed: Seed) -> None:
    by_sourcer = _manual(SOURCER, created)
    by_worker = str(seed([{"created_by": "batch-worker"}])[0]["id"])
    for analysis_id in (by_sourcer, by_worker):
        status, _, _ = _delete(analysis_id, ADMIN)
        assert status == 204
        assert not _exists(analysis_id)


def test_sourcer_may_not_delete_an_analysis_an_admin_key_stored(seed: Seed) -> None:
    analysis_id = str(seed([{"created_by": ADMIN["key_id"]}])[0]["id"])
    status, _, _ = _delete(analysis_id, SOURCER)
    assert status == 404
    assert _exists(analysis_id)


@pytest.mark.parametrize(("identity", "expected"), [(ADMIN, 404), (SOURCER, 404), (None, 401)])
def test_unknown_id_is_404_and_no_identity_401(identity: dict[str, str] | None, expected: int) -> None:
    status, _, _ = _delete(str(uuid.uuid4()), identity)
    assert status == expected


def test_malformed_id_is_422() -> None:
    status, _, body = _delete("123", ADMIN)
    assert status == 422 and body["error"]["details"][0]["field"] == "path.analysis_id"
