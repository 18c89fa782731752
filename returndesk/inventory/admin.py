from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, choice_column

from .models import StockLevel, StockMovement


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["product", "warehouse", choice_column(StockLevel, "condition"), "on_hand", "allocated"]
    list_filter = ["warehouse", "condition"]
    search_fields = ["product__sku", "product__name"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "product", "warehouse", "quantity",
        choice_column(StockMovement, "source"), choice_column(StockMovement, "target"),
        choice_column(StockMovement, "kind"), "reference", "actor",
    ]  # fmt: skip
    list_filter = ["warehouse", "kind"]
    search_fields = ["product__sku", "reference", "serial_number"]
    date_hierarchy = "created_at"
