from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect to perform after the writing transaction commits (email, webhook...).

    Written in the same transaction as the change it reports, so a rolled-back change leaves no
    message and a committed one is never lost; the worker delivers it at least once, and the
    dedupe key keeps one change from producing two messages.
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
