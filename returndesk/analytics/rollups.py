"""Keeping the daily rollups (models.py) equal to the source tables.

Decision (docs/analytics.md, "Rollups"): a periodic huey task (tasks.py, every minute) refreshes
them from a watermark; no domain service calls analytics, so the case, order and SLA code stay
unaware of it (STYLE: dependencies point one way, analytics only reads domain data).

What changed since the last refresh is found through rows that every change leaves behind:
- cases: their CaseEvent rows (exactly one per change, STYLE rule 4; indexed by time), which
  also covers follow-up answers and calls (one event each, cases.services.feedback);
- orders: Order.updated_at and OrderLine.updated_at (new orders, upserts, progress).
Each changed fact names the days it belongs to (the day a case was opened or refunded, the day
an order was placed, the day a stage span ended); each such day of each table is then recomputed
whole from the source tables (facts.py) and its rows replaced. Recomputing is idempotent, so the
refresh looks back LAG before its watermark: a transaction that committed late (its rows carry a
time before the previous refresh read) is still seen. A change older than LAG when it commits,
an order whose placed time moves from one day to another (the old day cannot be named), or rows
deleted outside the services are put right by the nightly full rebuild (tasks.py) or
`manage.py analytics_rollups --rebuild`.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone

from returndesk.cases.models import Case, CaseEvent, CaseLine
from returndesk.followups.models import FollowUp
from returndesk.orders.models import Order, OrderLine

from . import facts
from .cohort import day_window, local_day
from .models import (
    AccountDay,
    CaseDay,
    CohortDay,
    Grain,
    LotDay,
    ReasonDay,
    RefundDay,
    RollupState,
    SatisfactionDay,
    SlaDay,
    StageDay,
)

LAG = dt.timedelta(minutes=10)
STATE = "daily"


@dataclass(frozen=True)
class Table:
    model: type
    keys: tuple[str, ...]
    facts: object


TABLES = {
    "cohort": Table(CohortDay, ("product_id", "channel"), facts.cohort_facts),
    "lot": Table(LotDay, ("product_id", "lot"), facts.lot_facts),
    "account": Table(AccountDay, ("account_id",), facts.account_facts),
    "reason": Table(ReasonDay, ("reason_id", "product_id"), facts.reason_facts),
    "case": Table(
        CaseDay,
        (
            "case_type",
            "outcome",
            "reason_class",
            "account_id",
            "cause_stage",
            "cause_department",
            "cause_our_product",
        ),
        facts.case_facts,
    ),
    "refund": Table(RefundDay, ("case_type", "reason_class", "account_id"), facts.refund_facts),
    "sla": Table(SlaDay, ("kind", "priority", "outcome"), facts.sla_facts),
    "stage": Table(StageDay, ("stage", "upper_seconds"), facts.stage_facts),
    "satisfaction": Table(
        SatisfactionDay, ("method", "rating", "resolved", "account_id"), facts.satisfaction_facts
    ),
}
COHORT_TABLES = ("cohort", "lot", "account")


@dataclass
class RefreshResult:
    days: dict[str, list[dt.date]] = field(default_factory=dict)
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def day_count(self) -> int:
        return sum(len(days) for days in self.days.values())


def _measures(table: Table) -> list[str]:
    return [
        f.attname
        for f in table.model._meta.concrete_fields
        if f.attname not in {"id", "grain", "day", *table.keys}
    ]


def _rows(table: Table, grain: str, day: dt.date, facts_by_key: dict) -> list:
    return [
        table.model(grain=grain, day=day, **dict(zip(table.keys, key, strict=True)), **measures)
        for key, measures in facts_by_key.items()
    ]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def recompute_day(name: str, day: dt.date) -> None:
    """Replace one day of one table with what the source tables say now."""
    table = TABLES[name]
    start, end = day_window(day)
    table.model.objects.filter(grain=Grain.DAY, day=day).delete()
    table.model.objects.bulk_create(_rows(table, Grain.DAY, day, table.facts(start, end)), batch_size=2000)


def recompute_month(name: str, month: dt.date) -> None:
    """Replace one month row set of one table by the sum of that month's daily rows."""
    table = TABLES[name]
    following = (month + dt.timedelta(days=32)).replace(day=1)
    daily = table.model.objects.filter(grain=Grain.DAY, day__gte=month, day__lt=following)
    sums = daily.values(*table.keys).annotate(**{m: Sum(m) for m in _measures(table)})
    by_key = {tuple(row[k] for k in table.keys): {m: row[m] for m in _measures(table)} for row in sums}
    table.model.objects.filter(grain=Grain.MONTH, day=month).delete()
    table.model.objects.bulk_create(_rows(table, Grain.MONTH, month, _exact(table, by_key)), batch_size=2000)


def _exact(table: Table, by_key: dict) -> dict:
    """Sums read back from SQLite come as floats for decimal columns: back to exact cents."""
    decimal = {
        f.attname for f in table.model._meta.concrete_fields if f.get_internal_type() == "DecimalField"
    }
    if not decimal:
        return by_key
    return {
        key: {m: (facts._dec(v) if m in decimal else v) for m, v in measures.items()}
        for key, measures in by_key.items()
    }


def dirty_days(since: dt.datetime) -> dict[str, set[dt.date]]:
    """The days of each table that changes at or after `since` may have touched."""
    changed = CaseEvent.objects.filter(created_at__gte=since)
    case_ids = set(changed.values_list("case_id", flat=True).distinct())
    opened: set[dt.date] = set()
    refunded: set[dt.date] = set()
    for created_at, refunded_at in Case.objects.filter(id__in=case_ids).values_list(
        "created_at", "refunded_at"
    ):
        opened.add(local_day(created_at))
        if refunded_at is not None:
            refunded.add(local_day(refunded_at))
    placed = set(
        OrderLine.objects.filter(case_lines__case_id__in=case_ids)
        .values_list("order__placed_at", flat=True)
        .distinct()
    )
    placed |= set(Order.objects.filter(updated_at__gte=since).values_list("placed_at", flat=True))
    placed |= set(
        OrderLine.objects.filter(updated_at__gte=since).values_list("order__placed_at", flat=True).distinct()
    )
    answered = {
        local_day(at)
        for at in FollowUp.objects.filter(case_id__in=case_ids, completed_at__isnull=False).values_list(
            "completed_at", flat=True
        )
    }
    ended = {
        local_day(at)
        for at in changed.exclude(from_status="").exclude(to_status="").values_list("created_at", flat=True)
    }
    cohort_days = {local_day(at) for at in placed}
    return {
        "cohort": cohort_days,
        "lot": cohort_days,
        "account": cohort_days,
        "reason": opened,
        "case": opened,
        "sla": opened,
        "refund": refunded,
        "stage": ended,
        "satisfaction": answered,
    }


def _state() -> RollupState:
    state, _created = RollupState.objects.select_for_update().get_or_create(name=STATE)
    return state


def rollup_refresh(*, now: dt.datetime | None = None) -> RefreshResult:
    """Bring the rollups up to date with every change since the last refresh (module docstring).
    The first refresh, with no watermark yet, is a full rebuild."""
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        state = _state()
        if state.watermark is None:
            result = _rebuild(now)
            state.rebuilt_at = now
        else:
            result = RefreshResult(days={})
            for name, days in dirty_days(state.watermark - LAG).items():
                for day in sorted(days):
                    recompute_day(name, day)
                for month in sorted({month_of(day) for day in days}):
                    recompute_month(name, month)
                result.days[name] = sorted(days)
        result.seconds = time.monotonic() - started
        state.watermark = now
        state.refreshed_at = now
        state.last_days = result.day_count
        state.last_seconds = result.seconds
        state.save()
    return result


def rollup_rebuild(*, now: dt.datetime | None = None, months: int | None = None) -> RefreshResult:
    """Recompute every table from scratch (after bulk loads, or by hand), or only its last
    `months` calendar months (the nightly job: bounded work, and what a watermark cannot see —
    an order moved to another day — happens to recent orders)."""
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        _analyze_sources()
        state = _state()
        result = _rebuild(now, months=months)
        result.seconds = time.monotonic() - started
        state.watermark = state.refreshed_at = state.rebuilt_at = now
        state.last_days, state.last_seconds = result.day_count, result.seconds
        state.save()
    return result


def _analyze_sources() -> None:
    """PostgreSQL plans the rebuild's joins from its statistics of the source tables. After a bulk
    load (the demo, an import) they can describe tables of a few rows while thousands are there —
    autovacuum has not run yet, or cannot see rows of a transaction still open — and a nested
    loop planned for a few rows then takes minutes. ANALYZE (sampled, seconds even at a million
    cases) brings them up to date first; inside this transaction it sees the rows it wrote. Only
    the tables of the joins: ANALYZE's row counts stay even when the transaction rolls back, so
    the fewer tables, the less it changes for anything planned later (tests that read a plan)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (Order, OrderLine, Case, CaseLine, CaseEvent)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _span() -> tuple[dt.date, dt.date] | None:
    first = [
        Order.objects.aggregate(m=Min("placed_at"))["m"],
        Case.objects.aggregate(m=Min("created_at"))["m"],
    ]
    last = [
        Order.objects.aggregate(m=Max("placed_at"))["m"],
        CaseEvent.objects.aggregate(m=Max("created_at"))["m"],
    ]
    first = [local_day(x) for x in first if x is not None]
    last = [local_day(x) for x in last if x is not None]
    return (min(first), max(last)) if first else None


def _rebuild(now: dt.datetime, months: int | None = None) -> RefreshResult:
    """All tables (or those of the last `months` months), a month at a time (one GROUP BY per
    table and month: bounded memory); each month's row set is summed from its days in memory."""
    result = RefreshResult(days={name: [] for name in TABLES}, rebuilt=True)
    span = _span()
    first = None
    if months is not None:
        first = timezone.localdate(now).replace(day=1)
        for _ in range(months - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
    for table in TABLES.values():
        (table.model.objects.filter(day__gte=first) if first else table.model.objects.all()).delete()
    if span is None:
        return result
    month = max(span[0].replace(day=1), first) if first else span[0].replace(day=1)
    while month <= span[1]:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        start, _ = day_window(month)
        end, _ = day_window(following)
        for name, table in TABLES.items():
            by_key = table.facts(start, end, by_day=True)
            rows = [
                table.model(
                    grain=Grain.DAY, day=key[0], **dict(zip(table.keys, key[1:], strict=True)), **measures
                )
                for key, measures in by_key.items()
            ]
            monthly: dict = {}
            for key, measures in by_key.items():
                target = monthly.setdefault(key[1:], dict.fromkeys(measures, 0))
                for m, v in measures.items():
                    target[m] = target[m] + v
            rows += _rows(table, Grain.MONTH, month, monthly)
            table.model.objects.bulk_create(rows, batch_size=5000)
            result.days[name].extend(sorted({key[0] for key in by_key}))
        month = following
    return result


def rollup_status() -> RollupState | None:
    return RollupState.objects.filter(name=STATE).first()
