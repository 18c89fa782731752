"""Periods counted from signing (民法典 art. 201–203): the signing day does not count, the last
day ends at 24:00 Asia/Shanghai, a month period ends on the corresponding day (or month end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar
from returndesk.policies.periods import days_end, months_end

from .helpers import at


@pytest.mark.parametrize(
    "signed_at",
    [
        at(2026, 3, 2, 0, 0, 0),
        at(2026, 3, 2, 10, 0),
        at(2026, 3, 2, 23, 59),
        at(2026, 3, 2, 23, 59, 59),
        datetime(2026, 3, 1, 16, 30, tzinfo=UTC),  # 00:30 on 2 March in Shanghai
        datetime(2026, 3, 2, 15, 59, tzinfo=UTC),  # 23:59 on 2 March in Shanghai
    ],
)
def test_given_a_signing_at_any_time_of_the_day_when_counting_7_days_then_the_period_ends_at_24_00_of_day_7(
    signed_at,
):
    assert days_end(signed_at, 7) == at(2026, 3, 10)


def test_given_a_signing_just_before_midnight_utc_when_counting_then_the_shanghai_date_is_used():
    # 2026-03-02 16:00 UTC is 00:00 on 3 March in Shanghai: the signing day is the 3rd.
    assert days_end(datetime(2026, 3, 2, 16, 0, tzinfo=UTC), 7) == at(2026, 3, 11)


@pytest.mark.parametrize(
    ("signed", "months", "last_day"),
    [
        (at(2025, 11, 26, 9), 12, date(2026, 11, 26)),
        (at(2025, 1, 31, 9), 1, date(2025, 2, 28)),  # no 31 February: the month's last day
        (at(2024, 1, 31, 9), 1, date(2024, 2, 29)),
        (at(2025, 3, 31, 9), 11, date(2026, 2, 28)),
        (at(2025, 6, 15, 23, 59), 24, date(2027, 6, 15)),
    ],
)
def test_given_a_warranty_in_months_when_its_end_is_computed_then_it_is_24_00_of_the_corresponding_day(
    signed, months, last_day
):
    next_day = last_day + timedelta(days=1)
    assert months_end(signed, months) == at(next_day.year, next_day.month, next_day.day)


def test_given_the_national_day_holidays_when_counting_3_working_days_then_holidays_are_skipped_and_the_make_up_saturday_counts():
    # Signed Wed 30 Sep 2026; 1–7 Oct are holidays; Thu 8, Fri 9 and the make-up Sat 10 Oct work.
    calendar = WorkingCalendar({}, set())
    assert days_end(at(2026, 9, 30, 18), 3, unit="working", calendar=calendar) == at(2026, 10, 11)


def test_given_2027_entered_by_an_administrator_when_counting_into_it_then_the_overrides_apply():
    calendar = WorkingCalendar({date(2027, 1, 1): False}, {2027})
    # Thu 31 Dec 2026 works (1); Fri 1 Jan 2027 is a holiday; the weekend is off; Mon 4 (2), Tue 5 (3).
    assert days_end(at(2026, 12, 30, 9), 3, unit="working", calendar=calendar) == at(2027, 1, 6)


def test_given_2027_not_entered_when_counting_into_it_then_the_deadline_is_refused_not_guessed():
    with pytest.raises(CalendarOutOfRange) as excinfo:
        days_end(at(2026, 12, 30, 9), 3, unit="working", calendar=WorkingCalendar({}, set()))
    assert excinfo.value.code == "calendar.out_of_range"
