"""The simulated payment gateway's own state (refunds/simulated_gateway.py): its refund ledger,
the behaviours queued for the next requests, and its outgoing notifications (callbacks). It is a
separate party: ReturnDesk's refund tables never point into these tables, and the gateway knows
ReturnDesk only by the merchant key (the refund's idempotency key) it was sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .refunds import MONEY


class Behaviour(models.TextChoices):
    SUCCEED = "succeed", "成功 / Succeed"
    FAIL = "fail", "拒绝 / Decline"
    TIMEOUT = "timeout", "已受理但响应超时 / Done, but the answer times out"
    LOST = "lost", "请求未送达(超时) / Request lost (times out)"
    PENDING = "pending", "处理中,稍后回调成功 / Processing, calls back success later"
    PENDING_FAIL = "pending_fail", "处理中,稍后回调失败 / Processing, calls back failure later"
    CALLBACK_TWICE = "callback_twice", "处理中,稍后回调两次 / Processing, calls back twice later"


class GatewayStatus(models.TextChoices):
    PROCESSING = "processing", "处理中 / Processing"
    SUCCEEDED = "succeeded", "成功 / Succeeded"
    FAILED = "failed", "失败 / Failed"


class SimGatewayTransaction(models.Model):
    id = models.BigAutoField(primary_key=True)
    reference = models.CharField(_("gateway reference"), max_length=40, unique=True)
    merchant_key = models.CharField(_("merchant key"), max_length=80, unique=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=12, choices=GatewayStatus.choices)
    behaviour = models.CharField(_("behaviour"), max_length=20, choices=Behaviour.choices)
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("received at"))
    settle_at = models.DateTimeField(_("settles at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated gateway refund")
        verbose_name_plural = _("simulated gateway refunds")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["settle_at"], name="sim_gateway_processing_idx", condition=Q(status="processing")
            )
        ]

    def __str__(self) -> str:
        return self.reference


class SimGatewayScript(models.Model):
    """A behaviour for a coming request: for the request with this merchant key, or (key blank)
    for the next request without its own script, first queued first used."""

    id = models.BigAutoField(primary_key=True)
    merchant_key = models.CharField(_("merchant key"), max_length=80, blank=True)
    behaviour = models.CharField(_("behaviour"), max_length=20, choices=Behaviour.choices)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated gateway script")
        verbose_name_plural = _("simulated gateway scripts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.merchant_key or '*'}: {self.behaviour}"


class SimGatewayNotification(models.Model):
    """A callback the gateway sends to the merchant (it may send one twice, as real ones do)."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        SimGatewayTransaction, on_delete=models.CASCADE, related_name="notifications"
    )
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))

    class Meta:
        verbose_name = _("simulated gateway notification")
        verbose_name_plural = _("simulated gateway notifications")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="sim_gateway_notify_due_idx",
                condition=Q(delivered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} #{self.id}"
