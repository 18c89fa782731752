"""What the customer is promised (seed S7: "退款原路返回,通常 3–10 个工作日到账"): the expected
arrival of each refund by its route, in working days on China's calendar (core.calendar), from
when it was sent. Store credit is there at once; a manual bank transfer and the original route
take the ranges set in the admin (refund settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar

from .models import Refund, RefundSettings, RefundStatus, Route


@dataclass(frozen=True)
class Promise:
    earliest: date | None
    latest: date | None
    problem: str = ""  # e.g. "calendar.out_of_range:2027" when the calendar does not know the year

    @property
    def window(self) -> tuple[date | None, date | None]:
        return (self.earliest, self.latest)


def working_days_for(route: str, settings: RefundSettings) -> tuple[int, int]:
    if route == Route.STORE_CREDIT:
        return (0, 0)
    if route == Route.BANK_TRANSFER:
        return (settings.bank_days_min, settings.bank_days_max)
    return (settings.original_days_min, settings.original_days_max)


def expected_arrival(
    *,
    route: str,
    since: date,
    settings: RefundSettings | None = None,
    calendar: WorkingCalendar | None = None,
) -> Promise:
    settings = settings or RefundSettings.current()
    low, high = working_days_for(route, settings)
    try:
        calendar = calendar or WorkingCalendar.load()
        return Promise(calendar.add_working_days(since, low), calendar.add_working_days(since, high))
    except CalendarOutOfRange as exc:
        return Promise(None, None, f"{exc.code}:{exc.params['year']}")


def refund_promise(refund: Refund, *, settings=None, calendar=None) -> Promise:
    """When the money should be in the customer's account, counted from when the refund was sent
    (or made): a refund the gateway accepted still takes the route's working days to arrive. A
    failed refund promises nothing."""
    if refund.status == RefundStatus.FAILED:
        return Promise(None, None)
    since = timezone.localdate(refund.sent_at or refund.created_at)
    return expected_arrival(route=refund.route, since=since, settings=settings, calendar=calendar)
