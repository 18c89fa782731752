"""Concurrent writers with real threads and their own database connections (STYLE.md
"Transactions": row locks in a fixed order; a losing writer gets a clear error, never a silent
overwrite). PostgreSQL runs them with row locks; SQLite serialises writers (BEGIN IMMEDIATE), so
the same scenarios run there too as a cheaper check of the outcome."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from returndesk.cases import services
from returndesk.cases.models import Case, CaseEvent, Status
from returndesk.core.errors import ConflictError, DomainError

from .helpers import held_returned, open_case

THREADS = 8


def run_together(
    n: int, act: Callable[[int, object], object], prepare: Callable[[int], object] = lambda i: None
) -> list[tuple[str, object]]:
    """Run act(i, prepare(i)) in n threads released together by a barrier; prepare runs before the
    barrier. Each thread closes its own connection. Returns ("ok", value) or ("error", exc) per thread."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, object]] = [("not run", None)] * n

    def worker(i: int) -> None:
        try:
            prepared = prepare(i)
            barrier.wait(timeout=30)
            results[i] = ("ok", act(i, prepared))
        except DomainError as exc:
            results[i] = ("error", exc)
        except Exception as exc:  # surfaced by the test's assertions, never swallowed
            results[i] = ("crash", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _eight_customers_race_for_five_units(consumer, consumer_user, line5) -> None:
    results = run_together(
        THREADS,
        lambda i, _: open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=1).number,
    )

    outcomes = Counter(kind for kind, _ in results)
    assert outcomes == {"ok": 5, "error": 3}, results
    assert {exc.code for kind, exc in results if kind == "error"} == {"case.quantity_exceeded"}
    assert held_returned(line5) == (5, 0)
    numbers = [value for kind, value in results if kind == "ok"]
    assert sorted(Case.objects.values_list("number", flat=True)) == sorted(numbers)
    assert len(set(numbers)) == 5
    assert CaseEvent.objects.count() == 5


def _two_staff_approve_from_their_own_copies(case, agent, supervisor) -> None:
    """Both copies are loaded (version 1) before either approves. The winner commits version 2;
    the loser waits for the case row lock, then finds version 2 ≠ its copy's 1 and is refused
    with case.conflict. The version check comes before the status check in case_transition, so it
    is never case.action_not_allowed_now here; that code would only appear for a copy loaded
    after the winner committed (it would be current, but the case no longer 'submitted')."""
    reviewers = [agent, supervisor]
    results = run_together(
        2,
        lambda i, copy: services.case_approve(case=copy, actor=reviewers[i], solution="self_ship").version,
        prepare=lambda i: Case.objects.get(pk=case.pk),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    (error,) = [exc for kind, exc in results if kind == "error"]
    assert isinstance(error, ConflictError)
    assert error.code == "case.conflict"
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.AWAITING_CUSTOMER, 2)
    assert case.events.filter(type="approve").count() == 1
    assert list(case.events.values_list("sequence", "type")) == [(1, "created"), (2, "approve")]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_5_units_shipped_when_8_threads_open_a_1_unit_case_at_once_on_postgresql_then_exactly_5_succeed(
    reference_data, consumer, consumer_user, line5
):
    _eight_customers_race_for_five_units(consumer, consumer_user, line5)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_two_staff_with_their_own_copies_when_both_approve_at_once_on_postgresql_then_one_wins_one_conflicts(
    reference_data, consumer, consumer_user, line5, agent, supervisor
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="C02")
    _two_staff_approve_from_their_own_copies(case, agent, supervisor)


@pytest.mark.django_db(transaction=True)
def test_given_5_units_shipped_when_8_threads_open_a_1_unit_case_at_once_on_sqlite_then_exactly_5_succeed(
    reference_data, consumer, consumer_user, line5
):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers this database")
    _eight_customers_race_for_five_units(consumer, consumer_user, line5)


@pytest.mark.django_db(transaction=True)
def test_given_two_staff_with_their_own_copies_when_both_approve_at_once_on_sqlite_then_one_wins_one_conflicts(
    reference_data, consumer, consumer_user, line5, agent, supervisor
):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers this database")
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="C02")
    _two_staff_approve_from_their_own_copies(case, agent, supervisor)
