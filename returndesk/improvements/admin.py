from django.contrib import admin

from .models import ActionEvent, ImprovementAction


class EventInline(admin.TabularInline):
    model = ActionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["type", "actor", "from_status", "to_status", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    """Read-only here: actions are opened and moved on through the staff pages (the services)."""

    list_display = ["number", "title", "status", "owner", "started_on", "due_on"]
    list_filter = ["status", "cause_stage"]
    search_fields = ["number", "title"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
