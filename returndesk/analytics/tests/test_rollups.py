"""The rollups stay equal to a direct computation from the source tables while cases change:
seeded random walks through the real services, each followed by an incremental refresh, then a
row-by-row comparison of every rollup table with the facts computed afresh."""

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.analytics import facts
from returndesk.analytics.cohort import day_window
from returndesk.analytics.models import CohortDay, RollupState
from returndesk.analytics.rollups import LAG, TABLES, rollup_rebuild, rollup_refresh
from returndesk.analytics.selectors import Filters
from returndesk.analytics.selectors.returns import return_rate_by_product
from returndesk.cases import services
from returndesk.cases.models import Case, ReturnReason
from returndesk.cases.policy import evidence_outstanding
from returndesk.cases.tests.helpers import add_photo, inspect_all
from returndesk.core.errors import DomainError
from returndesk.orders.models import OrderLine
from returndesk.orders.tests.factories import make_order

from .world import at

pytestmark = pytest.mark.django_db

STAGES = ["design", "material", "production", "packaging", "logistics", "storage", "customer_use"]


def table_rows(name: str, grain: str = "d") -> list[tuple]:
    table = TABLES[name]
    fields = ["day", *table.keys, *_measures(name)]
    rows = table.model.objects.filter(grain=grain).values_list(*fields)
    return sorted((_norm(r) for r in rows if any(r[1 + len(table.keys) :])), key=repr)


def _measures(name: str) -> list[str]:
    table = TABLES[name]
    return [
        f.attname
        for f in table.model._meta.concrete_fields
        if f.attname not in {"id", "grain", "day", *table.keys}
    ]


def _norm(row) -> tuple:
    return tuple(
        Decimal(str(v)).quantize(Decimal("0.01")) if isinstance(v, Decimal | float) else v for v in row
    )


def expected_rows(name: str) -> list[tuple]:
    """What a rebuild would store: the facts of the whole span, grouped by local day."""
    table = TABLES[name]
    start, _ = day_window(dt.date(2020, 1, 1))
    end, _ = day_window(dt.date(2030, 1, 1))
    rows = []
    for key, measures in table.facts(start, end, by_day=True).items():
        key = tuple(str(k) if hasattr(k, "hex") else k for k in key)
        values = [measures[m] for m in _measures(name)]
        if any(values):
            rows.append(_norm((*key, *values)))
    return sorted(rows, key=repr)


def _months(rows: list[tuple], keys: int) -> list[tuple]:
    """The month rows a table must hold: its day rows summed per calendar month and key."""
    sums: dict = {}
    for day, *rest in rows:
        key, measures = (day.replace(day=1), *rest[:keys]), rest[keys:]
        sums[key] = [a + b for a, b in zip(sums.get(key, [0] * len(measures)), measures, strict=True)]
    return sorted((_norm((*k, *v)) for k, v in sums.items() if any(v)), key=repr)


def assert_rollups_equal_facts():
    for name in TABLES:

        def plain(rows):
            return sorted((tuple(str(v) if hasattr(v, "hex") else v for v in row) for row in rows), key=repr)

        expected = expected_rows(name)
        assert plain(table_rows(name)) == expected, name
        assert plain(table_rows(name, "m")) == _months(expected, len(TABLES[name].keys)), f"{name} (months)"


class Walker:
    """Random but valid-looking steps; a refused step changes nothing (the case tests prove it)."""

    def __init__(self, world, rng: random.Random):
        self.world, self.rng = world, rng
        self.users = world.users
        self.users["supervisor"] = User.objects.create_user(
            username="sup", password="x", role=Role.SUPERVISOR
        )
        self.reasons = list(ReturnReason.objects.filter(children__isnull=True).values_list("code", flat=True))

    def customer_user(self, case: Case):
        code = case.customer.code
        return {"C1": self.users["c1"], "C2": self.users["c2"]}.get(code, self.users["sales"])

    def step(self):
        rng = self.rng
        choice = rng.choice(["open", "open", "order", "advance", "advance", "advance", "void", "reopen"])
        try:
            getattr(self, choice)()
        except DomainError:
            pass

    def order(self):
        customer = self.rng.choice(list(self.world.customers.values()))
        product = self.rng.choice(list(self.world.products.values()))
        lot = self.rng.choice(["", "L1", "L2", "L3"])
        make_order(
            customer,
            [{"product": product, "quantity": self.rng.randint(1, 6), "unit_price": "120.00", "lot": lot}],
            placed_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=self.rng.randint(2, 6)),
            delivered_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1),
        )

    def open(self):
        line = self.rng.choice(list(OrderLine.objects.select_related("order__customer")))
        if line.returnable_quantity < 1:
            return
        customer = line.order.customer
        actor = {"C1": self.users["c1"], "C2": self.users["c2"]}.get(customer.code, self.users["sales"])
        services.case_create(
            actor=actor,
            customer=customer,
            type=self.rng.choice(["return_refund", "return_refund", "refund_only", "exchange"]),
            channel="distributor_notice" if customer.code == "D1" else "web",
            lines=[
                {
                    "order_line": line,
                    "quantity": self.rng.randint(1, line.returnable_quantity),
                    "reason": self.rng.choice(self.reasons),
                }
            ],
            override_reason="测试" if actor.role == Role.SALES else "",
        )

    def _case(self):
        cases = list(Case.objects.exclude(type="consultation").select_related("customer"))
        return self.rng.choice(cases) if cases else None

    def advance(self):
        case = self._case()
        if case is None:
            return
        u, status = self.users, case.status
        if status == "submitted":
            if evidence_outstanding(case):
                add_photo(case, self.customer_user(case))
            services.case_approve(
                case=case, actor=u["agent"], solution="" if case.type == "refund_only" else "self_ship"
            )
        elif status == "awaiting_customer":
            services.case_confirm_solution(case=case, actor=self.customer_user(case))
        elif status == "awaiting_return":
            services.case_ship_back(
                case=case, actor=self.customer_user(case), carrier="SF", tracking_number="SF1234567890123"
            )
        elif status == "in_transit":
            services.case_receive(
                case=case,
                actor=u["warehouse"],
                received={str(line.id): line.quantity for line in case.lines.all()},
            )
        elif status == "received":
            inspect_all(case, inspector=u["warehouse"])
        elif status == "goods_inspected" and case.type == "exchange":
            services.case_ship_replacement(
                case=case, actor=u["warehouse"], carrier="SF", tracking_number="SF1234567890124"
            )
        elif status == "goods_inspected" and self.rng.random() < 0.4:
            services.case_refund(case=case, actor=u["finance"], reference=f"CN-{self.rng.randint(1, 10**9)}")
        elif status == "goods_inspected":
            services.case_confirm_cause(
                case=case, actor=u["qc"], is_our_product=self.rng.random() < 0.7, stage=self.rng.choice(STAGES),
                responsible_department=self.rng.choice(["生产部", "采购部", "物流部"]), handling="处理",
            )  # fmt: skip
        elif status in {"cause_confirmed", "approved", "gm_approved"}:
            services.case_refund(case=case, actor=u["finance"], reference=f"CN-{self.rng.randint(1, 10**9)}")
        elif status in {"refunded", "replacement_shipped", "rejected"}:
            services.case_close(case=case, actor=u["agent"])

    def void(self):
        case = self._case()
        if case is None:
            return
        if self.rng.random() < 0.5:
            services.case_reject(case=case, actor=self.users["agent"], reason="不符合", alternative="维修")
        else:
            services.case_cancel(case=case, actor=self.customer_user(case), reason="不要了")

    def reopen(self):
        case = self._case()
        if case is not None:
            services.case_reopen(case=case, actor=self.users["supervisor"], reason="客户再次联系")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_given_random_case_changes_when_refreshing_incrementally_then_rollups_equal_a_direct_computation(
    world, seed
):
    rng = random.Random(seed)
    walker = Walker(world, rng)
    moment = at(3, 21, 9)
    with time_machine.travel(moment, tick=False):
        rollup_refresh()  # no watermark yet: a full rebuild
    for _batch in range(6):
        for _ in range(8):
            moment += dt.timedelta(minutes=rng.randint(5, 600))
            with time_machine.travel(moment, tick=False):
                walker.step()
        moment += dt.timedelta(minutes=1)
        with time_machine.travel(moment, tick=False):
            result = rollup_refresh()

        assert not result.rebuilt
        assert_rollups_equal_facts()


def test_given_a_change_stamped_before_the_watermark_when_it_commits_late_then_the_next_refresh_sees_it(
    world,
):
    """A transaction that began before a refresh read and committed after it carries times before
    the watermark; looking back LAG finds it."""
    with time_machine.travel(at(4, 21, 9), tick=False):
        rollup_refresh()
    with time_machine.travel(at(4, 21, 10), tick=False):
        rollup_refresh()
    line = world.cases["K2"].lines.get().order_line
    with time_machine.travel(at(4, 21, 10) - LAG / 2, tick=False):
        services.case_create(
            actor=world.users["c2"], customer=world.customers["C2"], type="exchange", channel="web",
            lines=[{"order_line": line, "quantity": 2, "reason": "Q01"}],
        )  # fmt: skip
    before = return_rate_by_product(Filters(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 2)))

    with time_machine.travel(at(4, 21, 10, 1), tick=False):
        result = rollup_refresh()

    after = return_rate_by_product(Filters(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 2)))
    assert result.days["cohort"] == [dt.date(2026, 3, 2)]
    assert {r["sku"]: r["units_returned"] for r in before.rows}["P1"] == 3
    assert {r["sku"]: r["units_returned"] for r in after.rows}["P1"] == 5
    assert_rollups_equal_facts()


def test_given_no_change_when_refreshing_then_no_day_is_recomputed_and_the_watermark_moves(world):
    with time_machine.travel(at(4, 21, 9), tick=False):
        first = rollup_refresh()
    with time_machine.travel(at(4, 22, 9), tick=False):
        second = rollup_refresh()

    assert first.rebuilt and not second.rebuilt
    assert second.day_count == 0
    assert RollupState.objects.get().watermark == at(4, 22, 9)


def test_given_rollups_when_rebuilt_twice_then_identical_rows(world):
    rollup_rebuild()
    once = {name: table_rows(name) for name in TABLES}
    rollup_rebuild()

    assert {name: table_rows(name) for name in TABLES} == once
    assert {name: table_rows(name, "m") for name in TABLES} != {}
    assert CohortDay.objects.count() > 0


def test_facts_of_one_day_equal_the_by_day_facts_of_a_month(world):
    start, _ = day_window(dt.date(2026, 3, 1))
    end, _ = day_window(dt.date(2026, 4, 1))
    day_start, day_end = day_window(dt.date(2026, 3, 2))

    by_day = facts.lot_facts(start, end, by_day=True)
    one_day = facts.lot_facts(day_start, day_end)

    assert {k[1:]: v for k, v in by_day.items() if k[0] == dt.date(2026, 3, 2)} == one_day


def test_given_stale_recent_rows_when_the_nightly_partial_rebuild_runs_then_only_recent_months_are_redone(
    world,
):
    """The nightly job rebuilds the last months: a March row damaged by hand is put right when
    March is among them, and left alone when it is not."""
    rollup_rebuild()
    CohortDay.objects.filter(grain="d", day=dt.date(2026, 3, 2)).update(units_shipped=999)

    with time_machine.travel(at(6, 1, 3), tick=False):
        rollup_rebuild(months=3)  # June, May, April
    untouched = CohortDay.objects.filter(grain="d", day=dt.date(2026, 3, 2), units_shipped=999).exists()
    with time_machine.travel(at(5, 1, 3), tick=False):
        rollup_rebuild(months=3)  # May, April, March

    assert untouched
    assert not CohortDay.objects.filter(units_shipped=999).exists()
    assert_rollups_equal_facts()
