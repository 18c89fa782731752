"""Customer and staff messages over real SMTP (a local aiosmtpd server whose received messages
the tests read): templates per event and language (defaults from the seed's script stages, S5),
the customer's language and channel, retries with back-off, and nothing for a rolled-back change."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.catalog.tests.factories import make_customer
from returndesk.notifications.channels import MemorySmsProvider
from returndesk.notifications.defaults import STAGE_TEXT, default_templates
from returndesk.notifications.models import CustomerPreference, NotificationTemplate, OutboxMessage
from returndesk.notifications.services import email_enqueue, outbox_deliver_due

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def open_return(actor, customer, order_line):
    return services.case_create(
        actor=actor, customer=customer, type="return_refund", channel="web",
        lines=[{"order_line": order_line, "quantity": 1, "reason": "C01"}],
    )  # fmt: skip


def subject(message) -> str:
    # Python folds a long encoded Subject onto a continuation line; the parsed value keeps the space.
    return str(message["Subject"]).strip()


def content(message) -> str:
    return message.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_given_a_chinese_customer_when_the_case_is_opened_then_the_smtp_server_gets_the_greeting_script(
    smtp, consumer, consumer_user, line5
):
    case = open_return(consumer_user, consumer, line5)
    event = case.events.get(type="created")

    assert outbox_deliver_due() == 1

    (message,) = smtp.inbox.messages
    assert subject(message) == f"【{case.number}】您的售后工单状态:待审核"
    assert message["To"] == "zhangsan@example.com"
    assert message["Message-ID"] == f"<case-event-{event.id}@returndesk.local>"
    body = content(message)
    assert body.startswith("尊敬的张三:\n\n您好!" + STAGE_TEXT["greeting"][0])
    assert STAGE_TEXT["ask_reason"][0] in body
    assert f"您的售后工单 {case.number} 已更新,当前状态:待审核。" in body
    assert OutboxMessage.objects.get().state == "sent"


def test_given_an_english_customer_when_a_solution_is_offered_then_the_process_script_and_confirm_deadline_are_sent(
    smtp, make_line, agent
):
    customer = make_customer(name="John Smith", email="john@example.com", preferred_language="en")
    case = open_return(agent, customer, make_line(customer, quantity=1))
    services.case_approve(case=case, actor=agent, solution="pickup")

    assert outbox_deliver_due() == 2

    _created, approved = smtp.inbox.messages
    assert subject(approved) == f"[{case.number}] Your after-sales case is now: Awaiting customer"
    body = content(approved)
    assert body.startswith("Dear John Smith,\n\n" + STAGE_TEXT["explain_process"][1])
    assert "Solution: pickup" in body
    assert "Please confirm the solution by 2026-11-26 10:00; otherwise the case closes automatically." in body


def test_given_an_admin_edited_template_when_the_event_happens_then_the_edited_text_is_sent(
    smtp, consumer, consumer_user, line5
):
    NotificationTemplate.objects.filter(event="created", language="zh-hans", channel="email").update(
        subject="已收到:{{ case_number }}", body="{{ name }},您好。工单 {{ case_number }}({{ status }})"
    )
    case = open_return(consumer_user, consumer, line5)

    outbox_deliver_due()

    (message,) = smtp.inbox.messages
    assert (subject(message), content(message)) == (
        f"已收到:{case.number}",
        f"张三,您好。工单 {case.number}(待审核)\n",
    )


def test_given_no_template_rows_when_an_event_happens_then_the_built_in_defaults_are_used(
    smtp, consumer, consumer_user, line5
):
    NotificationTemplate.objects.all().delete()
    case = open_return(consumer_user, consumer, line5)

    outbox_deliver_due()

    assert [subject(m) for m in smtp.inbox.messages] == [f"【{case.number}】您的售后工单状态:待审核"]


def test_given_the_default_templates_when_listed_then_every_script_stage_is_used_in_both_languages():
    rows = default_templates()
    used = {(t.stage, t.language) for t in rows if t.channel == "email" and t.stage != "internal"}
    assert used == {
        (stage, lang) for stage in STAGE_TEXT if stage != "ask_reason" for lang in ("zh-hans", "en")
    }
    created = next(t for t in rows if (t.event, t.language) == ("created", "zh-hans"))
    assert STAGE_TEXT["ask_reason"][0] in created.body  # opened with greeting + asking the reason
    assert len({(t.event, t.language, t.channel) for t in rows}) == len(rows)


def test_given_a_template_with_a_syntax_error_when_validated_then_refused(db):
    template = NotificationTemplate(
        event="approve", language="en", channel="email", subject="x", body="{% if %}"
    )
    with pytest.raises(Exception) as excinfo:
        template.full_clean(exclude=["event", "language", "channel"])
    assert "body" in excinfo.value.message_dict


@override_settings(RETURNDESK_SMS_PROVIDER="returndesk.notifications.channels.MemorySmsProvider")
def test_given_a_customer_who_prefers_sms_when_notified_then_an_sms_goes_out_and_no_email(
    smtp, consumer, consumer_user, line5
):
    MemorySmsProvider.sent.clear()
    CustomerPreference.objects.create(customer=consumer, channel="sms")
    case = open_return(consumer_user, consumer, line5)
    event = case.events.get(type="created")

    outbox_deliver_due()

    assert smtp.inbox.messages == []
    assert MemorySmsProvider.sent == [
        {
            "phone": consumer.phone,
            "text": f"【售后服务】您的工单{case.number}已更新,当前状态:待审核。",
            "message_id": f"case-event-{event.id}",
        }
    ]


def test_given_a_customer_who_wants_no_messages_when_notified_then_the_message_is_skipped(
    smtp, consumer, consumer_user, line5
):
    CustomerPreference.objects.create(customer=consumer, channel="none")
    open_return(consumer_user, consumer, line5)

    outbox_deliver_due()

    assert smtp.inbox.messages == []
    assert list(OutboxMessage.objects.values_list("state", "attempts")) == [("skipped", 1)]


def test_given_the_smtp_server_down_when_delivering_then_retried_with_back_off_until_it_is_up(
    consumer, consumer_user, line5, frozen_clock
):
    from .servers import SmtpServer

    server = SmtpServer()  # not started yet: connection refused
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
    ):
        case = open_return(consumer_user, consumer, line5)
        outbox_deliver_due()
        message = OutboxMessage.objects.get()
        assert (message.state, message.attempts, message.available_at) == (
            "pending",
            1,
            NOW + timedelta(seconds=30),
        )
        assert message.last_error.startswith("ConnectionRefusedError")

        frozen_clock.shift(timedelta(seconds=29))
        assert outbox_deliver_due() == 0  # not due yet
        frozen_clock.shift(timedelta(seconds=1))
        outbox_deliver_due()
        message.refresh_from_db()
        assert (message.attempts, message.available_at) == (2, NOW + timedelta(seconds=30 + 60))

        with server:
            frozen_clock.shift(timedelta(seconds=60))
            assert outbox_deliver_due() == 1
            assert [subject(m) for m in server.inbox.messages] == [
                f"【{case.number}】您的售后工单状态:待审核"
            ]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 3, "")


def test_given_a_change_rolled_back_when_delivering_then_nothing_is_sent(
    smtp, consumer, consumer_user, line5, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            open_return(consumer_user, consumer, line5)
            email_enqueue(to=["x@example.com"], subject="s", body="b", key="rolled-back")
            raise RuntimeError("boom")

    outbox_deliver_due()
    assert (Case.objects.count(), OutboxMessage.objects.count(), callbacks, smtp.inbox.messages) == (
        0,
        0,
        [],
        [],
    )


def test_given_a_breached_target_when_the_supervisor_is_alerted_then_the_staff_email_arrives_in_their_language(
    smtp, consumer, consumer_user, line5, supervisor
):
    from returndesk.cases.tasks import sla_scan

    supervisor.email, supervisor.preferred_language = "boss@example.com", "en"
    supervisor.save(update_fields=["email", "preferred_language"])
    case = open_return(consumer_user, consumer, line5)
    outbox_deliver_due()

    with time_machine.travel(datetime(2026, 11, 26, 11, 30, tzinfo=SH), tick=False):  # 24 working h later
        assert sla_scan() == {"escalated": 1}
        outbox_deliver_due()

    alert = smtp.inbox.messages[-1]
    assert (alert["To"], subject(alert)) == (
        "boss@example.com",
        f"[{case.number}] SLA breached: First response",
    )
    assert "was due at 2026-11-26 11:30" in content(alert)
