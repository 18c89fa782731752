"""Follow-ups over the API: the customer's survey, staff calls and the due list (docs/followups.md)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from returndesk.accounts.roles import Role
from returndesk.catalog.tests.factories import make_customer
from returndesk.followups.models import FollowUp

from . import cases_helpers as h
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(db):
    h.load_reasons()
    staff = h.Staff()
    customer = make_customer(code="A")
    customer_api = api_as(make_user(Role.CUSTOMER, customer=customer))
    cases = []
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), tick=False):
        for _ in range(3):
            case = h.open_case(staff.user(Role.AGENT), customer, h.order_line(customer))
            h.rejected(case, staff)
            staff.api(Role.AGENT).post(f"/cases/{case.pk}/actions/close", {})
            cases.append(case)
    return staff, customer_api, cases


def test_given_a_closed_case_when_the_customer_rates_it_then_200_with_the_answer_and_a_repeat_is_409(world):
    _staff, customer_api, cases = world

    response = customer_api.post(
        f"/cases/{cases[0].pk}/survey", {"rating": 4, "resolved": True, "comment": "快"}
    )
    again = customer_api.post(f"/cases/{cases[0].pk}/survey", {"rating": 1, "resolved": False})

    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("case_number", "status", "method", "rating", "resolved", "comment", "due_on")} == {
        "case_number": cases[0].number, "status": "done", "method": "portal", "rating": 4, "resolved": True,
        "comment": "快", "due_on": "2026-12-02",
    }  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "followup.already_done")
    assert FollowUp.objects.get(case=cases[0]).rating == 4


def test_given_a_rating_of_7_when_submitted_in_english_then_422_with_a_field_error_and_nothing_saved(world):
    _staff, customer_api, cases = world

    response = customer_api.post(
        f"/cases/{cases[0].pk}/survey", {"rating": 7, "resolved": True}, **{"Accept-Language": "en"}
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "followup.rating_invalid"
    assert problem["detail"] == "The rating must be a whole number from 1 to 5"
    assert FollowUp.objects.get(case=cases[0]).status == "due"


def test_given_three_due_follow_ups_when_listing_two_per_page_then_all_come_once_in_due_order(world):
    staff, _customer_api, cases = world
    agent = staff.api(Role.AGENT)
    agent.post(f"/cases/{cases[1].pk}/followup-calls", {"outcome": "answered", "rating": 5, "resolved": True})

    first = agent.get("/followups/due?on=2026-12-02&limit=1").json()
    second = agent.get(f"/followups/due?on=2026-12-02&limit=1&cursor={first['next_cursor']}").json()
    none_yet = agent.get("/followups/due?on=2026-12-01").json()

    numbers = sorted(c.number for c in (cases[0], cases[2]))
    served = [i["case_number"] for i in first["items"] + second["items"]]
    assert sorted(served) == numbers and len(served) == 2  # equal due dates: then by id, each once
    assert second["next_cursor"] is None
    assert none_yet == {"items": [], "next_cursor": None}
