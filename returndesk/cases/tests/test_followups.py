"""Follow-up after closing (回访): a closed case falls due for a call N working days later; the
customer may rate it once in the portal; staff record calls (answered, unreachable, declined)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from returndesk.cases import services
from returndesk.cases.models import CaseEvent, Status
from returndesk.core.errors import DomainError
from returndesk.followups import selectors
from returndesk.followups.models import FollowUp, FollowUpSettings, FollowUpStatus

from .helpers import open_case

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def closed_case(reference_data, consumer, consumer_user, line5, agent):
    """Opened, rejected and closed on Friday 2026-11-27 (Shanghai)."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="C01")
        services.case_reject(case=case, actor=agent, reason="超过退货期限", alternative="可申请维修")
        services.case_close(case=case, actor=agent)
    return case


def answer_of(case) -> tuple:
    f = FollowUp.objects.get(case=case)
    return (f.status, f.method, f.rating, f.resolved, f.comment, f.attempts)


def test_given_a_case_closed_on_a_friday_when_it_closes_then_a_follow_up_is_due_3_working_days_later(
    closed_case,
):
    followup = FollowUp.objects.get(case=closed_case)
    assert (followup.status, followup.due_on) == (FollowUpStatus.DUE, dt.date(2026, 12, 2))
    assert list(selectors.followups_due(on=dt.date(2026, 12, 1))) == []
    assert list(selectors.followups_due(on=dt.date(2026, 12, 2))) == [followup]


def test_given_a_closed_case_when_its_customer_rates_it_then_the_answer_and_one_event_are_kept(
    closed_case, consumer_user
):
    before = CaseEvent.objects.filter(case=closed_case).count()

    services.case_survey_submit(
        case=closed_case, actor=consumer_user, rating=4, resolved=True, comment=" 很好 "
    )

    assert answer_of(closed_case) == (FollowUpStatus.DONE, "portal", 4, True, "很好", 0)
    event = CaseEvent.objects.filter(case=closed_case).latest("sequence")
    assert CaseEvent.objects.filter(case=closed_case).count() == before + 1
    assert (event.type, event.internal, event.data) == (
        "survey",
        False,
        {"rating": 4, "resolved": True, "comment": "很好"},
    )
    assert list(selectors.followups_due(on=dt.date(2026, 12, 31))) == []


@pytest.mark.parametrize(
    "rating, resolved, code",
    [(0, True, "followup.rating_invalid"), (6, True, "followup.rating_invalid"), ("5", True, "followup.rating_invalid"),
     (True, True, "followup.rating_invalid"), (3, None, "followup.resolved_missing")],
)  # fmt: skip
def test_given_a_bad_answer_when_submitted_then_refused_and_nothing_changes(
    closed_case, consumer_user, rating, resolved, code
):
    events = CaseEvent.objects.filter(case=closed_case).count()
    with pytest.raises(DomainError) as exc:
        services.case_survey_submit(case=closed_case, actor=consumer_user, rating=rating, resolved=resolved)
    assert exc.value.code == code
    assert answer_of(closed_case) == (FollowUpStatus.DUE, "", None, None, "", 0)
    assert CaseEvent.objects.filter(case=closed_case).count() == events


def test_given_an_answered_survey_when_submitted_again_then_refused_and_the_first_answer_stays(
    closed_case, consumer_user
):
    services.case_survey_submit(case=closed_case, actor=consumer_user, rating=5, resolved=True)
    with pytest.raises(DomainError) as exc:
        services.case_survey_submit(case=closed_case, actor=consumer_user, rating=1, resolved=False)
    assert exc.value.code == "followup.already_done"
    assert answer_of(closed_case) == (FollowUpStatus.DONE, "portal", 5, True, "", 0)


def test_given_another_customer_when_rating_the_case_then_refused(closed_case, other_user, agent):
    for actor, code in ((other_user, "case.not_own_case"), (agent, "case.role_forbidden")):
        with pytest.raises(DomainError) as exc:
            services.case_survey_submit(case=closed_case, actor=actor, rating=5, resolved=True)
        assert exc.value.code == code
    assert answer_of(closed_case)[0] == FollowUpStatus.DUE


def test_given_an_open_case_when_the_customer_rates_it_then_refused_until_closed(
    reference_data, consumer, consumer_user, line5
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="C01")
    with pytest.raises(DomainError) as exc:
        services.case_survey_submit(case=case, actor=consumer_user, rating=5, resolved=True)
    assert exc.value.code == "case.not_closed"
    assert not FollowUp.objects.exists()


def test_given_a_due_follow_up_when_the_customer_cannot_be_reached_3_times_then_it_is_marked_unreachable(
    closed_case, agent
):
    assert FollowUpSettings.current().max_attempts == 3
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.case_followup_call(case=closed_case, actor=agent, outcome="unreachable", note="无人接听")
    followup = FollowUp.objects.get(case=closed_case)
    assert (followup.status, followup.attempts, followup.due_on, followup.note) == (
        FollowUpStatus.DUE, 1, dt.date(2026, 12, 3), "无人接听"
    )  # fmt: skip
    services.case_followup_call(case=closed_case, actor=agent, outcome="unreachable")
    services.case_followup_call(case=closed_case, actor=agent, outcome="unreachable")
    assert answer_of(closed_case)[0::5] == (FollowUpStatus.UNREACHABLE, 3)
    assert list(CaseEvent.objects.filter(case=closed_case, type="followup_call").values_list("internal", flat=True)) == [
        True, True, True
    ]  # fmt: skip


def test_given_a_due_follow_up_when_the_call_is_answered_then_the_customers_rating_is_recorded(
    closed_case, agent
):
    services.case_followup_call(
        case=closed_case,
        actor=agent,
        outcome="answered",
        rating=3,
        resolved=False,
        comment="还有异响",
        note="已转质量部",
    )
    assert answer_of(closed_case) == (FollowUpStatus.DONE, "phone", 3, False, "还有异响", 1)


def test_given_a_follow_up_when_a_warehouse_clerk_or_a_bad_outcome_is_recorded_then_refused(
    closed_case, agent, warehouse
):
    with pytest.raises(DomainError) as exc:
        services.case_followup_call(case=closed_case, actor=warehouse, outcome="declined")
    assert exc.value.code == "case.role_forbidden"
    with pytest.raises(DomainError) as exc:
        services.case_followup_call(case=closed_case, actor=agent, outcome="maybe")
    assert exc.value.code == "followup.outcome_invalid"
    assert answer_of(closed_case) == (FollowUpStatus.DUE, "", None, None, "", 0)


def test_given_a_reopened_case_when_it_closes_again_then_the_unanswered_follow_up_moves(
    closed_case, supervisor, agent
):
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.case_reopen(case=closed_case, actor=supervisor, reason="客户来电")
        assert list(selectors.followups_due(on=dt.date(2026, 12, 31))) == []
        services.case_reject(case=closed_case, actor=agent, reason="仍超期", alternative="维修")
        services.case_close(case=closed_case, actor=agent)
    assert closed_case.status == Status.CLOSED
    assert FollowUp.objects.get(case=closed_case).due_on == dt.date(2026, 12, 10)
