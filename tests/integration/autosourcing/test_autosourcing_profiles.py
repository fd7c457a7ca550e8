"""Saved profiles: the three seeded ones, create (409 on a taken name), get, update, deactivate."""

from __future__ import annotations

import uuid

from autosourcing_support import SEEDED_PROFILES, request

BODY = {"name": "Cheap programming books", "description": "under $40",
        "discovery_config": {"category_id": 3839, "price_max": 40, "max_results": 30},
        "scoring_config": {"roi_min": 25, "rating_required": "FAIR", "max_results": 10}}


def test_the_three_profiles_are_seeded() -> None:
    status, _, profiles = request("GET", "/profiles")

    assert status == 200, profiles
    by_name = {p["name"]: p for p in profiles}
    assert set(SEEDED_PROFILES) <= set(by_name)
    textbooks = by_name["Textbooks Conservateur"]
    assert (textbooks["discovery_config"]["bsr_min"], textbooks["discovery_config"]["bsr_max"]) == (1000, 25000)
    assert textbooks["scoring_config"]["rating_required"] == "EXCELLENT"
    assert textbooks["scoring_config"]["max_results"] == 15


def test_create_get_update_and_deactivate() -> None:
    status, _, created = request("POST", "/profiles", json_body=BODY)
    assert status == 201, created
    assert created["discovery_config"]["price_max"] == "40"
    assert created["scoring_config"]["roi_min"] == "25" and created["scoring_config"]["velocity_min"] == "70"
    profile_id = created["id"]
    one = {"route": "/profiles/{profile_id}", "path_parameters": {"profile_id": profile_id}}

    status, _, read = request("GET", f"/profiles/{profile_id}", **one)
    assert status == 200 and read == created

    status, _, changed = request("PATCH", f"/profiles/{profile_id}", json_body={"description": "cheaper"}, **one)
    assert status == 200, changed
    assert changed["description"] == "cheaper" and changed["name"] == BODY["name"]

    status, _, gone = request("DELETE", f"/profiles/{profile_id}", **one)
    assert status == 200 and gone["active"] is False
    _, _, active = request("GET", "/profiles")
    _, _, every = request("GET", "/profiles", query="active_only=false")
    assert profile_id not in {p["id"] for p in active}
    assert profile_id in {p["id"] for p in every}


def test_a_taken_name_is_409() -> None:
    request("POST", "/profiles", json_body=BODY)

    status, _, answer = request("POST", "/profiles", json_body=BODY)

    assert status == 409, answer
    assert answer["error"]["code"] == "profile_name_taken"
    status, _, renamed = request("POST", "/profiles", json_body={**BODY, "name": "Another"})
    profile_id = renamed["id"]
    status, _, answer = request("PATCH", f"/profiles/{profile_id}", json_body={"name": BODY["name"]},
                                route="/profiles/{profile_id}", path_parameters={"profile_id": profile_id})
    assert status == 409, answer


def test_unknown_profile_is_404_and_bad_configs_are_422() -> None:
    missing = str(uuid.uuid4())
    status, _, answer = request("GET", f"/profiles/{missing}", route="/profiles/{profile_id}",
                                path_parameters={"profile_id": missing})
    assert status == 404, answer

    status, _, answer = request("POST", "/profiles", json_body={
        **BODY, "discovery_config": {"bsr_min": 5000, "bsr_max": 10}})
    assert status == 422 and answer["error"]["code"] == "validation_error"
    status, _, answer = request("POST", "/profiles", json_body={**BODY, "name": "ab"})
    assert status == 422 and answer["error"]["details"][0]["field"] == "body.name"


def test_null_fields_of_an_update_leave_the_profile_as_it_is_but_clear_the_description() -> None:
    status, _, created = request("POST", "/profiles", json_body={**BODY, "name": "Nulls sent"})
    assert status == 201, created
    profile_id = created["id"]

    status, _, changed = request("PATCH", f"/profiles/{profile_id}", route="/profiles/{profile_id}",
                                 path_parameters={"profile_id": profile_id},
                                 json_body={"name": None, "active": None, "description": None,
                                            "discovery_config": None, "scoring_config": None})

    assert status == 200, changed
    assert (changed["name"], changed["active"], changed["description"]) == ("Nulls sent", True, None)
    assert changed["discovery_config"] == created["discovery_config"]
