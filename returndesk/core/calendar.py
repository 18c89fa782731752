"""China's official working-day calendar: the chinese-calendar package plus an override table.

Rules: an override (CalendarDay) always wins; otherwise the package decides for the years it
knows (public holidays and make-up working days 调休 included); for other years, only a year an
administrator marked complete (CalendarYear) is computed (weekends off, overrides as entered).
Anything else raises CalendarOutOfRange: deadlines are never guessed.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from .config import ConfigCache
from .errors import DomainError


class CalendarOutOfRange(DomainError):
    def __init__(self, day: date) -> None:
        super().__init__(
            "calendar.out_of_range",
            "{year} 年的法定节假日安排尚未录入,无法计算工作日;请管理员在「日历年份」中录入",
            "The official holiday schedule for {year} is not known yet; an administrator must enter it "
            "under calendar years",
            kind="invalid",
            year=day.year,
        )


def _package_knows(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


class WorkingCalendar:
    """A snapshot of the override tables, so a computation over many days runs no query per day.
    `WorkingCalendar.current()` is the process's cached snapshot, rebuilt when an override or a
    year changes (core.config); `load()` reads the tables."""

    def __init__(self, overrides: dict[date, bool], complete_years: set[int]) -> None:
        self.overrides = overrides
        self.complete_years = complete_years

    @classmethod
    def load(cls) -> WorkingCalendar:
        from .models import CalendarDay, CalendarYear

        overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        years = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
        return cls(overrides, years)

    @classmethod
    def current(cls) -> WorkingCalendar:
        """The calendar as the tables now say, cached per process (read-only: shared)."""
        return _CURRENT.get()

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.complete_years:
            return day.weekday() < 5
        if _package_year_known(day.year):
            return chinese_calendar.is_workday(day)
        raise CalendarOutOfRange(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


@lru_cache(maxsize=64)
def _package_year_known(year: int) -> bool:
    return _package_knows(date(year, 6, 1))


_CURRENT: ConfigCache[WorkingCalendar] = ConfigCache(
    "core.calendar", models=["core.CalendarDay", "core.CalendarYear"], load=WorkingCalendar.load
)
