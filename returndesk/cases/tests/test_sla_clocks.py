"""SLA clocks on cases (issue 7): targets per priority and tier (seed S1 四: 24 h first response,
72 h detailed solution, shorter for urgent issues and key accounts), counted in working time on
China's official calendar, paused while the case waits for the customer; warnings, breaches and
escalation; and a calendar that refuses years it does not know. The clock is moved with
time-machine across weekends, National Day 2026 and its make-up working days (调休)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from returndesk.accounts.models import Team, User
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import CaseEvent
from returndesk.cases.tasks import sla_scan, timeouts_scan
from returndesk.core.models import CalendarDay, CalendarYear
from returndesk.notifications.services import outbox_deliver_due
from returndesk.sla.models import CaseClock, EscalationRule, SlaPolicy, WorkingHours, WorkingPeriod
from returndesk.sla.selectors import SlaState, case_ids_in_sla_state, case_sla_view
from returndesk.sla.services import clock_on_transition, sla_recompute

from .helpers import open_case

SH = ZoneInfo("Asia/Shanghai")
H = 3600


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def targets(case) -> dict:
    """The targets of the clock's current review round, by kind."""
    clock = CaseClock.objects.get(case=case)
    return {t.kind: t for t in clock.targets.filter(round=clock.round)}


def rounds(case) -> dict:
    """(state, due time) of every target of every round, by (round, kind)."""
    clock = CaseClock.objects.get(case=case)
    return {(t.round, t.kind): (t.state, t.due_at) for t in clock.targets.all()}


def due(case) -> dict:
    return {kind: (t.state, t.due_at) for kind, t in targets(case).items()}


def set_policy(priority: str, customer_type: str, first: int, solution: int, warning: int = 75) -> None:
    SlaPolicy.objects.update_or_create(
        priority=priority,
        customer_type=customer_type,
        defaults={"name": f"{priority}/{customer_type}", "first_response_hours": first, "solution_hours": solution,
                  "warning_percent": warning, "is_active": True},
    )  # fmt: skip


@pytest.fixture
def no_reason_case(consumer, consumer_user, make_line):
    """open(when, **kw): a consumer's 7-day no-reason return (reason C01) opened at `when`."""

    def open_at(when: datetime, **kw):
        with time_machine.travel(when, tick=False):
            ol = make_line(consumer, quantity=2)
            return open_case(actor=consumer_user, customer=consumer, order_line=ol, reason="C01", **kw)

    return open_at


def test_given_the_seed_defaults_when_a_normal_case_opens_on_friday_afternoon_then_24_and_72_working_hours_skip_weekends(
    no_reason_case,
):
    case = no_reason_case(at(11, 20, 16))

    assert due(case) == {
        "first_response": ("running", at(11, 25, 17, 30)),  # Fri 2 h + Mon 7.5 + Tue 7.5 + Wed 7 h
        "solution": ("running", at(12, 4, 11, 30)),
    }
    clock = CaseClock.objects.get(case=case)
    assert (clock.policy_name, clock.problem) == ("默认 / Default", "")
    assert targets(case)["first_response"].warn_at == at(11, 25, 10)  # 75 % of 24 h = 18 h


def test_given_an_urgent_case_on_national_day_eve_when_timed_then_golden_week_is_skipped_and_make_up_saturday_counts(
    no_reason_case,
):
    set_policy("urgent", "", first=4, solution=24)

    case = no_reason_case(at(9, 30, 16), priority="urgent")

    assert due(case) == {
        "first_response": ("running", at(10, 8, 11)),  # Wed 2 h, 10-01..07 off, Thu 2 h
        "solution": ("running", at(10, 10, 17, 30)),  # …Thu 7.5, Fri 7.5, Sat 10-10 (调休) 6.5
    }


def test_given_a_make_up_sunday_when_an_urgent_case_opens_on_friday_then_due_on_sunday_09_20(no_reason_case):
    set_policy("urgent", "", first=4, solution=24)

    case = no_reason_case(at(9, 18, 17), priority="urgent")

    assert due(case)["first_response"] == ("running", at(9, 20, 12))


def test_given_key_accounts_and_urgent_policies_when_resolving_then_the_most_specific_wins(
    key_account, agent, make_line
):
    set_policy("", "key_account", first=8, solution=36)
    set_policy("urgent", "", first=4, solution=24)
    set_policy("urgent", "key_account", first=2, solution=16)
    with time_machine.travel(at(11, 23, 9), tick=False):
        high = open_case(actor=agent, customer=key_account, order_line=make_line(key_account), reason="C01")
        urgent = open_case(
            actor=agent,
            customer=key_account,
            order_line=make_line(key_account),
            reason="C01",
            priority="urgent",
        )

    # A key account is raised to high priority at intake; the strictest matching policy applies.
    assert (high.priority, CaseClock.objects.get(case=high).policy_name) == ("high", "/key_account")
    assert {k: t.target_minutes for k, t in targets(high).items()} == {
        "first_response": 480,
        "solution": 2160,
    }
    assert {k: t.target_minutes for k, t in targets(urgent).items()} == {
        "first_response": 120,
        "solution": 960,
    }


def test_given_a_team_with_its_own_hours_when_a_case_is_assigned_to_it_then_due_times_follow_those_hours(
    no_reason_case, supervisor, agent
):
    team = Team.objects.create(name="夜班组", role=Role.AGENT)
    hours = WorkingHours.objects.create(name="夜班", team=team)
    WorkingPeriod.objects.create(hours=hours, start="08:00", end="20:00")
    set_policy("urgent", "", first=4, solution=24)
    case = no_reason_case(at(11, 23, 17), priority="urgent")
    assert due(case)["first_response"] == ("running", at(11, 24, 12))

    with time_machine.travel(at(11, 23, 17, 30), tick=False):
        services.case_assign(case=case, actor=supervisor, assignee=agent, team=team)

    assert due(case)["first_response"] == ("running", at(11, 24, 9))  # 17:00–20:00, then 08:00–09:00
    assert CaseClock.objects.get(case=case).team_id == team.id


def test_given_a_solution_offered_when_the_customer_declines_and_later_confirms_then_only_company_time_counts(
    no_reason_case, agent, consumer_user
):
    set_policy("urgent", "", first=4, solution=8)
    case = no_reason_case(at(11, 23, 9), priority="urgent")

    with time_machine.travel(at(11, 23, 11), tick=False):  # 2 h used
        services.case_approve(case=case, actor=agent, solution="self_ship")
    assert due(case) == {"first_response": ("met", at(11, 23, 14, 30)), "solution": ("paused", None)}
    assert targets(case)["first_response"].overrun_seconds == 0

    with time_machine.travel(at(11, 25, 9), tick=False):  # two days waiting for the customer: not counted
        services.case_decline_solution(case=case, actor=consumer_user, reason="想换成上门取件")
    assert due(case)["solution"] == ("running", at(11, 25, 16, 30))  # 6 h left: 09–12, 13:30–16:30

    with time_machine.travel(at(11, 25, 14), tick=False):
        services.case_approve(case=case, actor=agent, solution="pickup")
    with time_machine.travel(at(11, 26, 10), tick=False):
        services.case_confirm_solution(
            case=case, actor=consumer_user, pickup_window_start=at(11, 27, 9), pickup_window_end=at(11, 27, 11),
            carrier="SF", pickup_address="上海市徐汇区漕溪北路 88 号",
        )  # fmt: skip

    solution = targets(case)["solution"]
    assert (solution.state, solution.met_at, solution.overrun_seconds) == ("met", at(11, 26, 10), 0)
    company_hours = [["09:00", "12:00"], ["13:30", "18:00"]]
    assert solution.segments == [
        [at(11, 23, 9).isoformat(), at(11, 23, 11).isoformat(), company_hours],
        [at(11, 25, 9).isoformat(), at(11, 25, 14).isoformat(), company_hours],
    ]


def test_given_a_staff_message_to_the_customer_when_written_then_it_is_the_first_response_but_an_internal_note_is_not(
    no_reason_case, agent
):
    case = no_reason_case(at(11, 23, 9))
    with time_machine.travel(at(11, 23, 10), tick=False):
        services.case_add_note(case=case, actor=agent, text="内部:待查库存", internal=True)
    assert targets(case)["first_response"].state == "running"

    with time_machine.travel(at(11, 23, 10, 30), tick=False):
        services.case_add_note(case=case, actor=agent, text="您好,我们已收到您的申请", internal=False)

    first = targets(case)["first_response"]
    assert (first.state, first.met_at, targets(case)["solution"].state) == (
        "met",
        at(11, 23, 10, 30),
        "running",
    )


def test_given_the_customer_cancels_when_targets_run_then_they_stop_without_counting_as_met(
    no_reason_case, consumer_user
):
    case = no_reason_case(at(11, 23, 9))
    with time_machine.travel(at(11, 23, 9, 30), tick=False):
        services.case_cancel(case=case, actor=consumer_user, reason="不需要了")

    assert {k: (t.state, t.stopped_at) for k, t in targets(case).items()} == {
        "first_response": ("stopped", at(11, 23, 9, 30)),
        "solution": ("stopped", at(11, 23, 9, 30)),
    }


# --- warnings, breaches, escalation -------------------------------------------------------------


@pytest.fixture
def urgent_case(no_reason_case):
    set_policy("urgent", "", first=4, solution=8)
    return no_reason_case(at(11, 23, 9), priority="urgent")  # first response due 14:30, warn 12:00


def sla_events(case) -> list[tuple[str, str, dict]]:
    rows = CaseEvent.objects.filter(case=case, type__startswith="sla_").order_by("sequence")
    return [(e.type, e.actor_role, e.data) for e in rows]


def test_given_75_percent_of_the_first_response_used_when_scanned_twice_then_one_warning_to_the_supervisors(
    urgent_case, supervisor
):
    supervisor.email = "boss@example.com"
    supervisor.save(update_fields=["email"])

    with time_machine.travel(at(11, 23, 11, 59), tick=False):
        assert sla_scan() == {}
    with time_machine.travel(at(11, 23, 12), tick=False):
        first, second = sla_scan(), sla_scan()
        outbox_deliver_due()  # the wake-up at commit never comes inside a test transaction

    assert (first, second) == ({"warned": 1}, {})
    assert sla_events(urgent_case) == [
        ("sla_warning", "system",
         {"target": "first_response", "round": 1, "due_at": at(11, 23, 14, 30).isoformat(),
          "target_hours": 4.0, "policy": "urgent/", "warning_percent": 75}),
    ]  # fmt: skip
    assert [(m.to, m.subject) for m in mail.outbox if m.to == ["boss@example.com"]] == [
        (["boss@example.com"], f"【{urgent_case.number}】服务时效预警:首次响应")
    ]


def test_given_the_first_response_overdue_when_scanned_twice_then_one_breach_escalates_and_reassigns_by_rule(
    urgent_case, supervisor, agent
):
    EscalationRule.objects.create(target="first_response", priority="urgent", reassign_to=supervisor)

    with time_machine.travel(at(11, 23, 14, 30), tick=False):
        first, second = sla_scan(), sla_scan()

    assert (first, second) == ({"escalated": 1}, {})
    urgent_case.refresh_from_db()
    assert (urgent_case.assignee, urgent_case.version) == (supervisor, 2)
    ((kind, role, data),) = sla_events(urgent_case)  # the breach counts as the warning: none after it
    assert (kind, role, data["target"], data["due_at"]) == (
        "sla_breached", "system", "first_response", at(11, 23, 14, 30).isoformat(),
    )  # fmt: skip
    assert data["reassigned"]["assignee"] == str(supervisor.pk)

    with time_machine.travel(at(11, 24, 10), tick=False):  # met the next morning: late by 3.5 h + 1 h
        services.case_approve(case=urgent_case, actor=supervisor, solution="self_ship")
    first_response = targets(urgent_case)["first_response"]
    assert (first_response.state, first_response.overrun_seconds) == ("met", int(4.5 * H))
    view = case_sla_view(urgent_case, now=at(11, 24, 10))
    assert [(t.kind, t.breached, t.overrun_text) for t in view.targets] == [
        ("first_response", True, "4 h 30 min"),
        ("solution", True, ""),  # paused, but already 30 min over its 8 h (Mon 7.5 h + Tue 1 h)
    ]
    assert (view.targets[1].state, view.targets[1].remaining_seconds) == ("paused", -0.5 * H)


def test_given_a_running_target_when_the_case_page_is_opened_by_staff_then_due_times_and_time_left_are_shown(
    urgent_case, agent, client, consumer_user
):
    client.force_login(agent)
    with time_machine.travel(at(11, 23, 13, 30), tick=False):
        response = client.get(reverse("case_detail", args=[urgent_case.id]), HTTP_ACCEPT_LANGUAGE="en")
        view = case_sla_view(urgent_case)

    assert [(t.kind, t.due_at, t.remaining_text, t.overdue) for t in view.targets] == [
        ("first_response", at(11, 23, 14, 30), "1 h 00 min", False),
        ("solution", at(11, 24, 9, 30), "5 h 00 min", False),
    ]
    html = response.content.decode()
    assert 'id="sla"' in html
    assert "2026-11-23 14:30" in html and "1 h 00 min" in html
    client.force_login(consumer_user)
    assert 'id="sla"' not in client.get(reverse("case_detail", args=[urgent_case.id])).content.decode()


# --- a calendar that refuses years it does not know (2027 is not in chinese-calendar 1.11) --------


def test_given_a_case_whose_targets_reach_2027_when_opened_then_cannot_compute_is_recorded_and_later_filled_in(
    no_reason_case, agent, client
):
    case = no_reason_case(at(12, 30, 10))

    clock = CaseClock.objects.get(case=case)
    assert (clock.problem, due(case)) == (
        "calendar.out_of_range:2027",
        {"first_response": ("running", None), "solution": ("running", None)},
    )
    view = case_sla_view(case, now=at(12, 30, 10), language="en")
    assert view.problem.startswith("The official holiday schedule for 2027 is not known yet")
    assert [t.remaining_seconds for t in view.targets] == [24 * H, 72 * H]  # nothing used yet

    admin_user = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(admin_user)
    page = client.get(reverse("admin:sla_caseclock_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert "1 cannot be computed" in page.content.decode()

    CalendarYear.objects.create(year=2027, complete=True, source="国务院办公厅通知")
    CalendarDay.objects.create(date=datetime(2027, 1, 1).date(), is_workday=False, name="元旦")
    with time_machine.travel(at(12, 30, 11), tick=False):
        assert sla_recompute() == 1

    clock.refresh_from_db()
    assert clock.problem == ""
    assert due(case)["first_response"] == ("running", at(1, 5, 11, 30, year=2027))  # 14 h + Mon 7.5 + Tue 2.5


def test_given_an_unknown_year_ahead_when_a_transition_needs_it_then_the_transition_succeeds_and_the_clock_says_why(
    no_reason_case, agent, consumer_user
):
    case = no_reason_case(at(12, 30, 10))
    with time_machine.travel(at(12, 30, 11), tick=False):
        services.case_approve(case=case, actor=agent, solution="self_ship")
    assert CaseClock.objects.get(case=case).problem == ""  # nothing running reaches 2027 now

    with time_machine.travel(at(12, 31, 17), tick=False):
        services.case_decline_solution(case=case, actor=consumer_user, reason="再商量")

    case.refresh_from_db()
    assert case.status == "submitted"
    assert CaseClock.objects.get(case=case).problem == "calendar.out_of_range:2027"
    assert due(case)["solution"] == ("running", None)


def test_given_one_target_met_when_the_other_still_reaches_2027_then_the_clock_keeps_its_problem(
    no_reason_case, agent
):
    case = no_reason_case(at(12, 30, 10))
    with time_machine.travel(at(12, 30, 11), tick=False):
        services.case_add_note(case=case, actor=agent, text="您好,已收到", internal=False)

    assert due(case)["solution"] == ("running", None)
    assert (targets(case)["first_response"].state, CaseClock.objects.get(case=case).problem) == (
        "met",
        "calendar.out_of_range:2027",
    )


# --- review rounds: a closed case reopened, a rejection overturned on appeal ----------------------


def reject_and_close(case, agent, *, rejected_at: datetime, closed_at: datetime) -> None:
    with time_machine.travel(rejected_at, tick=False):
        services.case_reject(case=case, actor=agent, reason="已超过退货期限", alternative="可申请维修")
    with time_machine.travel(closed_at, tick=False):
        services.case_close(case=case, actor=agent)


def test_given_a_closed_case_when_a_supervisor_reopens_it_then_a_new_round_times_both_targets_from_the_reopen(
    urgent_case, agent, supervisor, client
):
    reject_and_close(urgent_case, agent, rejected_at=at(11, 23, 10), closed_at=at(11, 23, 10, 30))

    with time_machine.travel(at(11, 25, 16), tick=False):  # Wednesday, two hours before closing time
        services.case_reopen(case=urgent_case, actor=supervisor, reason="客户补充了新的证据")

    assert rounds(urgent_case) == {
        (1, "first_response"): ("met", at(11, 23, 14, 30)),
        (1, "solution"): ("met", at(11, 24, 9, 30)),
        (2, "first_response"): ("running", at(11, 26, 11)),  # Wed 16–18 2 h, Thu 09–11
        (2, "solution"): ("running", at(11, 26, 16, 30)),  # Wed 2 h, Thu 09–12, 13:30–16:30
    }
    new = targets(urgent_case)  # reopening is not the new round's first response
    assert {k: (t.warn_at, t.warned_at, t.met_at) for k, t in new.items()} == {
        "first_response": (at(11, 26, 10), None, None),
        "solution": (at(11, 26, 14, 30), None, None),
    }
    assert CaseClock.objects.get(case=urgent_case).round == 2

    view = case_sla_view(urgent_case, now=at(11, 26, 9))
    assert (view.round, [(t.kind, t.remaining_text) for t in view.targets]) == (
        2,
        [("first_response", "2 h 00 min"), ("solution", "6 h 00 min")],
    )
    assert [(t.round, t.kind, t.state, t.met_at) for t in view.earlier] == [
        (1, "first_response", "met", at(11, 23, 10)),
        (1, "solution", "met", at(11, 23, 10)),
    ]
    client.force_login(agent)
    with time_machine.travel(at(11, 26, 9), tick=False):
        html = client.get(
            reverse("case_detail", args=[urgent_case.id]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "review round 2" in html and "(round 1)" in html and "2026-11-26 11:00" in html


def test_given_a_rejection_overturned_on_appeal_when_reviewed_again_then_the_new_round_runs_escalates_and_records_lateness(
    urgent_case, agent, supervisor, consumer_user
):
    with time_machine.travel(at(11, 23, 10), tick=False):
        services.case_reject(case=urgent_case, actor=agent, reason="非质量问题", alternative="可申请维修")
    with time_machine.travel(at(11, 23, 11), tick=False):
        services.case_appeal(case=urgent_case, actor=consumer_user, reason="商品确有质量问题")

    with time_machine.travel(at(11, 24, 13), tick=False):  # in the lunch break: counts from 13:30
        services.case_overturn_rejection(case=urgent_case, actor=supervisor, opinion="证据充分,重新审核")

    assert rounds(urgent_case) == {
        (1, "first_response"): ("met", at(11, 23, 14, 30)),
        (1, "solution"): ("met", at(11, 24, 9, 30)),
        (2, "first_response"): ("running", at(11, 24, 17, 30)),  # Tue 13:30–17:30
        (2, "solution"): ("running", at(11, 25, 14)),  # Tue 4.5 h, Wed 09–12, 13:30–14:00
    }

    with time_machine.travel(at(11, 24, 17, 30), tick=False):
        assert (sla_scan(), sla_scan()) == ({"escalated": 1}, {})
    with time_machine.travel(at(11, 25, 9), tick=False):
        services.case_approve(case=urgent_case, actor=agent, solution="self_ship")

    first_response = targets(urgent_case)["first_response"]
    assert (first_response.round, first_response.state, first_response.met_at, first_response.overrun_seconds) == (
        2, "met", at(11, 25, 9), int(0.5 * H),
    )  # fmt: skip
    assert [(kind, data["target"], data["round"]) for kind, _role, data in sla_events(urgent_case)] == [
        ("sla_breached", "first_response", 2)
    ]


def test_given_round_one_breached_when_the_reopened_case_reaches_its_new_warning_time_then_it_warns_exactly_once(
    urgent_case, agent, supervisor
):
    with time_machine.travel(at(11, 23, 14, 30), tick=False):
        assert sla_scan() == {"escalated": 1}
    reject_and_close(urgent_case, agent, rejected_at=at(11, 23, 15), closed_at=at(11, 23, 15, 30))
    with time_machine.travel(at(11, 24, 9), tick=False):
        services.case_reopen(case=urgent_case, actor=supervisor, reason="客户补充了新的证据")

    with time_machine.travel(at(11, 24, 11, 59), tick=False):
        assert sla_scan() == {}
    with time_machine.travel(at(11, 24, 12), tick=False):  # 3 h of the new 4 h first response
        first, second = sla_scan(), sla_scan()

    assert (first, second) == ({"warned": 1}, {})
    assert [(kind, data["target"], data["round"], data["due_at"]) for kind, _role, data in sla_events(urgent_case)] == [
        ("sla_breached", "first_response", 1, at(11, 23, 14, 30).isoformat()),
        ("sla_warning", "first_response", 2, at(11, 24, 14, 30).isoformat()),
    ]  # fmt: skip
    # Lists judge the current round: round 1's breach stays on the case page and the timeline.
    now = at(11, 24, 12, 30)
    in_state = {
        state: set(case_ids_in_sla_state(state, now=now).values_list("case_id", flat=True))
        for state in SlaState
    }
    assert {state for state, ids in in_state.items() if urgent_case.id in ids} == {SlaState.WARNING}
    assert [
        (t.round, t.kind, t.breached, t.overrun_text) for t in case_sla_view(urgent_case, now=now).earlier
    ] == [
        (1, "first_response", True, "0 h 30 min"),
        (1, "solution", False, "0 h 00 min"),
    ]


def test_given_targets_still_open_when_a_new_round_starts_then_they_are_stopped_before_the_new_ones_run(
    urgent_case,
):
    # No workflow step does this today (a decision meets both targets before a case can come back
    # to review); the hook must still keep one open target per kind (sla_target_one_open_per_kind).
    clock_on_transition(
        case=urgent_case,
        from_status="appealed",
        to_status="submitted",
        at=at(11, 23, 10),
        actor_role="supervisor",
    )

    assert rounds(urgent_case) == {
        (1, "first_response"): ("stopped", at(11, 23, 14, 30)),
        (1, "solution"): ("stopped", at(11, 24, 9, 30)),
        (2, "first_response"): ("running", at(11, 23, 15, 30)),
        (2, "solution"): ("running", at(11, 24, 10, 30)),
    }


def test_given_warning_and_due_times_passed_unscanned_when_the_customer_cancels_then_no_scan_warns_or_escalates(
    urgent_case, consumer_user
):
    with time_machine.travel(
        at(11, 23, 15), tick=False
    ):  # first response: warn 12:00, due 14:30, never scanned
        services.case_cancel(case=urgent_case, actor=consumer_user, reason="不需要了")
    stopped = targets(urgent_case)
    assert {k: (t.state, t.stopped_at, t.overrun_seconds) for k, t in stopped.items()} == {
        "first_response": ("stopped", at(11, 23, 15), int(0.5 * H)),
        "solution": ("stopped", at(11, 23, 15), 0),
    }

    with time_machine.travel(at(11, 30, 9), tick=False):
        assert (sla_scan(), sla_scan()) == ({}, {})
        # A scan that read the ids before the case stopped finds nothing to claim either.
        outcomes = [
            services.case_sla_alert(target_id=t.id, case_id=urgent_case.id, kind=kind)
            for t in stopped.values()
            for kind in ("breach", "warning")
        ]

    assert (outcomes, sla_events(urgent_case)) == ([None, None, None, None], [])
    assert [(t.warned_at, t.breached_at) for t in targets(urgent_case).values()] == [
        (None, None),
        (None, None),
    ]


def test_given_a_solution_waiting_for_the_customer_when_the_confirm_timeout_closes_the_case_then_the_paused_target_stops(
    urgent_case, agent
):
    with time_machine.travel(at(11, 23, 10), tick=False):
        services.case_approve(case=urgent_case, actor=agent, solution="self_ship")
    assert due(urgent_case)["solution"] == ("paused", None)

    with time_machine.travel(at(11, 26, 10), tick=False):  # 3 calendar days without confirmation
        assert timeouts_scan() == {"closed": 1}
    with time_machine.travel(at(12, 1, 9), tick=False):
        assert sla_scan() == {}

    solution = targets(urgent_case)["solution"]
    assert (solution.state, solution.stopped_at, solution.due_at, solution.overrun_seconds) == (
        "stopped", at(11, 26, 10), None, 0,
    )  # fmt: skip
    assert [segment[:2] for segment in solution.segments] == [
        [at(11, 23, 9).isoformat(), at(11, 23, 10).isoformat()]
    ]
    assert sla_events(urgent_case) == []


# --- a case moved to a team with other working hours --------------------------------------------


def team_with_hours(name: str, start: str, end: str) -> Team:
    team = Team.objects.create(name=name, role=Role.AGENT)
    WorkingPeriod.objects.create(
        hours=WorkingHours.objects.create(name=name, team=team), start=start, end=end
    )
    return team


def test_given_two_hours_run_on_team_a_hours_when_moved_to_team_b_then_they_stay_counted_and_the_rest_runs_on_b_hours(
    no_reason_case, supervisor
):
    team_a = team_with_hours("全天组", "09:00", "18:00")  # no break
    team_b = team_with_hours("下午组", "13:00", "17:00")
    set_policy("urgent", "", first=4, solution=8)
    case = no_reason_case(at(11, 23, 9), priority="urgent", team=team_a)
    assert due(case) == {
        "first_response": ("running", at(11, 23, 13)),
        "solution": ("running", at(11, 23, 17)),
    }

    with time_machine.travel(at(11, 23, 11), tick=False):  # 09:00–11:00 ran on team A's hours
        services.case_assign(case=case, actor=supervisor, team=team_b)

    assert due(case) == {
        "first_response": ("running", at(11, 23, 15)),  # 2 h left: 13:00–15:00 (not 17:00: 09–11 counts)
        "solution": ("running", at(11, 24, 15)),  # 6 h left: Mon 13–17, Tue 13–15
    }
    assert {k: t.warn_at for k, t in targets(case).items()} == {
        "first_response": at(11, 23, 14),  # 3 h: 2 h on A, 1 h on B
        "solution": at(11, 23, 17),  # 6 h: 2 h on A, 4 h on B
    }
    assert targets(case)["first_response"].segments == [
        [at(11, 23, 9).isoformat(), at(11, 23, 11).isoformat(), [["09:00", "18:00"]]],
        [at(11, 23, 11).isoformat(), None, [["13:00", "17:00"]]],
    ]
    view = case_sla_view(case, now=at(11, 23, 14))
    assert [(t.kind, t.remaining_seconds) for t in view.targets] == [
        ("first_response", 1 * H),
        ("solution", 5 * H),
    ]

    with time_machine.travel(at(11, 23, 14), tick=False):  # met on B's hours; A's 2 h still count
        services.case_add_note(case=case, actor=supervisor, text="您好,已为您转交处理", internal=False)
    first_response = targets(case)["first_response"]
    assert (first_response.state, first_response.overrun_seconds) == ("met", 0)
