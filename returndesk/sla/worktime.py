"""Working-time arithmetic: working hours (periods with breaks) on China's official calendar.

Pure functions over a `WorkingCalendar` (core.calendar: chinese-calendar plus the admin override
table, make-up working days 调休 included) and a day's working periods in local time. Days the
calendar does not know raise `CalendarOutOfRange`; nothing here guesses.

Running time is kept as segments: [(start, end or None), ...], the intervals during which a clock
ran. Pausing closes a segment without computing anything, so a clock can always be recomputed
later from its segments (e.g. once an administrator enters next year's holidays). A clock's
segments each carry the working periods in force while they ran (`HoursSegment`): a case moved to
a team with other hours keeps the time it already ran as it was counted, and only what follows
the move is counted on the new hours (`Schedule`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from returndesk.core.calendar import WorkingCalendar

Period = tuple[time, time]
Segment = tuple[datetime, datetime | None]
HoursSegment = tuple[datetime, datetime | None, tuple[Period, ...]]

DEFAULT_PERIODS: tuple[Period, ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))
# A target of a year of working time is a configuration error, not a deadline.
MAX_DAYS = 800


def normalise_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Sorted, overlapping or touching periods merged, empty ones dropped."""
    merged: list[list[time]] = []
    for start, end in sorted(p for p in periods if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


class WorkingTime:
    """Working time of one team: its periods on the working days of `calendar`."""

    def __init__(self, calendar: WorkingCalendar, periods: Sequence[Period] = DEFAULT_PERIODS, tz=None):
        self.calendar = calendar
        self.periods = normalise_periods(periods)
        if not self.periods:
            raise ValueError("working hours need at least one period")
        self.tz = tz or timezone.get_default_timezone()

    def _windows(self, day: date):
        if self.calendar.is_workday(day):
            for start, end in self.periods:
                yield (
                    datetime.combine(day, start, tzinfo=self.tz),
                    datetime.combine(day, end, tzinfo=self.tz),
                )

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` of working time have passed since `start`."""
        if seconds <= 0:
            return start
        remaining = seconds
        day = timezone.localtime(start, self.tz).date()
        for _ in range(MAX_DAYS):
            for window_start, window_end in self._windows(day):
                begin = max(window_start, start)
                if window_end <= begin:
                    continue
                span = (window_end - begin).total_seconds()
                if remaining <= span:
                    return begin + timedelta(seconds=remaining)
                remaining -= span
            day += timedelta(days=1)
        raise ValueError(f"no {seconds} s of working time within {MAX_DAYS} days of {start}")

    def between(self, start: datetime, end: datetime) -> float:
        """Working seconds in [start, end); 0 when end <= start."""
        if end <= start:
            return 0.0
        total = 0.0
        day = timezone.localtime(start, self.tz).date()
        last = timezone.localtime(end, self.tz).date()
        while day <= last:
            for window_start, window_end in self._windows(day):
                overlap = (min(window_end, end) - max(window_start, start)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += timedelta(days=1)
        return total

    # --- segments -------------------------------------------------------------------------------

    def elapsed(self, segments: Sequence[Segment], now: datetime) -> float:
        """Working seconds the clock ran up to `now` (an open segment runs until now)."""
        return sum(self.between(start, end or now) for start, end in segments)

    def instant_reached(self, segments: Sequence[Segment], seconds: float) -> datetime | None:
        """When the clock's running time reaches `seconds`: inside a closed segment, or projected
        forward from the open one; None while paused short of it (it depends on the resume)."""
        return _instant_reached([(start, end, self) for start, end in segments], seconds)


class Schedule:
    """Working time over segments that each carry their own working periods (`HoursSegment`),
    all on one calendar."""

    def __init__(self, calendar: WorkingCalendar, tz=None):
        self.calendar = calendar
        self.tz = tz
        self._by_periods: dict[tuple[Period, ...], WorkingTime] = {}

    def of(self, periods: Sequence[Period]) -> WorkingTime:
        key = normalise_periods(periods)
        if key not in self._by_periods:
            self._by_periods[key] = WorkingTime(self.calendar, key, tz=self.tz)
        return self._by_periods[key]

    def elapsed(self, segments: Sequence[HoursSegment], now: datetime) -> float:
        """Working seconds the clock ran up to `now`, each segment on its own hours."""
        return sum(self.of(periods).between(start, end or now) for start, end, periods in segments)

    def instant_reached(self, segments: Sequence[HoursSegment], seconds: float) -> datetime | None:
        """As `WorkingTime.instant_reached`; the remainder is projected on the open segment's hours."""
        return _instant_reached([(start, end, self.of(periods)) for start, end, periods in segments], seconds)


def _instant_reached(
    segments: Sequence[tuple[datetime, datetime | None, WorkingTime]], seconds: float
) -> datetime | None:
    consumed = 0.0
    for start, end, worktime in segments:
        if end is None:
            return worktime.add(start, seconds - consumed)
        span = worktime.between(start, end)
        if consumed + span >= seconds:
            return worktime.add(start, seconds - consumed)
        consumed += span
    return None


def at_working_days(calendar: WorkingCalendar, start: datetime, days: int, tz=None) -> datetime:
    """The same local time of day, `days` working days after `start`'s date."""
    tz = tz or timezone.get_default_timezone()
    local = timezone.localtime(start, tz)
    target = calendar.add_working_days(local.date(), days)
    return datetime.combine(target, local.timetz().replace(tzinfo=None), tzinfo=tz)
