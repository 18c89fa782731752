"""Admin for the cases domain.

Reasons and the workflow settings are configuration and are edited here. Cases, their lines,
causes, attachments and timeline are read-only: they change only through cases.services.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from returndesk.accounts.roles import Role
from returndesk.core.admin_utils import (
    ReadOnlyAdminMixin,
    ReadOnlyStackedInline,
    ReadOnlyTabularInline,
    choice_column,
)
from returndesk.core.i18n import pick

from .models import Attachment, Case, CaseCause, CaseEvent, CaseLine, CaseSettings, ReturnReason, Status
from .selectors import EVENT_LABELS
from .workflow import transition_for


def _status(value: str) -> str:
    return pick(Status(value).label) if value in Status.values else value


class EventColumns:
    """Timeline columns in the active language (the stored values are codes)."""

    @admin.display(description=_("event"), ordering="type")
    def event_label(self, obj):
        transition = transition_for(obj.case.type, obj.type)
        return pick(
            f"{transition.zh} / {transition.en}" if transition else EVENT_LABELS.get(obj.type, obj.type)
        )

    @admin.display(description=_("case"), ordering="case__number")
    def case_display(self, obj):
        return obj.case

    @admin.display(description=_("actor"))
    def actor_display(self, obj):
        return obj.actor or "—"

    @admin.display(description=_("actor role"), ordering="actor_role")
    def role_label(self, obj):
        return pick(Role(obj.actor_role).label) if obj.actor_role in Role.values else obj.actor_role

    @admin.display(description=_("from"), ordering="from_status")
    def from_label(self, obj):
        return _status(obj.from_status) if obj.from_status else "—"

    @admin.display(description=_("to"), ordering="to_status")
    def to_label(self, obj):
        return _status(obj.to_status) if obj.to_status else "—"


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "tree_name",
        "name_en",
        "parent",
        choice_column(ReturnReason, "reason_class"),
        "is_urgent",
        "is_active",
        "sort_order",
    ]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["reason_class", "is_urgent", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    fields = ["code", "parent", "name", "name_en", "reason_class", "is_urgent", "is_active", "sort_order"]

    @admin.display(description=_("name"), ordering="name")
    def tree_name(self, obj):
        # Groups at the top level, their reasons indented under them (only leaves go on a case).
        return f"└ {obj.name}" if obj.parent_id else obj.name


@admin.register(CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):
    """A single row (id=1): it may be edited, never added twice or deleted."""

    list_display = [
        "__str__",
        "gm_approval_amount",
        "gm_for_distributor_returns",
        "cause_required_for_quality",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CaseSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class CaseLineInline(ReadOnlyTabularInline):
    model = CaseLine
    fields = [
        "order_line",
        "quantity",
        "reason",
        "serial_numbers",
        "quantity_received",
        "hold_state",
        "claimed_amount",
        "refund_amount",
        "description",
    ]


class CaseCauseInline(ReadOnlyStackedInline):
    model = CaseCause
    fields = [
        "is_our_product",
        "stage",
        "responsible_department",
        "responsible_person",
        "handling",
        "description",
        "confirmed_by_display",
        "created_at",
    ]

    @admin.display(description=_("confirmed by"))
    def confirmed_by_display(self, obj):
        return obj.confirmed_by


class CaseEventInline(EventColumns, ReadOnlyTabularInline):
    model = CaseEvent
    verbose_name_plural = _("timeline")
    fields = [
        "sequence",
        "created_at",
        "event_label",
        "actor_display",
        "role_label",
        "from_label",
        "to_label",
        "internal",
        "data",
    ]
    ordering = ["sequence"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "actor")


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = [
        "original_name",
        "kind",
        "content_type",
        "size",
        "file_display",
        "uploaded_by_display",
        "created_at",
    ]

    @admin.display(description=_("file"))
    def file_display(self, obj):
        return obj.file.name

    @admin.display(description=_("uploaded by"))
    def uploaded_by_display(self, obj):
        return obj.uploaded_by


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        choice_column(Case, "type"),
        choice_column(Case, "status"),
        choice_column(Case, "channel"),
        choice_column(Case, "priority"),
        "customer",
        "assignee",
        "created_at",
    ]
    list_filter = ["status", "type", "channel", "priority"]
    list_select_related = ["customer", "assignee"]
    search_fields = [
        "number",
        "customer__name",
        "customer__code",
        "customer__phone",
        "contact_name",
        "contact_phone",
        "return_tracking_number",
        "outbound_tracking_number",
    ]
    date_hierarchy = "created_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "version"),
                    ("type", "status"),
                    ("channel", "priority"),
                    "customer",
                    ("assignee", "team"),
                    ("created_by", "created_at", "updated_at"),
                ]
            },
        ),
        (
            _("Request"),
            {"fields": ["description", "contact_name", "contact_phone", "contact_email", "claimed_amount"]},
        ),
        (
            _("Handling and outcome"),
            {
                "fields": [
                    "solution",
                    ("return_carrier", "return_tracking_number"),
                    ("outbound_carrier", "outbound_tracking_number"),
                    "gm_approved_at",
                    ("refund_amount", "refund_reference", "refunded_at"),
                    "rejection_reason",
                    "rejection_alternative",
                    "resolution",
                    "closed_at",
                ]
            },
        ),
        (
            _("Policy decision"),
            {
                "fields": [
                    "policy_version",
                    ("restocking_fee", "return_shipping_payer"),
                    "policy_decision",
                    "policy_override",
                    "evidence_waiver",
                ]
            },
        ),
    ]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CaseLineInline, CaseCauseInline, AttachmentInline, CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(EventColumns, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The whole timeline across cases, for audits; append-only, so never editable."""

    list_display = [
        "case_display",
        "sequence",
        "event_label",
        "actor_display",
        "role_label",
        "from_label",
        "to_label",
        "internal",
        "created_at",
    ]
    list_filter = ["type", "internal", "actor_role"]
    list_select_related = ["case", "actor"]
    fields = [
        "case_display",
        "sequence",
        "created_at",
        "event_label",
        "actor_display",
        "role_label",
        "from_label",
        "to_label",
        "internal",
        "data",
    ]
    readonly_fields = fields
    search_fields = ["case__number"]
    ordering = ["-created_at", "-id"]
