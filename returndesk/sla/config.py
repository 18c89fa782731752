"""The SLA configuration as one cached snapshot per process (core.config): the policies, the
working hours (company default and per team) and the timeout rules' admin rows. Read on every
case change; rebuilt when any of those tables changes (triggers: migration 0005)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from returndesk.core.config import ConfigCache

from .models import SlaPolicy, TimeoutRule, WorkingHours, WorkingPeriod


@dataclass(frozen=True)
class SlaConfig:
    policies: tuple[SlaPolicy, ...]  # every row, active or not, in the table's order
    default_periods: tuple[tuple[time, time], ...] | None  # None: no company default row
    team_periods: dict  # team id → its periods (possibly empty)
    rules: dict[str, TimeoutRule]  # code → the admin's row


def load() -> SlaConfig:
    periods: dict = {}
    for hours_id, start, end in WorkingPeriod.objects.order_by("start").values_list(
        "hours_id", "start", "end"
    ):
        periods.setdefault(hours_id, []).append((start, end))
    default, teams = None, {}
    for hours in WorkingHours.objects.all():
        found = tuple(periods.get(hours.id, ()))
        if hours.is_default:
            default = found
        elif hours.team_id is not None:
            teams[hours.team_id] = found
    return SlaConfig(
        policies=tuple(SlaPolicy.objects.all()),
        default_periods=default,
        team_periods=teams,
        rules={rule.code: rule for rule in TimeoutRule.objects.all()},
    )


CACHE: ConfigCache[SlaConfig] = ConfigCache(
    "sla.config",
    models=["sla.SlaPolicy", "sla.WorkingHours", "sla.WorkingPeriod", "sla.TimeoutRule"],
    load=load,
)


def current() -> SlaConfig:
    return CACHE.get()
