"""What returns cost, over the cases refunded in the date range.

Components and where they come from. Available now: refunds paid (Case.refund_amount, set by
the refund step), restocking fees recorded on the case (Case.restocking_fee), the number of
cases whose return shipping the seller pays (Case.return_shipping_payer). Not yet recorded by
any app, shown as unavailable until they are (extend `cost_components` after merging them):
the amount of return shipping borne (logistics, issue #5), the value of scrapped goods
(inspection dispositions, #5), repair cost (repairs, #5), and refund deductions and shipping
refunds as separate components (refunds, #6).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from returndesk.cases.models import CaseType, ReasonClass
from returndesk.core.money import ZERO, quantize

from ..models import RefundDay
from .base import Column, Filters, Panel, in_range

NOTE = "所选期间完成退款的工单。 / Cases refunded in the period."
UNAVAILABLE = [
    "承担的退货运费金额(物流,#5) / Return shipping borne, amount (logistics, #5)",
    "报废货品价值(检验处置,#5) / Value of scrapped goods (inspection disposition, #5)",
    "维修成本(维修,#5) / Repair cost (repairs, #5)",
]


def refund_rows(filters: Filters):
    """RefundDay rows of the range (customer and case-type filters apply)."""
    qs = in_range(RefundDay.objects.all(), filters.date_from, filters.date_to)
    if filters.customer:
        qs = qs.filter(account_id=filters.customer)
    if filters.case_type:
        qs = qs.filter(case_type=filters.case_type)
    return qs


def _money(value) -> Decimal:
    return quantize(Decimal(str(value))) if value is not None else ZERO


def refunds(filters: Filters) -> Panel:
    types, classes = dict(CaseType.choices), dict(ReasonClass.choices)
    sums = (
        refund_rows(filters)
        .values("case_type", "reason_class")
        .annotate(cases=Sum("cases"), refund=Sum("refund_amount"), claimed=Sum("claimed_amount"))
        .order_by("case_type", "reason_class")
    )
    rows = [
        {
            "case_type": types.get(s["case_type"], s["case_type"]),
            "reason_class": classes.get(s["reason_class"], s["reason_class"] or "—"),
            "label": f"{types.get(s['case_type'], s['case_type'])} · {classes.get(s['reason_class'], '—')}",
            "cases": s["cases"],
            "refund_amount": _money(s["refund"]),
            "claimed_amount": _money(s["claimed"]),
        }
        for s in sums
    ]
    return Panel(
        "refunds",
        "退款金额 / Refund amounts",
        [
            Column("case_type", "类型 / Type"),
            Column("reason_class", "原因类别 / Reason class"),
            Column("cases", "工单数 / Cases", "int"),
            Column("refund_amount", "退款金额 / Refunded", "money"),
            Column("claimed_amount", "申请货值 / Claimed value", "money"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["refund_amount"]},
        NOTE,
    )


def cost_components(filters: Filters) -> list[dict]:
    """One row per component of the cost of returns: amount None while no app records it."""
    agg = refund_rows(filters).aggregate(
        refund=Sum("refund_amount"), fee=Sum("restocking_fee"), seller=Sum("seller_paid_return_cases")
    )
    return [
        {
            "component": "refunds",
            "label": "退款 / Refunds paid",
            "amount": _money(agg["refund"]),
            "count": None,
        },
        {
            "component": "restocking_fees",
            "label": "记录的折旧/手续费(减少成本) / Restocking fees recorded (reduce the cost)",
            "amount": -_money(agg["fee"]),
            "count": None,
        },
        {
            "component": "shipping_borne",
            "label": "卖家承担退货运费的工单 / Cases whose return shipping the seller pays",
            "amount": None,
            "count": int(agg["seller"] or 0),
        },
        {
            "component": "scrapped_value",
            "label": "报废货品价值 / Scrapped goods",
            "amount": None,
            "count": None,
        },
        {"component": "repair_cost", "label": "维修成本 / Repair cost", "amount": None, "count": None},
    ]


def cost_of_returns(filters: Filters) -> Panel:
    rows = cost_components(filters)
    total = sum((r["amount"] for r in rows if r["amount"] is not None), ZERO)
    rows.append(
        {
            "component": "total",
            "label": "合计(已记录部分) / Total (recorded parts)",
            "amount": total,
            "count": None,
        }
    )
    return Panel(
        "cost_of_returns",
        "退货总成本 / Total cost of returns",
        [
            Column("component", "代码 / Code"),
            Column("label", "组成 / Component"),
            Column("amount", "金额 / Amount", "money"),
            Column("count", "工单数 / Cases", "int"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["amount"], "exclude": ["total"]},
        NOTE + " 金额为空:该部分尚无数据来源。 / An empty amount: nothing records that part yet.",
        unavailable=UNAVAILABLE,
    )
