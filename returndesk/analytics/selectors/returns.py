"""Return rates over the purchase cohort (analytics.cohort): units asked back ÷ units shipped on
the orders placed in the date range, by product, category, lot, sales channel, account, period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from returndesk.catalog.models import Customer, Product
from returndesk.orders.models import Channel

from ..models import AccountDay, CohortDay, Grain, LotDay
from .base import Column, Filters, Panel, in_range, ratio

NOTE = (
    "退货率 = 所选期间下单的订单中被申请退货(未撤回、未被拒绝、未失效)的件数 ÷ 这些订单的发货件数;"
    "近期的比率会随后续退货上升。 / Return rate = units asked back (not withdrawn, refused or lapsed) "
    "÷ units shipped, both on the orders placed in the period; recent periods rise as late returns arrive."
)
CONSUMERS = "消费者(合计) / Consumers (pooled)"
NO_LOT = "(未记录批次) / (no lot recorded)"


def products_in(filters: Filters):
    """Product ids a product / category filter allows; None when neither is set."""
    if filters.product:
        return [filters.product]
    if filters.category:
        return list(Product.objects.filter(category__code=filters.category).values_list("id", flat=True))
    return None


def _products(qs, filters: Filters):
    allowed = products_in(filters)
    return qs if allowed is None else qs.filter(product_id__in=allowed)


def cohort_rows(filters: Filters, *, daily: bool = False):
    """CohortDay rows of the range (product, category and channel filters apply)."""
    if daily:
        qs = CohortDay.objects.filter(grain=Grain.DAY, day__gte=filters.date_from, day__lte=filters.date_to)
    else:
        qs = in_range(CohortDay.objects.all(), filters.date_from, filters.date_to)
    qs = _products(qs, filters)
    return qs.filter(channel=filters.channel) if filters.channel else qs


def lot_rows(filters: Filters):
    """LotDay rows of the range (product, category and lot filters apply)."""
    qs = _products(in_range(LotDay.objects.all(), filters.date_from, filters.date_to), filters)
    return qs.filter(lot=filters.lot) if filters.lot else qs


def account_rows(filters: Filters):
    """AccountDay rows of the range (the customer filter applies)."""
    qs = in_range(AccountDay.objects.all(), filters.date_from, filters.date_to)
    return qs.filter(account_id=filters.customer) if filters.customer else qs


def _sums(qs, *dims):
    return qs.values(*dims).annotate(shipped=Sum("units_shipped"), returned=Sum("units_returned"))


RATE_COLUMNS = [
    Column("units_shipped", "发货件数 / Units shipped", "int"),
    Column("units_returned", "退货件数 / Units returned", "int"),
    Column("return_rate", "退货率 / Return rate", "rate"),
]


def _row(label_cols: dict, shipped, returned) -> dict:
    shipped, returned = int(shipped or 0), int(returned or 0)
    return {
        **label_cols,
        "units_shipped": shipped,
        "units_returned": returned,
        "return_rate": ratio(returned, shipped),
    }


def _ordered(rows: list[dict]) -> list[dict]:
    return sorted(
        rows, key=lambda r: (-r["units_returned"], -(r["return_rate"] or 0), str(r.get("label", "")))
    )


def _product_map(ids) -> dict:
    return {p.id: p for p in Product.objects.filter(id__in=ids).select_related("category")}


def return_rate_by_product(filters: Filters) -> Panel:
    sums = list(_sums(cohort_rows(filters), "product_id"))
    products = _product_map([s["product_id"] for s in sums])
    rows = [
        _row(
            {
                "sku": products[s["product_id"]].sku,
                "label": products[s["product_id"]].name,
                "category": products[s["product_id"]].category.name,
            },
            s["shipped"],
            s["returned"],
        )
        for s in sums
    ]
    return Panel(
        "return_rate_by_product",
        "各产品退货率 / Return rate by product",
        [
            Column("sku", "SKU"),
            Column("label", "产品 / Product"),
            Column("category", "类别 / Category"),
            *RATE_COLUMNS,
        ],
        _ordered(rows),
        {"type": "bar", "x": "label", "y": ["return_rate"], "limit": 15},
        NOTE,
    )


def return_rate_by_category(filters: Filters) -> Panel:
    sums = list(_sums(cohort_rows(filters), "product_id"))
    products = _product_map([s["product_id"] for s in sums])
    totals: dict = defaultdict(lambda: [0, 0])
    names = {}
    for s in sums:
        category = products[s["product_id"]].category
        names[category.code] = category.name
        totals[category.code][0] += s["shipped"] or 0
        totals[category.code][1] += s["returned"] or 0
    rows = [_row({"code": code, "label": names[code]}, *totals[code]) for code in totals]
    return Panel(
        "return_rate_by_category",
        "各类别退货率 / Return rate by category",
        [Column("code", "编码 / Code"), Column("label", "类别 / Category"), *RATE_COLUMNS],
        _ordered(rows),
        {"type": "bar", "x": "label", "y": ["return_rate"]},
        NOTE,
    )


def return_rate_by_lot(filters: Filters) -> Panel:
    sums = list(_sums(lot_rows(filters), "product_id", "lot"))
    products = _product_map([s["product_id"] for s in sums])
    rows = [
        _row(
            {
                "sku": products[s["product_id"]].sku,
                "product": products[s["product_id"]].name,
                "lot": s["lot"],
                "label": f"{products[s['product_id']].sku} · {s['lot'] or '—'}",
            },
            s["shipped"],
            s["returned"],
        )
        for s in sums
    ]
    return Panel(
        "return_rate_by_lot",
        "各批次退货率 / Return rate by batch/lot",
        [
            Column("sku", "SKU"),
            Column("product", "产品 / Product"),
            Column("lot", "批次 / Lot"),
            *RATE_COLUMNS,
        ],
        _ordered(rows),
        {"type": "bar", "x": "label", "y": ["return_rate"], "limit": 15},
        NOTE + " " + "批次为空:订单行未记录批次。 / An empty lot: the order line recorded none.",
    )


def return_rate_by_channel(filters: Filters) -> Panel:
    labels = dict(Channel.choices)
    rows = [
        _row(
            {"channel": s["channel"], "label": labels.get(s["channel"], s["channel"])},
            s["shipped"],
            s["returned"],
        )
        for s in _sums(cohort_rows(filters), "channel")
    ]
    return Panel(
        "return_rate_by_channel",
        "各销售渠道退货率 / Return rate by sales channel",
        [Column("channel", "渠道代码 / Code"), Column("label", "销售渠道 / Sales channel"), *RATE_COLUMNS],
        _ordered(rows),
        {"type": "bar", "x": "label", "y": ["return_rate"]},
        NOTE,
    )


def return_rate_by_customer(filters: Filters, *, limit: int = 50) -> Panel:
    sums = list(_sums(account_rows(filters), "account_id"))
    customers = {
        c.id: c for c in Customer.objects.filter(id__in=[s["account_id"] for s in sums if s["account_id"]])
    }
    rows = []
    for s in sums:
        customer = customers.get(s["account_id"])
        label = f"{customer.name} ({customer.code})" if customer else CONSUMERS
        kind = customer.get_type_display() if customer else "消费者 / Consumer"
        rows.append(_row({"label": label, "customer_type": kind}, s["shipped"], s["returned"]))
    return Panel(
        "return_rate_by_customer",
        "各客户退货率 / Return rate by customer",
        [Column("label", "客户 / Customer"), Column("customer_type", "类型 / Type"), *RATE_COLUMNS],
        _ordered(rows)[:limit],
        {"type": "bar", "x": "label", "y": ["return_rate"], "limit": 15},
        NOTE + " 经销商和重要客户逐一列出,消费者合并为一行。 / Distributors and key accounts are listed "
        "one by one; consumers are pooled in one row.",
    )


def period_start(day: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def grain_for(filters: Filters) -> str:
    return "day" if filters.days <= 62 else "month"


def return_rate_by_period(filters: Filters) -> Panel:
    grain = grain_for(filters)
    totals: dict = defaultdict(lambda: [0, 0])
    for s in _sums(cohort_rows(filters, daily=grain == "day"), "day"):
        bucket = period_start(s["day"], grain)
        totals[bucket][0] += s["shipped"] or 0
        totals[bucket][1] += s["returned"] or 0
    rows = [
        _row({"period": bucket.isoformat() if grain == "day" else bucket.strftime("%Y-%m")}, *totals[bucket])
        for bucket in sorted(totals)
    ]
    return Panel(
        "return_rate_by_period",
        "退货率趋势(按下单日期) / Return rate by period (order date)",
        [Column("period", "期间 / Period"), *RATE_COLUMNS],
        rows,
        {"type": "line", "x": "period", "y": ["return_rate"]},
        NOTE,
    )


def cohort_rate(*, product_ids, date_from: dt.date, date_to: dt.date) -> tuple[int, int, object]:
    """(shipped, returned, rate) of some products over a purchase cohort: what improvement
    actions compare before and after their start."""
    qs = in_range(CohortDay.objects.all(), date_from, date_to).filter(product_id__in=list(product_ids))
    agg = qs.aggregate(shipped=Sum("units_shipped"), returned=Sum("units_returned"))
    shipped, returned = int(agg["shipped"] or 0), int(agg["returned"] or 0)
    return shipped, returned, ratio(returned, shipped)
