"""Read-only oversight: findings are recorded through the case workflow (cases.services)."""

from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin

from .models import AcceptanceFinding


@admin.register(AcceptanceFinding)
class AcceptanceFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "position", "order_line", "reason", "quantity", "opened_case", "opened_at"]
    search_fields = ["case__number", "opened_case__number"]
