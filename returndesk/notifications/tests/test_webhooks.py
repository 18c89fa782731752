"""Webhooks against a real local HTTP receiver: subscriptions per event type, HMAC-SHA256 over the
timestamp and body, retries with exponential back-off, the delivery log, replay from the admin,
one event id per event (re-sends carry it), and nothing for a rolled-back change."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.notifications.models import WebhookDelivery, WebhookEndpoint
from returndesk.notifications.services import webhook_deliver_due, webhook_publish
from returndesk.notifications.signing import signature, verify

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(
        name="ERP", url=receiver.url, secret="whsec_test", event_types=["case.created", "case.approve"]
    )


def open_return(actor, customer, order_line):
    return services.case_create(
        actor=actor, customer=customer, type="return_refund", channel="web",
        lines=[{"order_line": order_line, "quantity": 1, "reason": "C01"}],
    )  # fmt: skip


def log(delivery: WebhookDelivery) -> list[tuple[int, int | None]]:
    return list(delivery.log.values_list("number", "status_code"))


def test_given_a_subscription_when_cases_change_then_each_subscribed_event_is_posted_signed_and_verifiable(
    endpoint, receiver, consumer, consumer_user, line5, agent
):
    case = open_return(consumer_user, consumer, line5)
    services.case_add_note(case=case, actor=agent, text="内部备注")  # case.note: not subscribed
    services.case_approve(case=case, actor=agent, solution="self_ship")

    assert webhook_deliver_due() == 2

    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [(b["type"], b["data"]["case"]["number"], b["data"]["event"]["to_status"]) for b in bodies] == [
        ("case.created", case.number, "submitted"),
        ("case.approve", case.number, "awaiting_customer"),
    ]
    for request, body in zip(receiver.requests, bodies, strict=True):
        headers = request["headers"]
        assert headers["X-ReturnDesk-Event-Id"] == body["id"]
        assert headers["X-ReturnDesk-Event-Type"] == body["type"]
        assert headers["X-ReturnDesk-Timestamp"] == str(int(NOW.timestamp()))
        assert headers["X-ReturnDesk-Signature"] == signature(
            "whsec_test", int(NOW.timestamp()), request["body"]
        )
        assert verify(
            "whsec_test",
            headers["X-ReturnDesk-Timestamp"],
            request["body"],
            headers["X-ReturnDesk-Signature"],
        )
        assert not verify(
            "wrong", headers["X-ReturnDesk-Timestamp"], request["body"], headers["X-ReturnDesk-Signature"]
        )
    assert list(WebhookDelivery.objects.order_by("id").values_list("event_type", "state", "attempts")) == [
        ("case.created", "delivered", 1),
        ("case.approve", "delivered", 1),
    ]


def test_given_a_captured_request_when_replayed_after_five_minutes_then_the_signature_no_longer_verifies():
    body = b'{"id":"x"}'
    header = signature("s", 1_000_000, body)
    assert verify("s", "1000000", body, header, now=1_000_000 + 300)
    assert not verify("s", "1000000", body, header, now=1_000_000 + 301)
    assert not verify("s", "1000000", body + b" ", header, now=1_000_000)


def test_given_a_receiver_answering_500_when_delivering_then_retried_with_exponential_back_off_and_the_same_event_id(
    endpoint, receiver, consumer, consumer_user, line5, frozen_clock
):
    receiver.statuses = [500, 503]
    open_return(consumer_user, consumer, line5)
    delivery = WebhookDelivery.objects.get()

    webhook_deliver_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.next_attempt_at) == (
        "pending", 1, 500, NOW + timedelta(seconds=30),
    )  # fmt: skip
    frozen_clock.shift(timedelta(seconds=29))
    assert webhook_deliver_due() == 0
    frozen_clock.shift(timedelta(seconds=1))
    webhook_deliver_due()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == NOW + timedelta(seconds=30 + 60)
    frozen_clock.shift(timedelta(seconds=60))
    webhook_deliver_due()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, log(delivery)) == (
        "delivered",
        3,
        [(1, 500), (2, 503), (3, 200)],
    )
    assert receiver.event_ids() == [str(delivery.event_id)] * 3  # a receiver keeps the first, drops the rest
    assert len({r["headers"]["X-ReturnDesk-Timestamp"] for r in receiver.requests}) == 3  # signed per attempt
    assert webhook_deliver_due() == 0  # delivered: never sent again by the worker


def test_given_a_receiver_that_keeps_failing_when_attempts_run_out_then_failed(
    endpoint, receiver, consumer, consumer_user, line5, frozen_clock, monkeypatch
):
    monkeypatch.setattr("returndesk.notifications.services.webhooks.MAX_ATTEMPTS", 2)
    receiver.statuses = [500, 500]
    open_return(consumer_user, consumer, line5)
    webhook_deliver_due()
    frozen_clock.shift(timedelta(seconds=30))
    webhook_deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("failed", 2, "HTTP 500")


def test_given_a_failed_delivery_when_an_admin_replays_it_then_it_is_sent_again_with_the_same_event_id(
    endpoint, receiver, consumer, consumer_user, line5, client
):
    receiver.statuses = [500]
    open_return(consumer_user, consumer, line5)
    webhook_deliver_due()
    WebhookDelivery.objects.update(state="failed")
    delivery = WebhookDelivery.objects.get()
    root = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(root)

    response = client.post(
        reverse("admin:notifications_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    webhook_deliver_due()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.replay_count, log(delivery)) == ("delivered", 1, [(1, 500), (2, 200)])
    assert receiver.event_ids() == [str(delivery.event_id)] * 2
    page = client.get(reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200


def test_given_an_agent_without_the_change_permission_when_listing_deliveries_then_no_replay_action(
    endpoint, client
):
    staff = User.objects.create_user(username="ops", password="x", role=Role.ADMIN, is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_webhookdelivery"))
    client.force_login(staff)

    page = client.get(reverse("admin:notifications_webhookdelivery_changelist"))

    assert page.status_code == 200
    assert 'value="replay"' not in page.content.decode()


def test_given_a_change_rolled_back_when_delivering_then_no_webhook_is_queued_or_sent(
    endpoint, receiver, consumer, consumer_user, line5
):
    with pytest.raises(RuntimeError), transaction.atomic():
        open_return(consumer_user, consumer, line5)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("boom")

    assert (WebhookDelivery.objects.count(), webhook_deliver_due(), receiver.requests) == (0, 0, [])


def test_given_one_event_when_queued_twice_for_an_endpoint_then_the_database_refuses_the_second(endpoint):
    event_id = webhook_publish(event_type="case.created", data={"n": 1}, occurred_at=NOW)
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type="case.created",
            body=delivery.body,
            next_attempt_at=NOW,
        )


def test_given_endpoints_with_other_or_all_types_when_publishing_then_only_subscribers_get_a_delivery(db):
    everything = WebhookEndpoint.objects.create(name="all", url="http://127.0.0.1:9/", event_types=["*"])
    WebhookEndpoint.objects.create(name="refunds", url="http://127.0.0.1:9/", event_types=["case.refund"])
    WebhookEndpoint.objects.create(name="off", url="http://127.0.0.1:9/", event_types=["*"], is_active=False)

    assert webhook_publish(event_type="case.note", data={}, occurred_at=NOW) is not None
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [everything.pk]
