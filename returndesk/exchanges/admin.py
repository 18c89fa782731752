"""Read-only oversight: exchanges change only through the case workflow (cases.services)."""

from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import Exchange, ExchangeLine, PaymentRequest


class ExchangeLineInline(ReadOnlyTabularInline):
    model = ExchangeLine
    fields = [
        "original_product", "replacement_product", "quantity", "original_value", "replacement_unit_price",
        "replacement_value", "returned_serials", "shipped_serials",
    ]  # fmt: skip


class PaymentRequestInline(ReadOnlyTabularInline):
    model = PaymentRequest
    fields = ["number", "amount", "state", "method", "reference", "paid_at", "confirmed_by"]


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "case", choice_column(Exchange, "state"), "warehouse", "original_value", "replacement_value",
        "price_difference", choice_column(Exchange, "credit_state"), "created_at",
    ]  # fmt: skip
    list_filter = ["state", "credit_state", "warehouse"]
    search_fields = ["case__number", "tracking_number"]
    inlines = [ExchangeLineInline, PaymentRequestInline]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "exchange",
        "amount",
        choice_column(PaymentRequest, "state"),
        "reference",
        "paid_at",
    ]
    list_filter = ["state"]
    search_fields = ["number", "reference", "exchange__case__number"]
