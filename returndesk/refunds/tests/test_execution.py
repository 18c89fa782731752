"""Paying refunds out through the simulated gateway: a decline leaves the balance refundable and
the case can be refunded again; a timeout is resolved by asking, never by sending again; a
refund is sent once however often it is handled; callbacks are applied once, duplicates change
nothing, and inconsistent ones are refused and flagged."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone

from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.tests.helpers import event_trail
from returndesk.notifications.models import OutboxMessage
from returndesk.notifications.services import outbox_deliver_due
from returndesk.refunds import services as refund_services
from returndesk.refunds import simulated_gateway as gateway
from returndesk.refunds.models import (
    CallbackOutcome,
    CreditNote,
    ProviderCallback,
    Refund,
    SimGatewayNotification,
    SimGatewayTransaction,
)

from .helpers import approved_refund_only, payment_state

D = Decimal
CALLBACK = "/api/v1/refunds/callbacks/gateway"


@pytest.fixture
def approved(consumer, consumer_user, agent, line5):
    """A refund-only claim of 2 units (200.00 of an Alipay payment of 500.00), approved."""
    return approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=line5, quantity=2, agent=agent
    )


def _refunds(case) -> list[tuple]:
    return list(
        Refund.objects.filter(case=case)
        .order_by("attempt", "created_at")
        .values_list("attempt", "amount", "status", "outcome_unknown")
    )


def _post(body: bytes, headers: dict[str, str]) -> int:
    return Client().post(CALLBACK, data=body, content_type="application/json", headers=headers).status_code


def test_given_the_gateway_declines_when_finance_refunds_then_the_case_is_refund_failed_and_a_retry_pays_it(
    approved, finance, line5
):
    gateway.gateway_script("fail")

    services.case_refund(case=approved, actor=finance)

    assert approved.status == Status.REFUND_FAILED
    assert _refunds(approved) == [(1, D("200.00"), "failed", False)]
    assert Refund.objects.get(case=approved).failure_reason == gateway.FAILURE_CODE
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("0.00"))]  # refundable again
    assert not CreditNote.objects.exists()

    services.case_refund(case=approved, actor=finance, reference="重新发起")

    assert approved.status == Status.REFUNDED
    assert _refunds(approved) == [(1, D("200.00"), "failed", False), (2, D("200.00"), "succeeded", False)]
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("200.00"))]
    assert CreditNote.objects.get(case=approved).amount == D("200.00")
    assert event_trail(approved)[-4:] == [
        ("refund", "approved", "refund_pending"),
        ("refund_fail", "refund_pending", "refund_failed"),
        ("refund", "refund_failed", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
    ]
    assert approved.events.get(type="refund_fail").data["failed"][0]["reason"] == gateway.FAILURE_CODE
    assert SimGatewayTransaction.objects.count() == 2  # two requests, two keys


def test_given_a_timeout_when_the_worker_asks_the_gateway_later_then_the_refund_succeeds_without_a_second_send(
    approved, finance
):
    gateway.gateway_script("timeout")

    services.case_refund(case=approved, actor=finance)

    assert approved.status == Status.REFUND_PENDING
    assert _refunds(approved) == [(1, D("200.00"), "pending", True)]
    assert services.case_refund_process(case_id=approved.pk) is None  # handled again: nothing sent
    assert services.case_refunds_reconcile() == {}  # too early to ask: the send might be in flight

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.case_refunds_reconcile() == {"refund_complete": 1}

    approved.refresh_from_db()
    assert approved.status == Status.REFUNDED
    assert _refunds(approved) == [(1, D("200.00"), "succeeded", False)]
    (txn,) = SimGatewayTransaction.objects.all()
    assert (txn.status, txn.merchant_key) == ("succeeded", Refund.objects.get().idempotency_key)


def test_given_a_request_the_gateway_never_received_when_asked_then_the_refund_failed_and_can_be_retried(
    approved, finance, line5
):
    gateway.gateway_script("lost")
    services.case_refund(case=approved, actor=finance)
    assert _refunds(approved) == [(1, D("200.00"), "pending", True)]

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.case_refunds_reconcile() == {"refund_fail": 1}

    approved.refresh_from_db()
    assert approved.status == Status.REFUND_FAILED
    assert Refund.objects.get().failure_reason.endswith("the provider never received it")
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("0.00"))]
    assert not SimGatewayTransaction.objects.exists()


def test_given_a_sent_refund_when_it_is_executed_again_then_the_gateway_is_called_once(approved, finance):
    """Idempotent retry: the refund is claimed before it is sent; whoever comes again finds it
    sent and leaves it to a query."""
    gateway.gateway_script("pending")
    services.case_refund(case=approved, actor=finance)
    (refund,) = Refund.objects.filter(case=approved)

    for _ in range(3):
        refund_services.refund_execute(refund_id=refund.pk)
        services.case_refund_process(case_id=approved.pk)

    (txn,) = SimGatewayTransaction.objects.all()
    refund.refresh_from_db()
    assert (txn.status, refund.status, refund.provider_reference) == ("processing", "pending", txn.reference)
    # The gateway itself is idempotent on the key too: asked again, it answers the first refund.
    assert (
        gateway.refund(
            merchant_key=refund.idempotency_key, payment_reference="", amount=D("1"), currency="CNY"
        )["reference"]
        == txn.reference
    )
    assert SimGatewayTransaction.objects.count() == 1


def test_given_a_processing_refund_when_the_gateway_calls_back_twice_then_the_first_applies_and_the_second_is_a_duplicate(
    approved, finance
):
    gateway.gateway_script("callback_twice")
    services.case_refund(case=approved, actor=finance)
    assert approved.status == Status.REFUND_PENDING

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert gateway.settle_due() == 1
        assert gateway.deliver_due(post=_post) == 2

    approved.refresh_from_db()
    assert approved.status == Status.REFUNDED
    assert list(ProviderCallback.objects.order_by("id").values_list("outcome", "reported_status")) == [
        (CallbackOutcome.APPLIED, "succeeded"),
        (CallbackOutcome.DUPLICATE, "succeeded"),
    ]
    assert SimGatewayNotification.objects.filter(delivered_at__isnull=True).count() == 0
    assert approved.events.filter(type="refund_complete").count() == 1


def test_given_a_processing_refund_when_the_gateway_calls_back_a_failure_then_the_case_is_refund_failed(
    approved, finance, line5
):
    gateway.gateway_script("pending_fail")
    services.case_refund(case=approved, actor=finance)

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        gateway.settle_due()
        gateway.deliver_due(post=_post)

    approved.refresh_from_db()
    assert approved.status == Status.REFUND_FAILED
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("0.00"))]


def test_given_a_refund_done_when_a_callback_reports_another_amount_then_refused_flagged_and_finance_told(
    approved, finance
):
    finance.email = "finance@example.com"
    finance.save(update_fields=["email"])
    services.case_refund(case=approved, actor=finance)  # succeeded at once; one callback queued
    note = SimGatewayNotification.objects.get()
    forged = json.dumps({**json.loads(note.body), "amount": "2000.00"}).encode()
    before = (approved.status, approved.version)

    response = Client().post(
        CALLBACK, data=forged, content_type="application/json", headers=gateway.signed(forged)
    )

    assert (response.status_code, response.json()["code"]) == (409, "refund.callback_inconsistent")
    refund = Refund.objects.get(case=approved)
    assert (refund.flagged, refund.status, refund.amount) == (True, "succeeded", D("200.00"))
    assert refund.flag_reason == "callback: amount 2000.00 CNY ≠ 200.00 CNY"
    approved.refresh_from_db()
    assert (approved.status, approved.version) == before
    flagged = approved.events.get(type="refund_flagged")
    assert (flagged.internal, flagged.actor_id, flagged.data["refund"]) == (True, None, refund.number)
    (mail,) = [
        m
        for m in OutboxMessage.objects.filter(topic="notifications.email")
        if refund.number in m.payload["subject"]
    ]
    assert mail.payload["to"] == ["finance@example.com"]
    assert ProviderCallback.objects.get().outcome == CallbackOutcome.REFUSED_INCONSISTENT

    # The genuine callback still arrives later: a duplicate of what is recorded.
    assert _post(note.body.encode(), gateway.signed(note.body.encode())) == 200


def test_given_a_done_refund_when_a_callback_says_it_failed_then_refused_as_inconsistent(approved, finance):
    services.case_refund(case=approved, actor=finance)
    body = json.dumps({**json.loads(SimGatewayNotification.objects.get().body), "status": "failed"}).encode()

    assert _post(body, gateway.signed(body)) == 409
    assert Refund.objects.get().status == "succeeded"


def test_given_a_bad_signature_or_an_unknown_refund_when_called_back_then_refused_and_nothing_changes(
    approved, finance
):
    gateway.gateway_script("pending")
    services.case_refund(case=approved, actor=finance)
    txn = SimGatewayTransaction.objects.get()
    body = json.dumps({**gateway.answer(txn), "status": "succeeded"}).encode()

    assert _post(body, gateway.signed(body, secret="wrong")) == 403
    assert _post(body, {**gateway.signed(body), "X-Gateway-Timestamp": "1"}) == 403  # stale
    unknown = json.dumps({**gateway.answer(txn), "merchant_key": "RF-X", "status": "succeeded"}).encode()
    assert _post(unknown, gateway.signed(unknown)) == 404
    assert _post(b"{not json", gateway.signed(b"{not json")) == 422

    approved.refresh_from_db()
    assert (approved.status, Refund.objects.get().status) == (Status.REFUND_PENDING, "pending")
    assert list(ProviderCallback.objects.order_by("id").values_list("outcome", flat=True)) == [
        "refused_signature", "refused_signature", "refused_unknown", "refused_malformed",
    ]  # fmt: skip

    assert _post(body, gateway.signed(body)) == 200  # the genuine one is applied
    approved.refresh_from_db()
    assert approved.status == Status.REFUNDED


def test_given_a_manual_transfer_that_bounced_when_finance_records_it_then_the_case_can_be_refunded_again(
    approved, finance, line5
):
    services.case_refund(
        case=approved, actor=finance, route="bank_transfer", account_name="张三", bank="工商银行",
        account_number="6222020200112233",
    )  # fmt: skip
    refund = Refund.objects.get(case=approved)

    services.case_refund_fail_manual(refund=refund, actor=finance, reason="户名与账号不符,银行退票")

    approved.refresh_from_db()
    assert approved.status == Status.REFUND_FAILED
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("0.00"))]
    services.case_refund(case=approved, actor=finance)  # back by the original route
    assert approved.status == Status.REFUNDED
    assert list(Refund.objects.filter(case=approved).order_by("attempt").values_list("route", "status")) == [
        ("bank_transfer", "failed"),
        ("original", "succeeded"),
    ]


def test_given_a_refund_started_inside_an_open_transaction_when_it_commits_later_then_the_worker_pays_it(
    approved, finance
):
    """The provider is never called inside a transaction: started within one (a request under
    an Idempotency-Key, a scan), the refund waits for the commit; should this process stop
    first, the outbox carries the same work to the worker."""
    with transaction.atomic():
        services.case_refund(case=approved, actor=finance)
        assert (Refund.objects.get().sent_at, SimGatewayTransaction.objects.count()) == (None, 0)
        with pytest.raises(RuntimeError):  # the claim is an outermost transaction
            refund_services.refund_execute(refund_id=Refund.objects.get().pk)

    approved.refresh_from_db()
    assert approved.status == Status.REFUND_PENDING  # (a test's commit never comes: the worker runs)
    assert outbox_deliver_due() >= 1
    approved.refresh_from_db()
    assert (approved.status, SimGatewayTransaction.objects.count()) == (Status.REFUNDED, 1)
    assert OutboxMessage.objects.get(topic="refunds.process").state == "sent"


@pytest.mark.django_db(transaction=True)
def test_given_a_committed_refund_when_the_transaction_ends_then_the_gateway_is_called_right_after(
    reference_data, consumer, consumer_user, agent, finance, line5
):
    case = approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=line5, quantity=1, agent=agent
    )

    with transaction.atomic():
        services.case_refund(case=case, actor=finance)
        assert SimGatewayTransaction.objects.count() == 0

    case.refresh_from_db()
    assert (case.status, SimGatewayTransaction.objects.count()) == (Status.REFUNDED, 1)
