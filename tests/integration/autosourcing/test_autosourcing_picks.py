"""Pick actions (flags follow the action, notes at most 500 characters), the action lists, and stats."""

from __future__ import annotations

import uuid

from autosourcing_support import DISCOVERY, OPEN_SCORING, request, start_run

from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues, run_worker

OTHER = {"key_id": "00000000-0000-0000-0000-0000000000c3", "key_name": "other-sourcer", "role": "sourcer"}


def _act(pick_id: str, body: dict, identity: dict[str, str] | None = None) -> tuple[int, dict]:
    options = {"identity": identity} if identity else {}
    status, _, answer = request("PUT", f"/picks/{pick_id}/action", route="/picks/{pick_id}/action",
                                path_parameters={"pick_id": pick_id}, json_body=body, **options)
    return status, answer


def _picks(queues: JobQueues) -> list[dict]:
    status, _, job = start_run({"discovery_config": DISCOVERY, "scoring_config": OPEN_SCORING})
    assert status == 202, job
    run_worker(queues)
    _, _, page = request("GET", "/picks", query="limit=500")
    assert len(page["items"]) >= 4, page
    return page["items"]


def test_actions_set_flags_lists_and_stats(queues: JobQueues, keepa: OfflineKeepa) -> None:
    picks = _picks(queues)
    first, second, third = picks[0]["id"], picks[1]["id"], picks[2]["id"]

    status, marked = _act(first, {"action": "TO_BUY", "notes": "two copies"})
    assert status == 200, marked
    assert (marked["action"], marked["is_purchased"], marked["action_notes"]) == ("TO_BUY", True, "two copies")
    assert marked["action_taken_at"] is not None
    _act(second, {"action": "FAVORITE"})
    _act(third, {"action": "IGNORED"})
    status, changed = _act(third, {"action": "ANALYZING"})  # any action may follow any other
    assert (changed["is_ignored"], changed["analysis_requested"]) == (False, True)

    assert [p["id"] for p in request("GET", "/to-buy")[2]["items"]] == [first]
    assert [p["id"] for p in request("GET", "/favorites")[2]["items"]] == [second]
    assert [p["id"] for p in request("GET", "/picks", query="action=ANALYZING")[2]["items"]] == [third]
    _, _, stats = request("GET", "/stats")
    total = len(picks)
    assert stats["action_counts"] == {"PENDING": total - 3, "TO_BUY": 1, "FAVORITE": 1, "IGNORED": 0,
                                      "ANALYZING": 1}
    assert (stats["picks_total"], stats["actions_taken"], stats["to_buy"]) == (total, 3, 1)
    assert stats["engagement_rate_pct"] == round(300 / total, 1)
    assert request("GET", "/stats", identity=OTHER)[2]["picks_total"] == 0


def test_bad_actions_are_refused(queues: JobQueues, keepa: OfflineKeepa) -> None:
    pick = _picks(queues)[0]["id"]

    status, answer = _act(pick, {"action": "TO_BUY", "notes": "x" * 501})
    assert status == 422 and answer["error"]["details"][0]["field"] == "body.notes"
    status, answer = _act(pick, {"action": "bought"})
    assert status == 422
    status, answer = _act(pick, {"action": "FAVORITE"}, identity=OTHER)
    assert status == 404 and answer["error"]["code"] == "pick_not_found"
    status, answer = _act(str(uuid.uuid4()), {"action": "FAVORITE"})
    assert status == 404
    status, _, answer = request("GET", "/picks", query="action=bought")
    assert status == 422
