"""Home (queues per role with counts) and the case list (filters, search by every key, saved
views, keyset pages with a bounded number of queries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case, CaseSettings, Status
from returndesk.cases.services.transitions import guard_failures
from returndesk.cases.workflow import TRANSITIONS, cause_required
from returndesk.desk import selectors
from returndesk.desk.models import SavedView
from returndesk.desk.selectors import INBOX_ACTIONS, WAITING_ON_OTHERS, CaseFilters
from returndesk.desk.services import saved_view_delete, saved_view_save

from .conftest import (
    add_photo,
    make_user,
    open_return,
    order_line,
    to_cause_confirmed,
    to_in_transit,
    to_inspected,
    to_received,
    units_payload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoo(agent, supervisor, sales, warehouse, qc, gm, finance, consumer, distributor, customer_user):
    """Cases at every stage the departments work on, each driven by the real services."""
    cases = {}
    cases["submitted"] = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    cases["in_transit"] = to_in_transit(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)),
        agent=agent,
        tracking="SF1000000000001",
    )
    cases["received_quality"] = to_received(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)), agent=agent, warehouse=warehouse,
        tracking="SF1000000000002",
    )  # fmt: skip
    cases["inspected_quality"] = to_inspected(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)), agent=agent, warehouse=warehouse,
        tracking="SF1000000000006",
    )  # fmt: skip
    cases["inspected_no_quality"] = to_inspected(
        open_return(actor=agent, customer=consumer, line=order_line(consumer), reason="C01"),
        agent=agent, warehouse=warehouse, tracking="SF1000000000003",
    )  # fmt: skip
    cases["cause_confirmed"] = to_cause_confirmed(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)),
        agent=agent, warehouse=warehouse, qc=qc, tracking="SF1000000000004",
    )  # fmt: skip
    big = open_return(actor=agent, customer=consumer, line=order_line(consumer, unit_price="6000.00"))
    cases["big_cause_confirmed"] = to_cause_confirmed(
        big, agent=agent, warehouse=warehouse, qc=qc, tracking="SF1000000000005"
    )
    dealer_case = open_return(
        actor=sales, customer=distributor, line=order_line(distributor, quantity=10), quantity=5,
        channel="distributor_notice",
    )  # fmt: skip
    cases["distributor_submitted"] = dealer_case
    dealer_done = open_return(
        actor=sales, customer=distributor, line=order_line(distributor, quantity=10), quantity=3,
        channel="distributor_notice",
    )  # fmt: skip
    add_photo(dealer_done, sales)
    services.case_approve(case=dealer_done, actor=sales, solution="self_ship")
    services.case_confirm_solution(case=dealer_done, actor=sales)
    services.case_receive(case=dealer_done, actor=warehouse, received={str(dealer_done.lines.get().id): 3})
    services.case_inspect(case=dealer_done, actor=warehouse, units=units_payload(dealer_done))
    services.case_confirm_cause(
        case=dealer_done, actor=qc, is_our_product=True, stage="production", responsible_department="生产部",
        handling="返修",
    )  # fmt: skip
    cases["distributor_cause_confirmed"] = dealer_done
    rejected = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    services.case_reject(case=rejected, actor=agent, reason="超期", alternative="维修")
    cases["rejected"] = rejected
    appealed = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    services.case_reject(case=appealed, actor=agent, reason="超期", alternative="维修")
    services.case_appeal(case=appealed, actor=customer_user, reason="我有凭证")
    cases["appealed"] = appealed
    waiting = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    add_photo(waiting, agent)
    services.case_approve(case=waiting, actor=agent, solution="pickup")
    cases["awaiting_customer"] = waiting
    cases["consultation"] = services.case_create(
        actor=agent, customer=consumer, type="consultation", channel="phone", description="怎么升级 BIOS?"
    )
    refund_only = services.case_create(
        actor=agent, customer=consumer, type="refund_only", channel="phone",
        lines=[{"order_line": order_line(consumer), "quantity": 1, "reason": "D01"}],
    )  # fmt: skip
    if refund_only.status == Status.SUBMITTED:
        add_photo(refund_only, agent)
        services.case_approve(case=refund_only, actor=agent)
    cases["refund_only_approved"] = refund_only
    return {k: Case.objects.get(pk=v.pk) for k, v in cases.items()}


def _expected_inbox(role: str, cases) -> set:
    """Inbox membership computed from the workflow's own guard functions, case by case."""
    settings = CaseSettings.current()
    expected = set()
    for case in cases:
        if role == Role.SALES and case.customer.type != "distributor":
            continue
        if role == Role.AGENT and case.customer.type == "distributor":
            continue
        for t in TRANSITIONS:
            if t.action not in INBOX_ACTIONS[role] or role not in t.roles:
                continue
            if case.type not in t.types or case.status not in t.sources:
                continue
            if any(guard.name in WAITING_ON_OTHERS for guard, _res in guard_failures(case, t)):
                continue
            if t.action == "confirm_cause" and not cause_required(case, settings):
                continue
            expected.add(case.number)
    return expected


@pytest.mark.parametrize("role", list(INBOX_ACTIONS))
def test_given_cases_at_every_stage_when_computing_a_department_inbox_then_it_matches_the_workflow_guards(
    role, zoo
):
    user = make_user(f"probe-{role}", role)

    inbox = set(
        Case.objects.filter(selectors.inbox_q(role))
        .exclude(status__in=selectors.TERMINAL)
        .values_list("number", flat=True)
    )

    assert inbox == _expected_inbox(role, zoo.values())
    assert inbox  # every department has work in the zoo
    assert user.role == role


def test_given_the_zoo_then_each_department_sees_exactly_its_next_steps(zoo):
    def inbox(role):
        return {k for k, c in zoo.items() if Case.objects.filter(selectors.inbox_q(role), pk=c.pk).exists()}

    assert inbox(Role.WAREHOUSE) == {"in_transit", "received_quality"}
    assert inbox(Role.QC) == {"inspected_quality"}
    assert inbox(Role.GM) == {"big_cause_confirmed", "distributor_cause_confirmed"}
    assert inbox(Role.FINANCE) == {"inspected_no_quality", "cause_confirmed", "refund_only_approved"}
    assert inbox(Role.SUPERVISOR) == {"appealed"}
    assert inbox(Role.SALES) == {"distributor_submitted"}
    assert inbox(Role.AGENT) == {"submitted", "consultation", "rejected"}


def test_given_an_agent_when_opening_home_then_the_role_queues_are_counted(client, agent, zoo):
    services.case_assign(case=zoo["submitted"], actor=agent, assignee=agent)
    client.force_login(agent)

    response = client.get("/")

    home = response.context["home"]
    counts = {q.spec.key: q.count for q in home.queues}
    assert response.status_code == 200
    assert counts == {"mine": 1, "inbox": 3, "team": 0, "due_soon": 0, "breached": 0, "waiting": 1}
    assert [c.number for c in home.primary_cases] == [zoo["submitted"].number]
    assert "我的工单" in response.content.decode()


def test_given_time_passes_when_the_gm_opens_home_then_breached_cases_are_counted(client, gm, zoo):
    client.force_login(gm)

    with time_machine.travel(timezone.now() + timedelta(days=10)):
        response = client.get("/")
        breached = set(
            Case.objects.filter(selectors.queue_q(gm, "breached")).values_list("number", flat=True)
        )

    counts = {q.spec.key: q.count for q in response.context["home"].queues}
    assert counts["inbox"] == 2
    assert counts["breached"] == len(breached)
    assert zoo["submitted"].number in breached  # nobody answered it in ten days
    assert zoo["rejected"].number not in breached  # answered at once


def test_given_more_cases_than_the_cap_then_the_count_stops_at_the_cap(agent, zoo):
    count, more = selectors.capped_count(Case.objects.all(), cap=3)

    assert (count, more) == (3, True)
    assert selectors.capped_count(Case.objects.all(), cap=100) == (Case.objects.count(), False)


def test_given_a_customer_when_opening_home_then_only_own_cases(client, customer_user, zoo, distributor_user):
    client.force_login(distributor_user)

    response = client.get("/")

    numbers = {c.number for c in response.context["dashboard"].recent}
    assert numbers == {zoo["distributor_submitted"].number, zoo["distributor_cause_confirmed"].number}


# --- the case list ------------------------------------------------------------------------------


def _numbers(response) -> list[str]:
    return [c.number for c in response.context["page"].cases]


def test_given_filters_when_listing_then_only_matching_cases_newest_first(client, agent, zoo):
    client.force_login(agent)

    by_status = client.get("/cases/", {"status": "received"})
    by_type = client.get("/cases/", {"type": "consultation"})
    by_reason = client.get("/cases/", {"reason_class": "customer"})
    by_customer = client.get("/cases/", {"customer": "D001", "order": "oldest"})
    by_queue = client.get("/cases/", {"queue": "inbox"})

    assert _numbers(by_status) == [zoo["received_quality"].number]
    assert _numbers(by_type) == [zoo["consultation"].number]
    assert _numbers(by_reason) == [zoo["inspected_no_quality"].number]
    assert _numbers(by_customer) == [
        zoo["distributor_submitted"].number,
        zoo["distributor_cause_confirmed"].number,
    ]
    assert set(_numbers(by_queue)) == {zoo[k].number for k in ("submitted", "consultation", "rejected")}


@pytest.mark.parametrize(
    "key",
    ["number", "order_number", "phone", "tracking", "serial", "phone_with_prefix"],
)
def test_given_a_search_by_any_key_when_listing_then_the_case_is_found(client, agent, consumer, key):
    line = order_line(consumer, number="HC2026110100001", serials=["SN-HX14-0001", "SN-HX14-0002"])
    case = services.case_create(
        actor=agent, customer=consumer, type="return_refund", channel="phone", contact_phone="13912345678",
        lines=[{"order_line": line, "quantity": 1, "reason": "Q01", "serial_numbers": ["SN-HX14-0002"]}],
    )  # fmt: skip
    to_in_transit(case, agent=agent, tracking="SF1234567890999")
    other = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    text = {
        "number": case.number.lower(), "order_number": "HC2026110100001", "phone": "139 1234 5678",
        "tracking": "sf1234567890999", "serial": "SN-HX14-0002", "phone_with_prefix": "+8613912345678",
    }[key]  # fmt: skip
    client.force_login(agent)

    response = client.get("/cases/", {"q": text})

    assert _numbers(response) == [case.number]
    assert other.number not in response.content.decode()


def test_given_a_customer_phone_when_searching_then_every_case_of_that_customer(client, agent, consumer, zoo):
    client.force_login(agent)

    response = client.get("/cases/", {"q": consumer.phone})

    assert set(_numbers(response)) == {c.number for c in zoo.values() if c.customer_id == consumer.id}


def test_given_an_unknown_search_when_listing_then_empty_with_a_message(client, agent, zoo):
    client.force_login(agent)

    response = client.get("/cases/", {"q": "nothing-like-this"})

    assert _numbers(response) == []
    assert "没有符合条件的工单。" in response.content.decode()


def test_given_a_start_after_the_end_when_listing_then_422_with_the_reason(client, agent, zoo):
    client.force_login(agent)

    response = client.get("/cases/", {"created_from": "2026-12-01", "created_to": "2026-11-01"})

    assert response.status_code == 422
    assert "开始日期晚于结束日期。" in response.content.decode()


def test_given_date_bounds_when_listing_then_whole_local_days_count(client, agent, zoo):
    client.force_login(agent)
    today = timezone.localdate()

    inside = client.get("/cases/", {"created_from": today.isoformat(), "created_to": today.isoformat()})
    before = client.get("/cases/", {"created_to": (today - timedelta(days=1)).isoformat()})

    assert set(_numbers(inside)) == {c.number for c in zoo.values()}
    assert _numbers(before) == []


def test_given_pages_of_two_when_following_the_cursor_then_every_case_once_in_number_order(agent, zoo):
    seen, cursor = [], None
    for _ in range(20):
        page = selectors.case_list_page(user=agent, filters=CaseFilters(), cursor=cursor, limit=2)
        seen.extend(c.number for c in page.cases)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == sorted((c.number for c in zoo.values()), reverse=True)


def test_given_a_list_page_then_the_number_of_queries_does_not_grow_with_the_page_size(client, agent, zoo):
    client.force_login(agent)
    client.get("/cases/")  # warm up (session, content types)

    with CaptureQueriesContext(connection) as small:
        client.get("/cases/", {"status": "received"})
    with CaptureQueriesContext(connection) as large:
        client.get("/cases/")

    assert len(large) == len(small)


def test_given_a_bad_cursor_when_listing_then_first_page_with_a_notice(client, agent, zoo):
    client.force_login(agent)

    response = client.get("/cases/", {"cursor": "!!!"})

    assert response.status_code == 200
    assert response.context["page"].cursor_invalid is True
    assert len(_numbers(response)) == len(zoo)


def test_given_htmx_and_a_cursor_then_only_the_next_rows_come_back(client, agent, zoo):
    client.force_login(agent)
    first = selectors.case_list_page(user=agent, filters=CaseFilters(), limit=50)
    cursor = selectors._encode(first.cases[3].number)

    response = client.get("/cases/", {"cursor": cursor}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert first.cases[4].number in html
    assert first.cases[3].number not in html


def test_given_a_customer_when_opening_the_case_list_then_403(client, customer_user):
    client.force_login(customer_user)

    assert client.get("/cases/").status_code == 403


# --- saved views ----------------------------------------------------------------------------------


def test_given_filters_when_saving_a_view_then_it_is_listed_and_reopens_them(client, agent, zoo):
    client.force_login(agent)

    response = client.post(
        reverse("saved_view_save"), {"name": "已收货", "status": "received", "order": "oldest"}
    )

    view = SavedView.objects.get(owner=agent)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases/?order=oldest&status=received"
    assert (view.name, view.filters) == ("已收货", {"status": "received", "order": "oldest"})
    page = client.get("/cases/")
    assert 'href="?order=oldest&amp;status=received">已收货</a>' in page.content.decode()


def test_given_the_same_name_when_saving_again_then_the_view_is_replaced(agent):
    saved_view_save(actor=agent, name="我的", filters={"status": "received"})

    saved_view_save(actor=agent, name="我的", filters={"type": "exchange", "bogus": "x"})

    assert list(SavedView.objects.values_list("name", "filters")) == [("我的", {"type": "exchange"})]


def test_given_no_name_when_saving_a_view_then_refused_with_a_message(client, agent):
    client.force_login(agent)

    response = client.post(reverse("saved_view_save"), {"name": "", "status": "received"}, follow=True)

    assert SavedView.objects.count() == 0
    assert "这个字段是必填项。" in response.content.decode()


def test_given_another_users_view_when_deleting_it_then_404_and_it_stays(client, agent, agent2):
    view = saved_view_save(actor=agent2, name="别人的", filters={"status": "received"})
    client.force_login(agent)

    response = client.post(reverse("saved_view_delete", args=[view.pk]))

    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_given_own_view_when_deleting_it_then_it_is_gone(agent):
    view = saved_view_save(actor=agent, name="临时", filters={})

    saved_view_delete(actor=agent, view_id=view.pk)

    assert not SavedView.objects.exists()


def test_given_the_view_limit_when_saving_one_more_then_refused_and_nothing_added(agent):
    from returndesk.core.errors import DomainError
    from returndesk.desk.services import MAX_VIEWS_PER_USER

    for n in range(MAX_VIEWS_PER_USER):
        saved_view_save(actor=agent, name=f"v{n}", filters={})

    with pytest.raises(DomainError) as refused:
        saved_view_save(actor=agent, name="one more", filters={})

    assert refused.value.code == "desk.saved_view_limit"
    assert SavedView.objects.count() == MAX_VIEWS_PER_USER


@pytest.mark.parametrize("days", [0, 10])
@pytest.mark.parametrize("state", ["breached", "warning", "on_track", "paused", "cannot_compute"])
def test_given_the_zoo_at_several_moments_then_the_desk_sla_filter_equals_the_sla_selector(zoo, state, days):
    """desk.selectors.sla_q picks a faster plan per state; it must mean what sla.selectors says."""
    from returndesk.sla.selectors import case_ids_in_sla_state

    moment = timezone.now() + timedelta(days=days)

    desk = set(Case.objects.filter(selectors.sla_q(state, now=moment)).values_list("number", flat=True))
    sla = set(
        Case.objects.filter(id__in=case_ids_in_sla_state(state, now=moment)).values_list("number", flat=True)
    )

    assert desk == sla


def test_given_a_non_quality_distributor_return_when_sales_opens_it_then_approval_is_blocked_with_the_reason(
    client, sales, distributor
):
    """Seed S2: 非质量原因由销售通知经销商不予退货 — the policy refuses at review; sales rejects."""
    case = services.case_create(
        actor=sales, customer=distributor, type="return_refund", channel="distributor_notice",
        lines=[{"order_line": order_line(distributor, quantity=10), "quantity": 2, "reason": "C01"}],
    )  # fmt: skip
    client.force_login(sales)

    page = client.get(reverse("case_detail", args=[case.pk]))
    rejected = client.post(
        reverse("case_action", args=[case.pk, "reject"]),
        {
            "reject-version": case.version,
            "reject-reason": "非质量原因,不予退货",
            "reject-alternative": "可协助转售",
        },
    )

    approve = next(e["item"] for e in page.context["action_forms"] if e["item"].action == "approve")
    assert approve.enabled is False
    assert "非质量原因的经销商退货不予受理,请由销售通知经销商" in page.content.decode()
    assert rejected.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.REJECTED
