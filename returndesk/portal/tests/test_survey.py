"""After closing: the satisfaction survey (回访, seed S1/S8; issue 9) — a 1–5 rating, a comment,
resolved yes or no — answered once, through cases.services.case_survey_submit (the follow-ups
app keeps the answer, the timeline gets one event)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.models import CaseEvent
from returndesk.followups.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(consumer_user, shop_order):
    return cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": shop_order.lines.get(position=2), "quantity": 1, "reason": "C01"}],
    )  # fmt: skip


@pytest.fixture
def closed(case, agent):
    cs.case_reject(case=case, actor=agent, reason="超过七天", alternative="可有偿维修")
    cs.case_close(case=case, actor=agent)
    case.refresh_from_db()
    return case


def survey(client, case, **data):
    return client.post(reverse("portal:case_survey", args=[case.id]), data)


def state(case):
    followup = FollowUp.objects.filter(case=case).first()
    answer = (followup.status, followup.rating, followup.resolved, followup.comment) if followup else None
    return answer, CaseEvent.objects.filter(case=case).count()


def test_given_a_closed_case_when_rated_then_the_answer_is_kept_once_with_one_timeline_event(
    customer_client, closed
):
    page = customer_client.get(reverse("portal:case", args=[closed.id]))
    assert page.context["page"].survey_open
    assert 'name="rating" value="5"' in page.content.decode()
    events_before = CaseEvent.objects.filter(case=closed).count()

    response = survey(customer_client, closed, rating="4", resolved="no", comment="处理及时,但没能退货")

    assert response.status_code == 302
    followup = FollowUp.objects.get(case=closed)
    assert (followup.status, followup.method, followup.rating, followup.resolved, followup.comment) == (
        "done",
        "portal",
        4,
        False,
        "处理及时,但没能退货",
    )
    event = CaseEvent.objects.filter(case=closed).latest("sequence")
    assert CaseEvent.objects.filter(case=closed).count() == events_before + 1
    assert (event.type, event.internal, event.data["rating"]) == ("survey", False, 4)
    page = customer_client.get(reverse("portal:case", args=[closed.id]))
    assert not page.context["page"].survey_open
    html = page.content.decode()
    assert "您的评分:4 分(满分 5 分)。" in html
    assert "您给我们的服务打了 4 分(满分 5 分)。" in html


def test_given_an_answered_survey_when_sent_again_then_it_is_refused_and_nothing_changes(
    customer_client, closed
):
    survey(customer_client, closed, rating="5", resolved="yes")
    before = state(closed)
    response = survey(customer_client, closed, rating="1", resolved="no")
    assert response.status_code == 409
    assert "本工单已完成回访" in response.content.decode()
    assert state(closed) == before


def test_given_an_open_case_when_rating_then_it_is_refused_and_nothing_is_written(customer_client, case):
    assert not customer_client.get(reverse("portal:case", args=[case.id])).context["page"].survey_open
    before = state(case)
    response = survey(customer_client, case, rating="5", resolved="yes")
    assert response.status_code == 409
    assert "工单结案后才能回访或评价" in response.content.decode()
    assert state(case) == before


@pytest.mark.parametrize(
    ("data", "field"), [({"rating": "6", "resolved": "yes"}, "rating"), ({"rating": "3"}, "resolved")]
)
def test_given_an_incomplete_survey_when_sent_then_the_field_says_why_and_nothing_is_written(
    customer_client, closed, data, field
):
    before = state(closed)
    response = survey(customer_client, closed, **data)
    assert response.status_code == 422
    assert response.context["forms"]["survey"].errors[field]
    assert state(closed) == before


def test_given_another_customer_when_rating_the_case_then_it_is_not_found(other_client, closed):
    before = state(closed)
    assert survey(other_client, closed, rating="1", resolved="no").status_code == 404
    assert state(closed) == before
