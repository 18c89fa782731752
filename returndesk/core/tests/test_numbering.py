"""Document numbers: one per call, consecutive per prefix and day, never reused after a commit,
not burned by a rolled-back creation."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction

from returndesk.core.models import NumberSequence
from returndesk.core.numbering import next_number

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_given_a_new_day_when_numbers_are_drawn_then_they_count_from_one_per_prefix():
    # given 2026-11-27 08:00 in Shanghai (00:00 UTC) and no counters
    with time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=SHANGHAI), tick=False):
        # when three RT numbers, one RF number and a width-3 IA number are drawn
        drawn = [
            next_number("RT"),
            next_number("RT"),
            next_number("RF"),
            next_number("RT"),
            next_number("IA", width=3),
        ]
    # then each prefix counts on its own from 1, under the local date
    assert drawn == [
        "RT-20261127-00001",
        "RT-20261127-00002",
        "RF-20261127-00001",
        "RT-20261127-00003",
        "IA-20261127-001",
    ]
    assert dict(NumberSequence.objects.values_list("key", "last_value")) == {
        "RT-20261127": 3,
        "RF-20261127": 1,
        "IA-20261127": 1,
    }


@pytest.mark.django_db
def test_given_late_evening_utc_when_a_number_is_drawn_then_the_shanghai_date_names_it():
    # given 2026-11-27 23:30 UTC, already the 28th in Shanghai
    with time_machine.travel(datetime(2026, 11, 27, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        # when a number is drawn
        number = next_number("CN")
    # then it carries the local date
    assert number == "CN-20261128-00001"


@pytest.mark.django_db
def test_given_a_rolled_back_creation_when_the_next_number_is_drawn_then_the_number_is_not_burned():
    # given one committed-in-test number, then a creation that fails after drawing one
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert next_number("RT") == "RT-20261127-00001"
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                assert next_number("RT") == "RT-20261127-00002"
                raise RuntimeError("creation failed")
        # when the next number is drawn
        number = next_number("RT")
    # then the rolled-back one is drawn again
    assert number == "RT-20261127-00002"
    assert NumberSequence.objects.get(key="RT-20261127").last_value == 2


@pytest.mark.django_db
def test_given_a_number_when_drawn_then_it_takes_one_statement():
    from django.test.utils import CaptureQueriesContext

    # given a day's counter that exists already
    next_number("RT")
    # when the next number is drawn
    with CaptureQueriesContext(connection) as captured:
        next_number("RT")
    # then one statement did it (no savepoint, no read before the write)
    assert len(captured.captured_queries) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_many_concurrent_creators_on_a_new_day_when_each_draws_a_number_then_all_differ():
    # given 8 threads starting together on a day without a counter
    barrier = threading.Barrier(8)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def draw():
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                with transaction.atomic():
                    numbers.append(next_number("RT"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when each draws 5 numbers in its own transactions
    threads = [threading.Thread(target=draw) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then the 40 numbers are 1..40 with no duplicate and no error (the first insert raced too)
    assert errors == []
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 41))
