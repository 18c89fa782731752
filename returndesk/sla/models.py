"""Service levels: working hours, targets per priority and tier, clocks per case, timeout rules
and their deadlines per case, escalation rules.

Cases are referenced by string ("cases.Case"): this satellite never imports the cases app.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.catalog.models import CustomerType
from returndesk.core.models import BaseModel

from .rules import PRIORITY_CHOICES, ReceiptAction, RuleCode, TargetKind, Unit


class WorkingHours(BaseModel):
    """A team's working hours (periods with breaks in between), on the official working days.
    One row without a team is the company default; teams without a row use it."""

    name = models.CharField(_("name"), max_length=100)
    team = models.OneToOneField(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    is_default = models.BooleanField(_("company default"), default=False)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="working_hours_single_default"
            ),
            models.CheckConstraint(
                name="working_hours_default_xor_team",
                condition=Q(is_default=True, team__isnull=True) | Q(is_default=False, team__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingPeriod(models.Model):
    hours = models.ForeignKey(WorkingHours, on_delete=models.CASCADE, related_name="periods")
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["hours", "start"]
        constraints = [
            models.CheckConstraint(name="working_period_end_after_start", condition=Q(end__gt=F("start")))
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class SlaPolicy(BaseModel):
    """Targets in working hours for a priority and customer tier; blank means any. The most
    specific active row wins (priority and tier, then priority, then tier, then neither)."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.CharField(_("priority"), max_length=10, choices=PRIORITY_CHOICES, blank=True)
    customer_type = models.CharField(
        _("customer tier"), max_length=20, choices=CustomerType.choices, blank=True
    )
    first_response_hours = models.PositiveIntegerField(_("first response within (working hours)"))
    solution_hours = models.PositiveIntegerField(_("detailed solution within (working hours)"))
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of target)"),
        default=75,
        help_text=_("Staff are warned when this share of a target is used."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "customer_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "customer_type"], name="sla_policy_priority_tier_unique"
            ),
            models.CheckConstraint(
                name="sla_policy_targets_positive",
                condition=Q(first_response_hours__gt=0, solution_hours__gt=0),
            ),
            models.CheckConstraint(
                name="sla_policy_warning_percent_range",
                condition=Q(warning_percent__gte=1, warning_percent__lte=99),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CaseClock(BaseModel):
    """The SLA clock of one case: which policy set its targets, whose working hours count, and
    whether something could not be computed (then due times stay empty rather than guessed)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="sla_clock")
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    policy_name = models.CharField(_("policy"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("working hours of team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    problem = models.CharField(_("cannot compute"), max_length=60, blank=True)
    problem_detail = models.CharField(_("problem detail"), max_length=300, blank=True)
    round = models.PositiveSmallIntegerField(
        _("review round"),
        default=1,
        help_text=_("A reopened case, or one whose rejection was overturned, is reviewed again."),
    )

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            models.Index(fields=["updated_at"], name="sla_clock_problem_idx", condition=~Q(problem="")),
        ]
        constraints = [models.CheckConstraint(name="sla_clock_round_positive", condition=Q(round__gte=1))]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.policy_name})"


class TargetState(models.TextChoices):
    RUNNING = "running", "计时中 / Running"
    PAUSED = "paused", "暂停(等待客户) / Paused (waiting for the customer)"
    MET = "met", "已达成 / Met"
    STOPPED = "stopped", "已停止 / Stopped"


class SlaTarget(models.Model):
    """One target of a clock in one review round. `segments` are the intervals it ran, each with
    the working periods in force while it ran ([start, end|null, [[from, until], ...]], ISO
    times); due and warning times are derived from them. A new round (case reopened, rejection
    overturned) adds new targets; those of earlier rounds stay as they ended."""

    id = models.BigAutoField(primary_key=True)
    clock = models.ForeignKey(CaseClock, on_delete=models.CASCADE, related_name="targets")
    round = models.PositiveSmallIntegerField(_("review round"), default=1)
    kind = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    target_minutes = models.PositiveIntegerField(_("target (working minutes)"))
    warning_percent = models.PositiveSmallIntegerField(_("warn at (percent of target)"))
    state = models.CharField(_("state"), max_length=10, choices=TargetState.choices)
    segments = models.JSONField(_("running intervals"), default=list)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    overrun_seconds = models.PositiveIntegerField(_("late by (working seconds)"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["clock", "round", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "round", "kind"], name="sla_target_one_per_kind_per_round"
            ),
            # Earlier rounds are over: at most one target of a kind is still counting.
            models.UniqueConstraint(
                fields=["clock", "kind"],
                condition=Q(state__in=["running", "paused"]),
                name="sla_target_one_open_per_kind",
            ),
            models.CheckConstraint(name="sla_target_round_positive", condition=Q(round__gte=1)),
            models.CheckConstraint(
                name="sla_target_met_has_time", condition=~Q(state="met") | Q(met_at__isnull=False)
            ),
        ]
        indexes = [
            # The scans: running targets by due time / warning time, only those not yet handled.
            models.Index(
                fields=["due_at"],
                name="sla_target_breach_due_idx",
                condition=Q(state="running", breached_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at"],
                name="sla_target_warn_due_idx",
                condition=Q(state="running", warned_at__isnull=True),
            ),
            # The live breach list (analytics sla_breaches): running targets in due order, the
            # breached ones included, read until 100 open cases are found.
            models.Index(
                fields=["due_at", "id"], name="sla_target_running_due_idx", condition=Q(state="running")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} #{self.round}"


class TimeoutRule(models.Model):
    """The configuration of a two-sided timeout (sla.rules.RULES says what each does). Without a
    row a rule runs with its defaults; disable it here to stop it."""

    code = models.CharField(_("rule"), max_length=30, primary_key=True, choices=RuleCode.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    amount = models.PositiveIntegerField(_("deadline"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    lead_hours = models.PositiveIntegerField(
        _("alarm before the deadline (hours)"), null=True, blank=True, help_text=_("Refund deadline only.")
    )
    action = models.CharField(
        _("when it fires"),
        max_length=10,
        choices=ReceiptAction.choices,
        blank=True,
        help_text=_("Receipt timeout only."),
    )
    solution = models.CharField(
        _("solution offered on automatic approval"),
        max_length=20,
        blank=True,
        help_text="self_ship / pickup / drop_off",
    )

    class Meta:
        verbose_name = _("timeout rule")
        verbose_name_plural = _("timeout rules")
        ordering = ["code"]
        constraints = [models.CheckConstraint(name="timeout_rule_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return self.get_code_display()


class DeadlineState(models.TextChoices):
    PENDING = "pending", "待触发 / Pending"
    FIRED = "fired", "已触发 / Fired"
    CANCELLED = "cancelled", "已取消 / Cancelled"
    SKIPPED = "skipped", "不适用 / Skipped"


class CaseDeadline(models.Model):
    """A timeout rule armed on one case: `fire_at` is when the system acts (for the refund
    deadline, the alarm ahead of `due_at`). Fires at most once: it leaves `pending` in the same
    transaction as the case change it causes."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sla_deadlines")
    rule = models.CharField(_("rule"), max_length=30, choices=RuleCode.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.PENDING
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    fire_at = models.DateTimeField(_("acts at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=60, blank=True)
    problem = models.CharField(_("cannot compute"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        ordering = ["case", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=Q(state="pending"),
                name="case_deadline_one_pending_per_rule",
            ),
        ]
        indexes = [
            models.Index(
                fields=["fire_at"], name="case_deadline_pending_due_idx", condition=Q(state="pending")
            ),
            models.Index(fields=["started_at"], name="case_deadline_problem_idx", condition=~Q(problem="")),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule} ({self.state})"


class EscalationRule(BaseModel):
    """Re-assignment on a breach (supervisors are always told). The first active matching rule in
    `position` order applies; blank criteria match anything."""

    position = models.PositiveSmallIntegerField(_("order"), default=0)
    target = models.CharField(_("target"), max_length=20, choices=TargetKind.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=PRIORITY_CHOICES, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("case team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reassign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-assign to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reassign_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("move to team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="escalation_rule_does_something",
                condition=Q(reassign_to__isnull=False) | Q(reassign_team__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position} → {self.reassign_to or self.reassign_team}"
