"""The dashboard pages (staff only): the page with the filters and a placeholder per panel the
role may see, each panel's fragment (chart + accessible table), and its CSV / Excel export.
Views parse → one selector → render; the figures and who may see them live in selectors."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.cases.models import CaseType
from returndesk.catalog.models import Customer, CustomerType, Product, ProductCategory
from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick
from returndesk.orders.models import Channel

from . import exports, selectors
from .rollups import rollup_status


def _staff_only(user) -> None:
    if user.role in EXTERNAL_ROLES:
        raise DjangoPermissionDenied


def _filters(request):
    try:
        return selectors.parse_filters(request.GET), None
    except DomainError as exc:
        return selectors.Filters.default(), exc


def _choices():
    return {
        "products": Product.objects.order_by("sku").only("id", "sku", "name")[:500],
        "categories": ProductCategory.objects.order_by("code"),
        "channels": Channel.choices,
        "customers": Customer.objects.exclude(type=CustomerType.CONSUMER).order_by("code")[:500],
        "case_types": CaseType.choices,
    }


@login_required
@require_GET
def dashboard(request):
    _staff_only(request.user)
    filters, error = _filters(request)
    specs = selectors.panels_for(request.user)
    groups: dict[str, list] = {}
    for spec in specs:
        groups.setdefault(spec.group, []).append(spec)
    query = request.GET.urlencode() if error is None else ""
    return render(
        request,
        "analytics/dashboard.html",
        {
            "filters": filters,
            "error": error,
            "groups": groups,
            "query": query,
            "status": rollup_status(),
            **_choices(),
        },
    )


def _panel(request, key):
    _staff_only(request.user)
    filters, error = _filters(request)
    if error is not None:
        raise error
    try:
        return selectors.panel_for(user=request.user, key=key, filters=filters), filters
    except DomainError as exc:
        if exc.kind == "not_found":
            raise Http404(exc.message) from exc
        if exc.kind == "forbidden":
            raise DjangoPermissionDenied(exc.message) from exc
        raise


def _chart_data(panel) -> dict:
    """What dashboard.js needs to draw the chart, with labels in the active language."""
    chart = dict(panel.chart)
    if not chart:
        return {}
    rows = [r for r in panel.rows if r.get(panel.columns[0].key) not in chart.get("exclude", [])]
    rows = rows[: chart.get("limit", 50)]
    kinds = {c.key: c.kind for c in panel.columns}
    labels = {c.key: pick(c.label) for c in panel.columns}

    def number(value):
        return None if value is None else float(value)

    return {
        "type": chart["type"],
        "categories": [pick(str(r.get(chart["x"], ""))) for r in rows],
        "series": [
            {"name": labels[y], "kind": kinds[y], "data": [number(r.get(y)) for r in rows]}
            for y in chart["y"]
        ],
        "line": (
            {"name": labels[chart["line"]], "data": [number(r.get(chart["line"])) for r in rows]}
            if chart.get("line")
            else None
        ),
    }


@login_required
@require_GET
def panel_fragment(request, key):
    try:
        panel, _filters_used = _panel(request, key)
    except DomainError as exc:
        return render(request, "analytics/_panel_error.html", {"error": exc}, status=422)
    return render(
        request,
        "analytics/_panel.html",
        {
            "panel": panel,
            "chart_json": json.dumps(_chart_data(panel), ensure_ascii=False),
            "query": request.GET.urlencode(),
            "actions": _improvement_links(request.user, panel),
        },
    )


def _improvement_links(user, panel) -> list[tuple[str, str]]:
    """Seed S7 制定针对性对策: open an improvement action from a top reason or a cause stage."""
    from returndesk.improvements.services import OPENERS

    if not (user.is_superuser or user.role in OPENERS):
        return []
    new = reverse("improvements:new")
    if panel.key == "reason_pareto":
        return [(row["code"], f"{new}?reason={row['code']}") for row in panel.rows[:5]]
    if panel.key == "root_cause_stage":
        return [(pick(row["label"]), f"{new}?stage={row['stage']}") for row in panel.rows[:5]]
    return []


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def panel_export(request, key, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404(fmt)
    panel, filters = _panel(request, key)
    language = translation.get_language()
    name = f"{panel.key}_{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"
    if fmt == "csv":
        return _download(
            exports.panel_csv(panel, language=language), "text/csv; charset=utf-8", f"{name}.csv"
        )
    subtitle = f"{filters.date_from:%Y-%m-%d} – {filters.date_to:%Y-%m-%d}"
    return _download(
        exports.panel_xlsx(panel, language=language, subtitle=subtitle),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )
