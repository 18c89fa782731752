"""The dashboard's figures (docs/analytics.md): which panels the caller's role may see, and one
panel's columns, rows and chart hint for a date range and dimension filters. Read-only; the
figures come from the daily rollups (returndesk.analytics), kept current by a periodic refresh
whose watermark each answer gives as `as_of`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from returndesk.analytics import selectors
from returndesk.analytics.rollups import rollup_status
from returndesk.analytics.selectors import EVERY_STAFF
from returndesk.core.i18n import both

from ..auth import roles_allowed
from ..schemas import InputSchema, LocalDatetime, with_problems
from .cases import LabelOut

router = Router(tags=["analytics"])


def _label(text: str) -> dict:
    zh, en = both(text)
    return {"zh": zh, "en": en}


class PanelRef(Schema):
    key: str
    group: LabelOut
    url: str


class PanelList(Schema):
    items: list[PanelRef]
    as_of: LocalDatetime | None


class ColumnOut(Schema):
    key: str
    label: LabelOut
    kind: str  # text | int | money | rate | hours; money, rate and hours travel as strings


class FiltersOut(Schema):
    date_from: dt.date
    date_to: dt.date
    product: UUID | None
    category: str
    channel: str
    customer: UUID | None
    lot: str
    case_type: str


class PanelOut(Schema):
    key: str
    title: LabelOut
    note: LabelOut
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    chart: dict[str, Any]
    summary: dict[str, Any]
    unavailable: list[LabelOut]
    filters: FiltersOut
    as_of: LocalDatetime | None


class PanelQuery(InputSchema):
    date_from: str = ""  # YYYY-MM-DD, default 89 days before date_to
    date_to: str = ""  # YYYY-MM-DD, default today
    product: str = ""  # product id
    category: str = ""  # category code
    channel: str = ""  # sales channel: own_shop, store, marketplace, distributor
    customer: str = ""  # a distributor's or key account's id
    lot: str = ""
    case_type: str = ""


def plain(value):
    """JSON values: amounts, rates and hours as exact strings, dates as ISO text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _as_of():
    state = rollup_status()
    return state.watermark if state else None


@router.get(
    "/analytics/panels", response=with_problems({200: PanelList}, 403), auth=roles_allowed(EVERY_STAFF)
)
def analytics_panels(request: HttpRequest):
    """The dashboard panels the caller's role may see. Staff roles and the system."""
    items = [
        {"key": spec.key, "group": _label(spec.group), "url": f"/api/v1/analytics/panels/{spec.key}"}
        for spec in selectors.panels_for(request.auth)
    ]
    return {"items": items, "as_of": _as_of()}


@router.get(
    "/analytics/panels/{key}",
    response=with_problems({200: PanelOut}, 403, 404, 422),
    auth=roles_allowed(EVERY_STAFF),
)
def analytics_panel(request: HttpRequest, key: str, query: Query[PanelQuery]):
    """One panel for the date range (inclusive local dates, at most 3 years) and filters. Who may
    see which panel: docs/analytics.md ("Roles"); others get 403, an unknown panel 404."""
    filters = selectors.parse_filters(query.model_dump())
    panel = selectors.panel_for(user=request.auth, key=key, filters=filters)
    return {
        "key": panel.key,
        "title": _label(panel.title),
        "note": _label(panel.note),
        "columns": [{"key": c.key, "label": _label(c.label), "kind": c.kind} for c in panel.columns],
        "rows": plain(panel.rows),
        "chart": panel.chart,
        "summary": plain(panel.summary),
        "unavailable": [_label(text) for text in panel.unavailable],
        "filters": vars(filters),
        "as_of": _as_of(),
    }
