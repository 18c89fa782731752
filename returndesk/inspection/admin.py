from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import ChecklistItem, Receipt, ReceiptExtra, ReceiptLine, ReturnUnit


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    """Configuration: the receipt checklist, per product category (none chosen = every category)."""

    list_display = ["code", "name", "name_en", "deduction_code", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    filter_horizontal = ["categories"]


class ReceiptLineInline(ReadOnlyTabularInline):
    model = ReceiptLine
    fields = [
        "case_line",
        "product",
        "quantity_expected",
        "quantity_received",
        "serial_numbers",
        "serial_issues",
    ]


class ReceiptExtraInline(ReadOnlyTabularInline):
    model = ReceiptExtra
    fields = ["kind", "product", "description", "quantity", "serial_numbers", "resolution", "resolution_note"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "case", "warehouse", "received_by", "has_discrepancy", "into_stock"]
    list_filter = ["has_discrepancy", "warehouse"]
    search_fields = ["case__number", "tracking_number"]
    date_hierarchy = "created_at"
    inlines = [ReceiptLineInline, ReceiptExtraInline]


@admin.register(ReturnUnit)
class ReturnUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "case_line", "sequence", "serial_number", choice_column(ReturnUnit, "grade"),
        choice_column(ReturnUnit, "outcome"), "deduction", choice_column(ReturnUnit, "disposition"),
    ]  # fmt: skip
    list_filter = ["grade", "outcome", "disposition"]
    search_fields = ["serial_number", "case_line__case__number"]
