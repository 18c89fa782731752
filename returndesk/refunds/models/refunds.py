"""Refund settings, the calculation of one case's refund per order, the refunds themselves (one
money movement each) with the payments they draw on, and the log of provider callbacks.

Cases are referenced by string ("cases.Case"): this satellite never imports the cases app.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from returndesk.core.config import ConfigCache, settings_row_cache
from returndesk.core.models import BaseModel
from returndesk.orders.models import PaymentMethod

MONEY = {"max_digits": 14, "decimal_places": 2}
DEFAULT_ROUTE_ORDER = ("store_credit", "wechat", "alipay", "unionpay", "cash", "bank_transfer")


def default_route_order() -> list[str]:
    return list(DEFAULT_ROUTE_ORDER)


class RefundSettings(models.Model):
    """Finance's refund settings, one row (id=1), edited in the admin. The general-manager
    approval amount is the workflow's (cases.CaseSettings.gm_approval_amount), applied to the
    refund amount."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    original_route_order = models.JSONField(
        _("original route: payments refunded in this order"),
        default=default_route_order,
        help_text="原路退回时按此顺序在订单的各笔支付间分配退款,例如先退余额再退微信/支付宝",
    )
    outbound_shipping_for_quality = models.BooleanField(
        _("refund the outbound shipping for quality problems"), default=True
    )
    outbound_shipping_for_delivery = models.BooleanField(
        _("refund the outbound shipping for delivery problems"), default=True
    )
    outbound_shipping_for_customer = models.BooleanField(
        _("refund the outbound shipping for the customer's own reasons"), default=False
    )
    pickup_charge = models.DecimalField(
        _("return shipping charged for a pickup the customer pays for (CNY)"),
        default=Decimal("12.00"),
        help_text="商家安排上门取件、而退回运费由客户承担时,从退款中扣除的运费",
        **MONEY,
    )
    original_days_min = models.PositiveSmallIntegerField(
        _("original route: earliest (working days)"), default=3
    )
    original_days_max = models.PositiveSmallIntegerField(
        _("original route: latest (working days)"), default=10
    )
    bank_days_min = models.PositiveSmallIntegerField(_("bank transfer: earliest (working days)"), default=1)
    bank_days_max = models.PositiveSmallIntegerField(_("bank transfer: latest (working days)"), default=3)

    class Meta:
        verbose_name = _("refund settings")
        verbose_name_plural = _("refund settings")
        constraints = [
            models.CheckConstraint(name="refund_settings_singleton", condition=Q(id=1)),
            models.CheckConstraint(
                name="refund_settings_pickup_non_negative", condition=Q(pickup_charge__gte=0)
            ),
            models.CheckConstraint(
                name="refund_settings_original_days_ordered",
                condition=Q(original_days_min__lte=F("original_days_max")),
            ),
            models.CheckConstraint(
                name="refund_settings_bank_days_ordered", condition=Q(bank_days_min__lte=F("bank_days_max"))
            ),
        ]

    def __str__(self) -> str:
        return str(_("refund settings"))

    @classmethod
    def current(cls) -> RefundSettings:
        """The settings row, read once per process while it is unchanged (core.config: a refund
        asks for it several times). A copy: a caller may change and save it."""
        return copy.deepcopy(_REFUND_SETTINGS.get())

    def refunds_outbound_shipping_for(self, reason_class: str) -> bool:
        return {
            "quality": self.outbound_shipping_for_quality,
            "delivery": self.outbound_shipping_for_delivery,
            "customer": self.outbound_shipping_for_customer,
        }.get(reason_class, False)


_REFUND_SETTINGS: ConfigCache[RefundSettings] = settings_row_cache(
    "refunds.settings", "refunds.RefundSettings"
)


class Route(models.TextChoices):
    ORIGINAL = "original", "原路退回 / Original payment route"
    BANK_TRANSFER = "bank_transfer", "银行转账 / Bank transfer"
    STORE_CREDIT = "store_credit", "退至账户余额 / Store credit"


class ProviderCode(models.TextChoices):
    GATEWAY = "gateway", "支付网关 / Payment gateway"
    MANUAL = "manual", "人工转账(财务确认) / Manual transfer (finance confirms)"
    STORE_CREDIT = "store_credit", "账户余额 / Store credit"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "处理中 / Pending"
    SUCCEEDED = "succeeded", "已退款 / Succeeded"
    FAILED = "failed", "失败 / Failed"


FINAL_STATUSES = frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED})


class RefundCalculation(BaseModel):
    """What one case refunds on one order, computed once when finance starts the refund
    (refunds.calculation): the goods value of the refundable units split into net and tax, the
    deductions, the outbound shipping, and the total. A retry after a failed refund pays what is
    still outstanding of this total; it is never computed again."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="refund_calculations"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refund_calculations"
    )
    customer = models.ForeignKey(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    goods_gross = models.DecimalField(_("goods value refunded (incl. tax)"), **MONEY)
    goods_net = models.DecimalField(_("goods value net of tax"), **MONEY)
    goods_tax = models.DecimalField(_("output VAT reversed"), **MONEY)
    restocking_fee = models.DecimalField(_("restocking fee"), **MONEY)
    inspection_deductions = models.DecimalField(_("inspection deductions"), **MONEY)
    return_shipping = models.DecimalField(_("return shipping borne by the customer"), **MONEY)
    outbound_shipping = models.DecimalField(_("outbound shipping refunded"), **MONEY)
    total = models.DecimalField(_("refund total"), **MONEY)
    cap = models.DecimalField(_("cap (value received and accepted, or paid)"), **MONEY)
    lines = models.JSONField(_("lines"), default=list)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("refund calculation")
        verbose_name_plural = _("refund calculations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order"], name="refund_calc_one_per_case_and_order"),
            # Outbound shipping is refunded at most once per order (issue 6).
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(outbound_shipping__gt=0),
                name="refund_calc_outbound_shipping_once_per_order",
            ),
            models.CheckConstraint(
                name="refund_calc_components_non_negative",
                condition=Q(goods_net__gte=0, goods_tax__gte=0, restocking_fee__gte=0)
                & Q(
                    inspection_deductions__gte=0,
                    return_shipping__gte=0,
                    outbound_shipping__gte=0,
                    total__gte=0,
                ),
            ),
            models.CheckConstraint(
                name="refund_calc_gross_is_net_plus_tax",
                condition=Q(goods_gross=Round(F("goods_net") + F("goods_tax"), 2)),
            ),
            models.CheckConstraint(
                name="refund_calc_total_is_sum_of_components",
                condition=Q(
                    total=Round(
                        F("goods_gross")
                        - F("restocking_fee")
                        - F("inspection_deductions")
                        - F("return_shipping")
                        + F("outbound_shipping"),
                        2,
                    )
                ),
            ),
            models.CheckConstraint(name="refund_calc_total_within_cap", condition=Q(cap__gte=F("total"))),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.total}"


class Refund(BaseModel):
    """One money movement to the customer: a part of the original route (one payment), a bank
    transfer, or a store-credit entry. pending → succeeded | failed, never back. The idempotency
    key is what the provider sees: the provider is called with it once (`sent_at`), and an
    unknown outcome (a timeout) is resolved by asking the provider with it, never by sending
    again."""

    number = models.CharField(_("refund number"), max_length=32, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="refunds"
    )
    calculation = models.ForeignKey(
        RefundCalculation, verbose_name=_("calculation"), on_delete=models.PROTECT, related_name="refunds"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    customer = models.ForeignKey(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="refunds"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    provider = models.CharField(_("provider"), max_length=20, choices=ProviderCode.choices)
    method = models.CharField(_("paid back by"), max_length=20, choices=PaymentMethod.choices)
    payment = models.ForeignKey(
        "orders.Payment",
        verbose_name=_("original payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    payee = models.JSONField(_("payee (bank transfer)"), default=dict, blank=True)
    finance_reference = models.CharField(_("finance voucher no."), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent to the provider at"), null=True, blank=True)
    outcome_unknown = models.BooleanField(_("outcome unknown (to be queried)"), default=False)
    queried_at = models.DateTimeField(_("last queried at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="refund_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="refund_provider_reference_unique",
            ),
            models.CheckConstraint(
                name="refund_original_route_has_payment",
                condition=~Q(route="original") | Q(payment__isnull=False),
            ),
            models.CheckConstraint(
                name="refund_final_has_time",
                condition=(Q(status="pending") & Q(succeeded_at__isnull=True, failed_at__isnull=True))
                | (Q(status="succeeded") & Q(succeeded_at__isnull=False))
                | (Q(status="failed") & Q(failed_at__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="refund_status_created_idx"),
            models.Index(fields=["case", "attempt"], name="refund_case_attempt_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RefundAllocation(models.Model):
    """The part of a refund drawn on one payment of the order. The payment's counter
    (orders.Payment.refunded_amount) holds what its non-failed refunds draw; a failed refund
    gives its part back (`released_at`)."""

    id = models.BigAutoField(primary_key=True)
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="allocations")
    payment = models.ForeignKey("orders.Payment", on_delete=models.PROTECT, related_name="refund_allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund allocation")
        verbose_name_plural = _("refund allocations")
        constraints = [
            models.UniqueConstraint(fields=["refund", "payment"], name="refund_allocation_unique"),
            models.CheckConstraint(name="refund_allocation_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.refund_id} ← {self.payment_id}: {self.amount}"


class CallbackOutcome(models.TextChoices):
    APPLIED = "applied", "已处理 / Applied"
    DUPLICATE = "duplicate", "重复通知(已忽略) / Duplicate (ignored)"
    REFUSED_SIGNATURE = "refused_signature", "签名无效 / Bad signature"
    REFUSED_MALFORMED = "refused_malformed", "格式错误 / Malformed"
    REFUSED_UNKNOWN = "refused_unknown", "未知退款 / Unknown refund"
    REFUSED_INCONSISTENT = "refused_inconsistent", "与记录不符(已标记) / Inconsistent (flagged)"


class ProviderCallback(models.Model):
    """Every callback a provider sent, kept as received, with what was done with it."""

    id = models.BigAutoField(primary_key=True)
    provider = models.CharField(_("provider"), max_length=20, choices=ProviderCode.choices)
    received_at = models.DateTimeField(_("received at"))
    body = models.TextField(_("body"))
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    reported_status = models.CharField(_("reported status"), max_length=20, blank=True)
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=CallbackOutcome.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("provider callback")
        verbose_name_plural = _("provider callbacks")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["provider", "provider_reference"], name="provider_callback_ref_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_reference} {self.outcome}"
