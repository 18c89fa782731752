"""The dashboard's panels, who may see each (by role), and the one entry point every interface
calls: `panel_for(user=…, key=…, filters=…)`. Reads the daily rollups only (analytics.models);
`analytics.rollups` keeps them equal to the source tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.core.errors import NotFound, PermissionDenied

from . import causes, money, returns, service
from .base import Column, Filters, Panel, parse_filters, ratio

R = Role
EVERY_STAFF = frozenset({*STAFF_ROLES, R.SYSTEM})
MONEY_ROLES = frozenset({R.GM, R.FINANCE, R.SUPERVISOR, R.SALES, R.ADMIN, R.SYSTEM})
SERVICE_ROLES = frozenset({R.AGENT, R.SUPERVISOR, R.SALES, R.GM, R.ADMIN, R.SYSTEM})
SATISFACTION_ROLES = frozenset({*SERVICE_ROLES, R.QC})
SCORECARD_ROLES = frozenset({R.SALES, R.SUPERVISOR, R.GM, R.FINANCE, R.ADMIN, R.SYSTEM})


@dataclass(frozen=True)
class PanelSpec:
    key: str
    group: str  # "中文 / English" section of the dashboard
    build: Callable[[Filters], Panel]
    roles: frozenset


QUALITY = "退货与原因 / Returns and causes"
MONEY = "成本 / Cost"
SERVICE = "服务 / Service"
PARTNERS = "经销商 / Distributors"

PANELS: dict[str, PanelSpec] = {
    spec.key: spec
    for spec in [
        PanelSpec("return_rate_by_period", QUALITY, returns.return_rate_by_period, EVERY_STAFF),
        PanelSpec("return_rate_by_product", QUALITY, returns.return_rate_by_product, EVERY_STAFF),
        PanelSpec("return_rate_by_category", QUALITY, returns.return_rate_by_category, EVERY_STAFF),
        PanelSpec("return_rate_by_lot", QUALITY, returns.return_rate_by_lot, EVERY_STAFF),
        PanelSpec("return_rate_by_channel", QUALITY, returns.return_rate_by_channel, EVERY_STAFF),
        PanelSpec("return_rate_by_customer", QUALITY, returns.return_rate_by_customer, EVERY_STAFF),
        PanelSpec("reason_pareto", QUALITY, causes.reason_pareto, EVERY_STAFF),
        PanelSpec("root_cause_stage", QUALITY, causes.root_cause_stage, EVERY_STAFF),
        PanelSpec("root_cause_department", QUALITY, causes.root_cause_department, EVERY_STAFF),
        PanelSpec("case_outcomes", QUALITY, causes.case_outcomes, EVERY_STAFF),
        PanelSpec("refunds", MONEY, money.refunds, MONEY_ROLES),
        PanelSpec("cost_of_returns", MONEY, money.cost_of_returns, MONEY_ROLES),
        PanelSpec("sla_attainment", SERVICE, service.sla_attainment, SERVICE_ROLES),
        PanelSpec("sla_breaches", SERVICE, service.sla_breaches, SERVICE_ROLES),
        PanelSpec("cycle_time", SERVICE, service.cycle_time, EVERY_STAFF),
        PanelSpec("satisfaction", SERVICE, service.satisfaction, SATISFACTION_ROLES),
        PanelSpec("distributor_scorecards", PARTNERS, service.distributor_scorecards, SCORECARD_ROLES),
    ]
}


def may_see(user, spec: PanelSpec) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in spec.roles))


def panels_for(user) -> list[PanelSpec]:
    """The panels this user's role may see, in dashboard order."""
    return [spec for spec in PANELS.values() if may_see(user, spec)]


def panel_for(*, user, key: str, filters: Filters) -> Panel:
    """One panel's figures, if the user's role may see it."""
    spec = PANELS.get(key)
    if spec is None:
        raise NotFound("analytics.unknown_panel", f"没有名为 {key} 的图表", f"There is no panel named {key}")
    if not may_see(user, spec):
        raise PermissionDenied(
            "analytics.forbidden", "您的角色无权查看此图表", "Your role may not see this panel"
        )
    return spec.build(filters)


__all__ = ["PANELS", "Column", "Filters", "Panel", "panel_for", "panels_for", "parse_filters", "ratio"]
