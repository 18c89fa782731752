"""Quality problems: 消费者权益保护法 art. 24 and the 三包 ladder for consumers (days 1–7 any remedy,
days 8–15 exchange or repair, free repair within the warranty, exchange or return after two failed
repairs of the same fault), the warranty of whole unit and main parts, and business customers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .helpers import SHIPPED, at, decide

LAPTOP = {"sanbao_category": "computer", "warranty_months_unit": 12, "warranty_months_main_parts": 24}
SIGNED = at(2026, 3, 2, 15)  # day 7 is 9 March, day 15 is 17 March


def quality(**kw) -> dict:
    """A screen fault (Q02, a main part) of a 三包 laptop signed for on 2 March 2026."""
    return {"reason_code": "Q02", "reason_class": "quality", "delivered_at": SIGNED, **LAPTOP, **kw}


@pytest.mark.parametrize("solution", ["refund", "refund_only", "exchange", "repair"])
def test_given_a_quality_problem_at_23_59_59_on_day_7_when_any_remedy_is_asked_then_eligible(solution):
    decision = decide(now=at(2026, 3, 9, 23, 59, 59), solution=solution, **quality())
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.deadline) == (
        True, "quality.return_period", ("refund", "refund_only", "exchange", "repair"), at(2026, 3, 10),
    )  # fmt: skip
    assert line.zh == "质量问题,签收后 7 日内(截至 2026-03-09 24:00)可选择退货、换货或修理"


def test_given_a_quality_problem_at_00_00_01_on_day_8_when_a_return_is_asked_then_refused_offering_exchange_or_repair():
    decision = decide(now=at(2026, 3, 10, 0, 0, 1), **quality())
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.refused_at) == (
        False, "quality.exchange_period", ("exchange", "repair"), "intake",
    )  # fmt: skip
    assert line.en == (
        "三包 goods, quality problem on days 8–15 after signing (until 2026-03-17 24:00): exchange or repair; "
        "possible now: exchange, repair, not return and refund"
    )


@pytest.mark.parametrize("solution", ["exchange", "repair"])
def test_given_a_sanbao_problem_at_23_59_59_on_day_15_when_exchange_or_repair_is_asked_then_eligible(
    solution,
):
    decision = decide(now=at(2026, 3, 17, 23, 59, 59), solution=solution, **quality())
    assert (decision.lines[0].eligible, decision.lines[0].rule, decision.lines[0].deadline) == (
        True, "quality.exchange_period", at(2026, 3, 18),
    )  # fmt: skip


def test_given_a_sanbao_problem_at_00_00_01_on_day_16_when_an_exchange_is_asked_then_refused_and_only_repair_remains():
    exchange = decide(now=at(2026, 3, 18, 0, 0, 1), solution="exchange", **quality())
    repair = decide(now=at(2026, 3, 18, 0, 0, 1), solution="repair", **quality())

    assert (exchange.lines[0].eligible, exchange.lines[0].rule, exchange.lines[0].solutions) == (
        False, "quality.warranty_repair", ("repair",),
    )  # fmt: skip
    assert (repair.lines[0].eligible, repair.lines[0].deadline) == (True, at(2028, 3, 3))
    assert repair.lines[0].en == (
        "Within the main parts warranty (until 2028-03-02 24:00): free repair; exchange or return after 2 "
        "failed repairs of the same fault"
    )


def test_given_goods_outside_sanbao_when_a_quality_problem_comes_on_day_8_then_exchange_or_repair_under_art_24():
    decision = decide(now=at(2026, 3, 10, 0, 0, 1), solution="exchange", **quality(sanbao_category="none"))
    assert (decision.lines[0].eligible, decision.lines[0].rule, decision.lines[0].solutions) == (
        True, "quality.exchange_or_repair", ("exchange", "repair"),
    )  # fmt: skip
    refund = decide(now=at(2026, 3, 10, 0, 0, 1), **quality(sanbao_category="none"))
    assert (refund.lines[0].eligible, refund.lines[0].rule) == (False, "quality.exchange_or_repair")


def test_given_goods_without_a_warranty_when_a_quality_problem_comes_within_7_days_then_the_law_still_allows_a_return():
    decision = decide(now=at(2026, 3, 9, 12), **quality(warranty_months_unit=0, warranty_months_main_parts=0))
    assert (decision.lines[0].eligible, decision.lines[0].rule) == (True, "quality.return_period")


# --- the warranty: whole unit and main parts (months from signing) -------------------------------

UNIT_END = at(2027, 3, 3)  # 12 months after 2 March 2026: the last day is 2 March 2027
PARTS_END = at(2028, 3, 3)


def test_given_a_whole_unit_fault_at_the_last_second_of_the_12_month_warranty_when_repair_is_asked_then_eligible():
    decision = decide(now=at(2027, 3, 2, 23, 59, 59), solution="repair", **quality(reason_code="Q03"))
    assert (decision.lines[0].eligible, decision.lines[0].rule, decision.lines[0].deadline) == (
        True, "quality.warranty_repair", UNIT_END,
    )  # fmt: skip


def test_given_a_whole_unit_fault_one_second_after_the_warranty_when_repair_is_asked_then_refused_as_expired():
    decision = decide(now=at(2027, 3, 3, 0, 0, 1), solution="repair", **quality(reason_code="Q03"))
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.deadline, line.refused_at) == (
        False, "quality.warranty_expired", UNIT_END, "intake",
    )  # fmt: skip
    assert (
        line.en == "The whole unit warranty of 12 months ended at 2027-03-02 24:00; a paid repair is possible"
    )


def test_given_a_main_part_fault_after_the_whole_unit_warranty_when_repair_is_asked_then_the_24_month_parts_warranty_covers_it():
    decision = decide(now=at(2027, 3, 3, 0, 0, 1), solution="repair", **quality(reason_code="Q04"))
    assert (decision.lines[0].eligible, decision.lines[0].rule, decision.lines[0].deadline) == (
        True, "quality.warranty_repair", PARTS_END,
    )  # fmt: skip


def test_given_a_main_part_fault_one_second_after_the_parts_warranty_when_repair_is_asked_then_refused():
    late = decide(now=at(2028, 3, 3, 0, 0, 1), solution="repair", **quality(reason_code="Q04"))
    last = decide(now=at(2028, 3, 2, 23, 59, 59), solution="repair", **quality(reason_code="Q04"))
    assert (late.lines[0].eligible, late.lines[0].rule) == (False, "quality.warranty_expired")
    assert last.lines[0].eligible is True


def test_given_a_policy_naming_other_main_part_reasons_when_deciding_then_its_list_is_used():
    policy = replace(SHIPPED, main_part_reasons=("Q03",))
    decision = decide(policy, now=at(2027, 3, 3, 0, 0, 1), solution="repair", **quality(reason_code="Q03"))
    assert decision.lines[0].deadline == PARTS_END


# --- the repair ladder (三包: two failed repairs of the same fault → exchange or return) ----------

REPAIRED = (at(2026, 5, 10, 16), at(2026, 7, 1, 11))


@pytest.mark.parametrize("solution", ["refund", "exchange", "repair"])
def test_given_two_finished_repairs_of_the_same_fault_when_it_fails_again_then_exchange_or_return_is_allowed(
    solution,
):
    decision = decide(now=at(2026, 8, 1), solution=solution, **quality(prior_repairs=REPAIRED))
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.deadline) == (
        True, "quality.repair_ladder", ("refund", "exchange", "repair"), PARTS_END,
    )  # fmt: skip
    assert (
        line.en == "The same fault was repaired 2 times within the warranty and persists: exchange or return"
    )


@pytest.mark.parametrize("solution", ["refund", "exchange"])
def test_given_one_finished_repair_when_it_fails_again_then_only_a_repair_is_allowed(solution):
    decision = decide(now=at(2026, 8, 1), solution=solution, **quality(prior_repairs=REPAIRED[:1]))
    assert (decision.lines[0].eligible, decision.lines[0].rule) == (False, "quality.warranty_repair")


def test_given_a_merchant_replacing_after_one_failed_repair_when_it_fails_again_then_the_ladder_opens_after_one():
    policy = replace(SHIPPED, repairs_before_replacement=1)
    decision = decide(policy, now=at(2026, 8, 1), **quality(prior_repairs=REPAIRED[:1]))
    assert (decision.lines[0].eligible, decision.lines[0].rule) == (True, "quality.repair_ladder")


# --- business customers and evidence --------------------------------------------------------------


@pytest.mark.parametrize("customer_type", ["distributor", "key_account"])
def test_given_a_business_customer_when_a_quality_return_comes_after_day_15_then_the_warranty_decides(
    customer_type,
):
    decision = decide(now=at(2026, 6, 1), customer_type=customer_type, **quality())
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.deadline) == (
        True, "quality.business_warranty", ("refund", "refund_only", "exchange", "repair"), PARTS_END,
    )  # fmt: skip
    late = decide(now=at(2028, 3, 3, 0, 0, 1), customer_type=customer_type, **quality())
    assert (late.lines[0].eligible, late.lines[0].rule) == (False, "quality.warranty_expired")


def test_given_a_quality_claim_without_photos_when_decided_then_evidence_is_required_and_missing_and_explained():
    decision = decide(now=at(2026, 3, 3), **quality())
    assert (decision.evidence_required, decision.evidence_min, decision.evidence_missing) == (True, 1, True)
    assert decision.rules == ("quality.return_period", "evidence.required", "shipping.merchant")
    (evidence,) = [n for n in decision.notes if n.rule == "evidence.required"]
    assert evidence.en == (
        "Quality claims need at least 1 photo(s) or video(s) before approval, unless staff waive it with a reason"
    )
    with_photo = decide(now=at(2026, 3, 3), evidence_count=1, **quality())
    assert (with_photo.evidence_required, with_photo.evidence_missing) == (True, False)


def test_given_a_policy_that_asks_no_evidence_when_a_quality_claim_is_decided_then_none_is_required():
    decision = decide(replace(SHIPPED, evidence_required_for_quality=False), now=at(2026, 3, 3), **quality())
    assert (decision.evidence_required, decision.evidence_min, decision.evidence_missing) == (False, 0, False)
