"""Admin for service levels. Policies, working hours, timeout rules and escalation rules are
configuration; clocks, targets and deadlines are read-only records kept by sla.services.

Clocks or deadlines that could not be computed (a year the calendar does not know) are listed
with a warning on their change lists, so an administrator sees them and enters the year."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from returndesk.core.admin_utils import ReadOnlyAdminMixin, ReadOnlyTabularInline, choice_column

from .models import (
    CaseClock,
    CaseDeadline,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
    TimeoutRule,
    WorkingHours,
    WorkingPeriod,
)


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0
    min_num = 1


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "is_default", "periods_text"]
    inlines = [WorkingPeriodInline]

    @admin.display(description=_("working periods"))
    def periods_text(self, obj):
        return ", ".join(str(p) for p in obj.periods.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team").prefetch_related("periods")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        choice_column(SlaPolicy, "priority"),
        choice_column(SlaPolicy, "customer_type"),
        "first_response_hours",
        "solution_hours",
        "warning_percent",
        "is_active",
    ]
    list_filter = ["is_active", "priority", "customer_type"]


@admin.register(TimeoutRule)
class TimeoutRuleAdmin(admin.ModelAdmin):
    """One row per rule (loaded by the migration); rules are switched off, not deleted."""

    list_display = [
        choice_column(TimeoutRule, "code"),
        "enabled",
        "amount",
        choice_column(TimeoutRule, "unit"),
        "lead_hours",
        "action",
        "solution",
    ]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "target", "priority", "team", "reassign_to", "reassign_team", "is_active"]
    list_editable = ["is_active"]
    raw_id_fields = ["reassign_to"]


class _ProblemWarningMixin:
    problem_filter: dict = {}

    def changelist_view(self, request, extra_context=None):
        count = self.model.objects.exclude(problem="").filter(**self.problem_filter).count()
        if count:
            self.message_user(
                request,
                _(
                    "%(count)d cannot be computed: the official holidays of a year are missing. Enter the year "
                    "under calendar years; the worker then computes them."
                )
                % {"count": count},
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


class SlaTargetInline(ReadOnlyTabularInline):
    model = SlaTarget
    fields = [
        "round",
        "kind",
        "state",
        "target_minutes",
        "due_at",
        "warned_at",
        "breached_at",
        "met_at",
        "overrun_seconds",
    ]


@admin.register(CaseClock)
class CaseClockAdmin(_ProblemWarningMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "policy_name", "team", "round", "problem", "updated_at"]
    list_filter = ["problem"]
    search_fields = ["case__number"]
    inlines = [SlaTargetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "team")


@admin.register(CaseDeadline)
class CaseDeadlineAdmin(_ProblemWarningMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    problem_filter = {"state": "pending"}
    list_display = [
        "case",
        choice_column(CaseDeadline, "rule"),
        choice_column(CaseDeadline, "state"),
        "fire_at",
        "due_at",
        "outcome",
        "problem",
    ]
    list_filter = ["state", "rule", "problem"]
    search_fields = ["case__number"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case")
