"""Reads of improvement actions, with their measured effect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from returndesk.analytics.models import ReasonDay
from returndesk.analytics.selectors.base import in_range
from returndesk.analytics.selectors.returns import cohort_rate

from . import errors
from .models import ImprovementAction

WINDOW_DAYS = 90


@dataclass(frozen=True)
class Window:
    date_from: dt.date
    date_to: dt.date
    units_shipped: int
    units_returned: int
    return_rate: Decimal | None


@dataclass(frozen=True)
class Effect:
    """The return rate of the action's products over the purchase cohorts of equally long
    windows before and after its start (analytics.cohort): `days` is the window length, the
    days since the start up to WINDOW_DAYS, so both sides are comparable; None before the start."""

    days: int
    before: Window | None
    after: Window | None

    @property
    def change(self) -> Decimal | None:
        if (
            not self.before
            or not self.after
            or self.before.return_rate is None
            or self.after.return_rate is None
        ):
            return None
        return self.after.return_rate - self.before.return_rate


def _window(product_ids, date_from, date_to) -> Window:
    shipped, returned, rate = cohort_rate(product_ids=product_ids, date_from=date_from, date_to=date_to)
    return Window(date_from, date_to, shipped, returned, rate)


def improvement_effect(
    action: ImprovementAction, *, today: dt.date | None = None, window: int = WINDOW_DAYS
) -> Effect:
    today = today or timezone.localdate()
    days = min(window, (today - action.started_on).days + 1)
    if days <= 0:
        return Effect(0, None, None)
    product_ids = [p.pk for p in action.products.all()]
    start = action.started_on
    before = _window(product_ids, start - dt.timedelta(days=days), start - dt.timedelta(days=1))
    after = _window(product_ids, start, start + dt.timedelta(days=days - 1))
    return Effect(days, before, after)


def improvement_list(*, status: str = ""):
    qs = ImprovementAction.objects.select_related("reason", "owner").prefetch_related("products")
    return qs.filter(status=status) if status else qs


def improvement_get(action_id) -> ImprovementAction:
    action = improvement_list().filter(pk=action_id).first()
    if action is None:
        raise errors.not_found()
    return action


def products_for_reason(reason, *, today: dt.date | None = None, days: int = WINDOW_DAYS) -> list:
    """The products returned for this reason in the last `days` (to propose as affected)."""
    today = today or timezone.localdate()
    rows = (
        in_range(ReasonDay.objects.filter(reason=reason), today - dt.timedelta(days=days - 1), today)
        .values("product_id")
        .annotate(units=Sum("units"))
        .order_by("-units")
    )
    return [row["product_id"] for row in rows[:10]]
