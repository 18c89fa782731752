"""Aggregations straight from the source tables for a time window [start, end).

The rollups (rollups.py) store these per local day; the tests compare the rollups with them
after random changes. Each function returns {key tuple: measures dict}; with by_day=True the
key starts with the local date of the fact's day field (one query for many days, used by the
full rebuild). Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from returndesk.cases.models import Case, CaseEvent, CaseLine
from returndesk.catalog.models import CustomerType
from returndesk.core.money import quantize
from returndesk.followups.models import FollowUp, FollowUpStatus
from returndesk.orders.models import OrderLine
from returndesk.sla.models import SlaTarget, TargetState

from .cohort import bucket_upper, counted, local_day, outcome_expression

ZERO = Decimal("0.00")
ANSWER_EVENTS = ("survey", "followup_call")  # cases.services.feedback


def _dec(value) -> Decimal:
    # SQLite sums decimals as floats: back to exact cents (rounding lives in core.money).
    return quantize(Decimal(str(value))) if value is not None else ZERO


def _account(customer: str):
    """Distributors and key accounts by themselves, consumers pooled as NULL (models.py)."""
    return When_(
        When(**{f"{customer}__type": CustomerType.CONSUMER}, then=Value(None)),
        default=F(f"{customer}_id"),
    )


def _grouped(qs, day_field: str | None, dims: dict, measures: dict, *, convert: dict) -> dict:
    """Run one GROUP BY: dims (name → expression or field) in key order, with the local day first
    when day_field is given; measures converted by `convert` (name → function)."""
    if day_field:
        dims = {"day": TruncDate(day_field, tzinfo=timezone.get_current_timezone()), **dims}
    exprs = {name: expr for name, expr in dims.items() if not isinstance(expr, str)}
    names = [expr if isinstance(expr, str) else name for name, expr in dims.items()]
    rows = qs.annotate(**exprs).values(*names).annotate(**measures)
    table: dict = {}
    for row in rows:
        key = tuple(row[name] for name in names)
        target = table.setdefault(
            key, {name: (convert[name](None) if name in convert else 0) for name in measures}
        )
        for name in measures:
            value = row[name]
            target[name] = target[name] + (convert[name](value) if name in convert else (value or 0))
    return table


def _cohort(start, end, by_day: bool, shipped_dims: dict, returned_dims: dict, with_value: bool) -> dict:
    shipped = _grouped(
        OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end),
        "order__placed_at" if by_day else None,
        shipped_dims,
        {"units_shipped": Sum("quantity_shipped")},
        convert={},
    )
    measures = {"units_returned": Sum("quantity")}
    if with_value:
        measures["returned_value"] = Sum("claimed_amount")
    # From the window's order lines to their case lines by index (an IN list), never the other
    # way round: a join from case lines would read every case line to find the window's.
    lines = OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end).values("id")
    returned = _grouped(
        CaseLine.objects.filter(counted("case__"), order_line_id__in=lines),
        "order_line__order__placed_at" if by_day else None,
        returned_dims,
        measures,
        convert={"returned_value": _dec},
    )
    empty = {"units_returned": 0, **({"returned_value": ZERO} if with_value else {})}
    table = {key: {**row, **empty} for key, row in shipped.items()}
    for key, row in returned.items():
        table.setdefault(key, {"units_shipped": 0}).update(row)
    return table


def cohort_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(product_id, channel) → units_shipped, units_returned, returned_value, over the order
    lines of the orders placed in the window (cohort.py: what counts as returned)."""
    return _cohort(
        start, end, by_day,
        {"product": "product_id", "channel": "order__channel"},
        {"product": "order_line__product_id", "channel": "order_line__order__channel"},
        with_value=True,
    )  # fmt: skip


def lot_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(product_id, lot) → units_shipped, units_returned over the same cohort."""
    return _cohort(
        start, end, by_day,
        {"product": "product_id", "lot": "lot"},
        {"product": "order_line__product_id", "lot": "order_line__lot"},
        with_value=False,
    )  # fmt: skip


def account_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(account,) → units_shipped, units_returned over the same cohort; consumers pooled."""
    return _cohort(
        start, end, by_day,
        {"account": _account("order__customer")},
        {"account": _account("order_line__order__customer")},
        with_value=False,
    )  # fmt: skip


def reason_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(reason_id, product_id) → lines, units, claimed_value, over the lines of counted return
    requests opened in the window."""
    opened = Case.objects.filter(created_at__gte=start, created_at__lt=end).values("id")
    return _grouped(
        CaseLine.objects.filter(counted("case__"), case_id__in=opened),
        "case__created_at" if by_day else None,
        {"reason": "reason_id", "product": "order_line__product_id"},
        {"lines": Count("id"), "units": Sum("quantity"), "claimed_value": Sum("claimed_amount")},
        convert={"claimed_value": _dec},
    )


def case_reason_class():
    """The class of a case's first line (by creation): a case is classed by what it is about."""
    first = CaseLine.objects.filter(case=OuterRef("pk")).order_by("created_at", "id")
    return Subquery(first.values("reason__reason_class")[:1])


def case_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(case_type, outcome, reason_class, account, cause_stage, cause_department,
    cause_our_product) → cases, over the cases opened in the window."""
    table = _grouped(
        Case.objects.filter(created_at__gte=start, created_at__lt=end),
        "created_at" if by_day else None,
        {
            "case_type": "type",
            "outcome": outcome_expression(),
            "reason_class": case_reason_class(),
            "account": _account("customer"),
            "cause_stage": "cause__stage",
            "cause_department": "cause__responsible_department",
            "cause_our_product": "cause__is_our_product",
        },
        {"cases": Count("id")},
        convert={},
    )
    # NULL (no line, no cause) and "" are one value in the rollup; departments are trimmed.
    cleaned: dict = {}
    for key, row in table.items():
        *head, reason_class, account, stage, department, ours = key
        key = (*head, reason_class or "", account, stage or "", (department or "").strip(), ours)
        cleaned.setdefault(key, {"cases": 0})["cases"] += row["cases"]
    return cleaned


def refund_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(case_type, reason_class, account) → cases, refund_amount, restocking_fee, claimed_amount,
    seller_paid_return_cases, over the cases refunded in the window."""
    table = _grouped(
        Case.objects.filter(refunded_at__gte=start, refunded_at__lt=end),
        "refunded_at" if by_day else None,
        {"case_type": "type", "reason_class": case_reason_class(), "account": _account("customer")},
        {
            "cases": Count("id"),
            "refund_amount": Sum("refund_amount"),
            "restocking_fee": Sum("restocking_fee"),
            "claimed_amount": Sum("claimed_amount"),
            "seller_paid_return_cases": Count("id", filter=Q(return_shipping_payer="seller")),
        },
        convert={"refund_amount": _dec, "restocking_fee": _dec, "claimed_amount": _dec},
    )
    cleaned: dict = {}
    for (*head, case_type, reason_class, account), row in table.items():
        key = (*head, case_type, reason_class or "", account)
        if key in cleaned:
            cleaned[key] = {name: cleaned[key][name] + row[name] for name in row}
        else:
            cleaned[key] = row
    return cleaned


def target_outcome(state: str, overrun_seconds: int | None) -> str:
    """on_time: met within the target; late: finished after running over; stopped: ended unmet
    (case closed, or reviewed anew) without running over; open: still running or paused."""
    if state in (TargetState.RUNNING, TargetState.PAUSED):
        return "open"
    if overrun_seconds:
        return "late"
    return "on_time" if state == TargetState.MET else "stopped"


def sla_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(kind, priority, outcome) → targets, over the SLA targets (every review round) of the
    cases opened in the window."""
    opened = Case.objects.filter(created_at__gte=start, created_at__lt=end).values("id")
    raw = _grouped(
        SlaTarget.objects.filter(clock__case_id__in=opened),
        "clock__case__created_at" if by_day else None,
        {"kind": "kind", "priority": "clock__case__priority", "state": "state", "overrun": "overrun_seconds"},
        {"targets": Count("id")},
        convert={},
    )
    table: dict = {}
    for (*head, kind, priority, state, overrun), row in raw.items():
        key = (*head, kind, priority, target_outcome(state, overrun))
        table.setdefault(key, {"targets": 0})["targets"] += row["targets"]
    return table


def stage_spans(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, str, float]]:
    """(ended_at, stage, seconds) of every stage span that ended in the window: the time a case
    spent in one status, from the status change entering it to the next one."""
    began = (
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), sequence__lt=OuterRef("sequence"))
        .exclude(to_status="")
        .order_by("-sequence")
        .values("created_at")[:1]
    )
    rows = (
        CaseEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(from_status="")
        .exclude(to_status="")
        .annotate(began=Subquery(began))
        .values_list("created_at", "from_status", "began")
    )
    return [
        (ended, stage, (ended - began_at).total_seconds())
        for ended, stage, began_at in rows.iterator(chunk_size=5000)
        if began_at is not None
    ]


def stage_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(stage, upper_seconds) → spans, seconds_total (histogram, cohort.bucket_upper)."""
    table: dict = defaultdict(lambda: {"spans": 0, "seconds_total": 0})
    for ended, stage, seconds in stage_spans(start, end):
        key = (stage, bucket_upper(seconds))
        if by_day:
            key = (local_day(ended), *key)
        row = table[key]
        row["spans"] += 1
        row["seconds_total"] += max(0, round(seconds))
    return dict(table)


def satisfaction_facts(start: dt.datetime, end: dt.datetime, *, by_day: bool = False) -> dict:
    """(method, rating, resolved, account) → answers, over the follow-ups answered in the window.
    Each answer writes a timeline event at the same moment (cases.services.feedback): the
    window's events lead to its follow-ups by index."""
    slack = dt.timedelta(minutes=1)  # the event and completed_at are stamped apart by microseconds
    answered = CaseEvent.objects.filter(
        created_at__gte=start - slack, created_at__lt=end + slack, type__in=ANSWER_EVENTS
    ).values("case_id")
    return _grouped(
        FollowUp.objects.filter(
            status=FollowUpStatus.DONE, completed_at__gte=start, completed_at__lt=end, case_id__in=answered
        ),
        "completed_at" if by_day else None,
        {
            "method": "method",
            "rating": "rating",
            "resolved": "resolved",
            "account": _account("case__customer"),
        },
        {"answers": Count("id")},
        convert={},
    )
