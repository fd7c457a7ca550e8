"""Control routes: status and the next run; writes for admin keys only (403 for a sourcer before the body is
read), each audited with the key and the values before and after; one 422 for bad hours, dates and settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from scheduler_support import control, open_profile, request

from db_testing import rows, scalar
from support import ADMIN, SOURCER


def today() -> date:
    return datetime.now(UTC).date()


def changes() -> list[dict[str, Any]]:
    return rows("SELECT key_id, key_name, action, old_values, new_values, reason FROM autoscheduler_changes "
                "ORDER BY changed_at, action")


def expected_next_runs(hours: list[int]) -> set[str]:
    """The next run computed by hand at two moments around the request (an hour may turn in between)."""
    found = set()
    for _ in range(2):
        now = datetime.now(UTC)
        later = [hour for hour in sorted(hours) if hour > now.hour]
        day, hour = (now.date(), later[0]) if later else (now.date() + timedelta(days=1), min(hours))
        found.add(datetime.combine(day, time(hour), tzinfo=UTC).isoformat().replace("+00:00", "Z"))
    return found


def test_status_shows_the_control_values_and_the_next_run_in_utc() -> None:
    before = expected_next_runs([8, 15, 20])
    status, body = request("GET", "/status", identity=SOURCER)  # reads are open to any key
    after = expected_next_runs([8, 15, 20])

    assert status == 200, body
    assert body["enabled"] is body["effective_enabled"] is True
    assert body["today"] == today().isoformat()
    assert (body["scheduled_hours"], body["skip_dates"], body["pause_until"]) == ([8, 15, 20], [], None)
    assert body["next_run_at"].replace("+00:00", "Z") in before | after
    next_run = datetime.fromisoformat(body["next_run_at"].replace("Z", "+00:00"))
    assert 0 <= body["seconds_until_next_run"] <= 24 * 3600
    assert abs((next_run - datetime.now(UTC)).total_seconds() - body["seconds_until_next_run"]) < 60
    assert body["daily_token_budget"] == 12000 and body["tokens_committed_today"] == 0
    assert set(body["hour_presets"]) == {"8", "15", "20", "default"} and body["profile_id"] is None


def test_pause_today_is_idempotent_and_turns_today_off_until_tomorrow() -> None:
    first_status, first = request("POST", "/pause-today")
    second_status, second = request("POST", "/pause-today")

    assert first_status == second_status == 200
    assert first["skip_dates"] == second["skip_dates"] == [today().isoformat()]
    assert first["enabled"] is True and first["effective_enabled"] is False
    tomorrow = datetime.combine(today() + timedelta(days=1), time(8), tzinfo=UTC)
    assert datetime.fromisoformat(second["next_run_at"].replace("Z", "+00:00")) == tomorrow
    audit = changes()
    assert [c["action"] for c in audit] == ["pause_today", "pause_today"]
    assert audit[0]["old_values"] == {"skip_dates": []}
    assert audit[0]["new_values"] == {"skip_dates": [today().isoformat()]}
    assert audit[1]["old_values"] == audit[1]["new_values"] == {}  # audited, though it changed nothing


def test_pause_enable_and_disable_are_audited_with_the_key_and_the_values() -> None:
    until = today() + timedelta(days=3)
    status, paused = request("POST", "/pause", json_body={"pause_until": until.isoformat(), "reason": "holiday"})
    assert status == 200, paused
    assert (paused["pause_until"], paused["pause_reason"], paused["effective_enabled"]) == (
        until.isoformat(), "holiday", False)
    assert paused["next_run_at"].startswith((until + timedelta(days=1)).isoformat())

    status, enabled = request("POST", "/enable")
    assert status == 200 and enabled["pause_until"] is None and enabled["effective_enabled"] is True
    status, disabled = request("POST", "/disable")
    assert status == 200
    assert disabled["enabled"] is disabled["effective_enabled"] is False and disabled["next_run_at"] is None
    assert disabled["updated_by"] == ADMIN["key_id"]

    pause, enable, disable = changes()
    assert all((c["key_id"], c["key_name"]) == (ADMIN["key_id"], ADMIN["key_name"]) for c in (pause, enable, disable))
    assert (pause["action"], pause["reason"]) == ("pause", "holiday")
    assert pause["old_values"] == {"pause_until": None, "pause_reason": None}
    assert pause["new_values"] == {"pause_until": until.isoformat(), "pause_reason": "holiday"}
    assert enable["old_values"] == {"pause_until": until.isoformat(), "pause_reason": "holiday"}
    assert (disable["old_values"], disable["new_values"]) == ({"enabled": True}, {"enabled": False})


def test_the_schedule_is_stored_sorted_and_the_answer_has_old_and_new_hours() -> None:
    status, body = request("PUT", "/schedule", json_body={"hours": [23, 0, 12]})

    assert status == 200, body
    assert body == {"previous_hours": [8, 15, 20], "scheduled_hours": [0, 12, 23]}
    assert scalar("SELECT scheduled_hours FROM autoscheduler_control") == [0, 12, 23]
    [change] = changes()
    assert (change["action"], change["old_values"], change["new_values"]) == (
        "schedule", {"scheduled_hours": [8, 15, 20]}, {"scheduled_hours": [0, 12, 23]})


@pytest.mark.parametrize(("hours", "field"), [
    ([], "body.hours"),
    ([24], "body.hours.0"),
    ([8, -1], "body.hours.1"),
    ([8, 8], "body.hours"),
    (["eight"], "body.hours.0"),
    ([*range(24), 0], "body.hours"),
    (None, "body.hours"),
])
def test_bad_hours_are_one_422(hours: Any, field: str) -> None:
    status, body = request("PUT", "/schedule", json_body={"hours": hours})

    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert field in [detail["field"] for detail in body["error"]["details"]]
    assert changes() == [] and scalar("SELECT scheduled_hours FROM autoscheduler_control") == [8, 15, 20]


@pytest.mark.parametrize(("pause_until", "code"), [
    (lambda: today().isoformat(), "date_not_after_today"),
    (lambda: (today() - timedelta(days=1)).isoformat(), "date_not_after_today"),
    (lambda: (today() + timedelta(days=367)).isoformat(), "date_too_far"),
    (lambda: "9999-12-31", "date_too_far"),
    (lambda: "2026-13-01", "date_from_datetime_parsing"),
    (lambda: "tomorrow", "date_from_datetime_parsing"),
])
def test_a_pause_not_after_today_or_too_far_is_one_422(pause_until: Any, code: str) -> None:
    status, body = request("POST", "/pause", json_body={"pause_until": pause_until()})

    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    [detail] = body["error"]["details"]
    assert (detail["field"], detail["code"]) == ("body.pause_until", code)
    assert changes() == []


def test_a_pause_through_the_last_allowed_day_is_accepted() -> None:
    status, body = request("POST", "/pause", json_body={"pause_until": (today() + timedelta(days=366)).isoformat()})
    assert status == 200, body


def test_settings_set_the_budget_and_the_profile_and_refuse_unknown_profiles() -> None:
    profile_id = open_profile()

    status, body = request("PUT", "/settings", json_body={"daily_token_budget": 500, "profile_id": str(profile_id)})
    assert status == 200, body
    assert (body["daily_token_budget"], body["profile_id"]) == (500, str(profile_id))
    status, body = request("PUT", "/settings", json_body={"profile_id": None})
    assert status == 200 and body["profile_id"] is None and body["daily_token_budget"] == 500

    status, body = request("PUT", "/settings", json_body={"profile_id": "00000000-0000-0000-0000-000000000000"})
    assert status == 404 and body["error"]["code"] == "profile_not_found"
    for bad in ({}, {"daily_token_budget": -1}, {"daily_token_budget": None}, {"budget": 5}):
        status, body = request("PUT", "/settings", json_body=bad)
        assert status == 422 and body["error"]["code"] == "validation_error", (bad, body)
    first, second = changes()
    assert first["new_values"] == {"daily_token_budget": 500, "profile_id": str(profile_id)}
    assert (second["old_values"], second["new_values"]) == ({"profile_id": str(profile_id)}, {"profile_id": None})


WRITES = [("POST", "/enable", None), ("POST", "/disable", None), ("POST", "/pause", {"pause_until": "bad"}),
          ("POST", "/pause-today", None), ("PUT", "/schedule", {"hours": []}), ("PUT", "/settings", {"x": 1})]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_sourcer_key_may_not_write_whatever_it_sends(method: str, path: str, body: Any) -> None:
    control(enabled=False)

    status, answer = request(method, path, identity=SOURCER, json_body=body)

    assert status == 403, answer
    assert answer["error"]["code"] == "forbidden"
    assert changes() == []
    assert scalar("SELECT enabled FROM autoscheduler_control") is False


def test_metrics_refuses_a_bad_date_and_defaults_to_today() -> None:
    status, body = request("GET", "/metrics", query="date=2026-02-30")
    assert status == 422 and body["error"]["details"][0]["field"] == "query.date"

    status, body = request("GET", "/metrics", identity=SOURCER)
    assert status == 200, body
    assert body["day"] == today().isoformat() and body["runs_submitted"] == 0 and body["top_opportunity"] is None
    assert body["tier_distribution"] == {"HOT": 0, "TOP": 0, "WATCH": 0, "OTHER": 0}



def test_the_audit_lists_every_write_newest_first_in_pages_for_admins_only() -> None:
    assert request("POST", "/disable")[0] == 200
    assert request("PUT", "/schedule", json_body={"hours": [9, 3]})[0] == 200
    assert request("POST", "/enable")[0] == 200

    status, first = request("GET", "/changes", query="limit=2")
    assert status == 200, first
    assert [c["action"] for c in first["items"]] == ["enable", "schedule"]
    schedule = first["items"][1]
    assert (schedule["key_id"], schedule["changed_by"]) == (ADMIN["key_id"], ADMIN["key_name"])
    assert (schedule["old_values"], schedule["new_values"]) == ({"scheduled_hours": [8, 15, 20]},
                                                                {"scheduled_hours": [3, 9]})
    status, rest = request("GET", "/changes", query=f"limit=2&cursor={first['next_cursor']}")
    assert status == 200 and [c["action"] for c in rest["items"]] == ["disable"] and rest["next_cursor"] is None
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in rest["items"])

    status, only = request("GET", "/changes", query="action=schedule")
    assert status == 200 and [c["id"] for c in only["items"]] == [schedule["id"]]
    assert request("GET", "/changes", identity=SOURCER)[0] == 403
    status, bad = request("GET", "/changes", query="action=delete")
    assert status == 422 and bad["error"]["code"] == "validation_error"
    assert request("GET", "/changes", query="cursor=bm90LWpzb24")[0] == 422
