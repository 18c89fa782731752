"""Orders are read-only here: they change only through returndesk.orders.services."""

from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import Order, OrderLine, Payment


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = [
        "position",
        "product",
        "quantity",
        "quantity_shipped",
        "unit_price",
        "line_discount",
        "order_discount_share",
        "tax_mode",
        "tax_rate",
        "net_amount",
        "tax_amount",
        "paid_amount",
        "serial_numbers",
        "no_reason_return_waived",
        "quantity_held",
        "quantity_returned",
    ]


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ["method", "amount", "provider_reference", "paid_at"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        choice_column(Order, "channel"),
        "customer",
        "placed_at",
        "delivered_at",
        "total_paid",
        "currency",
    ]
    list_filter = ["channel", "currency"]
    list_select_related = ["customer"]
    search_fields = ["number", "customer__name", "customer__code", "contact_name", "contact_phone"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, PaymentInline]
