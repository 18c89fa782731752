"""Inspection (验收, seed S9 step 6; S7; S4 六): every unit received gets a grade, the answer to
every checklist point of its category, and an outcome; a rejection needs its reason and a photo;
an accepted unit carries the deductions its failed points imply under the case's stored policy
decision. What refunds may pay for is read from `line_outcomes`."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.tests.helpers import add_photo, refused
from returndesk.catalog.tests.factories import make_product
from returndesk.core.money import ZERO
from returndesk.inspection.models import ChecklistItem, ReturnUnit
from returndesk.inspection.selectors import LineOutcome, line_outcomes
from returndesk.inspection.services import unit_deductions
from returndesk.inspection.tests.helpers import units_payload

from .goods import case_lines, shipped_case, units_of

pytestmark = pytest.mark.django_db
ALL_CHECKS = [
    "matches_request",
    "intact",
    "accessories",
    "box",
    "manual",
    "warranty_card",
    "invoice",
    "gifts",
]


def checks(*failed: str) -> dict[str, bool]:
    return {code: code not in failed for code in ALL_CHECKS}


@pytest.fixture
def received3(consumer, consumer_user, agent, warehouse):
    """A customer's-own-reason return (C01) of 3 units at 100.00 on one line, all received."""
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(3, 3, (), ())], reason="C01"
    )
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 3})
    return case


def unit_states() -> list[tuple]:
    return list(
        ReturnUnit.objects.order_by("sequence").values_list("grade", "outcome", "deduction", "disposition")
    )


def test_given_three_units_of_one_line_when_graded_a_b_and_c_then_two_accepted_with_their_deductions_and_one_rejected(
    received3, warehouse, finance
):
    case = received3
    (line,) = case_lines(case)
    first, second, third = units_of(case)
    photo = add_photo(case, warehouse, name="外壳裂纹.png")

    services.case_inspect(
        case=case, actor=warehouse, note="第三台外壳摔裂",
        units=[
            {"unit": str(first.id), "grade": "A", "checks": checks(), "outcome": "accepted"},
            {"unit": str(second.id), "grade": "B", "checks": checks("box", "manual", "warranty_card"),
             "outcome": "accepted", "note": "外包装和说明书、保修卡缺失"},
            {"unit": str(third.id), "grade": "C", "checks": checks("intact"), "outcome": "rejected",
             "rejection_reason": "customer_damage", "photos": [str(photo.id)]},
        ],
    )  # fmt: skip

    assert case.status == Status.GOODS_INSPECTED
    line.refresh_from_db()
    assert (line.quantity_received, line.quantity_accepted) == (3, 2)
    first, second, third = units_of(case)
    assert [(u.grade, u.outcome, u.rejection_reason, u.deduction) for u in (first, second, third)] == [
        ("A", "accepted", "", Decimal("0.00")),
        ("B", "accepted", "", Decimal("7.00")),  # packaging 5 % + manual or warranty card 2 % (once)
        ("C", "rejected", "customer_damage", Decimal("0.00")),
    ]
    assert second.deduction_detail == [
        {"code": "packaging_missing", "zh": "外包装缺失或严重破损", "en": "Original packaging missing or badly damaged",
         "amount": "5.00"},
        {"code": "manual_card_missing", "zh": "说明书或保修卡缺失", "en": "Manual or warranty card missing",
         "amount": "2.00"},
    ]  # fmt: skip
    assert list(third.photos.all()) == [photo]
    outcome = line_outcomes(case)[line.id]
    assert isinstance(outcome, LineOutcome)
    accepted, deductions, details = outcome
    assert (accepted, deductions, details["inspected"], details["received"], details["rejected"]) == (
        2, Decimal("7.00"), True, 3, 1,
    )  # fmt: skip
    assert [(u["grade"], u["outcome"], u["deduction"]) for u in details["units"]] == [
        ("A", "accepted", "0.00"), ("B", "accepted", "7.00"), ("C", "rejected", "0.00"),
    ]  # fmt: skip
    event = case.events.get(type="inspect")
    assert (event.data["accepted"], event.data["rejected"], event.data["note"]) == (2, 1, "第三台外壳摔裂")

    services.case_refund(case=case, actor=finance, reference="CN-MIXED")
    assert case.refund_amount == Decimal("193.00")  # 2 accepted units at 100.00 less 7.00
    assert case.events.get(type="refund").data["lines"] == [
        {"line": str(line.id), "units": 2, "amount": "193.00", "deductions": "7.00"}
    ]
    line.order_line.refresh_from_db()
    assert (line.order_line.quantity_returned, line.order_line.quantity_held) == (
        2,
        0,
    )  # the rejected unit goes back


def test_given_every_unit_rejected_when_finance_refunds_then_refused_as_nothing_accepted(
    received3, warehouse, finance
):
    case = received3
    photo = add_photo(case, warehouse)
    services.case_inspect(
        case=case, actor=warehouse,
        units=units_payload(case, grade="D", outcome="rejected", rejection_reason="not_our_product",
                            photos=[str(photo.id)]),
    )  # fmt: skip

    with refused("case.guard.goods_received", case=case) as exc:
        services.case_refund(case=case, actor=finance, reference="CN-NONE")
    assert exc.value.en == "Inspection accepted none of the returned goods; nothing to refund"


def _units_with(case, n: int, **changes) -> list[dict]:
    units = units_payload(case)
    units[n - 1] = {**units[n - 1], **changes}
    return units


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda case: _units_with(case, 2, outcome="rejected", rejection_reason="customer_damage"),
         "units[2].photos", "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, outcome="rejected"), "units[1].rejection_reason", "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, rejection_reason="missing_parts"), "units[1].rejection_reason",
         "inspection.invalid_input"),
        (lambda case: _units_with(case, 3, grade="E"), "units[3].grade", "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, checks={c: True for c in ALL_CHECKS[:-1]}), "units[1].checks",
         "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, checks={**checks(), "os_activated": True}), "units[1].checks",
         "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, checks={**checks(), "box": "yes"}), "units[1].checks",
         "inspection.invalid_input"),
        (lambda case: units_payload(case)[:2], "units", "inspection.units_incomplete"),
        (lambda case: [*units_payload(case)[:2], units_payload(case)[0]], "units[3].unit", "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, unit=str(uuid.uuid4())), "units[1].unit", "inspection.unit_not_found"),
        (lambda case: _units_with(case, 1, photos=[str(uuid.uuid4())]), "units[1].photos", "inspection.invalid_input"),
        (lambda case: _units_with(case, 1, disposition="sell_on_ebay"), "units[1].disposition",
         "inspection.disposition_invalid"),
    ],
)  # fmt: skip
def test_given_an_inspection_that_misses_or_contradicts_something_when_sent_then_refused_and_nothing_changed(
    received3, warehouse, change, field, code
):
    case = received3
    before = unit_states()

    with refused(code, case=case) as exc:
        services.case_inspect(case=case, actor=warehouse, units=change(case))

    assert field in exc.value.fields
    assert unit_states() == before == [("", "", ZERO, "")] * 3


def test_given_the_wrong_department_when_it_inspects_then_refused_and_nothing_changed(received3, agent):
    with refused("case.role_forbidden", case=received3):
        services.case_inspect(case=received3, actor=agent, units=units_payload(received3))
    assert unit_states() == [("", "", ZERO, "")] * 3


def test_given_a_laptop_point_for_the_laptop_category_when_inspecting_then_only_laptops_must_answer_it(
    consumer, consumer_user, agent, warehouse
):
    laptop = make_product()
    point = ChecklistItem.objects.create(code="os_not_activated", name="系统未激活", name_en="OS not activated",
                                         sort_order=100)  # fmt: skip
    point.categories.add(laptop.category)
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ()), (1, 1, (), ())]
    )
    first, second = case_lines(case)
    first.order_line.product = laptop
    first.order_line.save(update_fields=["product"])
    services.case_receive(case=case, actor=warehouse, received={str(first.id): 1, str(second.id): 1})
    laptop_unit, other_unit = units_of(case)

    with refused("inspection.invalid_input", case=case) as exc:
        services.case_inspect(case=case, actor=warehouse, units=[
            {"unit": str(laptop_unit.id), "grade": "A", "checks": checks(), "outcome": "accepted"},
            {"unit": str(other_unit.id), "grade": "A", "checks": checks(), "outcome": "accepted"},
        ])  # fmt: skip
    assert exc.value.en == "Unit 1: not answered: OS not activated"

    services.case_inspect(case=case, actor=warehouse, units=units_payload(case))
    assert ReturnUnit.objects.get(id=laptop_unit.id).checks == {**checks(), "os_not_activated": True}
    assert ReturnUnit.objects.get(id=other_unit.id).checks == checks()


def test_given_deductions_that_add_up_to_more_than_the_unit_when_computed_then_they_stop_at_its_value():
    schedule = [
        {
            "code": "accessory_missing",
            "zh": "配件缺失",
            "en": "Accessory missing",
            "kind": "percent",
            "value": "60",
        },
        {
            "code": "packaging_missing",
            "zh": "外包装缺失",
            "en": "Packaging missing",
            "kind": "fixed",
            "value": "50",
        },
    ]

    detail = unit_deductions(
        unit_value=Decimal("99.99"), failed_codes=["accessory_missing", "accessory_missing", "packaging_missing",
                                                   "not_in_policy"], schedule=schedule,
    )  # fmt: skip

    assert [(d["code"], d["amount"]) for d in detail] == [
        ("accessory_missing", "59.99"),
        ("packaging_missing", "40.00"),
    ]


def test_given_a_line_not_inspected_when_outcomes_are_read_then_the_units_received_count_with_no_deduction(
    received3,
):
    (line,) = case_lines(received3)

    assert line_outcomes(received3) == {
        line.id: LineOutcome(3, ZERO, {"inspected": False, "received": 3, "rejected": 0, "units": []})
    }
