import copy
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from returndesk.core.config import ConfigCache, settings_row_cache
from returndesk.core.models import BaseModel
from returndesk.policies.models import ShippingPayer

MONEY = {"max_digits": 14, "decimal_places": 2}


class CaseType(models.TextChoices):
    RETURN_REFUND = "return_refund", "退货退款 / Return and refund"
    REFUND_ONLY = "refund_only", "仅退款 / Refund only"
    EXCHANGE = "exchange", "换货 / Exchange"
    REPAIR = "repair", "维修 / Repair"
    CONSULTATION = "consultation", "咨询 / Consultation"
    ACCEPTANCE = "acceptance", "到货验收 / Delivery acceptance inspection"


# Types whose lines reserve order quantity while the case is open (DOMAIN.md "returnable quantity").
QUANTITY_HOLDING_TYPES = frozenset(
    {CaseType.RETURN_REFUND, CaseType.REFUND_ONLY, CaseType.EXCHANGE, CaseType.REPAIR}
)
# Types that may be opened without any order line.
LINELESS_TYPES = frozenset({CaseType.CONSULTATION, CaseType.ACCEPTANCE})


class CaseChannel(models.TextChoices):
    PHONE = "phone", "电话 / Phone"
    EMAIL = "email", "邮件 / Email"
    WEB = "web", "在线表单 / Web form"
    CHAT = "chat", "在线客服 / Online chat"
    API = "api", "接口 / API"
    DISTRIBUTOR_NOTICE = "distributor_notice", "经销商通知(销售录入) / Distributor notice via sales"


class Priority(models.TextChoices):
    NORMAL = "normal", "普通 / Normal"
    HIGH = "high", "高 / High"
    URGENT = "urgent", "紧急 / Urgent"


PRIORITY_RANK = {Priority.NORMAL: 0, Priority.HIGH: 1, Priority.URGENT: 2}


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待审核 / Submitted"
    AWAITING_CUSTOMER = "awaiting_customer", "待客户确认方案 / Awaiting customer"
    AWAITING_RETURN = "awaiting_return", "待寄回 / Awaiting return"
    IN_TRANSIT = "in_transit", "退货在途 / Return in transit"
    RECEIVED = "received", "仓库已收货 / Received"
    GOODS_INSPECTED = "goods_inspected", "退货已验收 / Returned goods inspected"
    CAUSE_CONFIRMED = "cause_confirmed", "生产已确认原因 / Cause confirmed"
    APPROVED = "approved", "已同意退款 / Approved for refund"
    GM_APPROVED = "gm_approved", "总经理已审批 / Approved by general manager"
    REFUND_PENDING = "refund_pending", "退款中 / Refund in progress"
    REFUND_FAILED = "refund_failed", "退款失败,待重新退款 / Refund failed, to be retried"
    REFUNDED = "refunded", "已退款冲账 / Refunded and reversed"
    REPLACEMENT_SHIPPED = "replacement_shipped", "换货已发出 / Replacement shipped"
    REPAIRING = "repairing", "维修中 / Repairing"
    REPAIRED = "repaired", "已修复寄回 / Repaired and shipped"
    ANSWERED = "answered", "已答复 / Answered"
    VISIT_SCHEDULED = "visit_scheduled", "已安排验收 / Visit scheduled"
    INSPECTED = "inspected", "已完成验收 / Inspected"
    # Exchanges and repairs (issue #5; docs/exchanges-repairs.md).
    REPLACEMENT_RESERVED = "replacement_reserved", "换货已备货 / Replacement reserved"
    DIFFERENCE_PAID = "difference_paid", "差价已付 / Price difference paid"
    QUOTE_PENDING = "quote_pending", "待客户确认维修报价 / Awaiting the quote decision"
    READY_FOR_REPAIR = "ready_for_repair", "待维修 / Ready for repair"
    QUOTE_DECLINED = "quote_declined", "客户拒绝报价 / Quote declined"
    RETURNED_UNREPAIRED = "returned_unrepaired", "未维修已寄回 / Returned unrepaired"
    REJECTED = "rejected", "已拒绝 / Rejected"
    APPEALED = "appealed", "申诉中 / Appealed"
    CANCELLED = "cancelled", "已取消 / Cancelled"
    CLOSED = "closed", "已关闭 / Closed"


TERMINAL_STATUSES = frozenset({Status.CANCELLED, Status.CLOSED})


class ReasonClass(models.TextChoices):
    QUALITY = "quality", "质量问题 / Quality"
    DELIVERY = "delivery", "配送问题 / Delivery"
    CUSTOMER = "customer", "买家原因 / Customer's own"


class ReturnReason(BaseModel):
    """Coded reason tree (seed S4, S6, S7). Only leaves can be chosen on a case line; each leaf
    is classed quality / delivery / customer's own, and that class drives policy."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    reason_class = models.CharField(_("class"), max_length=10, choices=ReasonClass.choices)
    is_urgent = models.BooleanField(_("urgent (raise priority)"), default=False, help_text="如安全隐患")
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name} / {self.name_en}"

    @property
    def is_quality(self) -> bool:
        return self.reason_class == ReasonClass.QUALITY


class CaseSettings(models.Model):
    """Workflow gates configurable in admin (seed S2/S3). A single row, id=1. The refusal of
    non-quality distributor returns is a policy rule (policies.PolicySettings)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    gm_approval_amount = models.DecimalField(
        _("general-manager approval above (CNY)"),
        default=Decimal("5000.00"),
        help_text="退款金额(退货退款、仅退款)或申请货值(换货、维修)超过此额须总经理审批",
        **MONEY,
    )
    gm_for_distributor_returns = models.BooleanField(
        _("general manager approves every distributor return"), default=True
    )
    cause_required_for_quality = models.BooleanField(
        _("production/QC cause required for quality reasons"), default=True
    )

    class Meta:
        verbose_name = _("workflow settings")
        verbose_name_plural = _("workflow settings")
        constraints = [models.CheckConstraint(name="case_settings_singleton", condition=Q(id=1))]

    def __str__(self) -> str:
        return str(_("workflow settings"))

    @classmethod
    def current(cls) -> "CaseSettings":
        """The settings row, read once per process while it is unchanged (core.config: every
        transition's guards ask for it). A copy: a caller may change and save it."""
        return copy.deepcopy(_CASE_SETTINGS.get())


_CASE_SETTINGS: ConfigCache[CaseSettings] = settings_row_cache("cases.settings", "cases.CaseSettings")


class Case(BaseModel):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=CaseType.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    channel = models.CharField(_("channel"), max_length=24, choices=CaseChannel.choices)
    customer = models.ForeignKey(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="cases"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="created_cases",
    )
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True, db_index=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    claimed_amount = models.DecimalField(_("value of claimed goods"), default=Decimal("0.00"), **MONEY)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Outcome data set by transitions (the timeline keeps the full history).
    solution = models.CharField(_("offered solution"), max_length=20, blank=True)
    return_carrier = models.CharField(_("return carrier"), max_length=40, blank=True)
    return_tracking_number = models.CharField(
        _("return tracking number"), max_length=64, blank=True, db_index=True
    )
    outbound_carrier = models.CharField(_("outbound carrier"), max_length=40, blank=True)
    outbound_tracking_number = models.CharField(
        _("outbound tracking number"), max_length=64, blank=True, db_index=True
    )
    gm_approved_at = models.DateTimeField(_("general manager approved at"), null=True, blank=True)
    # Set when finance starts the refund (refunds app: the calculation's total, after fees, with
    # any outbound shipping); refunded_at and the credit note number(s) once it has been paid.
    refund_amount = models.DecimalField(_("refunded"), null=True, blank=True, **MONEY)
    refund_reference = models.CharField(_("credit note / journal no."), max_length=64, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    rejection_alternative = models.TextField(_("alternative offered"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The policy decision made at creation, with the version that made it (never re-evaluated:
    # publishing new rules does not change it). Overrides and waivers are recorded beside it.
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    policy_decision = models.JSONField(_("policy decision"), default=dict, blank=True)
    policy_override = models.JSONField(_("policy override"), default=dict, blank=True)
    evidence_waiver = models.TextField(_("evidence waived because"), blank=True)
    restocking_fee = models.DecimalField(_("restocking fee"), default=Decimal("0.00"), **MONEY)
    return_shipping_payer = models.CharField(
        _("return shipping paid by"), max_length=10, choices=ShippingPayer.choices, blank=True
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="case_status_created_idx"),
            models.Index(fields=["customer", "-created_at"], name="case_customer_created_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status_idx"),
            # the team's open cases (desk home: "my team's queue"), not the team's whole history
            models.Index(fields=["team", "status"], name="case_team_status_idx"),
            # analytics rollups recompute one day of opened / refunded cases at a time
            models.Index(fields=["created_at"], name="case_created_idx"),
            models.Index(
                fields=["refunded_at"], name="case_refunded_idx", condition=Q(refunded_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(name="case_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(name="case_claimed_non_negative", condition=Q(claimed_amount__gte=0)),
            models.CheckConstraint(
                name="case_refund_non_negative",
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0),
            ),
            models.CheckConstraint(
                name="case_restocking_fee_within_claim",
                condition=Q(restocking_fee__gte=0) & Q(restocking_fee__lte=F("claimed_amount")),
            ),
            models.CheckConstraint(
                name="case_closed_has_time",
                condition=~Q(status__in=["closed", "cancelled"]) | Q(closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATUSES


class HoldState(models.TextChoices):
    NONE = "none", "不占用 / Not held"
    HELD = "held", "占用中 / Held"
    RETURNED = "returned", "已退回 / Returned"
    RELEASED = "released", "已释放 / Released"


class CaseLine(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="case_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.ForeignKey(
        ReturnReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    quantity_received = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    # Units accepted at inspection (inspection app): what a refund may pay for.
    quantity_accepted = models.PositiveIntegerField(_("quantity accepted"), null=True, blank=True)
    hold_state = models.CharField(_("quantity hold"), max_length=10, choices=HoldState.choices)
    claimed_amount = models.DecimalField(_("value of claimed goods"), **MONEY)
    # The goods value of the units refunded, round(R × k / Q), and its tax part (refunds app):
    # what this case takes of the order line's paid amount, before fees and deductions.
    refund_amount = models.DecimalField(_("refunded"), null=True, blank=True, **MONEY)
    refund_tax_amount = models.DecimalField(_("tax"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("case line")
        verbose_name_plural = _("case lines")
        ordering = ["case", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order_line"], name="case_line_order_line_unique"),
            models.CheckConstraint(name="case_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="case_line_received_le_quantity",
                condition=Q(quantity_received__isnull=True) | Q(quantity_received__lte=F("quantity")),
            ),
            models.CheckConstraint(
                name="case_line_accepted_le_received",
                condition=Q(quantity_accepted__isnull=True)
                | Q(quantity_received__isnull=False, quantity_accepted__lte=F("quantity_received")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.order_line} × {self.quantity}"


class CaseCause(BaseModel):
    """Cause and responsibility confirmed by production/QC (seed S2: 生产确认是否是自己厂的产品问题,
    是哪个环节的问题,具体是谁的责任,如何处理)."""

    class Stage(models.TextChoices):
        DESIGN = "design", "设计 / Design"
        MATERIAL = "material", "原材料 / Material"
        PRODUCTION = "production", "生产 / Production"
        PACKAGING = "packaging", "包装 / Packaging"
        LOGISTICS = "logistics", "物流 / Logistics"
        STORAGE = "storage", "仓储 / Storage"
        CUSTOMER_USE = "customer_use", "客户使用 / Customer use"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="cause")
    is_our_product = models.BooleanField(_("our product"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    responsible_department = models.CharField(_("responsible department"), max_length=100)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    batch_lot = models.CharField(_("batch / lot"), max_length=64, blank=True, db_index=True)
    handling = models.TextField(_("handling"))
    description = models.TextField(_("analysis"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_stage_display()}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("case events are append-only")

    def delete(self):
        raise TypeError("case events are append-only")


class CaseEvent(models.Model):
    """Append-only timeline: one row per change of a case. The queryset refuses update() and
    delete(); a DB trigger refuses UPDATE (so a second save() of an instance fails) on both
    databases, and DELETE on PostgreSQL (SQLite's test flush empties tables with DELETE)."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField(_("sequence"))
    type = models.CharField(_("event"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("actor role"), max_length=20)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(_("time"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="case_event_sequence_unique")
        ]
        indexes = [
            models.Index(fields=["type", "created_at"], name="case_event_type_time_idx"),
            models.Index(fields=["created_at"], name="case_event_time_idx"),  # analytics: stage spans per day
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.type}"


def _attachment_path(instance, filename):  # filename is ignored on purpose: never trust user paths
    return f"attachments/{timezone.now():%Y/%m}/{instance.id}{instance.extension}"


class Attachment(BaseModel):
    class Kind(models.TextChoices):
        IMAGE = "image", "图片 / Image"
        VIDEO = "video", "视频 / Video"
        DOCUMENT = "document", "文档 / Document"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "created_at"]
        constraints = [models.CheckConstraint(name="attachment_size_positive", condition=Q(size__gt=0))]

    def __str__(self) -> str:
        return self.original_name or str(self.id)
