"""What every dashboard panel shares: the filters, the panel shape (columns + rows + chart), and
the arithmetic of rates and percentiles. A panel is data only; the page draws it as an ECharts
chart and an accessible table, the exports write its rows, the API returns it as JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.utils import timezone

from returndesk.core.errors import DomainError

RATE_PLACES = Decimal("0.0001")
MAX_RANGE_DAYS = 3 * 366
DEFAULT_RANGE_DAYS = 90


def in_range(qs, date_from: dt.date, date_to: dt.date):
    """Rollup rows covering [date_from, date_to] exactly once: month rows (models.Grain) for the
    whole calendar months inside the range, day rows for the days at its edges."""
    from django.db.models import Q

    from ..models import Grain

    first_full = (
        date_from if date_from.day == 1 else (date_from.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    )
    after_to = date_to + dt.timedelta(days=1)
    last_full_end = after_to.replace(day=1) - dt.timedelta(days=1)  # end of the last month ending by date_to
    if first_full > last_full_end:
        return qs.filter(grain=Grain.DAY, day__gte=date_from, day__lte=date_to)
    return qs.filter(
        Q(grain=Grain.DAY, day__gte=date_from, day__lt=first_full)
        | Q(grain=Grain.MONTH, day__gte=first_full, day__lte=last_full_end)
        | Q(grain=Grain.DAY, day__gt=last_full_end, day__lte=date_to)
    )


def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator to 4 places (ROUND_HALF_UP), None for an empty denominator. Rates
    are not money; core.money keeps the rounding of amounts."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def nearest_rank(counts: list[tuple[int, int]], p: Decimal) -> int | None:
    """The p-th percentile (nearest rank) of a histogram [(value, count)] sorted by value."""
    total = sum(n for _v, n in counts)
    if not total:
        return None
    rank = max(1, int((Decimal(total) * p).to_integral_value(rounding="ROUND_CEILING")))
    seen = 0
    for value, n in counts:
        seen += n
        if seen >= rank:
            return value
    return counts[-1][0]


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # "中文 / English"
    kind: str = "text"  # text | int | money | rate | hours


@dataclass
class Panel:
    key: str
    title: str  # "中文 / English"
    columns: list[Column]
    rows: list[dict]
    chart: dict = field(default_factory=dict)  # {"type": bar|line|pie|pareto, "x": col, "y": [cols]}
    note: str = ""  # "中文 / English": how the figures are defined
    unavailable: list[str] = field(default_factory=list)  # components not yet recorded anywhere
    summary: dict = field(default_factory=dict)  # headline figures beside the rows


@dataclass(frozen=True)
class Filters:
    """Date range (inclusive local dates) and dimension filters; each panel applies those that
    exist on its facts and says which in its note."""

    date_from: dt.date
    date_to: dt.date
    product: UUID | None = None
    category: str = ""  # category code
    channel: str = ""  # sales channel (orders.Channel)
    customer: UUID | None = None  # a distributor or key account
    lot: str = ""
    case_type: str = ""

    @classmethod
    def default(cls, today: dt.date | None = None) -> Filters:
        today = today or timezone.localdate()
        return cls(date_from=today - dt.timedelta(days=DEFAULT_RANGE_DAYS - 1), date_to=today)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def _invalid(field_name: str, zh: str, en: str) -> DomainError:
    return DomainError("analytics.invalid_filter", zh, en, kind="invalid", fields={field_name: (zh, en)})


def parse_filters(params, *, today: dt.date | None = None) -> Filters:
    """Filters from a query dict (page or API); bad values are refused with a clear message."""
    from returndesk.cases.models import CaseType
    from returndesk.orders.models import Channel

    default = Filters.default(today)

    def day(name: str, fallback: dt.date) -> dt.date:
        raw = (params.get(name) or "").strip()
        if not raw:
            return fallback
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise _invalid(name, f"日期格式应为 YYYY-MM-DD:{raw}", f"Dates are YYYY-MM-DD: {raw}") from None

    date_from, date_to = day("date_from", default.date_from), day("date_to", default.date_to)
    if date_from > date_to:
        raise _invalid("date_from", "开始日期晚于结束日期", "The start date is after the end date")
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise _invalid(
            "date_from",
            f"日期范围最长 {MAX_RANGE_DAYS} 天",
            f"The date range may span at most {MAX_RANGE_DAYS} days",
        )
    uuids = {}
    for name in ("product", "customer"):
        raw = (params.get(name) or "").strip()
        try:
            uuids[name] = UUID(raw) if raw else None
        except ValueError:
            raise _invalid(name, f"无效的编号:{raw}", f"Not a valid id: {raw}") from None
    channel = (params.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        raise _invalid("channel", f"未知的销售渠道:{channel}", f"Unknown sales channel: {channel}")
    case_type = (params.get("case_type") or "").strip()
    if case_type and case_type not in CaseType.values:
        raise _invalid("case_type", f"未知的工单类型:{case_type}", f"Unknown case type: {case_type}")
    return Filters(
        date_from=date_from,
        date_to=date_to,
        product=uuids["product"],
        category=(params.get("category") or "").strip()[:40],
        channel=channel,
        customer=uuids["customer"],
        lot=(params.get("lot") or "").strip()[:64],
        case_type=case_type,
    )
