"""Side effects go through the outbox (STYLE.md): a row written in the changing transaction,
delivered after commit; a rolled-back change leaves no case, no event and no message."""

from __future__ import annotations

import pytest
from django.db import transaction

from returndesk.cases import services
from returndesk.cases.models import Case, CaseEvent
from returndesk.catalog.tests.factories import make_customer
from returndesk.notifications.models import OutboxMessage

from .helpers import held_returned, open_case


def outbox_rows() -> list[tuple[str, dict, str]]:
    return list(OutboxMessage.objects.order_by("id").values_list("topic", "payload", "state"))


def test_given_a_new_case_when_created_and_approved_then_one_pending_outbox_row_per_customer_visible_event(
    consumer, consumer_user, line5, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="C02")
        services.case_approve(case=case, actor=agent, solution="self_ship")

    created, approved = case.events.order_by("sequence")
    assert outbox_rows() == [
        ("case.customer_update", {"case_id": str(case.id), "event_id": created.id}, "pending"),
        ("case.customer_update", {"case_id": str(case.id), "event_id": approved.id}, "pending"),
    ]
    assert list(OutboxMessage.objects.order_by("id").values_list("dedupe_key", flat=True)) == [
        f"case-event-{created.id}",
        f"case-event-{approved.id}",
    ]
    assert len(callbacks) == 2  # the worker is woken only once each transaction commits


def test_given_internal_changes_when_assigning_prioritising_and_noting_then_no_outbox_row(
    consumer, consumer_user, line5, agent, supervisor
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5)
    before = OutboxMessage.objects.count()
    services.case_assign(case=case, actor=supervisor, assignee=agent)
    services.case_set_priority(case=case, actor=agent, priority="high")
    services.case_add_note(case=case, actor=agent, text="内部备注")
    assert OutboxMessage.objects.count() == before == 1


def test_given_the_commit_callbacks_run_when_a_case_is_created_then_the_customer_is_emailed_in_chinese_and_the_row_is_sent(
    consumer, consumer_user, line5, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(actor=consumer_user, customer=consumer, order_line=line5)

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.subject == f"【{case.number}】您的售后工单状态:待审核"
    assert email.to == ["zhangsan@example.com"]
    assert f"您的售后工单 {case.number} 已更新" in email.body
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.processed_at is not None


def test_given_an_english_speaking_customer_when_the_case_is_approved_then_the_email_is_in_english_with_the_solution(
    make_line, agent, django_capture_on_commit_callbacks, mailoutbox
):
    """The worker delivers every due message once woken: the earlier 'created' one goes too."""
    customer = make_customer(name="John Smith", email="john@example.com", preferred_language="en")
    ol = make_line(customer, quantity=1)
    case = open_case(actor=agent, customer=customer, order_line=ol, reason="C02")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve(case=case, actor=agent, solution="pickup")

    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject.startswith(f"[{case.number}] Your after-sales case is now: ")
    assert mailoutbox[1].subject == f"[{case.number}] Your after-sales case is now: Awaiting customer"
    assert "Solution: pickup" not in mailoutbox[0].body
    assert "Solution: pickup" in mailoutbox[1].body
    assert mailoutbox[1].to == ["john@example.com"]
    assert list(OutboxMessage.objects.order_by("id").values_list("state", flat=True)) == ["sent", "sent"]


def test_given_a_customer_without_an_email_address_when_notified_then_the_message_is_skipped_not_failed(
    make_line, agent, django_capture_on_commit_callbacks, mailoutbox
):
    customer = make_customer(email="")
    ol = make_line(customer, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        open_case(actor=agent, customer=customer, order_line=ol)

    assert mailoutbox == []
    assert list(OutboxMessage.objects.values_list("state", "attempts")) == [("skipped", 1)]


def test_given_a_transaction_that_rolls_back_after_case_create_then_no_case_no_event_no_outbox_row_and_no_email(
    consumer, consumer_user, line5, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
            case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2)
            assert OutboxMessage.objects.filter(payload__case_id=str(case.id)).count() == 1
            raise RuntimeError("boom")

    assert (Case.objects.count(), CaseEvent.objects.count(), OutboxMessage.objects.count()) == (0, 0, 0)
    assert held_returned(line5) == (0, 0)
    assert callbacks == []
    assert mailoutbox == []
