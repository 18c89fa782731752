"""Data of the customer portal: one-time access codes for "find your order", the attempts the
rate limits count, and the guest sign-in each customer gets when it proves an order is its own.

Nothing here is a secret in clear: codes are kept as keyed hashes (HMAC with SECRET_KEY), and
rate-limit keys (IP addresses, order numbers) as keyed digests, so the tables reveal neither.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class GuestAccount(BaseModel):
    """The sign-in a customer acts as after finding an order with a one-time code: a user with
    the customer's role and no usable password, one per customer, created on first use. Case
    events name it as the actor, so staff see the request came through order lookup."""

    customer = models.OneToOneField(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="portal_guest"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="portal_guest",
    )

    class Meta:
        verbose_name = _("portal guest account")
        verbose_name_plural = _("portal guest accounts")

    def __str__(self) -> str:
        return str(self.user)


class AccessCode(BaseModel):
    """A one-time code asked for with an order number and a phone number or email.

    A request that matches no order still gets a row (order empty) and the same answer, so the
    response never tells whether the order exists; such a code can never be verified. The code
    itself is derived from the row id and SECRET_KEY when it is sent and checked against
    `code_hash`; it is never stored."""

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件 / Email"
        SMS = "sms", "短信 / SMS"

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    order_digest = models.CharField(_("order number (digest)"), max_length=64)
    # Where the code went (email or phone digits), only when the order matched: the verified
    # contact that the guest's requests then use (cases' contact_email / contact_phone).
    contact = models.CharField(_("contact"), max_length=254, blank=True)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        indexes = [models.Index(fields=["expires_at"], name="portal_code_expires_idx")]
        constraints = [
            models.CheckConstraint(
                name="portal_code_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Attempt(models.Model):
    """One counted event of the rate limits: a code asked for, or a failed verification, keyed by
    a digest of the IP address or of the order number. Counting rows in a time window works the
    same across gunicorn workers and on both databases; old rows are pruned (tasks.py)."""

    class Kind(models.TextChoices):
        LOOKUP_IP = "lookup_ip", "查询(IP) / Lookup by IP"
        LOOKUP_ORDER = "lookup_order", "查询(订单号) / Lookup by order number"
        FAILURE_IP = "failure_ip", "验证失败(IP) / Failure by IP"
        FAILURE_ORDER = "failure_order", "验证失败(订单号) / Failure by order number"
        LOGIN_FAILURE_IP = "login_ip", "登录失败(IP) / Sign-in failure by IP"
        LOGIN_FAILURE_USER = "login_user", "登录失败(用户名) / Sign-in failure by username"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key (digest)"), max_length=64)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("rate-limit attempt")
        verbose_name_plural = _("rate-limit attempts")
        indexes = [
            models.Index(fields=["kind", "key", "created_at"], name="portal_attempt_window_idx"),
            models.Index(fields=["created_at"], name="portal_attempt_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
