"""The definitions every metric rests on (docs/analytics.md says the same in words).

Return rate = units returned ÷ units shipped, both over the same purchase cohort: the order
lines of the orders *placed* in the period (local date in settings.TIME_ZONE). Units shipped are
OrderLine.quantity_shipped; units returned are the units requested on case lines of those same
order lines, by return requests that count, whenever the request was made. A cohort's rate
therefore rises for a while after the period as late returns arrive.

A return request is a case of type return & refund, refund only or exchange. It *counts* unless
it came to nothing: withdrawn (cancelled), refused (rejected, under appeal, or closed after a
rejection) or lapsed (closed by a timeout before goods or money moved). Open requests count: the
dashboard shows what customers are sending back now.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Case as When_
from django.db.models import CharField, Q, Value, When
from django.utils import timezone

from returndesk.cases.models import CaseType, Status
from returndesk.catalog.models import CustomerType

RETURN_TYPES = (CaseType.RETURN_REFUND.value, CaseType.REFUND_ONLY.value, CaseType.EXCHANGE.value)


class Outcome:
    OPEN = "open"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"

    ALL = (OPEN, COMPLETED, REFUSED, WITHDRAWN, LAPSED)
    LABELS = {
        OPEN: "处理中 / Open",
        COMPLETED: "已完成 / Completed",
        REFUSED: "已拒绝 / Refused",
        WITHDRAWN: "已撤回 / Withdrawn",
        LAPSED: "超时失效 / Lapsed",
    }


COMPLETED_STATUSES = (
    Status.REFUNDED,
    Status.REPLACEMENT_SHIPPED,
    Status.REPAIRED,
    Status.ANSWERED,
    Status.INSPECTED,
)


def _completed(prefix: str) -> Q:
    """A closed case that got somewhere: money refunded, goods shipped out, or an answer/result."""
    return (
        Q(**{f"{prefix}refund_amount__isnull": False})
        | ~Q(**{f"{prefix}outbound_tracking_number": ""})
        | ~Q(**{f"{prefix}resolution": ""})
    )


def outcome_expression(prefix: str = "") -> When_:
    """SQL CASE giving the Outcome of a case (`prefix` reaches the case from a related row)."""
    status = f"{prefix}status"
    return When_(
        When(**{status: Status.CANCELLED}, then=Value(Outcome.WITHDRAWN)),
        When(Q(**{f"{status}__in": [Status.REJECTED, Status.APPEALED]}), then=Value(Outcome.REFUSED)),
        When(Q(**{f"{status}__in": COMPLETED_STATUSES}), then=Value(Outcome.COMPLETED)),
        When(Q(**{status: Status.CLOSED}) & _completed(prefix), then=Value(Outcome.COMPLETED)),
        When(
            Q(**{status: Status.CLOSED}) & ~Q(**{f"{prefix}rejection_reason": ""}),
            then=Value(Outcome.REFUSED),
        ),
        When(Q(**{status: Status.CLOSED}), then=Value(Outcome.LAPSED)),
        default=Value(Outcome.OPEN),
        output_field=CharField(),
    )


def counted(prefix: str = "") -> Q:
    """The return requests whose units count as returned (module docstring)."""
    status = f"{prefix}status"
    void_closed = Q(**{status: Status.CLOSED}) & ~_completed(prefix)
    return (
        Q(**{f"{prefix}type__in": RETURN_TYPES})
        & ~Q(**{f"{status}__in": [Status.CANCELLED, Status.REJECTED, Status.APPEALED]})
        & ~void_closed
    )


def account_of(customer_id, customer_type: str):
    """The rollups' `account`: a distributor or key account by itself, consumers pooled (None)."""
    return None if customer_type == CustomerType.CONSUMER else customer_id


# --- days -----------------------------------------------------------------------------------


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- stage durations ------------------------------------------------------------------------


def bucket_upper(seconds: float) -> int:
    """The histogram bucket of a stage duration, named by its upper edge in whole seconds: whole
    minutes up to an hour, then steps of 2^(1/8) (about 9 %): 3600 · 2^(k/8) rounded up. A
    percentile read from the histogram is the upper edge of the bucket it falls in: exact for a
    duration on an edge (every whole minute below an hour, 1 h, 2 h, 4 h, …), otherwise at most
    one step (9 %) above the true value. About 60 + 8 per doubling buckets in all."""
    s = max(1, math.ceil(seconds))
    if s <= 3600:
        return math.ceil(s / 60) * 60
    k = math.ceil(8 * math.log2(s / 3600) - 0.01)  # an edge rounded up to the second stays in its bucket
    return math.ceil(3600 * 2 ** (k / 8) - 1e-6)
