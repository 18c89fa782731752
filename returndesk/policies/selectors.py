"""Reads of the policies domain, and the adapter that turns order lines into an engine request.

The cases app calls `eligibility_request` with what only it knows (reason, quantity, the value of
the units, the repair history of the serial numbers); this module adds what the order and the
catalogue say (channel, signing time, product flags). It never imports the cases app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from returndesk.core.calendar import WorkingCalendar
from returndesk.core.config import ConfigCache

from .decisions import EligibilityRequest, LineRequest
from .models import PolicyVersion
from .rules import Policy


def _load_latest() -> tuple[PolicyVersion, Policy] | None:
    latest = PolicyVersion.objects.order_by("-number").first()
    if latest is None:
        return None
    return latest, Policy.from_json(latest.rules, version=latest.number)


# The latest published version with its rules parsed, per process while no version is published
# (core.config; triggers: migration policies 0003). Versions are immutable, so the cached one
# never goes stale; a new one gives the cache a new token. Shared: read-only.
_LATEST: ConfigCache[tuple[PolicyVersion, Policy] | None] = ConfigCache(
    "policies.latest", models=["policies.PolicyVersion"], load=_load_latest
)


def policy_latest() -> tuple[PolicyVersion, Policy] | None:
    """(latest published version, its rules), or None before anything is published."""
    return _LATEST.get()


def policy_of(version: PolicyVersion) -> Policy:
    latest = _LATEST.get()
    if latest is not None and latest[0].pk == version.pk:
        return latest[1]  # parsed once per process
    return Policy.from_json(version.rules, version=version.number)


def policy_current() -> Policy:
    """The latest published policy; before anything is published, the live rules unversioned
    (version None), so a read never writes."""
    from .services import policy_snapshot

    latest = policy_latest()
    return latest[1] if latest is not None else policy_snapshot()


@dataclass(frozen=True)
class LineInput:
    """One requested line as the cases app knows it."""

    order_line: object  # orders.OrderLine with order and product (category) loaded
    quantity: int
    reason_code: str
    reason_class: str
    amount: Decimal
    serial_numbers: tuple[str, ...] = ()
    prior_repairs: tuple[datetime, ...] = ()
    unsealed: bool = False
    not_intact: tuple[str, ...] = ()


def eligibility_request(
    *,
    policy: Policy,
    solution: str | None,
    customer_type: str,
    lines: Sequence[LineInput],
    now: datetime,
    evidence_count: int = 0,
) -> EligibilityRequest:
    """Build the engine's request. The working calendar is loaded (a snapshot) only when the
    policy counts a window in working days."""
    return EligibilityRequest(
        solution=solution,
        customer_type=customer_type,
        lines=tuple(_line(item) for item in lines),
        now=now,
        calendar=WorkingCalendar.current() if policy.uses_working_days else None,
        evidence_count=evidence_count,
    )


def _line(item: LineInput) -> LineRequest:
    ol = item.order_line
    product = ol.product
    return LineRequest(
        key=str(ol.id),
        reason_code=item.reason_code,
        reason_class=item.reason_class,
        quantity=item.quantity,
        amount=item.amount,
        channel=ol.order.channel,
        delivered_at=ol.order.delivered_at,
        category=product.category.code,
        no_reason_exclusion=product.no_reason_exclusion,
        confirmed_not_returnable=ol.no_reason_return_waived,
        sanbao_category=product.sanbao_category,
        warranty_months_unit=product.warranty_months_unit,
        warranty_months_main_parts=product.warranty_months_main_parts,
        serial_numbers=tuple(item.serial_numbers),
        prior_repairs=tuple(sorted(item.prior_repairs)),
        unsealed=item.unsealed,
        not_intact=tuple(item.not_intact),
    )
