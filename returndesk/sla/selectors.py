"""Reads of the SLA domain: what a case page shows, and the due-time scans of the worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar
from returndesk.core.i18n import pick

from .models import CaseClock, CaseDeadline, DeadlineState, EscalationRule, SlaTarget, TargetState
from .rules import RuleCode, TargetKind
from .services import periods_for, segments_of
from .worktime import Schedule

# --- the scans: each an index range on a partial index (see the model indexes) ------------------


def deadlines_due(*, now: datetime, limit: int) -> list[tuple[int, object]]:
    """(deadline id, case id) of pending deadlines whose time has come, earliest first."""
    qs = CaseDeadline.objects.filter(state=DeadlineState.PENDING, fire_at__lte=now).order_by("fire_at")
    return list(qs.values_list("id", "case_id")[:limit])


def targets_due(*, kind: str, now: datetime, limit: int) -> list[tuple[int, object]]:
    """(target id, case id) of running targets past their due time (kind "breach") or warning
    time ("warning") and not yet handled, earliest first."""
    if kind == "breach":
        qs = SlaTarget.objects.filter(state=TargetState.RUNNING, breached_at__isnull=True, due_at__lte=now)
        qs = qs.order_by("due_at")
    else:
        qs = SlaTarget.objects.filter(state=TargetState.RUNNING, warned_at__isnull=True, warn_at__lte=now)
        qs = qs.order_by("warn_at")
    return list(qs.values_list("id", "clock__case_id")[:limit])


def escalation_for(*, kind: str, priority: str, team_id) -> EscalationRule | None:
    """The first active re-assignment rule matching a breached target of this case."""
    for rule in EscalationRule.objects.filter(is_active=True).select_related("reassign_to", "reassign_team"):
        if rule.target in {"", kind} and rule.priority in {"", priority} and rule.team_id in {None, team_id}:
            return rule
    return None


def customer_deadline(
    *, case_id, rules: tuple[str, ...] = (RuleCode.CONFIRM, RuleCode.SHIP)
) -> datetime | None:
    """The due time of the customer's current deadline (to confirm or to ship), for messages."""
    deadline = (
        CaseDeadline.objects.filter(case_id=case_id, rule__in=rules, state=DeadlineState.PENDING)
        .order_by("-started_at")
        .first()
    )
    return deadline.due_at if deadline else None


def problem_message(problem: str, language: str | None = None) -> str:
    """The stored problem ("calendar.out_of_range:2027") as a sentence in the language."""
    code, _sep, year = problem.partition(":")
    if code == "calendar.out_of_range" and year.isdigit():
        return CalendarOutOfRange(date(int(year), 1, 1)).message_in(language)
    return problem


# --- the case page --------------------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """Working time as "12 h 05 min" (language-neutral)."""
    if seconds is None:
        return ""
    minutes = int(abs(seconds) // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


@dataclass(frozen=True)
class TargetView:
    round: int
    kind: str
    label: str  # "中文 / English"
    target_hours: float
    state: str
    state_label: str
    due_at: datetime | None
    remaining_seconds: float | None  # working time left; negative when overdue; None if unknown
    overrun_seconds: int | None
    met_at: datetime | None
    warned: bool
    breached: bool

    @property
    def remaining_text(self) -> str:
        return duration_text(self.remaining_seconds)

    @property
    def overdue(self) -> bool:
        return self.remaining_seconds is not None and self.remaining_seconds < 0

    @property
    def overrun_text(self) -> str:
        return duration_text(self.overrun_seconds)


@dataclass(frozen=True)
class DeadlineView:
    rule: str
    label: str
    due_at: datetime | None
    fire_at: datetime | None
    state_label: str
    outcome: str
    problem: str


@dataclass(frozen=True)
class CaseSlaView:
    policy_name: str
    round: int  # 1, or more once the case came back to review (reopened, rejection overturned)
    targets: list[TargetView]  # the current round's
    earlier: list[TargetView]  # how the targets of earlier rounds ended, latest round first
    deadlines: list[DeadlineView]
    problem: str  # a message when something could not be computed ("" otherwise)


def case_sla_view(case, *, now: datetime | None = None, language: str | None = None) -> CaseSlaView | None:
    """Due times, working time left (or how late) per target of the current round, how earlier
    rounds ended, and the case's timeout deadlines. None for a case without a clock (opened
    before SLA clocks existed)."""
    now = now or timezone.now()
    clock = CaseClock.objects.filter(case=case).first()
    if clock is None:
        return None
    targets = sorted(clock.targets.all(), key=lambda t: (-t.round, TargetKind.values.index(t.kind)))
    problem = problem_message(clock.problem, language)
    schedule = None
    if any(t.state in {TargetState.RUNNING, TargetState.PAUSED} for t in targets):
        schedule = Schedule(WorkingCalendar.current())
    legacy_periods = cache(lambda: periods_for(clock.team_id))  # segments stored without hours
    views = []
    for target in targets:
        remaining = None
        if schedule is not None and target.state in {TargetState.RUNNING, TargetState.PAUSED}:
            try:
                remaining = target.target_minutes * 60 - schedule.elapsed(
                    segments_of(target, legacy_periods), now
                )
            except CalendarOutOfRange as exc:
                problem = exc.message_in(language)
        views.append(
            TargetView(
                round=target.round,
                kind=target.kind,
                label=TargetKind(target.kind).label,
                target_hours=target.target_minutes / 60,
                state=target.state,
                state_label=target.get_state_display(),
                due_at=target.due_at,
                remaining_seconds=remaining,
                overrun_seconds=target.overrun_seconds,
                met_at=target.met_at,
                warned=target.warned_at is not None,
                breached=target.breached_at is not None
                or bool(target.overrun_seconds)
                or (remaining is not None and remaining < 0),
            )
        )
    deadlines = [
        DeadlineView(
            rule=d.rule,
            label=pick(d.get_rule_display(), language),
            due_at=d.due_at,
            fire_at=d.fire_at,
            state_label=pick(d.get_state_display(), language),
            outcome=d.outcome,
            problem=d.problem,
        )
        for d in CaseDeadline.objects.filter(case=case).order_by("started_at", "id")
    ]
    for deadline in deadlines:
        problem = problem or problem_message(deadline.problem, language)
    return CaseSlaView(
        policy_name=clock.policy_name,
        round=clock.round,
        targets=[v for v in views if v.round == clock.round],
        earlier=[v for v in views if v.round != clock.round],
        deadlines=deadlines,
        problem=problem,
    )


class SlaState(models.TextChoices):
    """How a case stands against its service-level targets, for lists and filters."""

    BREACHED = "breached", "已超时 / Breached"
    WARNING = "warning", "即将超时 / Due soon"
    ON_TRACK = "on_track", "正常 / On track"
    PAUSED = "paused", "暂停(等待客户) / Paused"
    CANNOT_COMPUTE = "cannot_compute", "无法计算 / Cannot compute"


def case_ids_in_sla_state(state: str, *, now: datetime | None = None):
    """A subquery of case ids whose clock is in `state` at `now`, judged on the current review
    round (a reopened case starts afresh; earlier rounds stay on the case page and timeline):
    breached = a target recorded as breached or running past its due time; warning = a running
    target past its warning time but not yet due; on_track = a running target before its warning
    time and nothing breached; paused = a target paused while waiting on the customer;
    cannot_compute = the working calendar could not place the due time (CaseClock.problem)."""
    now = now or timezone.now()
    current = SlaTarget.objects.filter(round=F("clock__round"))
    running = Q(state=TargetState.RUNNING)
    breached = Q(breached_at__isnull=False) | (running & Q(due_at__lt=now))
    if state == SlaState.BREACHED:
        targets = current.filter(breached)
    elif state == SlaState.WARNING:
        targets = current.filter(running, warn_at__lte=now, due_at__gte=now, breached_at__isnull=True)
    elif state == SlaState.ON_TRACK:
        late = current.filter(breached | (running & Q(warn_at__lte=now))).values("clock_id")
        targets = current.filter(running, due_at__gte=now).exclude(clock_id__in=late)
    elif state == SlaState.PAUSED:
        targets = current.filter(state=TargetState.PAUSED)
    elif state == SlaState.CANNOT_COMPUTE:
        return CaseClock.objects.exclude(problem="").values("case_id")
    else:
        raise ValueError(f"unknown SLA state {state!r}")
    return CaseClock.objects.filter(id__in=targets.values("clock_id")).values("case_id")
