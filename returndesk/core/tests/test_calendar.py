"""China's working-day calendar: package data, overrides, and refusal outside the known range."""

from datetime import date

import pytest

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar
from returndesk.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_given_national_day_2026_when_asked_then_holidays_are_off_and_the_make_up_saturday_is_on():
    cal = WorkingCalendar.load()
    assert [cal.is_workday(date(2026, 10, d)) for d in range(1, 11)] == [
        False, False, False, False, False, False, False, True, True, True,
    ]  # fmt: skip
    assert date(2026, 10, 10).weekday() == 5  # a Saturday that is a 调休 working day


def test_given_the_day_before_national_day_when_adding_one_working_day_then_it_skips_the_holiday_week():
    cal = WorkingCalendar.load()
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert cal.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0


def test_given_a_year_the_package_does_not_know_when_asked_then_refused_in_both_languages():
    cal = WorkingCalendar.load()
    with pytest.raises(CalendarOutOfRange) as exc:
        cal.is_workday(date(2027, 1, 4))
    assert exc.value.code == "calendar.out_of_range"
    assert "2027" in exc.value.zh and "2027" in exc.value.en
    with pytest.raises(CalendarOutOfRange):
        cal.add_working_days(date(2026, 12, 30), 5)


def test_given_2027_entered_by_an_administrator_when_asked_then_weekends_and_overrides_decide():
    CalendarYear.objects.create(year=2027, complete=True, source="test")
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    cal = WorkingCalendar.load()
    assert cal.is_workday(date(2027, 1, 1)) is False  # Friday, holiday by override
    assert cal.is_workday(date(2027, 1, 2)) is False  # Saturday
    assert cal.is_workday(date(2027, 1, 4)) is True  # Monday
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_given_an_override_inside_the_package_range_when_asked_then_the_override_wins():
    CalendarDay.objects.create(date=date(2026, 11, 27), is_workday=False, name="公司特别假日")
    assert WorkingCalendar.load().is_workday(date(2026, 11, 27)) is False
