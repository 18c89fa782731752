"""Writes of the SLA domain. The cases app calls these inside its own transaction, under the
case row lock, right after the change they follow (so clocks and deadlines commit or roll back
with it). Nothing here changes a case: firing rules is the cases app's job (cases/tasks.py).

A working-time computation that reaches a year the calendar does not know
(core.calendar.CalendarOutOfRange) never fails the case change: the clock or deadline records
the problem, its due time stays empty, and `sla_recompute` fills it in once the year is entered.

The configuration (policies, working hours, timeout rules) and the working calendar are read from
per-process caches that any change to their tables invalidates (sla.config, core.config), and a
change saves only the clock rows it changed: a transition costs the queries of what it changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cached_property

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar

from . import config as sla_config
from . import rules
from .models import CaseClock, CaseDeadline, DeadlineState, SlaPolicy, SlaTarget, TargetState
from .rules import (
    CUSTOMER_SIDE_ROLES,
    PAUSE_STATUSES,
    SOLUTION_PENDING_STATUSES,
    TERMINAL_STATUSES,
    TargetKind,
    Unit,
    starts_new_round,
)
from .worktime import HoursSegment, Period, Schedule, at_working_days, normalise_periods

log = logging.getLogger(__name__)
OPEN = (TargetState.RUNNING, TargetState.PAUSED)


# --- configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedPolicy:
    policy: SlaPolicy | None
    name: str
    first_response_hours: int
    solution_hours: int
    warning_percent: int

    def minutes(self, kind: str) -> int:
        return 60 * (self.first_response_hours if kind == TargetKind.FIRST_RESPONSE else self.solution_hours)


def policy_for(*, priority: str, customer_type: str) -> ResolvedPolicy:
    """Seed S1 四: 24 h / 72 h by default, shorter for urgent issues and key accounts. Of the
    active policies that match (blank = any), the strictest applies, so an urgent issue of a key
    account gets whichever commitment is shorter; an empty table means the built-in defaults."""
    policies = sla_config.current().policies
    rows: list = [
        p
        for p in policies
        if p.is_active and p.priority in {priority, ""} and p.customer_type in {customer_type, ""}
    ]
    if not rows and not policies:
        rows = [
            p
            for p in rules.DEFAULT_POLICIES
            if p.priority in {priority, ""} and p.customer_type in {customer_type, ""}
        ]
    if not rows:
        rows = [rules.DEFAULT_POLICIES[0]]
    best = min(
        rows,
        key=lambda p: (p.first_response_hours, p.solution_hours, -bool(p.priority), -bool(p.customer_type)),
    )
    return ResolvedPolicy(
        best if isinstance(best, SlaPolicy) else None,
        best.name,
        best.first_response_hours,
        best.solution_hours,
        best.warning_percent,
    )


def periods_for(team_id) -> tuple:
    """The team's working periods, else the company default, else 09:00–12:00, 13:30–18:00."""
    config = sla_config.current()
    periods = config.team_periods.get(team_id) if team_id else None
    if periods is None:
        periods = config.default_periods or ()
    return periods or rules.DEFAULT_HOURS


@dataclass(frozen=True)
class RuleConfig:
    code: str
    enabled: bool
    amount: int
    unit: str
    lead_hours: int | None
    action: str
    solution: str


def rule_config(code: str) -> RuleConfig:
    """The admin's row for a timeout rule, or its defaults (sla.rules.RULE_DEFAULTS)."""
    row = sla_config.current().rules.get(code)
    if row is not None:
        return RuleConfig(code, row.enabled, row.amount, row.unit, row.lead_hours, row.action, row.solution)
    d = rules.RULE_DEFAULTS[code]
    return RuleConfig(code, True, d.amount, d.unit, d.lead_hours, d.action, d.solution)


def problem_code(exc: CalendarOutOfRange) -> str:
    return f"{exc.code}:{exc.params['year']}"


class _Context:
    """Loads the calendar and a team's working hours once per call, and only if needed."""

    def __init__(self, team_id) -> None:
        self.team_id = team_id

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar.current()

    @cached_property
    def periods(self) -> tuple[Period, ...]:
        """The team's hours now in force: those a segment opened now runs on."""
        return normalise_periods(periods_for(self.team_id))

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule(self.calendar)


# --- segments -----------------------------------------------------------------------------------


def _hhmm(moment: time) -> str:
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def segments_of(target: SlaTarget, default_periods: Callable[[], tuple[Period, ...]]) -> list[HoursSegment]:
    """The intervals the target ran, each with the working periods it ran on. Segments stored
    before the hours were kept per segment ([start, end]) take `default_periods()`: the clock
    team's hours, as they were counted until then."""
    segments = []
    for start, end, *hours in target.segments:
        periods = (
            normalise_periods((time.fromisoformat(a), time.fromisoformat(b)) for a, b in hours[0])
            if hours
            else default_periods()
        )
        segments.append((parse_datetime(start), parse_datetime(end) if end else None, periods))
    return segments


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _store(target: SlaTarget, segments: list[HoursSegment]) -> None:
    target.segments = [
        [_iso(start), _iso(end) if end else None, [[_hhmm(a), _hhmm(b)] for a, b in periods]]
        for start, end, periods in segments
    ]


def _open(target: SlaTarget, at: datetime, ctx: _Context) -> None:
    """Start a running interval on the team's hours now in force."""
    _store(target, [*segments_of(target, lambda: ctx.periods), (at, None, ctx.periods)])
    target.state = TargetState.RUNNING


def _close(target: SlaTarget, at: datetime, ctx: _Context) -> None:
    segments = segments_of(target, lambda: ctx.periods)
    if segments and segments[-1][1] is None:
        start, _end, periods = segments[-1]
        segments[-1] = (start, max(at, start), periods)
        _store(target, segments)


def _finish(target: SlaTarget, state: str, at: datetime, ctx: _Context) -> None:
    _close(target, at, ctx)
    target.state = state
    if state == TargetState.MET:
        target.met_at = at
    else:
        target.stopped_at = at


def _compute(target: SlaTarget, ctx: _Context) -> None:
    """Due and warning times of a running target; the overrun of a finished one. Each segment
    counts on the hours it ran on, the rest of the target on those of the open segment."""
    segments = segments_of(target, lambda: ctx.periods)
    schedule = ctx.schedule
    total = target.target_minutes * 60
    if target.state == TargetState.RUNNING:
        target.due_at = schedule.instant_reached(segments, total)
        if target.warned_at is None:
            target.warn_at = schedule.instant_reached(segments, total * target.warning_percent / 100)
    elif target.state == TargetState.PAUSED:
        target.due_at = target.warn_at = None
    else:
        end = target.met_at or target.stopped_at
        target.overrun_seconds = int(max(0, schedule.elapsed(segments, end) - total))


def _recompute(clock: CaseClock, targets: list[SlaTarget], ctx: _Context) -> None:
    """All of a clock's targets: the clock's problem is cleared only when none is left."""
    try:
        for target in targets:
            _compute(target, ctx)
    except CalendarOutOfRange as exc:
        for target in targets:
            if target.state == TargetState.RUNNING:
                target.due_at = target.warn_at = None
        clock.problem, clock.problem_detail = problem_code(exc), exc.en[:300]
        log.warning("SLA clock of case %s cannot be computed: %s", clock.case_id, exc.en)
    else:
        clock.problem = clock.problem_detail = ""


CLOCK_FIELDS = ("policy_id", "policy_name", "team_id", "round", "problem", "problem_detail")
TARGET_FIELDS = (
    "round", "kind", "target_minutes", "warning_percent", "state", "segments", "due_at", "warn_at",
    "warned_at", "breached_at", "met_at", "stopped_at", "overrun_seconds",
)  # fmt: skip


def _values(obj, fields: tuple[str, ...]) -> tuple:
    return tuple(getattr(obj, name) for name in fields)


def _save(clock: CaseClock, targets: list[SlaTarget], before: dict | None = None) -> None:
    """Targets in list order: those a new round closes out before the round's new ones (the
    constraint allows one open target per kind). With `before` (_snapshot() of the rows as read),
    only rows that changed are written; a clock with a problem is always written (its
    updated_at orders sla_recompute's retries)."""
    before = before or {}
    if clock.problem or before.get(clock) != _values(clock, CLOCK_FIELDS):
        clock.save(
            update_fields=[
                "policy",
                "policy_name",
                "team",
                "round",
                "problem",
                "problem_detail",
                "updated_at",
            ]
        )
    for target in targets:
        saved = before.get(target) if target.pk is not None else None
        if saved is None:
            target.save()
        elif saved != _values(target, TARGET_FIELDS):
            changed = [
                name for name, old in zip(TARGET_FIELDS, saved, strict=True) if getattr(target, name) != old
            ]
            target.save(update_fields=changed)


def _snapshot(clock: CaseClock, targets: list[SlaTarget]) -> dict:
    """The saved values of the clock and its targets, for _save to write only what changed."""
    return {clock: _values(clock, CLOCK_FIELDS), **{t: _values(t, TARGET_FIELDS) for t in targets}}


def _clock_and_targets(case) -> tuple[CaseClock | None, list[SlaTarget]]:
    """The case's clock and its targets (oldest round first), in one query."""
    targets = list(
        SlaTarget.objects.select_related("clock").filter(clock__case=case).order_by("round", "kind")
    )
    if not targets:
        return CaseClock.objects.filter(case=case).first(), []
    clock = targets[0].clock
    for target in targets:
        target.clock = clock  # one object for the clock, as clock.targets.all() would share
    return clock, targets


def _round_targets(
    clock: CaseClock, resolved: ResolvedPolicy, at: datetime, ctx: _Context
) -> list[SlaTarget]:
    """Both targets of the clock's current round, running from `at` on the team's hours."""
    targets = []
    for kind in TargetKind.values:
        target = SlaTarget(
            clock=clock,
            round=clock.round,
            kind=kind,
            target_minutes=resolved.minutes(kind),
            warning_percent=resolved.warning_percent,
        )
        _open(target, at, ctx)
        targets.append(target)
    return targets


# --- clocks: called by the cases services -------------------------------------------------------


def clock_start(*, case, at: datetime) -> CaseClock:
    """Start both targets of a new case (seed S1 四.1) and arm the rules that start on creation."""
    resolved = policy_for(priority=case.priority, customer_type=case.customer.type)
    clock = CaseClock.objects.create(
        case=case, policy=resolved.policy, policy_name=resolved.name, team_id=case.team_id
    )
    ctx = _Context(case.team_id)
    targets = _round_targets(clock, resolved, at, ctx)
    _recompute(clock, targets, ctx)
    SlaTarget.objects.bulk_create(targets)
    if clock.problem:
        clock.save(update_fields=["problem", "problem_detail", "updated_at"])
    _arm(case, "created", at, ctx, pending=set())  # a new case has no deadline yet
    return clock


def clock_on_transition(*, case, from_status: str, to_status: str, at: datetime, actor_role: str) -> None:
    """Follow a status change: staff acting is the first response; leaving review with an
    accepted solution or a decision meets the solution target; waiting for the customer pauses
    the clock and coming back resumes it; a closed or cancelled case stops what is left. Coming
    back to review after a decision (reopened, rejection overturned) starts a new round: fresh
    targets from `at` under the policy that now applies; earlier rounds keep how they ended.
    Timeout deadlines of the old state are cancelled and those of the new state armed."""
    ctx = _Context(case.team_id)
    _follow_deadlines(case, to_status, at, ctx)
    clock, targets = _clock_and_targets(case)
    if clock is None:  # cases opened before SLA clocks existed
        return
    before = _snapshot(clock, targets)
    open_targets = [t for t in targets if t.state in OPEN]
    new_round = starts_new_round(from_status, to_status)
    for target in open_targets:
        if new_round:  # rounds never overlap (today a decision has already met both targets)
            _finish(target, TargetState.STOPPED, at, ctx)
        elif target.kind == TargetKind.FIRST_RESPONSE and actor_role not in CUSTOMER_SIDE_ROLES:
            _finish(target, TargetState.MET, at, ctx)
        elif to_status in TERMINAL_STATUSES:
            _finish(target, TargetState.STOPPED, at, ctx)
        elif target.kind == TargetKind.SOLUTION and to_status not in SOLUTION_PENDING_STATUSES:
            _finish(target, TargetState.MET, at, ctx)
        elif to_status in PAUSE_STATUSES and target.state == TargetState.RUNNING:
            _close(target, at, ctx)
            target.state = TargetState.PAUSED
        elif to_status not in PAUSE_STATUSES and target.state == TargetState.PAUSED:
            _open(target, at, ctx)
    if new_round:
        resolved = policy_for(priority=case.priority, customer_type=case.customer.type)
        clock.policy, clock.policy_name, clock.team_id = resolved.policy, resolved.name, case.team_id
        clock.round += 1
        targets += _round_targets(clock, resolved, at, ctx)
    if open_targets or new_round or clock.problem:
        _recompute(clock, targets, ctx)
        _save(clock, targets, before)


def clock_on_response(*, case, at: datetime) -> None:
    """A message from staff to the customer is a first response (seed S1 四.1 初步回应)."""
    clock = CaseClock.objects.filter(case=case).first()
    targets = list(clock.targets.all()) if clock else []
    first = [t for t in targets if t.kind == TargetKind.FIRST_RESPONSE and t.state in OPEN]
    if first:
        ctx = _Context(case.team_id)
        _finish(first[0], TargetState.MET, at, ctx)
        _recompute(clock, targets, ctx)
        _save(clock, targets)


def clock_refresh(*, case, at: datetime) -> None:
    """Priority, tier or team changed: open targets take the policy that now applies; elapsed
    time is kept. Time already run stays counted on the hours it ran on; a running target counts
    on from `at` on the hours now in force for the case's team (issue 7), so a move to a team
    with other hours moves only the remainder (and the due and warning times with it)."""
    clock = CaseClock.objects.filter(case=case).first()
    if clock is None:
        return
    before, ctx = _Context(clock.team_id), _Context(case.team_id)
    resolved = policy_for(priority=case.priority, customer_type=case.customer.type)
    clock.policy, clock.policy_name, clock.team_id = resolved.policy, resolved.name, case.team_id
    targets = list(clock.targets.all())
    for target in targets:
        segments = segments_of(target, lambda: before.periods)
        if target.state == TargetState.RUNNING and segments[-1][2] != ctx.periods:
            start, _end, periods = segments.pop()
            if at > start:
                segments.append((start, at, periods))
            segments.append((max(at, start), None, ctx.periods))
        _store(target, segments)  # stored with their hours: later counts never use the new team's
        if target.state in OPEN:
            target.target_minutes = resolved.minutes(target.kind)
            target.warning_percent = resolved.warning_percent
    _recompute(clock, targets, ctx)
    _save(clock, targets)


# --- timeout deadlines --------------------------------------------------------------------------


def _deadline_times(config: RuleConfig, start: datetime, ctx: _Context) -> tuple[datetime, datetime]:
    if config.unit == Unit.WORKING_DAYS:
        due = at_working_days(ctx.calendar, start, config.amount)
    elif config.unit == Unit.CALENDAR_DAYS:
        due = start + timedelta(days=config.amount)
    else:
        due = start + timedelta(hours=config.amount)
    return due, due - timedelta(hours=config.lead_hours or 0)


def _schedule_deadline(deadline: CaseDeadline, config: RuleConfig, ctx: _Context) -> None:
    try:
        deadline.due_at, deadline.fire_at = _deadline_times(config, deadline.started_at, ctx)
        deadline.problem = ""
    except CalendarOutOfRange as exc:
        deadline.due_at = deadline.fire_at = None
        deadline.problem = problem_code(exc)
        log.warning("deadline %s of case %s cannot be computed: %s", deadline.rule, deadline.case_id, exc.en)


def deadline_start(
    *, case, rule: str, started_at: datetime, ctx: _Context | None = None, pending: set[str] | None = None
) -> CaseDeadline | None:
    """Arm `rule` on `case` from `started_at` (re-arming replaces a pending one). Disabled
    rules and rules for other case types arm nothing. `pending`: the rules the caller knows
    are pending on the case (under its row lock), to skip looking for one to replace."""
    spec = rules.RULES[rule]
    config = rule_config(rule)
    if not config.enabled or (spec.case_types is not None and case.type not in spec.case_types):
        return None
    if pending is None or rule in pending:
        CaseDeadline.objects.filter(case=case, rule=rule, state=DeadlineState.PENDING).update(
            state=DeadlineState.CANCELLED, finished_at=started_at, outcome="re-armed"
        )
    deadline = CaseDeadline(case=case, rule=rule, started_at=started_at)
    _schedule_deadline(deadline, config, ctx or _Context(case.team_id))
    deadline.save()
    return deadline


def _arm(case, trigger: str, at: datetime, ctx: _Context, pending: set[str] | None) -> None:
    for spec in rules.RULES.values():
        if trigger in spec.starts_on:
            deadline_start(case=case, rule=spec.code, started_at=at, ctx=ctx, pending=pending)


def _follow_deadlines(case, to_status: str, at: datetime, ctx: _Context) -> None:
    pending = set()
    for deadline in CaseDeadline.objects.filter(case=case, state=DeadlineState.PENDING):
        if to_status not in rules.RULES[deadline.rule].live:
            deadline_finish(
                deadline=deadline, state=DeadlineState.CANCELLED, outcome=f"left:{to_status}", at=at
            )
        else:
            pending.add(deadline.rule)
    _arm(case, to_status, at, ctx, pending)


def deadline_claim(*, deadline_id: int, now: datetime) -> CaseDeadline | None:
    """Lock a due pending deadline for firing; None if it fired, moved or is locked elsewhere.
    The caller already holds the case row lock (lock order: case, then deadline)."""
    return (
        CaseDeadline.objects.select_for_update(skip_locked=True)
        .filter(id=deadline_id, state=DeadlineState.PENDING, fire_at__lte=now)
        .first()
    )


def deadline_finish(*, deadline: CaseDeadline, state: str, outcome: str, at: datetime) -> None:
    deadline.state, deadline.outcome, deadline.finished_at = state, outcome[:60], at
    deadline.save(update_fields=["state", "outcome", "finished_at"])


# --- targets: claimed by the scans in cases/tasks.py ---------------------------------------------


def target_claim(*, target_id: int, kind: str, now: datetime) -> SlaTarget | None:
    """Lock a running target whose warning (kind "warning") or due time ("breach") has passed
    and that has not been handled; None otherwise."""
    qs = SlaTarget.objects.select_for_update(skip_locked=True).select_related("clock")
    if kind == "breach":
        qs = qs.filter(breached_at__isnull=True, due_at__lte=now)
    else:
        qs = qs.filter(warned_at__isnull=True, breached_at__isnull=True, warn_at__lte=now)
    return qs.filter(id=target_id, state=TargetState.RUNNING).first()


def target_mark(*, target: SlaTarget, kind: str, at: datetime) -> None:
    """Record the warning or the breach; a breach also counts as warned (no warning after it)."""
    if kind == "breach":
        target.breached_at = at
    target.warned_at = target.warned_at or at
    target.save(update_fields=["breached_at", "warned_at"])


# --- repair: once the calendar knows the year ----------------------------------------------------


def sla_recompute(*, limit: int = 500) -> int:
    """Recompute clocks and deadlines that could not be computed (a year the calendar did not
    know). Each is its own short transaction; the partial indexes keep the lookup cheap."""
    done = 0
    for clock_id in (
        CaseClock.objects.exclude(problem="").order_by("updated_at").values_list("id", flat=True)[:limit]
    ):
        with transaction.atomic():
            clock = CaseClock.objects.select_for_update().get(id=clock_id)
            targets = list(clock.targets.all())
            _recompute(clock, targets, _Context(clock.team_id))
            _save(clock, targets)
            done += 1
    pending = CaseDeadline.objects.exclude(problem="").filter(state=DeadlineState.PENDING)
    for deadline in pending.select_related("case").order_by("started_at")[:limit]:
        with transaction.atomic():
            _schedule_deadline(deadline, rule_config(deadline.rule), _Context(deadline.case.team_id))
            deadline.save(update_fields=["due_at", "fire_at", "problem"])
            done += 1
    return done
