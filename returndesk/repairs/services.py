"""Every write of the repair domain. The cases app calls these from its workflow effects
(cases/services/repair.py) inside the transition's transaction; what only cases knows — the
warranty verdict of the policy engine for the case's lines, the units on the case — comes in as
arguments, so this app never imports cases.

Rules (seed S1 二.1, S8 4.2/4.3, 部分商品修理更换退货责任规定):
- a fault the warranty covers, with no exclusion (damage by the user, misuse, self-repair), is
  repaired free and cannot be quoted;
- anything else is a paid repair: parts and labour are quoted (Decimal, rounded in core.money)
  and the customer accepts or declines before any work starts;
- every finished repair leaves one RepairRecord per unit (serial number), the 三包 ladder's input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from returndesk.core.money import ZERO, quantize, to_decimal

from . import errors
from .models import (
    Coverage,
    Exclusion,
    Outcome,
    QuoteItemKind,
    QuoteState,
    Repair,
    RepairQuoteItem,
    RepairRecord,
)

MAX_AMOUNT = Decimal("1000000000000")  # 12 digits before the point (MONEY is 14,2)


@dataclass(frozen=True)
class Warranty:
    """The policy engine's answer for the diagnosed fault, as the cases app read it."""

    covered: bool
    rule: str
    zh: str
    en: str
    until: datetime | None = None


@dataclass(frozen=True)
class Unit:
    """Units of one case line that were repaired (for the repair history)."""

    order_line: object
    product: object
    quantity: int
    serial_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteItem:
    kind: str
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return quantize(self.unit_price * self.quantity)


def parse_quote(*, parts, labour) -> list[QuoteItem]:
    """Parts as [{"name", "quantity", "unit_price"}] and labour as one amount, both amounts given
    as strings (never floats); errors name the field."""
    items: list[QuoteItem] = []
    if parts is not None and not isinstance(parts, list | tuple):
        raise errors.quote_item_invalid("parts", 1)
    for n, part in enumerate(parts or (), start=1):
        field = f"parts[{n}]"
        if not isinstance(part, Mapping):
            raise errors.quote_item_invalid(field, n)
        name = str(part.get("name") or "").strip()
        quantity = part.get("quantity", 1)
        price = _amount(part.get("unit_price"), f"{field}.unit_price")
        if (
            not name
            or len(name) > 200
            or not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or quantity <= 0
        ):
            raise errors.quote_item_invalid(field, n)
        items.append(QuoteItem(QuoteItemKind.PART, name, quantity, price))
    if labour not in (None, ""):
        labour_amount = _amount(labour, "labour")
        if labour_amount > 0:
            items.append(QuoteItem(QuoteItemKind.LABOUR, "维修工时 / Labour", 1, labour_amount))
    return items


def _amount(value, field: str) -> Decimal:
    if isinstance(value, float | bool) or value is None:
        raise errors.amount_invalid(field, value)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise errors.amount_invalid(field, value) from exc
    if amount < 0 or amount >= MAX_AMOUNT or amount != quantize(amount):
        raise errors.amount_invalid(field, value)
    return amount


def repair_diagnose(
    *,
    case,
    actor,
    fault,
    diagnosis: str,
    warranty: Warranty,
    exclusion: str = Exclusion.NONE,
    quote: Iterable[QuoteItem] = (),
    paid: bool,
) -> Repair:
    """Record the diagnosis of a repair case. `paid` says which step the technician took:
    a free repair (refused unless the warranty covers the fault and nothing excludes it) or a
    quote (refused when the repair is free; needs a quote above zero). A case diagnosed again
    (quote declined and re-quoted, or reopened) replaces its diagnosis; the timeline keeps each."""
    if exclusion not in Exclusion.values:
        raise errors.exclusion_invalid(exclusion)
    free = warranty.covered and exclusion == Exclusion.NONE
    items = list(quote)
    if paid and free:
        raise errors.covered_no_quote()
    if not paid and not free:
        if exclusion != Exclusion.NONE:
            zh, en = Exclusion(exclusion).label.split(" / ")
            raise errors.not_covered(zh, en)
        raise errors.not_covered(warranty.zh, warranty.en)
    if not paid and items:
        raise errors.covered_no_quote()
    parts = sum((i.amount for i in items if i.kind == QuoteItemKind.PART), ZERO)
    labour = sum((i.amount for i in items if i.kind == QuoteItemKind.LABOUR), ZERO)
    if paid and parts + labour <= 0:
        raise errors.quote_empty()
    with transaction.atomic():
        repair, _created = Repair.objects.update_or_create(
            case=case,
            defaults={
                "fault": fault, "diagnosis": diagnosis, "exclusion": exclusion,
                "coverage": Coverage.PAID if paid else Coverage.WARRANTY,
                "warranty_rule": warranty.rule, "warranty_zh": warranty.zh, "warranty_en": warranty.en,
                "warranty_until": warranty.until, "diagnosed_by": actor, "diagnosed_at": timezone.now(),
                "parts_amount": parts, "labour_amount": labour, "quote_total": parts + labour,
                "quote_state": QuoteState.PENDING if paid else QuoteState.NONE,
                "quote_decided_at": None, "quote_note": "", "outcome": "", "result": "", "finished_at": None,
            },
        )  # fmt: skip
        repair.quote_items.all().delete()
        RepairQuoteItem.objects.bulk_create(
            RepairQuoteItem(
                repair=repair,
                kind=i.kind,
                description=i.description,
                quantity=i.quantity,
                unit_price=i.unit_price,
                amount=i.amount,
            )
            for i in items
        )
    return repair


def repair_decide_quote(*, repair: Repair, accepted: bool, note: str = "") -> Repair:
    """The customer accepts or declines the quote of a paid repair (seed S8 4.2 材料与人工费用)."""
    with transaction.atomic():
        locked = Repair.objects.select_for_update().get(pk=repair.pk)
        if locked.quote_state != QuoteState.PENDING:
            raise errors.quote_not_pending()
        locked.quote_state = QuoteState.ACCEPTED if accepted else QuoteState.DECLINED
        locked.quote_decided_at = timezone.now()
        locked.quote_note = note
        locked.save(update_fields=["quote_state", "quote_decided_at", "quote_note", "updated_at"])
    return locked


def repair_finish(*, repair: Repair, outcome: str, result: str, units: Iterable[Unit]) -> list[RepairRecord]:
    """Record the result and one history row per repaired unit (per serial number; per line for
    goods without serial numbers). Free repairs are marked covered: only those count on the
    三包 ladder."""
    if outcome not in (Outcome.FIXED, Outcome.NOT_FIXED):
        raise errors.outcome_invalid(outcome)
    now = timezone.now()
    with transaction.atomic():
        repair.outcome = outcome
        repair.result = result
        repair.finished_at = now
        repair.save(update_fields=["outcome", "result", "finished_at", "updated_at"])
        covered = repair.coverage == Coverage.WARRANTY
        records = []
        for unit in units:
            serials = [s for s in unit.serial_numbers if s]
            rows = [(s, 1) for s in serials]
            if unit.quantity > len(serials):
                rows.append(("", unit.quantity - len(serials)))
            records += [
                RepairRecord(
                    repair=repair,
                    order_line=unit.order_line,
                    product=unit.product,
                    serial_number=serial,
                    quantity=quantity,
                    fault=repair.fault,
                    covered=covered,
                    outcome=outcome,
                    finished_at=now,
                )
                for serial, quantity in rows
            ]
        RepairRecord.objects.bulk_create(records)
    return records


def repair_return_unrepaired(*, repair: Repair, note: str = "") -> Repair:
    """The customer declined the quote: the unit goes back as it came."""
    if repair.quote_state != QuoteState.DECLINED:
        raise errors.quote_not_declined()
    repair.outcome = Outcome.UNREPAIRED
    repair.result = note
    repair.finished_at = timezone.now()
    repair.save(update_fields=["outcome", "result", "finished_at", "updated_at"])
    return repair
