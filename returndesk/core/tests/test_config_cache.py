"""Per-process configuration caches (core.config): reused while nothing changed, rebuilt after
any write to their tables, whoever made it — the ORM, QuerySet.update(), raw SQL (another
process), a rolled-back change."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from returndesk.core.calendar import WorkingCalendar
from returndesk.core.config import ConfigCache, config_scope, tokens
from returndesk.core.models import CalendarDay, CalendarYear, ConfigVersion

pytestmark = pytest.mark.django_db

NEW_YEAR = date(2026, 1, 1)  # a public holiday in chinese-calendar's data
A_MONDAY = date(2026, 11, 23)


def test_given_an_unchanged_calendar_when_read_again_then_only_the_version_tokens_are_queried():
    first = WorkingCalendar.current()
    with CaptureQueriesContext(connection) as captured:
        again = WorkingCalendar.current()
    assert again is first
    assert len(captured) == 1 and "core_configversion" in captured[0]["sql"]


def test_given_a_request_scope_when_the_calendar_is_read_twice_then_the_tokens_are_read_once():
    with config_scope():
        with CaptureQueriesContext(connection) as captured:
            WorkingCalendar.current()
            WorkingCalendar.current()
    assert sum("core_configversion" in q["sql"] for q in captured) == 1


def test_given_a_holiday_added_through_the_orm_when_read_then_the_cached_calendar_has_it():
    assert WorkingCalendar.current().is_workday(A_MONDAY) is True
    CalendarDay.objects.create(date=A_MONDAY, is_workday=False, name="临时放假")
    assert WorkingCalendar.current().is_workday(A_MONDAY) is False


def test_given_a_scope_when_the_same_request_adds_a_holiday_then_it_reads_its_own_change():
    with config_scope():
        assert WorkingCalendar.current().is_workday(A_MONDAY) is True
        CalendarDay.objects.create(date=A_MONDAY, is_workday=False, name="临时放假")
        assert WorkingCalendar.current().is_workday(A_MONDAY) is False


def test_given_overrides_changed_by_queryset_update_and_raw_sql_when_read_then_each_change_is_seen():
    """No model signal fires for these; the triggers change the token all the same (this is how
    a change made by another process, or a data migration, reaches this one)."""
    CalendarDay.objects.create(date=A_MONDAY, is_workday=False, name="临时放假")
    assert WorkingCalendar.current().is_workday(A_MONDAY) is False
    CalendarDay.objects.filter(date=A_MONDAY).update(is_workday=True)
    assert WorkingCalendar.current().is_workday(A_MONDAY) is True
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_calendarday")
    assert WorkingCalendar.current().overrides == {}
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_calendaryear (year, complete, source) VALUES (2027, %s, '')", [True])
    assert WorkingCalendar.current().complete_years == {2027}
    assert WorkingCalendar.current().is_workday(date(2027, 1, 4)) is True


def test_given_a_change_rolled_back_when_read_then_the_calendar_is_as_committed():
    before = WorkingCalendar.current()
    assert before.is_workday(NEW_YEAR) is False
    token = tokens().get("core.calendar", "")
    try:
        with transaction.atomic():
            CalendarDay.objects.create(date=NEW_YEAR, is_workday=True, name="误录")
            assert WorkingCalendar.current().is_workday(NEW_YEAR) is True  # seen inside
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert tokens().get("core.calendar", "") == token
    assert WorkingCalendar.current().is_workday(NEW_YEAR) is False


def test_given_each_change_when_its_token_is_read_then_it_is_new_every_time():
    seen = set()
    for complete in (True, False, True):
        CalendarYear.objects.update_or_create(year=2028, defaults={"complete": complete})
        seen.add(ConfigVersion.objects.get(name="core.calendar").token)
    assert len(seen) == 3


def test_given_a_cache_over_a_table_without_triggers_when_nothing_records_a_version_then_it_loads_once():
    """A cache whose name no trigger writes keeps its first value: the triggers, not the cache,
    define what invalidates it (every cache in the code has them; see core.config)."""
    loads = []
    cache = ConfigCache("tests.untracked", models=[], load=lambda: loads.append(1) or len(loads))
    assert (cache.get(), cache.get()) == (1, 1)
    ConfigVersion.objects.create(name="tests.untracked", token="changed")
    assert cache.get() == 2
