"""Read-only oversight: repairs change only through the case workflow (cases.services)."""

from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import Repair, RepairQuoteItem, RepairRecord


class RepairQuoteItemInline(ReadOnlyTabularInline):
    model = RepairQuoteItem
    fields = ["kind", "description", "quantity", "unit_price", "amount"]


@admin.register(Repair)
class RepairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "case", "fault", choice_column(Repair, "coverage"), choice_column(Repair, "exclusion"), "quote_total",
        choice_column(Repair, "quote_state"), choice_column(Repair, "outcome"), "diagnosed_at",
    ]  # fmt: skip
    list_filter = ["coverage", "quote_state", "outcome"]
    search_fields = ["case__number"]
    inlines = [RepairQuoteItemInline]


@admin.register(RepairRecord)
class RepairRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "serial_number",
        "product",
        "fault",
        "covered",
        choice_column(RepairRecord, "outcome"),
        "finished_at",
    ]
    list_filter = ["covered", "outcome", "fault"]
    search_fields = ["serial_number", "repair__case__number"]
