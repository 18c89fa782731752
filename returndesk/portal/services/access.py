"""Find your order: an order number plus the phone number or email on the order, then a one-time
code sent there (email through the notifications outbox, SMS through its SMS interface); or the
portal sign-in of a registered customer or distributor, with the same lock-out on failures.

The answers never tell whether an order number exists: a request that matches nothing gets the
same page, message and status, and a code row that can never be verified (docs/portal.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.catalog.models import Customer, CustomerType
from returndesk.notifications.services import outbox_enqueue
from returndesk.orders.models import Order

from .. import errors
from ..conf import limits
from ..models import AccessCode, Attempt, GuestAccount
from . import throttle

K = Attempt.Kind
CODE_TOPIC = "portal.access_code"
CODE_DIGITS = 6


@dataclass(frozen=True)
class Contact:
    channel: str  # AccessCode.Channel
    value: str  # lower-cased email, or the phone's digits


@dataclass(frozen=True)
class GuestGrant:
    """What a verified code opens: one order of one customer, acting as its guest user."""

    user: User
    customer: Customer
    order: Order
    contact: str  # the email or phone the code went to (lower-cased email, or the phone's digits)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-().]", "", value or "")
    digits = re.sub(r"^(\+86|0086)", "", digits)
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    return digits


def parse_contact(value: str) -> Contact:
    """An email address or a phone number (mainland mobiles with or without +86, or other
    numbers of 6 to 20 digits); anything else is an input error."""
    text = (value or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise errors.invalid("contact", "邮箱格式不正确", "This is not a valid email address") from None
        return Contact(AccessCode.Channel.EMAIL, text.lower())
    digits = normalise_phone(text)
    if not re.fullmatch(r"\d{6,20}", digits):
        raise errors.invalid(
            "contact",
            "请填写下单时留的手机号或邮箱",
            "Enter the phone number or email address given with the order",
        )
    return Contact(AccessCode.Channel.SMS, digits)


def _matches(order: Order, contact: Contact) -> bool:
    """The contact given with the order (consignee) or the customer's own."""
    if contact.channel == AccessCode.Channel.EMAIL:
        known = {order.contact_email, order.customer.email}
        return contact.value in {e.strip().lower() for e in known if e}
    known = {order.contact_phone, order.customer.phone}
    return contact.value in {normalise_phone(p) for p in known if p}


def code_for(code_id) -> str:
    """The code of an access-code row, derived from its random id and SECRET_KEY: the delivery
    worker recomputes it, so it is never stored, not even in the outbox payload."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"returndesk.portal.code:{code_id}".encode(), hashlib.sha256)
    return f"{int.from_bytes(mac.digest()[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def _code_hash(code_id, code: str) -> str:
    return throttle.digest("code_hash", f"{code_id}:{code}")


def portal_code_request(*, order_number: str, contact: str, ip: str, language: str) -> AccessCode:
    """Ask for a one-time code for an order (issue 9). Limits: codes per IP and per order number
    in the window, and the lock-out after repeated failures (conf.py); all counted whether or not
    the order exists. Returns the challenge the browser keeps in its session; a message is queued
    only when the order number and the contact match."""
    number = (order_number or "").strip()
    if not number or len(number) > 64:
        raise errors.invalid("order_number", "请填写订单号", "Enter the order number")
    parsed = parse_contact(contact)
    lim = limits()
    ip_digest, order_digest = throttle.ip_key(ip), throttle.order_key(number)
    now = timezone.now()
    with transaction.atomic():
        throttle.serialize(ip_digest, order_digest)
        throttle.check_lockout(K.FAILURE_IP, ip_digest, lim.failures_per_ip, now)
        throttle.check_lockout(K.FAILURE_ORDER, order_digest, lim.failures_per_key, now)
        throttle.check_rate(K.LOOKUP_IP, ip_digest, lim.lookups_per_ip, now)
        throttle.check_rate(K.LOOKUP_ORDER, order_digest, lim.lookups_per_order, now)
        throttle.record(K.LOOKUP_IP, ip_digest, now)
        throttle.record(K.LOOKUP_ORDER, order_digest, now)
        candidates = Order.objects.filter(number=number).select_related("customer").order_by("id")
        order = next((o for o in candidates if _matches(o, parsed)), None)
        access = AccessCode(
            id=uuid.uuid4(),
            order=order,
            channel=parsed.channel,
            order_digest=order_digest,
            contact=parsed.value if order is not None else "",  # kept only for a matching order
            expires_at=now + lim.code_ttl,
        )
        access.code_hash = _code_hash(access.id, code_for(access.id))
        access.save()
        if order is not None:
            outbox_enqueue(
                topic=CODE_TOPIC,
                payload={
                    "code": str(access.id),
                    "channel": parsed.channel,
                    "to": parsed.value,
                    "language": language,
                },
                dedupe_key=f"portal-code-{access.id}",
            )
    return access


def portal_code_verify(*, code_id, code: str, ip: str) -> GuestGrant:
    """Check a one-time code: right, unexpired, unused, fewer than the allowed wrong entries,
    and for an order that exists. A failure counts against the IP and the order number (lock-out
    after repeated failures) and against the code; success uses the code up and returns the
    order's guest grant (creating the customer's guest user on first use)."""
    typed = re.sub(r"\s", "", code or "")
    lim = limits()
    ip_digest = throttle.ip_key(ip)
    now = timezone.now()
    grant = None
    with transaction.atomic():
        access = None
        if _uuid(code_id) is not None:
            # Lock the code row only (the order is on the nullable side of the join).
            access = (
                AccessCode.objects.select_for_update(of=("self",))
                .select_related("order__customer")
                .filter(id=_uuid(code_id))
                .first()
            )
        order_digest = access.order_digest if access else ""
        throttle.serialize(ip_digest, *([order_digest] if order_digest else []))
        throttle.check_lockout(K.FAILURE_IP, ip_digest, lim.failures_per_ip, now)
        if order_digest:
            throttle.check_lockout(K.FAILURE_ORDER, order_digest, lim.failures_per_key, now)
        valid = (
            access is not None
            and access.order is not None
            and access.used_at is None
            and access.expires_at > now
            and access.attempts < lim.code_max_attempts
            and re.fullmatch(rf"\d{{{CODE_DIGITS}}}", typed) is not None
            and hmac.compare_digest(access.code_hash, _code_hash(access.id, typed))
        )
        if valid:
            access.used_at = now
            access.save(update_fields=["used_at", "updated_at"])
            order = access.order
            grant = GuestGrant(
                user=_guest_user(order.customer), customer=order.customer, order=order, contact=access.contact
            )
        else:
            throttle.record(K.FAILURE_IP, ip_digest, now)
            if order_digest:
                throttle.record(K.FAILURE_ORDER, order_digest, now)
            if access is not None:
                access.attempts += 1
                access.save(update_fields=["attempts", "updated_at"])
    if grant is None:  # raised after the block, so the failure just recorded is kept
        raise errors.code_invalid()
    return grant


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _guest_user(customer: Customer) -> User:
    """The customer's guest user: the customer's role, no usable password (it cannot sign in
    with a form), active. Two first verifications at once: the loser reads the winner's."""
    account = GuestAccount.objects.select_related("user").filter(customer=customer).first()
    if account is not None:
        return account.user
    role = Role.DISTRIBUTOR if customer.type == CustomerType.DISTRIBUTOR else Role.CUSTOMER
    username = f"guest-{customer.code}"[:140]
    if User.objects.filter(username=username).exists():
        username = f"{username}-{uuid.uuid4().hex[:8]}"
    try:
        with transaction.atomic():
            # accounts has no user service yet; create_user is what its admin uses too.
            user = User.objects.create_user(
                username=username, password=None, role=role, customer=customer,
                last_name=(customer.contact_name or customer.name)[:150],
            )  # fmt: skip
            GuestAccount.objects.create(customer=customer, user=user)
    except IntegrityError:
        return GuestAccount.objects.select_related("user").get(customer=customer).user
    return user


def portal_code_prune(*, now: datetime | None = None) -> int:
    """Delete access codes expired for a day (they can never be used again)."""
    now = now or timezone.now()
    deleted, _ = AccessCode.objects.filter(expires_at__lt=now - limits().window * 24).delete()
    return deleted


# --- the portal sign-in ---------------------------------------------------------------------


def portal_login_begin(*, ip: str, username: str) -> list[int]:
    """Before a sign-in is checked: refuse it while the IP or the username is locked out after
    repeated failures, else count it as a failure in advance — so a burst of parallel guesses
    sees each other — and return the rows to take back if it succeeds (portal_login_succeeded)."""
    lim, now = limits(), timezone.now()
    ip_digest, user_digest = throttle.ip_key(ip), throttle.username_key(username)
    with transaction.atomic():
        throttle.serialize(ip_digest, user_digest)
        throttle.check_lockout(K.LOGIN_FAILURE_IP, ip_digest, lim.failures_per_ip, now)
        throttle.check_lockout(K.LOGIN_FAILURE_USER, user_digest, lim.failures_per_key, now)
        return [
            throttle.record(K.LOGIN_FAILURE_IP, ip_digest, now).id,
            throttle.record(K.LOGIN_FAILURE_USER, user_digest, now).id,
        ]


def portal_login_succeeded(*, attempts: list[int]) -> None:
    """A sign-in that succeeded is not a failure."""
    Attempt.objects.filter(id__in=attempts).delete()
