"""The repair domain on its own: quotes parsed from strings exactly (never floats, never rounded
silently), and the database refusing a repair whose amounts or coverage do not add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from returndesk.core.errors import DomainError
from returndesk.repairs.models import Coverage, QuoteState, Repair
from returndesk.repairs.services import QuoteItem, parse_quote


def test_given_parts_and_labour_as_strings_when_parsed_then_exact_items_with_amounts():
    items = parse_quote(
        parts=[
            {"name": "液晶面板", "quantity": 2, "unit_price": "340.25"},
            {"name": "螺丝", "unit_price": "0.05"},
        ],
        labour="120",
    )

    assert items == [
        QuoteItem("part", "液晶面板", 2, Decimal("340.25")),
        QuoteItem("part", "螺丝", 1, Decimal("0.05")),
        QuoteItem("labour", "维修工时 / Labour", 1, Decimal("120")),
    ]
    assert [i.amount for i in items] == [Decimal("680.50"), Decimal("0.05"), Decimal("120.00")]


def test_given_no_labour_or_zero_labour_when_parsed_then_no_labour_line():
    assert parse_quote(parts=None, labour="0.00") == []
    assert parse_quote(parts=[], labour=None) == []


@pytest.mark.parametrize(
    ("parts", "labour", "field"),
    [
        (None, 12.5, "labour"),
        (None, "abc", "labour"),
        (None, "1000000000000", "labour"),
        ([{"name": "主板", "unit_price": 99.9}], None, "parts[1].unit_price"),
        ([{"name": "主板", "quantity": True, "unit_price": "1"}], None, "parts[1]"),
        (["主板"], None, "parts[1]"),
        ("主板", None, "parts"),
    ],
)
def test_given_a_bad_amount_or_part_when_parsed_then_refused_naming_the_field(parts, labour, field):
    with pytest.raises(DomainError) as exc:
        parse_quote(parts=parts, labour=labour)

    assert set(exc.value.fields) == {field}
    assert exc.value.zh and exc.value.en


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {
            "coverage": Coverage.PAID,
            "parts_amount": Decimal("10.00"),
            "quote_total": Decimal("11.00"),
            "quote_state": QuoteState.PENDING,
        },  # total is not parts + labour
        {"coverage": Coverage.WARRANTY, "labour_amount": Decimal("10.00"), "quote_total": Decimal("10.00")},
        {"coverage": Coverage.PAID, "quote_state": QuoteState.NONE},  # paid without a quote
        {"coverage": Coverage.WARRANTY, "exclusion": "user_damage"},  # excluded yet free
    ],
)
def test_given_amounts_or_coverage_that_do_not_add_up_when_saved_then_the_database_refuses(
    fields, reference_data, consumer, consumer_user, make_line
):
    from returndesk.cases.models import ReturnReason
    from returndesk.cases.tests.helpers import open_case

    case = open_case(actor=consumer_user, customer=consumer, order_line=make_line(consumer), type="repair")
    with pytest.raises(IntegrityError), transaction.atomic():
        Repair.objects.create(
            case=case, fault=ReturnReason.objects.get(code="Q01"), diagnosis="x", diagnosed_by=consumer_user,
            diagnosed_at=case.created_at, **fields,
        )  # fmt: skip
    assert Repair.objects.count() == 0
