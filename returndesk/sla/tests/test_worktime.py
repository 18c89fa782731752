"""Working-time arithmetic on China's official calendar (no database: the calendar snapshot is
built directly). 2026: National Day 10-01..07 off, make-up working days Sun 09-20 and Sat 10-10."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar
from returndesk.sla.worktime import Schedule, WorkingTime, at_working_days, normalise_periods

SH = ZoneInfo("Asia/Shanghai")
HOURS = 3600


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def wt() -> WorkingTime:
    return WorkingTime(WorkingCalendar({}, set()), tz=SH)


def test_given_friday_afternoon_when_adding_two_working_hours_then_due_monday_morning(wt):
    assert wt.add(at(11, 20, 17), 2 * HOURS) == at(11, 23, 10)


def test_given_a_time_before_the_lunch_break_when_adding_an_hour_then_the_break_is_skipped(wt):
    assert wt.add(at(11, 23, 11, 30), 1 * HOURS) == at(11, 23, 14, 0)


def test_given_a_start_outside_working_hours_when_adding_then_counting_starts_at_the_next_period(wt):
    assert wt.add(at(11, 21, 10), 30 * 60) == at(11, 23, 9, 30)  # Saturday → Monday 09:00
    assert wt.add(at(11, 23, 12, 15), 30 * 60) == at(11, 23, 14, 0)  # lunch → 13:30


def test_given_the_eve_of_national_day_when_adding_then_the_golden_week_is_skipped(wt):
    assert wt.add(at(9, 30, 17), 2 * HOURS) == at(10, 8, 10)


def test_given_the_friday_before_a_make_up_saturday_when_adding_then_saturday_10_10_counts(wt):
    assert wt.add(at(10, 9, 17, 30), 1 * HOURS) == at(10, 10, 9, 30)


def test_given_the_friday_before_a_make_up_sunday_when_adding_then_sunday_09_20_counts_and_saturday_not(wt):
    assert wt.add(at(9, 18, 17), 2 * HOURS) == at(9, 20, 10)


def test_given_a_span_over_golden_week_when_measuring_then_only_working_periods_count(wt):
    assert wt.between(at(9, 30, 9), at(10, 8, 12)) == 7.5 * HOURS + 3 * HOURS


def test_given_an_admin_holiday_override_when_adding_then_that_day_is_skipped():
    calendar = WorkingCalendar({date(2026, 11, 23): False}, set())
    assert WorkingTime(calendar, tz=SH).add(at(11, 20, 17), 2 * HOURS) == at(11, 24, 10)


def test_given_a_deadline_reaching_an_unknown_year_when_adding_then_refused_not_guessed(wt):
    with pytest.raises(CalendarOutOfRange) as excinfo:
        wt.add(at(12, 31, 17), 2 * HOURS)
    assert excinfo.value.code == "calendar.out_of_range"
    assert excinfo.value.params == {"year": 2027}


def test_given_an_entered_year_when_adding_into_it_then_weekdays_and_overrides_count():
    calendar = WorkingCalendar({date(2027, 1, 1): False}, {2027})
    assert WorkingTime(calendar, tz=SH).add(at(12, 31, 17), 2 * HOURS) == at(1, 4, 10, year=2027)


def test_given_team_periods_with_overlaps_when_normalised_then_merged_and_sorted():
    periods = [(time(13, 0), time(17, 0)), (time(8, 0), time(12, 0)), (time(11, 0), time(12, 30))]
    assert normalise_periods(periods) == ((time(8, 0), time(12, 30)), (time(13, 0), time(17, 0)))


def test_given_a_paused_clock_when_finding_the_due_instant_then_unknown_until_it_resumes(wt):
    segments = [(at(11, 23, 9), at(11, 23, 11))]  # ran 2 h, then paused
    assert wt.instant_reached(segments, 1 * HOURS) == at(11, 23, 10)
    assert wt.instant_reached(segments, 4 * HOURS) is None
    resumed = [*segments, (at(11, 25, 9), None)]
    assert wt.instant_reached(resumed, 4 * HOURS) == at(11, 25, 11)
    assert wt.elapsed(resumed, at(11, 25, 14)) == 2 * HOURS + 3 * HOURS + 0.5 * HOURS


def test_given_segments_on_different_hours_when_measured_then_each_counts_on_its_own_hours():
    all_day, afternoon = ((time(9, 0), time(18, 0)),), ((time(13, 0), time(17, 0)),)
    schedule = Schedule(WorkingCalendar({}, set()), tz=SH)
    segments = [(at(11, 23, 9), at(11, 23, 11), all_day), (at(11, 23, 11), None, afternoon)]

    assert schedule.elapsed(segments, at(11, 23, 14)) == 2 * HOURS + 1 * HOURS  # 11–13 is not B's time
    assert schedule.instant_reached(segments, 1 * HOURS) == at(11, 23, 10)  # inside the closed segment
    assert schedule.instant_reached(segments, 8 * HOURS) == at(11, 24, 15)  # 2 h + Mon 13–17 + Tue 13–15
    paused = [(at(11, 23, 9), at(11, 23, 11), all_day)]
    assert schedule.instant_reached(paused, 4 * HOURS) is None


def test_given_three_working_days_after_national_day_eve_when_computed_then_lands_on_make_up_saturday():
    assert at_working_days(WorkingCalendar({}, set()), at(9, 30, 15), 3, tz=SH) == at(10, 10, 15)


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 30)),
    minutes=st.integers(min_value=1, max_value=60 * 60),
)
def test_given_any_start_and_duration_when_adding_then_measuring_back_gives_the_duration(start, minutes):
    wt = WorkingTime(WorkingCalendar({}, set()), tz=SH)
    start = start.replace(tzinfo=SH)
    due = wt.add(start, minutes * 60)
    assert wt.between(start, due) == pytest.approx(minutes * 60)
    assert wt.between(start, due - timedelta(seconds=1)) < minutes * 60
