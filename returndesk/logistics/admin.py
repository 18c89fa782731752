from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, choice_column

from .models import ReturnRoute, ReturnShipment


@admin.register(ReturnRoute)
class ReturnRouteAdmin(admin.ModelAdmin):
    """Configuration: which warehouse receives which returns (tried by priority)."""

    list_display = ["priority", "category", "address_prefix", "warehouse", "is_active", "note"]
    list_editable = ["is_active"]
    list_filter = ["is_active", "warehouse"]


@admin.register(ReturnShipment)
class ReturnShipmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "case", choice_column(ReturnShipment, "method"), choice_column(ReturnShipment, "state"),
        "warehouse", "carrier", "tracking_number", "booking_reference", "pickup_window_start",
    ]  # fmt: skip
    list_filter = ["method", "state", "warehouse", "carrier"]
    search_fields = ["case__number", "tracking_number", "booking_reference"]
    date_hierarchy = "created_at"
