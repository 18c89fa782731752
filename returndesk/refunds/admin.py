"""Admin: finance's settings are editable; refunds, credit notes, the store-credit ledger and the
provider callbacks are read-only (they change only through the services). The simulated
gateway's scripts may be added here to make the next demo refund fail, time out, or call back
twice."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column
from returndesk.orders.models import PaymentMethod

from .models import (
    CreditNote,
    CreditNoteExport,
    JournalLine,
    ProviderCallback,
    Refund,
    RefundAllocation,
    RefundCalculation,
    RefundSettings,
    SimGatewayScript,
    SimGatewayTransaction,
    StoreCreditAccount,
    StoreCreditEntry,
)


class RefundSettingsForm(forms.ModelForm):
    """The route order is typed as comma-separated payment-method codes, in order."""

    original_route_order = forms.CharField(
        label=_("original route: payments refunded in this order"),
        help_text="例如 store_credit,wechat,alipay,unionpay,cash,bank_transfer;未列出的支付方式排在最后",
    )

    class Meta:
        model = RefundSettings
        fields = [
            "original_route_order", "outbound_shipping_for_quality", "outbound_shipping_for_delivery",
            "outbound_shipping_for_customer", "pickup_charge", "original_days_min", "original_days_max",
            "bank_days_min", "bank_days_max",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and isinstance(self.instance.original_route_order, list):
            self.initial["original_route_order"] = ",".join(self.instance.original_route_order)

    def clean_original_route_order(self):
        codes = [c.strip() for c in str(self.cleaned_data["original_route_order"]).split(",") if c.strip()]
        unknown = [c for c in codes if c not in PaymentMethod.values]
        if unknown or len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Unknown or repeated payment method codes."))
        return codes


@admin.register(RefundSettings)
class RefundSettingsAdmin(admin.ModelAdmin):
    """A single row (id=1): it may be edited, never added twice or deleted."""

    form = RefundSettingsForm
    list_display = ["__str__", "pickup_charge", "original_days_min", "original_days_max"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RefundSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class AllocationInline(ReadOnlyTabularInline):
    model = RefundAllocation
    fields = ["payment", "amount", "released_at"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number", "case", "order", choice_column(Refund, "route"), choice_column(Refund, "method"),
        "amount", choice_column(Refund, "status"), "outcome_unknown", "flagged", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "route", "provider", "flagged", "outcome_unknown"]
    search_fields = ["number", "case__number", "order__number", "provider_reference", "idempotency_key"]
    date_hierarchy = "created_at"
    inlines = [AllocationInline]


@admin.register(RefundCalculation)
class RefundCalculationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "case", "order", "goods_gross", "restocking_fee", "inspection_deductions", "return_shipping",
        "outbound_shipping", "total", "created_at",
    ]  # fmt: skip
    search_fields = ["case__number", "order__number"]


class JournalLineInline(ReadOnlyTabularInline):
    model = JournalLine
    fields = ["position", "account", "debit", "credit", "memo"]


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "order", "case", "customer", "amount", "issued_on", "export"]
    list_filter = ["issued_on"]
    search_fields = ["number", "order__number", "case__number"]
    date_hierarchy = "issued_on"
    inlines = [JournalLineInline]


@admin.register(CreditNoteExport)
class CreditNoteExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "date_from", "date_to", "notes_count", "created_by", "created_at"]


class EntryInline(ReadOnlyTabularInline):
    model = StoreCreditEntry
    fields = ["sequence", "kind", "amount", "balance_after", "refund", "note", "created_at"]


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "balance", "entries_count", "updated_at"]
    search_fields = ["customer__code", "customer__name"]
    inlines = [EntryInline]


@admin.register(ProviderCallback)
class ProviderCallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "provider", "provider_reference", "reported_status", "refund", "outcome"]
    list_filter = ["outcome", "provider"]
    search_fields = ["provider_reference"]


@admin.register(SimGatewayTransaction)
class SimGatewayTransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "merchant_key", "amount", "status", "behaviour", "created_at", "settled_at"]
    list_filter = ["status", "behaviour"]


@admin.register(SimGatewayScript)
class SimGatewayScriptAdmin(admin.ModelAdmin):
    list_display = ["id", "merchant_key", "behaviour", "used_at"]
    readonly_fields = ["used_at"]
