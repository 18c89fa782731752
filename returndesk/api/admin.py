from django.contrib import admin

from .models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only oversight. Deleting a record frees its key: the one use is a key left "in
    progress" by a request whose process died (it frees itself after the lease anyway)."""

    list_display = ["key", "owner", "user", "method", "path", "status_code", "created_at", "completed_at"]
    list_filter = ["method", "status_code"]
    list_select_related = ["user"]
    search_fields = ["key", "owner", "user__username", "path"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
