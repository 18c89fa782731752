"""Helpers of the policy-engine tests: Shanghai times, a line and a request with explicit defaults,
and the shipped rules as a plain Policy (the engine needs no database)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from returndesk.policies.decisions import EligibilityRequest, LineRequest
from returndesk.policies.engine import evaluate
from returndesk.policies.rules import CheckItem, Deduction, FeeRule, Policy, WindowRule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment in Asia/Shanghai."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


CHECKLIST = {
    "": (
        CheckItem(
            "complete", "商品本身、配件、赠品、说明书齐全", "Item, accessories, gifts and manual all returned"
        ),
        CheckItem(
            "not_damaged",
            "无人为损坏或污渍,未超出查验需要使用",
            "No damage or soiling; not used beyond checking it",
        ),
    ),
    "NB": (CheckItem("not_activated", "系统未激活", "Operating system not activated"),),
}
FEES = (
    FeeRule("quality", "none", Decimal("0"), "merchant"),
    FeeRule("delivery", "none", Decimal("0"), "merchant"),
    FeeRule("customer", "none", Decimal("0"), "customer"),
)
# The shipped defaults (docs/policies.md), as the first published version holds them.
SHIPPED = Policy(
    version=1,
    windows=(
        WindowRule("", "consumer", "", 7, "calendar", False, ""),
        WindowRule("", "key_account", "", 15, "calendar", True, ""),
    ),
    fees=FEES,
    deductions=(
        Deduction(
            "packaging_missing", "外包装缺失或严重破损", "Original packaging missing", "percent", Decimal("5")
        ),
    ),
    checklist=CHECKLIST,
)
# Only what the law gives: no merchant windows at all.
STATUTORY_ONLY = Policy(version=1, fees=FEES, checklist=CHECKLIST)


def line(**kw) -> LineRequest:
    """A line of one laptop (category NB) bought on the own shop and signed for on Monday
    2026-03-02 at 10:00, returned for the customer's own reason; any field can be changed."""
    defaults = {
        "key": "L1",
        "reason_code": "C01",
        "reason_class": "customer",
        "quantity": 1,
        "amount": Decimal("100.00"),
        "channel": "own_shop",
        "delivered_at": at(2026, 3, 2, 10),
        "category": "NB",
    }
    return LineRequest(**{**defaults, **kw})


def decide(
    policy: Policy = SHIPPED,
    *,
    now: datetime,
    solution: str | None = "refund",
    customer_type: str = "consumer",
    lines: tuple[LineRequest, ...] | None = None,
    calendar=None,
    evidence_count: int = 0,
    **line_kw,
):
    """evaluate() for one line built from `line_kw` (or the given lines)."""
    request = EligibilityRequest(
        solution=solution,
        customer_type=customer_type,
        lines=lines if lines is not None else (line(**line_kw),),
        now=now,
        calendar=calendar,
        evidence_count=evidence_count,
    )
    return evaluate(request, policy)
