"""What the outbox and webhooks cost a case change: one worker wake-up per committed transaction
at most (none while one is already waiting in huey's queue, which will deliver our messages when
it runs), and no endpoint query when nobody subscribes (the endpoints are cached per process and
the cache follows every change to the table)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from returndesk.notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from returndesk.notifications.services import email_enqueue, outbox_deliver_due, webhook_publish
from returndesk.notifications.tasks import outbox_deliver_soon, webhook_deliver_soon_task

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit callbacks run on real commits


@pytest.fixture
def queue():
    """huey's queue as the served app has it (the test settings run tasks at once instead)."""
    HUEY.immediate = False
    HUEY.flush()
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.immediate = True


def queued(huey, task) -> int:
    return sum(isinstance(t, task.task_class) for t in huey.pending())


def email(n: int) -> None:
    email_enqueue(to=[f"c{n}@example.com"], subject=f"s{n}", body="b", key=f"wake-test-{n}")


def test_given_three_messages_in_one_transaction_when_it_commits_then_the_worker_is_woken_once(queue):
    with transaction.atomic():
        for n in range(3):
            email(n)
        assert queued(queue, outbox_deliver_soon) == 0  # nothing before the commit
    assert queued(queue, outbox_deliver_soon) == 1
    assert OutboxMessage.objects.count() == 3


def test_given_a_wake_up_still_queued_when_another_transaction_commits_then_none_is_added(queue):
    with transaction.atomic():
        email(1)
    with transaction.atomic():
        email(2)
    assert queued(queue, outbox_deliver_soon) == 1
    # The waiting wake-up has not started: when it runs it delivers both messages.
    assert outbox_deliver_due() == 2
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_given_the_queued_wake_up_taken_by_the_worker_when_a_transaction_commits_then_a_new_one_is_queued(
    queue,
):
    with transaction.atomic():
        email(1)
    task = queue.dequeue()  # the worker has taken it (it may already have looked for messages)
    assert isinstance(task, outbox_deliver_soon.task_class)
    with transaction.atomic():
        email(2)
    assert queued(queue, outbox_deliver_soon) == 1


def test_given_the_first_message_in_a_rolled_back_savepoint_when_the_transaction_commits_then_the_worker_is_woken(
    queue,
):
    with transaction.atomic():
        try:
            with transaction.atomic():
                email(1)
                raise RuntimeError("this part fails")
        except RuntimeError:
            pass
        email(2)
    assert queued(queue, outbox_deliver_soon) == 1
    assert list(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["wake-test-2"]


def test_given_no_endpoint_when_events_are_published_then_no_endpoint_query_and_no_wake_up(queue):
    webhook_publish(event_type="case.created", data={}, occurred_at=None)  # fills the cache
    with CaptureQueriesContext(connection) as captured:
        assert webhook_publish(event_type="case.approve", data=lambda: 1 / 0, occurred_at=None) is None
    assert [q["sql"] for q in captured if "notifications_" in q["sql"]] == []
    assert queued(queue, webhook_deliver_soon_task) == 0


def test_given_endpoints_added_changed_and_removed_when_publishing_then_each_change_is_seen_at_once(queue):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert webhook_publish(event_type="case.refund", data={}, occurred_at=at) is None
    erp = WebhookEndpoint.objects.create(name="ERP", url="http://127.0.0.1:9/", event_types=["case.refund"])
    assert webhook_publish(event_type="case.refund", data={}, occurred_at=at) is not None
    WebhookEndpoint.objects.filter(pk=erp.pk).update(is_active=False)  # no model signal: the trigger
    assert webhook_publish(event_type="case.refund", data={}, occurred_at=at) is None
    WebhookEndpoint.objects.filter(pk=erp.pk).update(is_active=True, event_types=["*"])
    assert webhook_publish(event_type="case.close", data={}, occurred_at=at) is not None
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True).order_by("id")) == [
        "case.refund",
        "case.close",
    ]
    assert queued(queue, webhook_deliver_soon_task) == 1  # woken once: the first is still queued
    erp.delete()
    assert webhook_publish(event_type="case.close", data={}, occurred_at=at) is None
