"""Find your order (issue 9): order number plus the phone number or email on the order, then a
one-time code sent there — by real SMTP (aiosmtpd) through the notifications outbox, or by SMS
through the SMS interface. Codes are hashed, short-lived and single-use; the answers never tell
whether an order number exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from returndesk.notifications.channels import MemorySmsProvider
from returndesk.notifications.models import OutboxMessage
from returndesk.notifications.services import outbox_deliver_due
from returndesk.portal.access import GRANT_KEY
from returndesk.portal.models import AccessCode, GuestAccount
from returndesk.portal.services.access import code_for

from .helpers import code_in

pytestmark = pytest.mark.django_db
FIND, CODE, HOME = reverse("portal:find"), reverse("portal:code"), reverse("portal:home")


def lookup(client, number, contact):
    return client.post(FIND, {"order_number": number, "contact": contact})


def test_given_the_order_and_its_email_when_the_code_arrives_by_smtp_and_is_entered_then_the_order_opens(
    smtp, shop_order
):
    client = Client()

    response = lookup(client, shop_order.number, "Buyer@Example.com")
    assert response.status_code == 302 and response["Location"] == CODE
    assert outbox_deliver_due() == 1
    (message,) = smtp.inbox.messages
    assert message["To"] == "buyer@example.com"
    code = code_in(message)
    assert str(message["Subject"]).strip() == f"您的验证码:{code}"
    assert f"订单 {shop_order.number} 的售后服务验证码是 {code}" in message.get_content()

    response = client.post(CODE, {"code": code})

    assert response.status_code == 302 and response["Location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert f"订单 {shop_order.number}" in page.content.decode()
    grant = client.session[GRANT_KEY]
    assert grant["order"] == str(shop_order.id)
    guest = GuestAccount.objects.get(customer=shop_order.customer).user
    assert (guest.role, guest.customer_id, guest.has_usable_password()) == (
        "customer",
        shop_order.customer_id,
        False,
    )
    assert AccessCode.objects.get().used_at is not None


def test_given_the_order_and_its_phone_when_asking_then_the_code_goes_by_sms_and_works(shop_order):
    MemorySmsProvider.sent.clear()
    client = Client()
    with override_settings(RETURNDESK_SMS_PROVIDER="returndesk.notifications.channels.MemorySmsProvider"):
        lookup(client, shop_order.number, "+86 139-1234-5678")
        assert outbox_deliver_due() == 1
    (sms,) = MemorySmsProvider.sent
    assert sms["phone"] == "13912345678"
    code = code_in(sms["text"])
    assert client.post(CODE, {"code": code})["Location"] == HOME


def test_given_a_code_when_it_is_stored_then_only_a_keyed_hash_is_kept_nowhere_the_code(shop_order):
    lookup(Client(), shop_order.number, "buyer@example.com")
    access = AccessCode.objects.get()
    code = code_for(access.id)
    assert code not in access.code_hash and len(access.code_hash) == 64
    outbox = OutboxMessage.objects.get(topic="portal.access_code")
    assert code not in str(outbox.payload)
    assert set(outbox.payload) == {"code", "channel", "to", "language"}


def test_given_an_unknown_order_or_a_wrong_contact_when_looking_up_then_the_answer_is_the_same_as_for_a_match(
    shop_order,
):
    """Same status, same page, same message: only what the visitor typed differs."""
    pages = []
    for number, contact in [
        (shop_order.number, "buyer@example.com"),  # matches
        (shop_order.number, "someone@example.com"),  # wrong contact
        ("SO99999999", "buyer@example.com"),  # no such order
    ]:
        client = Client()
        response = lookup(client, number, contact)
        assert (response.status_code, response["Location"]) == (302, CODE)
        page = client.get(CODE)
        assert page.status_code == 200
        pages.append(
            page.content.decode()
            .replace(number, "N")
            .replace(contact, "C")
            .replace(str(page.context["csrf_token"]), "T")
        )
        wrong = client.post(CODE, {"code": "000000"})
        assert wrong.status_code == 422
        pages.append(
            wrong.content.decode()
            .replace(number, "N")
            .replace(contact, "C")
            .replace(str(wrong.context["csrf_token"]), "T")
        )
    assert pages[0] == pages[2] == pages[4]
    assert pages[1] == pages[3] == pages[5]
    assert OutboxMessage.objects.filter(topic="portal.access_code").count() == 1  # only the match
    assert AccessCode.objects.filter(order__isnull=True).count() == 2


def test_given_an_unverifiable_code_when_the_right_digits_are_guessed_then_it_still_fails(shop_order):
    """A code row for a non-matching request can never open anything, whatever is typed."""
    client = Client()
    lookup(client, shop_order.number, "someone@example.com")
    access = AccessCode.objects.get()
    response = client.post(CODE, {"code": code_for(access.id)})
    assert response.status_code == 422
    assert GRANT_KEY not in client.session


def test_given_a_code_when_ten_minutes_pass_then_it_has_expired(shop_order):
    client = Client()
    lookup(client, shop_order.number, "buyer@example.com")
    code = code_for(AccessCode.objects.get().id)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        response = client.post(CODE, {"code": code})
    assert response.status_code == 422
    assert "验证码不正确或已失效" in response.content.decode()
    assert GRANT_KEY not in client.session


def test_given_a_used_code_when_entered_again_in_another_browser_then_it_is_refused(shop_order):
    first = Client()
    lookup(first, shop_order.number, "buyer@example.com")
    access = AccessCode.objects.get()
    code = code_for(access.id)
    assert first.post(CODE, {"code": code}).status_code == 302
    second = Client()
    second.post(FIND, {"order_number": shop_order.number, "contact": "buyer@example.com"})
    session = second.session
    session["portal_challenge"] = str(access.id)  # replaying the first challenge
    session.save()
    assert second.post(CODE, {"code": code}).status_code == 422


def test_given_five_wrong_entries_when_the_right_code_follows_then_the_code_is_dead(shop_order):
    client = Client()
    lookup(client, shop_order.number, "buyer@example.com")
    access = AccessCode.objects.get()
    for _ in range(4):
        assert (
            client.post(CODE, {"code": "123450" if code_for(access.id) != "123450" else "123451"}).status_code
            == 422
        )
    # the 5th failure locks the order number out (failures per order number: 5 in the window)
    assert client.post(CODE, {"code": "abcdef"}).status_code == 422
    access.refresh_from_db()
    assert access.attempts == 5
    response = client.post(CODE, {"code": code_for(access.id)})
    assert response.status_code == 429
    assert GRANT_KEY not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.post(CODE, {"code": code_for(access.id)})
    assert response.status_code == 422  # the lock-out is over but the code is dead (and expired)


def test_given_repeated_failures_on_an_order_number_when_looking_it_up_again_then_it_is_locked_out(
    shop_order,
):
    client = Client()
    lookup(client, shop_order.number, "buyer@example.com")
    for _ in range(5):
        client.post(
            CODE, {"code": "999999" if code_for(AccessCode.objects.get().id) != "999999" else "999998"}
        )

    other_browser = Client(REMOTE_ADDR="10.0.0.9")
    response = lookup(other_browser, shop_order.number, "buyer@example.com")

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert AccessCode.objects.count() == 1  # nothing new issued
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert lookup(other_browser, shop_order.number, "buyer@example.com").status_code == 302


def test_given_an_unknown_order_number_when_failures_repeat_then_it_is_locked_out_the_same_way(db):
    client = Client()
    lookup(client, "NO-SUCH-1", "buyer@example.com")
    for _ in range(5):
        client.post(CODE, {"code": "111111"})
    assert lookup(Client(REMOTE_ADDR="10.0.0.8"), "no-such-1", "buyer@example.com").status_code == 429


def test_given_many_lookups_from_one_ip_when_the_limit_is_reached_then_the_next_is_refused(db):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(20):
        assert lookup(client, f"X{n}", "a@example.com").status_code == 302
    response = lookup(client, "X99", "a@example.com")
    assert response.status_code == 429
    assert AccessCode.objects.count() == 20
    assert lookup(Client(REMOTE_ADDR="10.1.1.2"), "X99", "a@example.com").status_code == 302


def test_given_many_lookups_of_one_order_number_when_the_limit_is_reached_then_the_next_is_refused(
    shop_order,
):
    for n in range(5):
        assert (
            lookup(Client(REMOTE_ADDR=f"10.2.0.{n}"), shop_order.number, "buyer@example.com").status_code
            == 302
        )
    response = lookup(Client(REMOTE_ADDR="10.2.0.99"), shop_order.number, "buyer@example.com")
    assert response.status_code == 429
    assert OutboxMessage.objects.filter(topic="portal.access_code").count() == 5


@pytest.mark.parametrize(
    ("number", "contact", "field", "message"),
    [
        ("", "buyer@example.com", "order_number", "这个字段是必填项。"),
        ("SO1", "not-an-email@", "contact", "邮箱格式不正确"),
        ("SO1", "12ab", "contact", "请填写下单时留的手机号或邮箱"),
    ],
)
def test_given_bad_input_when_looking_up_then_the_field_says_why_and_nothing_is_issued(
    number, contact, field, message, db
):
    response = lookup(Client(), number, contact)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert AccessCode.objects.count() == 0


def test_given_no_lookup_when_opening_the_code_page_then_it_sends_back_to_the_lookup(db):
    assert Client().get(CODE)["Location"] == FIND


def test_given_a_code_delivered_late_when_it_has_expired_then_nothing_is_sent(smtp, shop_order):
    lookup(Client(), shop_order.number, "buyer@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert outbox_deliver_due() == 1
    assert smtp.inbox.messages == []
    assert OutboxMessage.objects.get().state == "skipped"


def test_given_a_guest_when_requesting_a_return_then_the_confirmation_goes_to_the_verified_contact(
    smtp, shop_order
):
    """The customer's own email differs from the order's: the one the code went to is used."""
    from returndesk.cases.models import Case

    client = Client()
    lookup(client, shop_order.number, "buyer@example.com")
    client.post(CODE, {"code": code_for(AccessCode.objects.get().id)})
    mouse = shop_order.lines.get(position=2)

    response = client.post(
        reverse("portal:request"),
        {"order": str(shop_order.id), f"qty-{mouse.id}": "1", "type": "return_refund", "reason": "C01"},
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.contact_email, case.contact_phone) == ("buyer@example.com", shop_order.customer.phone)
    assert case.created_by == GuestAccount.objects.get(customer=shop_order.customer).user
    smtp.inbox.messages.clear()
    outbox_deliver_due()
    assert [m["To"] for m in smtp.inbox.messages] == ["buyer@example.com"]


def test_given_an_english_browser_when_asking_for_a_code_then_the_page_and_the_email_are_in_english(
    smtp, shop_order
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Find my order</h1>" in client.get(FIND).content.decode()
    lookup(client, shop_order.number, "buyer@example.com")
    outbox_deliver_due()
    (message,) = smtp.inbox.messages
    code = code_in(message)
    assert str(message["Subject"]).strip() == f"Your verification code: {code}"
    assert f"Your ReturnDesk verification code for order {shop_order.number} is {code}." in " ".join(
        message.get_content().split()
    )
