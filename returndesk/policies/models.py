"""The configurable after-sales rules (admin-editable) and the immutable versions they are
published as. Decisions are always made against a published `PolicyVersion`, never these rows:
see docs/policies.md and docs/adr/0002-policy-engine.md."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.catalog.models import CustomerType
from returndesk.core.models import BaseModel
from returndesk.orders.models import Channel

MONEY = {"max_digits": 14, "decimal_places": 2}


class ReasonClass(models.TextChoices):
    """The class of a return reason; the same values as cases.ReturnReason.reason_class (a test
    keeps the two equal; this app may not import the cases app)."""

    QUALITY = "quality", "质量问题 / Quality"
    DELIVERY = "delivery", "配送问题 / Delivery"
    CUSTOMER = "customer", "买家原因 / Customer's own"


class Solution(models.TextChoices):
    """What the customer asks for; the cases app maps its case types onto these."""

    REFUND = "refund", "退货退款 / Return and refund"
    REFUND_ONLY = "refund_only", "仅退款 / Refund only"
    EXCHANGE = "exchange", "换货 / Exchange"
    REPAIR = "repair", "维修 / Repair"


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", "自然日 / Calendar days"
    WORKING = "working", "工作日 / Working days"


class ShippingPayer(models.TextChoices):
    CUSTOMER = "customer", "客户承担 / Customer pays"
    MERCHANT = "merchant", "商家承担 / Merchant pays"


class FeeKind(models.TextChoices):
    NONE = "none", "不收取 / None"
    PERCENT = "percent", "按金额比例(%) / Percent of the amount"
    FIXED = "fixed", "每件固定金额 / Fixed amount per unit"


def default_distance_channels() -> list[str]:
    return [Channel.OWN_SHOP.value, Channel.MARKETPLACE.value]


def default_main_part_reasons() -> list[str]:
    return ["Q01", "Q02", "Q04"]


class PolicySettings(models.Model):
    """The general rules (a single row, id=1). Legal floors are database constraints: the merchant
    may be more generous than the law, never less."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    no_reason_days = models.PositiveSmallIntegerField(
        _("no-reason return days (distance sales)"),
        default=7,
        help_text="七天无理由退货:自签收次日起计算,第 N 日 24:00 截止(不少于 7 日)",
    )
    distance_channels = models.JSONField(
        _("distance-sale channels"),
        default=default_distance_channels,
        help_text="适用七天无理由退货的远程销售渠道(网购)",
    )
    quality_return_days = models.PositiveSmallIntegerField(
        _("quality: return within days"), default=7, help_text="质量问题:签收后 N 日内可退货、换货或修理"
    )
    sanbao_exchange_days = models.PositiveSmallIntegerField(
        _("三包: exchange within days"), default=15, help_text="三包商品:签收后 N 日内可换货或修理"
    )
    repairs_before_replacement = models.PositiveSmallIntegerField(
        _("failed repairs before exchange or return"),
        default=2,
        help_text="三包有效期内同一故障修理 N 次仍不能正常使用的,可换货或退货",
    )
    main_part_reasons = models.JSONField(
        _("reasons that concern main parts"),
        default=default_main_part_reasons,
        help_text="这些故障原因按主要部件保修期计算(其余按整机保修期)",
    )
    delivery_claim_days = models.PositiveSmallIntegerField(
        _("delivery problems: claim within days"), default=15, help_text="发错货、少发、运输损坏等的申请期限"
    )
    evidence_required_for_quality = models.BooleanField(
        _("quality claims need photos or video"), default=True
    )
    evidence_min_files = models.PositiveSmallIntegerField(_("minimum photos/videos"), default=1)
    distributor_quality_only = models.BooleanField(
        _("refuse non-quality returns from distributors"),
        default=True,
        help_text="非质量原因由销售通知经销商不予退货",
    )
    distributor_message = models.TextField(
        _("message to the distributor (Chinese)"),
        default="您好,按经销协议,非质量原因的退货不予受理。如需调换型号或调拨库存,请联系您的销售代表。",
    )
    distributor_message_en = models.TextField(
        _("message to the distributor (English)"),
        default="Under the distribution agreement, returns for non-quality reasons are not accepted. "
        "For a model swap or a stock transfer, please contact your sales representative.",
    )

    class Meta:
        verbose_name = _("policy settings")
        verbose_name_plural = _("policy settings")
        constraints = [
            models.CheckConstraint(name="policy_settings_singleton", condition=Q(id=1)),
            # 消费者权益保护法 art. 25 and art. 24, 三包: the statutory periods are floors.
            models.CheckConstraint(name="policy_no_reason_at_least_7", condition=Q(no_reason_days__gte=7)),
            models.CheckConstraint(
                name="policy_quality_return_at_least_7", condition=Q(quality_return_days__gte=7)
            ),
            models.CheckConstraint(
                name="policy_sanbao_exchange_at_least_15", condition=Q(sanbao_exchange_days__gte=15)
            ),
            models.CheckConstraint(
                name="policy_repairs_before_replacement_1_or_2",
                condition=Q(repairs_before_replacement__gte=1, repairs_before_replacement__lte=2),
            ),
            models.CheckConstraint(
                name="policy_evidence_min_positive", condition=Q(evidence_min_files__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return str(_("policy settings"))

    @classmethod
    def current(cls) -> PolicySettings:
        obj, _created = cls.objects.get_or_create(id=1)
        return obj


class ReturnWindowRule(BaseModel):
    """The merchant's window for returns for the customer's own reasons, by channel, customer type
    and product category (blank = any). The most specific active rule applies; the statutory
    7-day no-reason right of consumers on distance sales applies besides it."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    customer_type = models.CharField(
        _("customer type"), max_length=20, choices=CustomerType.choices, blank=True
    )
    category = models.ForeignKey(
        "catalog.ProductCategory",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    days = models.PositiveSmallIntegerField(_("days after signing"))
    day_unit = models.CharField(
        _("counted in"), max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR
    )
    allows_exchange = models.BooleanField(_("exchange allowed too"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("return window")
        verbose_name_plural = _("return windows")
        ordering = ["channel", "customer_type", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "customer_type", "category"],
                condition=Q(category__isnull=False),
                name="return_window_unique_with_category",
            ),
            models.UniqueConstraint(
                fields=["channel", "customer_type"],
                condition=Q(category__isnull=True),
                name="return_window_unique_any_category",
            ),
        ]

    def __str__(self) -> str:
        parts = [
            self.get_channel_display() if self.channel else "*",
            self.get_customer_type_display() if self.customer_type else "*",
            self.category.code if self.category_id else "*",
        ]
        return f"{' · '.join(parts)}: {self.days} {self.get_day_unit_display()}"


class FeeRule(BaseModel):
    """Per reason class: the restocking fee on returns and who pays the return shipping."""

    reason_class = models.CharField(
        _("reason class"), max_length=10, choices=ReasonClass.choices, unique=True
    )
    restocking_kind = models.CharField(
        _("restocking fee"), max_length=10, choices=FeeKind.choices, default=FeeKind.NONE
    )
    restocking_value = models.DecimalField(_("percent or amount per unit"), default=Decimal("0.00"), **MONEY)
    return_shipping_payer = models.CharField(
        _("return shipping paid by"), max_length=10, choices=ShippingPayer.choices
    )

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["reason_class"]
        constraints = [
            models.CheckConstraint(name="fee_rule_value_non_negative", condition=Q(restocking_value__gte=0)),
            models.CheckConstraint(
                name="fee_rule_percent_at_most_100",
                condition=~Q(restocking_kind="percent") | Q(restocking_value__lte=100),
            ),
            # 消费者权益保护法 art. 24: for quality problems the merchant bears the necessary shipping.
            models.CheckConstraint(
                name="fee_rule_quality_shipping_by_merchant",
                condition=~Q(reason_class="quality") | Q(return_shipping_payer="merchant"),
            ),
        ]

    def __str__(self) -> str:
        return self.get_reason_class_display()


class DeductionRule(BaseModel):
    """A deduction the inspection may set on a returned line (missing accessories, packaging…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices[1:], default=FeeKind.PERCENT)
    value = models.DecimalField(_("percent or amount per unit"), **MONEY)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(name="deduction_value_non_negative", condition=Q(value__gte=0)),
            models.CheckConstraint(
                name="deduction_percent_at_most_100", condition=~Q(kind="percent") | Q(value__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} / {self.name_en}"


class AutoApprovalRule(BaseModel):
    """Requests approved by the system right after creation when every line is eligible, no
    evidence is missing and the conditions below match (blank = any)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    customer_type = models.CharField(
        _("customer type"), max_length=20, choices=CustomerType.choices, blank=True
    )
    reason_class = models.CharField(_("reason class"), max_length=10, choices=ReasonClass.choices, blank=True)
    solution = models.CharField(_("solution"), max_length=20, choices=Solution.choices, blank=True)
    amount_below = models.DecimalField(
        _("claimed value below (CNY)"), null=True, blank=True, help_text="留空表示不限金额", **MONEY
    )
    is_active = models.BooleanField(_("active"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("auto-approval rule")
        verbose_name_plural = _("auto-approval rules")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="auto_approval_amount_positive",
                condition=Q(amount_below__isnull=True) | Q(amount_below__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} / {self.name_en}"


class IntactCheckItem(BaseModel):
    """One point of the intact-goods checklist (商品完好) for no-reason returns; without a category
    it applies to every category."""

    category = models.ForeignKey(
        "catalog.ProductCategory",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("intact-goods check")
        verbose_name_plural = _("intact-goods checklist")
        ordering = ["category__code", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], condition=Q(category__isnull=False), name="intact_check_unique"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(category__isnull=True), name="intact_check_unique_general"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} / {self.name_en}"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("policy versions are immutable")

    def delete(self):
        raise TypeError("policy versions are immutable")


class PolicyVersion(models.Model):
    """An immutable snapshot of every rule above, as JSON. Each case stores the version that
    decided it, so publishing new rules never changes an existing case's decision."""

    number = models.PositiveIntegerField(_("version"), primary_key=True)
    rules = models.JSONField(_("rules"))
    digest = models.CharField(_("SHA-256 of the rules"), max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        constraints = [models.CheckConstraint(name="policy_version_positive", condition=Q(number__gte=1))]

    def __str__(self) -> str:
        return f"v{self.number}"
