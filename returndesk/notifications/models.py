import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from returndesk.catalog.models import LANGUAGE_CHOICES
from returndesk.core.models import BaseModel


class OutboxMessage(models.Model):
    """A side effect to perform after the writing transaction commits (email, SMS...).

    Written in the same transaction as the change it reports, so a rolled-back change leaves no
    message and a committed one is never lost; the worker delivers it at least once, and the
    dedupe key keeps one change from producing two messages. A worker claims a message by moving
    `available_at` one lease ahead; if it dies before recording the result, the message is due
    again when the lease ends (docs/operations.md, "Delivery guarantees").
    """

    class State(models.TextChoices):
        PENDING = "pending", "待发送 / Pending"
        SENT = "sent", "已发送 / Sent"
        FAILED = "failed", "发送失败 / Failed"
        SKIPPED = "skipped", "无需发送 / Skipped"

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(_("topic"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    dedupe_key = models.CharField(_("dedupe key"), max_length=120, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["available_at"], name="outbox_pending_due_idx", condition=Q(state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.id} ({self.state})"


class Channel(models.TextChoices):
    EMAIL = "email", "邮件 / Email"
    SMS = "sms", "短信 / SMS"


class ScriptStage(models.TextChoices):
    """The stages of the customer-service script (seed S5 淘宝退货话术模板)."""

    GREETING = "greeting", "问候语 / Greeting"
    ASK_REASON = "ask_reason", "询问退货原因 / Asking the reason"
    EXPLAIN_PROCESS = "explain_process", "告知退货流程 / Explaining the process"
    RESPECT_VIEW = "respect_view", "尊重客户意见 / Respecting the customer's view"
    CONFIRM_PROGRESS = "confirm_progress", "确认退货进度 / Confirming progress"
    THANKS = "thanks", "致谢言辞 / Thanks"
    INTERNAL = "internal", "内部提醒 / Internal alert"


def _check_template(text: str, field: str) -> None:
    try:
        Template(text)
    except TemplateSyntaxError as exc:
        raise ValidationError({field: str(exc)}) from exc


class NotificationTemplate(BaseModel):
    """The message sent for an event, per language and channel, in Django template syntax (the
    variables are listed in docs/operations.md). `event` is a case event type, or * for any
    event without its own template. Defaults follow the seed's script stages (S5)."""

    event = models.CharField(_("event"), max_length=60, help_text="created, approve, refund… or *")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    stage = models.CharField(_("script stage"), max_length=20, choices=ScriptStage.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("Email only."))
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "language", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language", "channel"], name="notification_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.language} · {self.channel}"

    def clean(self) -> None:
        _check_template(self.subject, "subject")
        _check_template(self.body, "body")


class CustomerPreference(BaseModel):
    """How a customer wants to hear about its cases; without a row: email. The language is the
    customer's own (catalog.Customer.preferred_language)."""

    class Choice(models.TextChoices):
        EMAIL = "email", "邮件 / Email"
        SMS = "sms", "短信 / SMS"
        NONE = "none", "不通知 / Do not notify"

    customer = models.OneToOneField(
        "catalog.Customer", on_delete=models.CASCADE, related_name="notification_preference"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Choice.choices, default=Choice.EMAIL)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.channel}"


def new_webhook_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(BaseModel):
    """A receiver subscribed to event types ("case.created", "case.refund"… or "*"). Every POST
    is signed with `secret` (HMAC-SHA256 over the timestamp and the body)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_webhook_secret)
    event_types = models.JSONField(
        _("event types"),
        default=list,
        help_text=_('A list such as ["case.created", "case.refund"], or ["*"].'),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def subscribes(self, event_type: str) -> bool:
        types = self.event_types if isinstance(self.event_types, list) else []
        return "*" in types or event_type in types

    def clean(self) -> None:
        if not isinstance(self.event_types, list) or not all(
            isinstance(t, str) and t for t in self.event_types
        ):
            raise ValidationError({"event_types": _("Give a list of event type names.")})


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row of a webhook, written in the transaction of the
    change. `event_id` is what receivers de-duplicate on; it is unique per endpoint, and every
    re-send (retry, recovery after a crash, manual replay) carries the same id and body."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送 / Pending"
        DELIVERED = "delivered", "已送达 / Delivered"
        FAILED = "failed", "发送失败 / Failed"

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event type"), max_length=60)
    body = models.TextField(_("body (JSON)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replay_count = models.PositiveSmallIntegerField(_("replays"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhook_pending_due_idx", condition=Q(state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """The delivery log: one row per POST that got an answer or an error."""

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("sent at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.CharField(_("response (start)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.status_code or self.error[:40]}"
