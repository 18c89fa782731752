"""The customer's own reasons: the 7-day no-reason return of distance sales (消费者权益保护法 art. 25;
网络购买商品七日无理由退货暂行办法), its exclusions and intact-goods checklist, and the merchant's
return windows by channel, customer type and category, in calendar or working days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar
from returndesk.policies.rules import FeeRule, Policy, WindowRule

from .helpers import CHECKLIST, FEES, SHIPPED, STATUTORY_ONLY, at, decide

SIGNED = at(2026, 3, 2, 10)  # Monday; day 1 is 3 March, day 7 is 9 March


@pytest.mark.parametrize(
    "signed_at",
    [at(2026, 3, 2, 0, 0, 1), at(2026, 3, 2, 10), at(2026, 3, 2, 23, 59), at(2026, 3, 2, 23, 59, 59)],
)
def test_given_an_online_purchase_signed_on_day_0_when_asked_at_23_59_59_on_day_7_then_eligible_until_24_00(
    signed_at,
):
    decision = decide(STATUTORY_ONLY, now=at(2026, 3, 9, 23, 59, 59), delivered_at=signed_at)

    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.deadline) == (
        True, "no_reason.statutory", ("refund",), at(2026, 3, 10),
    )  # fmt: skip
    assert line.source == "消费者权益保护法 第二十五条;网络购买商品七日无理由退货暂行办法"
    assert line.zh == "网购七日无理由退货:签收次日起 7 日内(截至 2026-03-09 24:00),商品须完好"
    assert line.en == (
        "No-reason return for distance sales within 7 days from the day after signing "
        "(until 2026-03-09 24:00); the goods must be intact"
    )
    assert [c.code for c in line.conditions] == ["complete", "not_damaged", "not_activated"]


@pytest.mark.parametrize("now", [at(2026, 3, 10, 0, 0, 0), at(2026, 3, 10, 0, 0, 1)])
@pytest.mark.parametrize("signed_at", [at(2026, 3, 2, 0, 0, 1), at(2026, 3, 2, 23, 59)])
def test_given_an_online_purchase_when_asked_at_or_after_00_00_of_day_8_then_refused_as_expired(
    now, signed_at
):
    decision = decide(STATUTORY_ONLY, now=now, delivered_at=signed_at)

    (line,) = decision.lines
    assert (line.eligible, line.rule, line.refused_at, line.deadline) == (
        False, "no_reason.expired", "intake", at(2026, 3, 10),
    )  # fmt: skip
    assert line.en == (
        "The period for returns without a quality problem ended at 2026-03-09 24:00; quality problems "
        "are handled under the 三包 rules"
    )
    assert decision.eligible is False
    assert decision.refusals("intake") == decision.lines


@pytest.mark.parametrize("channel", ["own_shop", "marketplace"])
def test_given_each_distance_sale_channel_when_a_consumer_asks_then_the_statutory_right_applies(channel):
    decision = decide(STATUTORY_ONLY, now=at(2026, 3, 5), channel=channel)
    assert decision.lines[0].rule == "no_reason.statutory"


def test_given_a_store_purchase_and_no_merchant_window_when_a_consumer_asks_then_refused_as_no_window():
    decision = decide(STATUTORY_ONLY, now=at(2026, 3, 3), channel="store")
    (line,) = decision.lines
    assert (line.eligible, line.rule) == (False, "window.none")
    assert (
        line.en == "Returns for reasons other than quality are not offered for this channel or customer type"
    )


def test_given_the_shipped_consumer_window_when_a_store_purchase_is_returned_on_day_7_and_day_8_then_in_and_out():
    inside = decide(SHIPPED, now=at(2026, 3, 9, 23, 59, 59), channel="store")
    outside = decide(SHIPPED, now=at(2026, 3, 10, 0, 0, 1), channel="store")

    assert (inside.lines[0].eligible, inside.lines[0].rule, inside.lines[0].deadline) == (
        True, "window.merchant", at(2026, 3, 10),
    )  # fmt: skip
    assert (outside.lines[0].eligible, outside.lines[0].rule) == (False, "window.expired")


def test_given_a_key_account_on_the_own_shop_when_it_returns_on_day_10_then_the_merchant_window_not_the_law_applies():
    decision = decide(SHIPPED, now=at(2026, 3, 12), customer_type="key_account", solution="exchange")

    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.deadline) == (
        True, "window.merchant", ("refund", "exchange"), at(2026, 3, 18),
    )  # fmt: skip


def test_given_a_merchant_window_longer_than_the_law_when_day_7_and_day_8_are_asked_then_the_law_then_the_window_decides():
    policy = Policy(version=3, windows=(WindowRule("", "consumer", "", 15, "calendar"),), fees=FEES)

    day7 = decide(policy, now=at(2026, 3, 9, 23, 59, 59))
    day8 = decide(policy, now=at(2026, 3, 10, 0, 0, 1))

    assert (day7.lines[0].rule, day7.lines[0].deadline) == ("no_reason.statutory", at(2026, 3, 10))
    assert (day8.lines[0].rule, day8.lines[0].deadline, day8.lines[0].eligible) == (
        "window.merchant", at(2026, 3, 18), True,
    )  # fmt: skip
    assert day8.policy_version == 3


def test_given_windows_of_different_scope_when_one_line_matches_several_then_category_beats_customer_type_beats_channel():
    policy = Policy(
        windows=(
            WindowRule("store", "", "", 30, "calendar"),
            WindowRule("", "consumer", "", 20, "calendar"),
            WindowRule("", "", "NB", 10, "calendar"),
        ),
        fees=FEES,
    )
    assert decide(policy, now=at(2026, 3, 3), channel="store").lines[0].deadline == at(2026, 3, 13)
    assert decide(policy, now=at(2026, 3, 3), channel="store", category="MON").lines[0].deadline == at(
        2026, 3, 23
    )
    assert decide(
        policy, now=at(2026, 3, 3), channel="store", category="MON", customer_type="key_account"
    ).lines[0].deadline == at(2026, 4, 2)


def test_given_a_window_in_working_days_over_the_national_day_holidays_when_asked_on_its_last_second_and_after_then_in_and_out():
    policy = Policy(windows=(WindowRule("store", "", "", 3, "working"),), fees=FEES)
    calendar = WorkingCalendar({}, set())
    signed = at(2026, 9, 30, 18)  # the 3 working days are 8, 9 and the make-up Saturday 10 October

    inside = decide(
        policy, now=at(2026, 10, 10, 23, 59, 59), channel="store", delivered_at=signed, calendar=calendar
    )
    outside = decide(
        policy, now=at(2026, 10, 11, 0, 0, 1), channel="store", delivered_at=signed, calendar=calendar
    )

    assert (inside.lines[0].eligible, inside.lines[0].deadline) == (True, at(2026, 10, 11))
    assert inside.lines[0].en.startswith(
        "Merchant's return window: 3 working days after signing (until 2026-10-10 24:00)"
    )
    assert (outside.lines[0].eligible, outside.lines[0].rule) == (False, "window.expired")


def test_given_a_working_day_window_reaching_2027_when_2027_is_entered_then_counted_and_when_not_then_refused():
    policy = Policy(windows=(WindowRule("store", "", "", 3, "working"),), fees=FEES)
    signed = at(2026, 12, 30, 9)
    entered = WorkingCalendar({date(2027, 1, 1): False}, {2027})

    decision = decide(
        policy, now=at(2027, 1, 5, 23, 59, 59), channel="store", delivered_at=signed, calendar=entered
    )
    assert (decision.lines[0].eligible, decision.lines[0].deadline) == (True, at(2027, 1, 6))
    with pytest.raises(CalendarOutOfRange):
        decide(
            policy,
            now=at(2027, 1, 4),
            channel="store",
            delivered_at=signed,
            calendar=WorkingCalendar({}, set()),
        )


# --- exclusions (消费者权益保护法 art. 25; 暂行办法 art. 6–8) ---------------------------------------


@pytest.mark.parametrize(
    ("exclusion", "en"),
    [
        ("custom_made", "Custom-made goods are excluded from no-reason returns; quality problems are handled under 三包"),
        ("perishable", "Fresh or perishable goods are excluded from no-reason returns; quality problems are handled under 三包"),
        ("periodical", "Newspapers and periodicals are excluded from no-reason returns; quality problems are handled under 三包"),
    ],
)  # fmt: skip
def test_given_an_excluded_kind_of_goods_when_returned_on_day_1_then_refused_naming_the_exclusion(
    exclusion, en
):
    decision = decide(SHIPPED, now=at(2026, 3, 3), no_reason_exclusion=exclusion)
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.refused_at, line.en) == (
        False, f"no_reason.excluded.{exclusion}", "intake", en,
    )  # fmt: skip
    assert line.source == "消费者权益保护法 第二十五条;网络购买商品七日无理由退货暂行办法 第六条"


def test_given_software_still_sealed_when_returned_then_eligible_on_condition_that_it_is_still_sealed():
    decision = decide(SHIPPED, now=at(2026, 3, 3), no_reason_exclusion="digital", unsealed=False)
    (line,) = decision.lines
    assert (line.eligible, line.rule) == (True, "no_reason.statutory")
    assert [c.code for c in line.conditions] == ["complete", "not_damaged", "not_activated", "sealed"]


def test_given_software_unsealed_or_downloaded_when_returned_then_refused_as_excluded_digital_goods():
    decision = decide(SHIPPED, now=at(2026, 3, 3), no_reason_exclusion="digital", unsealed=True)
    (line,) = decision.lines
    assert (line.eligible, line.rule) == (False, "no_reason.excluded.digital")
    assert (
        line.zh
        == "已拆封或已下载的音像制品、计算机软件等数字化商品不适用无理由退货;如有质量问题可按三包规定申请"
    )


def test_given_goods_the_customer_confirmed_at_purchase_as_not_returnable_when_returned_then_refused():
    decision = decide(SHIPPED, now=at(2026, 3, 3), confirmed_not_returnable=True)
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.source) == (
        False, "no_reason.confirmed_at_purchase", "网络购买商品七日无理由退货暂行办法 第七条",
    )  # fmt: skip


def test_given_goods_failing_checklist_points_when_returned_then_refused_as_not_intact_naming_them():
    decision = decide(SHIPPED, now=at(2026, 3, 3), not_intact=("not_activated", "complete", "unknown_code"))
    (line,) = decision.lines
    assert (line.eligible, line.rule) == (False, "no_reason.not_intact")
    assert line.zh == "商品不完好,不适用无理由退货:商品本身、配件、赠品、说明书齐全、系统未激活"
    assert line.en == (
        "The goods are not intact, so no-reason return does not apply: "
        "Item, accessories, gifts and manual all returned; Operating system not activated"
    )


def test_given_a_custom_made_item_with_a_quality_problem_when_returned_then_the_exclusion_does_not_apply():
    decision = decide(
        SHIPPED,
        now=at(2026, 3, 3),
        no_reason_exclusion="custom_made",
        reason_code="Q08",
        reason_class="quality",
    )
    assert (decision.lines[0].eligible, decision.lines[0].rule) == (True, "quality.return_period")


def test_given_the_checklist_of_a_category_when_a_monitor_is_returned_then_only_the_general_points_apply():
    decision = decide(SHIPPED, now=at(2026, 3, 3), category="MON")
    assert [c.code for c in decision.lines[0].conditions] == [c.code for c in CHECKLIST[""]]


# --- what may be asked for ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("solution", "name"), [("exchange", "exchange"), ("refund_only", "refund only"), ("repair", "repair")]
)
def test_given_a_no_reason_return_when_anything_but_a_return_is_asked_then_refused_saying_what_is_possible(
    solution, name
):
    decision = decide(STATUTORY_ONLY, now=at(2026, 3, 3), solution=solution)
    (line,) = decision.lines
    assert (line.eligible, line.rule, line.solutions, line.refused_at) == (
        False, "no_reason.statutory", ("refund",), "intake",
    )  # fmt: skip
    assert line.en.endswith(f"; possible now: return and refund, not {name}")


def test_given_a_statutory_return_when_the_fee_rule_charges_restocking_then_no_fee_is_charged():
    """The statutory return refunds the price paid (消费者权益保护法 art. 25)."""
    policy = Policy(fees=(*FEES[:2], FeeRule("customer", "percent", Decimal("10"), "customer")))
    decision = decide(policy, now=at(2026, 3, 3), amount=Decimal("300.00"))
    assert (decision.lines[0].restocking_fee, decision.restocking_fee) == (Decimal("0"), Decimal("0"))
