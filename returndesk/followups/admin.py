from django.contrib import admin

from returndesk.core.admin_utils import ReadOnlyAdminMixin, choice_column

from .models import FollowUp, FollowUpSettings


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "working_days_after_close", "max_attempts"]

    def has_add_permission(self, request):
        return not FollowUpSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "case", choice_column(FollowUp, "status"), "due_on", choice_column(FollowUp, "method"),
        "rating", "resolved", "attempts", "completed_at",
    ]  # fmt: skip
    list_filter = ["status", "method", "rating", "resolved"]
    search_fields = ["case__number", "comment"]
    date_hierarchy = "due_on"
