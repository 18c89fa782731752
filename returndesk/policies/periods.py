"""Legal periods counted from the day goods were signed for, in Asia/Shanghai.

民法典 art. 201–203: a period in days or months starts the day after the event (the signing day
is not counted), a period in months ends on the corresponding day of the final month (the
month's last day where there is none), and the last day ends at 24:00. "24:00 of day N" is the
instant 00:00 of day N+1, so a moment is inside the period when it is strictly before that end.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Consumer-law periods are Chinese local time whatever the server's TIME_ZONE says.
LEGAL_TZ = ZoneInfo("Asia/Shanghai")


class WorkingDays(Protocol):
    """What the engine needs of core.calendar.WorkingCalendar (a snapshot passed in)."""

    def add_working_days(self, start: date, days: int) -> date: ...


def signing_day(signed_at: datetime) -> date:
    return signed_at.astimezone(LEGAL_TZ).date()


def end_of_day(day: date) -> datetime:
    """24:00 of `day`, i.e. 00:00 of the next day, Asia/Shanghai."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LEGAL_TZ)


def days_end(
    signed_at: datetime, days: int, *, unit: str = "calendar", calendar: WorkingDays | None = None
) -> datetime:
    """End of a period of `days` calendar or working days after the signing day."""
    start = signing_day(signed_at)
    if unit == "working":
        if calendar is None:
            raise ValueError("a working-day period needs a calendar")
        return end_of_day(calendar.add_working_days(start, days))
    return end_of_day(start + timedelta(days=days))


def months_end(signed_at: datetime, months: int) -> datetime:
    """End of a period of `months` months after the signing day (warranties)."""
    start = signing_day(signed_at)
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    month = month_index + 1
    day = min(start.day, _calendar.monthrange(year, month)[1])
    return end_of_day(date(year, month, day))
