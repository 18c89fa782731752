"""Every dashboard metric on the hand-checked month of world.py, read from the rollups after a
full rebuild: the figures below are worked out by hand from that module's docstring."""

import datetime as dt
from decimal import Decimal as D

import pytest

from returndesk.analytics import selectors
from returndesk.analytics.rollups import rollup_rebuild
from returndesk.analytics.selectors import Filters, causes, money, returns, service

pytestmark = pytest.mark.django_db

MARCH = Filters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))


@pytest.fixture
def march(world):
    rollup_rebuild()
    return world


def rates(panel, key="label"):
    return {r[key]: (r["units_shipped"], r["units_returned"], r["return_rate"]) for r in panel.rows}


def test_given_the_march_cohort_when_rated_by_product_then_units_asked_back_over_units_shipped(march):
    """P1: 10 + 10 + 20 shipped; K1 2 + K2 1 (open) + K4 5 (open) count; K3 (rejected) and K5
    (cancelled) do not; O4 is placed in April."""
    panel = returns.return_rate_by_product(MARCH)

    assert rates(panel, "sku") == {
        "P1": (40, 8, D("0.2000")),
        "P2": (4, 0, D("0.0000")),
        "P3": (5, 0, D("0.0000")),
    }
    assert [r["sku"] for r in panel.rows] == ["P1", "P3", "P2"]  # most returned first, then by rate/name


def test_given_the_march_cohort_when_rated_by_category_lot_channel_customer_and_day_then_exact(march):
    assert rates(returns.return_rate_by_category(MARCH), "code") == {
        "NB": (44, 8, D("0.1818")),
        "MON": (5, 0, D("0.0000")),
    }
    assert {(r["sku"], r["lot"]): r["return_rate"] for r in returns.return_rate_by_lot(MARCH).rows} == {
        ("P1", "L1"): D("0.2333"),  # 7 of 30
        ("P1", "L2"): D("0.1000"),
        ("P2", ""): D("0.0000"),
        ("P3", ""): D("0.0000"),
    }
    assert rates(returns.return_rate_by_channel(MARCH), "channel") == {
        "own_shop": (15, 2, D("0.1333")),
        "marketplace": (14, 1, D("0.0714")),
        "distributor": (20, 5, D("0.2500")),
    }
    assert rates(returns.return_rate_by_customer(MARCH)) == {
        "蓉信数码 (D1)": (20, 5, D("0.2500")),
        returns.CONSUMERS: (29, 3, D("0.1034")),
    }
    assert rates(returns.return_rate_by_period(MARCH), "period") == {
        "2026-03-02": (29, 3, D("0.1034")),
        "2026-03-03": (20, 5, D("0.2500")),
    }


def test_given_filters_when_rating_then_only_the_matching_cohort_counts(march):
    only_l1 = Filters(date_from=MARCH.date_from, date_to=MARCH.date_to, lot="L1")
    by_d1 = Filters(date_from=MARCH.date_from, date_to=MARCH.date_to, customer=march.customers["D1"].id)
    laptops = Filters(date_from=MARCH.date_from, date_to=MARCH.date_to, category="NB", channel="own_shop")
    april = Filters(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30))

    assert {r["lot"]: r["return_rate"] for r in returns.return_rate_by_lot(only_l1).rows} == {
        "L1": D("0.2333")
    }
    assert rates(returns.return_rate_by_customer(by_d1)) == {"蓉信数码 (D1)": (20, 5, D("0.2500"))}
    assert rates(returns.return_rate_by_product(laptops), "sku") == {"P1": (10, 2, D("0.2000"))}
    assert rates(returns.return_rate_by_product(april), "sku") == {"P2": (5, 0, D("0.0000"))}
    assert returns.cohort_rate(
        product_ids=[march.products["P1"].id], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)
    ) == (40, 8, D("0.2000"))


def test_given_march_when_paretoed_then_reasons_by_units_with_cumulative_share(march):
    panel = causes.reason_pareto(MARCH)

    assert [(r["code"], r["units"], r["share"], r["cumulative_share"]) for r in panel.rows] == [
        ("Q02", 5, D("0.6250"), D("0.6250")),
        ("Q01", 2, D("0.2500"), D("0.8750")),
        ("C01", 1, D("0.1250"), D("1.0000")),
    ]


def test_given_march_when_causes_are_counted_then_by_stage_and_department(march):
    stages = causes.root_cause_stage(MARCH)
    departments = causes.root_cause_department(MARCH)

    assert [(r["stage"], r["cases"], r["our_product"], r["share"]) for r in stages.rows] == [
        ("material", 1, 0, D("0.5000")),
        ("production", 1, 1, D("0.5000")),
    ]
    assert [(r["label"], r["cases"]) for r in departments.rows] == [("生产部", 1), ("采购部", 1)]


def test_given_march_when_outcomes_are_counted_then_every_case_once(march):
    panel = causes.case_outcomes(MARCH)

    assert {r["outcome"]: r["cases"] for r in panel.rows} == {
        "open": 2, "completed": 2, "refused": 1, "withdrawn": 1, "lapsed": 0,
    }  # fmt: skip


def test_given_march_when_money_is_counted_then_refunds_and_the_recorded_cost_components(march):
    refunds = money.refunds(MARCH)
    cost = money.cost_of_returns(MARCH)

    assert [(r["cases"], r["refund_amount"], r["claimed_amount"]) for r in refunds.rows] == [
        (1, D("200.00"), D("200.00"))
    ]
    assert {r["component"]: r["amount"] for r in cost.rows} == {
        "refunds": D("200.00"),
        "restocking_fees": D("0.00"),
        "shipping_borne": None,
        "scrapped_value": None,
        "repair_cost": None,
        "total": D("200.00"),
    }
    assert len(cost.unavailable) == 3


def test_given_march_when_sla_is_measured_then_on_time_over_finished(march):
    """First response: on time K1, K3 (lunch break), K4; late K6 (31 of 24 working hours);
    stopped K5 (cancelled); open K2. Solution: on time K1, K3, K4, K6; stopped K5; open K2."""
    panel = service.sla_attainment(MARCH)
    rows = {(r["kind"], r["priority"]): r for r in panel.rows}

    first = rows[("first_response", "all")]
    solution = rows[("solution", "all")]
    assert (first["on_time"], first["late"], first["stopped"], first["open"]) == (3, 1, 1, 1)
    assert first["attainment"] == D("0.7500")
    assert (solution["on_time"], solution["late"], solution["stopped"], solution["open"]) == (4, 0, 1, 1)
    assert solution["attainment"] == D("1.0000")


def test_given_an_open_case_past_its_due_time_when_listing_breaches_then_it_is_listed(march):
    """K2 (submitted 03-10 10:00) used its 24 working hours on 03-13 at 11:30 (6.5 + 7.5 + 7.5
    + 2.5); its 72-hour solution target is due only on 03-23. K4 waits on the general manager
    with both targets met."""
    import time_machine

    from .world import at

    with time_machine.travel(at(3, 20, 9), tick=False):
        panel = service.sla_breaches(MARCH)

    assert [(r["number"], r["target"], r["due_at"]) for r in panel.rows] == [
        (march.cases["K2"].number, "首次响应 / First response", "2026-03-13 11:30"),
    ]
    assert panel.rows[0]["overdue_hours"] == D("165.50")  # wall-clock hours since it was due


def test_given_march_when_cycle_times_are_read_then_median_p90_and_mean_per_stage(march):
    """Spans from world.py; percentiles (nearest rank) are bucket upper edges: exact for whole
    minutes up to an hour and for 1 h, 2 h, 4 h…, else 3600·2^(k/8) rounded up: 5,400 s → 5,552;
    10,800 → 11,104; 81,000 → 81,459; 172,800 → 177,663; 522,000 → 547,987. Means are exact."""
    panel = service.cycle_time(MARCH)

    assert {
        r["stage"]: (r["spans"], r["median_hours"], r["p90_hours"], r["mean_hours"]) for r in panel.rows
    } == {
        "submitted": (5, D("0.50"), D("152.22"), D("29.53")),  # 10 min, 30, 30, 90 min, 145 h
        "awaiting_customer": (2, D("0.50"), D("0.50"), D("0.50")),
        "awaiting_return": (2, D("0.50"), D("49.35"), D("24.25")),  # 30 min, 48 h
        "in_transit": (1, D("22.63"), D("22.63"), D("22.50")),  # 22.5 h
        "received": (2, D("0.50"), D("0.50"), D("0.50")),
        "goods_inspected": (2, D("0.50"), D("0.50"), D("0.50")),
        "cause_confirmed": (1, D("3.08"), D("3.08"), D("3.00")),  # 3 h
        # The simulated gateway answers at once (the clock is frozen): a span of 0 s, in the 1-minute bucket.
        "refund_pending": (1, D("0.02"), D("0.02"), D("0.00")),
        "refunded": (1, D("1.00"), D("1.00"), D("1.00")),
        "answered": (1, D("1.00"), D("1.00"), D("1.00")),
    }


def test_given_march_when_satisfaction_is_read_then_average_distribution_and_resolved_rate(march):
    panel = service.satisfaction(MARCH)

    assert {r["rating"]: r["answers"] for r in panel.rows} == {"5": 0, "4": 1, "3": 0, "2": 1, "1": 0}
    assert panel.summary["answers"] == 2
    assert panel.summary["average_rating"] == D("3.00")
    assert panel.summary["resolved_rate"] == D("0.5000")
    assert panel.summary["by_method"] == {"portal": 1, "phone": 1, "email": 0, "sms": 0}


def test_given_march_when_distributors_are_scored_then_their_cohort_cases_and_refunds(march):
    panel = service.distributor_scorecards(MARCH)

    assert panel.rows == [
        {
            "code": "D1",
            "label": "蓉信数码",
            "units_shipped": 20,
            "units_returned": 5,
            "return_rate": D("0.2500"),
            "cases": 1,
            "quality_share": D("1.0000"),
            "refused": 0,
            "refunded": D("0.00"),
        }
    ]


def test_given_each_role_when_asking_for_panels_then_only_its_own(march):
    from returndesk.core.errors import DomainError

    warehouse, finance = march.users["warehouse"], march.users["finance"]

    assert "refunds" not in {s.key for s in selectors.panels_for(warehouse)}
    assert "refunds" in {s.key for s in selectors.panels_for(finance)}
    with pytest.raises(DomainError) as refused:
        selectors.panel_for(user=warehouse, key="refunds", filters=MARCH)
    assert refused.value.code == "analytics.forbidden"
    assert selectors.panels_for(march.users["c1"]) == []


def test_given_a_range_over_part_months_when_rated_then_month_rows_and_edge_days_count_once(march):
    """02-15..04-12: February's tail (no orders), March as its month row, April 1–12 day by day
    (O4, P2 ×5 on 04-10)."""
    spanning = Filters(date_from=dt.date(2026, 2, 15), date_to=dt.date(2026, 4, 12))
    up_to_april_9 = Filters(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 4, 9))

    assert rates(returns.return_rate_by_product(spanning), "sku") == {
        "P1": (40, 8, D("0.2000")), "P2": (9, 0, D("0.0000")), "P3": (5, 0, D("0.0000")),
    }  # fmt: skip
    assert rates(returns.return_rate_by_product(up_to_april_9), "sku")["P2"] == (4, 0, D("0.0000"))
    assert [r["period"] for r in returns.return_rate_by_period(spanning).rows] == [
        "2026-03-02", "2026-03-03", "2026-04-10",
    ]  # fmt: skip
