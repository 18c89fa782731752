"""Every write of receipt and inspection. Called by the cases workflow (receive, inspect) and by
the cases services for dispositions and extra items, which hold the case row lock, check roles and
write the case's timeline event; this module never imports the cases app (STYLE.md).

Stock: the units of a return or exchange become the company's when they arrive. Each unit is one
inventory movement into "awaiting inspection" at the receiving warehouse, and one more when its
disposition is decided (restock, quarantine, refurbish, scrap, return to supplier, or back to the
customer when inspection rejected it). Units in for repair stay the customer's and never enter stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils import timezone

from returndesk.catalog.models import Product, Warehouse
from returndesk.core.config import ConfigCache
from returndesk.core.money import ZERO, allocate, quantize
from returndesk.inventory.models import Condition, MovementKind
from returndesk.inventory.services import stock_move

from . import errors
from .models import (
    ChecklistItem,
    Disposition,
    ExtraKind,
    ExtraResolution,
    Grade,
    Outcome,
    Receipt,
    ReceiptExtra,
    ReceiptLine,
    RejectionReason,
    ReturnUnit,
    SerialIssue,
)

MAX_SERIAL = 100


def case_reference(case) -> str:
    return f"case:{case.number}"


# --- receipt ------------------------------------------------------------------------------------


def _warehouse(code, default) -> Warehouse:
    if code:
        warehouse = Warehouse.objects.filter(code=str(code).strip()).first()
        if warehouse is None:
            raise errors.warehouse_unknown(code)
        return warehouse
    if default is not None:
        return default
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        raise errors.no_warehouse()
    return warehouse


def _serial_list(value, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(s, str) for s in value):
        raise errors.invalid(field, "序列号须为文本列表", "Serial numbers must be a list of texts")
    serials = [s.strip() for s in value if s.strip()]
    if any(len(s) > MAX_SERIAL for s in serials):
        raise errors.invalid(field, "序列号过长", "A serial number is too long")
    return serials


def _serial_issues(serials: list[str], *, sold: list[str], claimed: list[str], received: int) -> list[dict]:
    """Seed S4 "商品编号": each unit's serial against what was sold on the order line (and, when the
    customer named units, against those)."""
    issues = []
    for serial in serials:
        if sold and serial not in sold:
            issues.append({"serial": serial, "issue": SerialIssue.NOT_SOLD.value})
        elif claimed and serial not in claimed:
            issues.append({"serial": serial, "issue": SerialIssue.NOT_CLAIMED.value})
    if sold and len(serials) < received:
        issues.append({"serial": "", "issue": SerialIssue.MISSING.value, "count": received - len(serials)})
    return issues


def _extras(raw, lines_by_id: dict, seen: set[str]) -> list[dict]:
    """Parse the extra items: `over` names its line, `unexpected` a SKU or a description."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise errors.invalid("extras", "多收/非申请货品须为列表", "Extra items must be a list")
    parsed = []
    for n, item in enumerate(raw, start=1):
        field = f"extras[{n}]"
        if not isinstance(item, Mapping):
            raise errors.invalid(field, "第 {n} 项格式不正确", "Item {n} is not an object", n=n)
        kind = item.get("kind")
        quantity = item.get("quantity")
        if kind not in ExtraKind.values:
            raise errors.invalid(f"{field}.kind", "第 {n} 项:类型须为 over 或 unexpected",
                                 "Item {n}: kind must be over or unexpected", n=n)  # fmt: skip
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise errors.invalid(f"{field}.quantity", "第 {n} 项:数量须为正整数",
                                 "Item {n}: the quantity must be a positive whole number", n=n)  # fmt: skip
        line_id = str(item.get("line") or "")
        sku = str(item.get("sku") or "").strip()
        description = str(item.get("description") or "").strip()[:300]
        line = product = None
        if kind == ExtraKind.OVER:
            line = lines_by_id.get(line_id)
            if line is None:
                raise errors.invalid(f"{field}.line", "第 {n} 项:多收须指明本工单的哪一行",
                                     "Item {n}: an over-receipt names the case line it is more of", n=n)  # fmt: skip
            product = line.order_line.product
        else:
            if line_id:
                raise errors.invalid(f"{field}.line", "第 {n} 项:非申请货品不属于任何一行,请用 over 登记多收",
                                     "Item {n}: an unexpected item is on no line; use kind over for more of a line",
                                     n=n)  # fmt: skip
            if sku:
                product = Product.objects.filter(sku=sku).first()
                if product is None:
                    raise errors.invalid(f"{field}.sku", "第 {n} 项:没有 SKU {sku} 的商品",
                                         "Item {n}: no product with SKU {sku}", n=n, sku=sku)  # fmt: skip
            elif not description:
                raise errors.invalid(f"{field}.description", "第 {n} 项:请填写 SKU 或描述货品",
                                     "Item {n}: give the SKU or describe the item", n=n)  # fmt: skip
        serials = _serial_list(item.get("serial_numbers"), f"{field}.serial_numbers")
        if len(serials) > quantity or seen & set(serials) or len(set(serials)) < len(serials):
            raise errors.invalid(f"{field}.serial_numbers", "第 {n} 项:序列号重复或多于数量",
                                 "Item {n}: serial numbers repeat or outnumber the quantity", n=n)  # fmt: skip
        seen.update(serials)
        parsed.append({"kind": kind, "line": line, "product": product, "quantity": quantity,
                       "serials": serials, "description": description})  # fmt: skip
    return parsed


def receipt_record(
    *,
    case,
    actor,
    received: Mapping,
    serial_numbers=None,
    extras=None,
    warehouse=None,
    default_warehouse=None,
    into_stock: bool,
    note: str = "",
) -> tuple[Receipt, dict]:
    """Seed S2 仓库确认实际退货入库数量. `received` maps each case line (already checked by the
    caller: 0 ≤ received ≤ requested) to the units that arrived. Records per line what arrived
    and its serials, checked against the order line's sold serials; units more than announced and
    items not on the case as ReceiptExtra (never on the line, never refunded); one stock movement
    per unit into "awaiting inspection" when the goods become the company's (`into_stock`).
    Returns the receipt and the summary for the case's timeline event."""
    lines = list(case.lines.select_related("order_line__product"))
    lines_by_id = {str(line.id): line for line in lines}
    serials_in = serial_numbers or {}
    if not isinstance(serials_in, Mapping):
        raise errors.invalid("serial_numbers", "请按行填写序列号", "Give the serial numbers per line")
    serials_in = {str(k): v for k, v in serials_in.items()}
    unknown = set(serials_in) - set(lines_by_id)
    if unknown:
        raise errors.invalid("serial_numbers", "包含不属于本工单的行", "Contains lines not on this case")
    seen: set[str] = set()
    per_line = {}
    for n, line in enumerate(lines, start=1):
        field = f"serial_numbers[{line.id}]"
        serials = _serial_list(serials_in.get(str(line.id)), field)
        qty = received[str(line.id)]
        if len(serials) > qty:
            raise errors.invalid(field, "第 {n} 行:序列号 {count} 个,多于实收 {qty} 件",
                                 "Line {n}: {count} serial numbers for {qty} units received",
                                 n=n, count=len(serials), qty=qty)  # fmt: skip
        if seen & set(serials) or len(set(serials)) < len(serials):
            raise errors.invalid(field, "第 {n} 行:序列号重复", "Line {n}: a serial number repeats", n=n)
        seen.update(serials)
        per_line[line.id] = serials
    parsed_extras = _extras(extras, lines_by_id, seen)
    where = _warehouse(warehouse, default_warehouse)
    receipt = Receipt.objects.create(
        case=case, warehouse=where, received_by=actor, tracking_number=case.return_tracking_number,
        note=note, into_stock=into_stock,
    )  # fmt: skip
    summary_lines, discrepancy = [], bool(parsed_extras)
    for line in lines:
        qty = received[str(line.id)]
        serials = per_line[line.id]
        issues = _serial_issues(
            serials, sold=list(line.order_line.serial_numbers or []), claimed=list(line.serial_numbers or []),
            received=qty,
        )  # fmt: skip
        receipt_line = ReceiptLine.objects.create(
            receipt=receipt, case_line=line, product=line.order_line.product, quantity_expected=line.quantity,
            quantity_received=qty, serial_numbers=serials, serial_issues=issues,
        )  # fmt: skip
        values = allocate(line.claimed_amount, [Decimal(1)] * line.quantity)
        for seq in range(1, qty + 1):
            serial = serials[seq - 1] if seq <= len(serials) else ""
            ReturnUnit.objects.create(
                receipt_line=receipt_line, case_line=line, sequence=seq, serial_number=serial,
                unit_value=values[seq - 1],
            )  # fmt: skip
            if into_stock:
                stock_move(
                    product=line.order_line.product, warehouse=where, quantity=1, target=Condition.INSPECTION,
                    kind=MovementKind.RETURN_RECEIPT, reference=case_reference(case), serial_number=serial,
                    actor=actor, note="退货入库待检 / returned, awaiting inspection",
                )  # fmt: skip
        discrepancy = discrepancy or qty < line.quantity or bool(issues)
        summary_lines.append({
            "line": str(line.id), "requested": line.quantity, "received": qty, "short": line.quantity - qty,
            "serial_numbers": serials, "serial_issues": issues,
        })  # fmt: skip
    summary_extras = []
    for extra in parsed_extras:
        record = ReceiptExtra.objects.create(
            receipt=receipt, kind=extra["kind"], case_line=extra["line"], product=extra["product"],
            description=extra["description"], quantity=extra["quantity"], serial_numbers=extra["serials"],
        )  # fmt: skip
        summary_extras.append({
            "id": str(record.id), "kind": record.kind, "line": str(record.case_line_id or ""),
            "sku": record.product.sku if record.product else "", "quantity": record.quantity,
            "description": record.description, "serial_numbers": record.serial_numbers,
        })  # fmt: skip
    if discrepancy:
        receipt.has_discrepancy = True
        receipt.save(update_fields=["has_discrepancy", "updated_at"])
    return receipt, {
        "warehouse": where.code, "lines": summary_lines, "extras": summary_extras, "discrepancy": discrepancy,
    }  # fmt: skip


# --- inspection ---------------------------------------------------------------------------------


def _load_checklist() -> tuple[tuple[ChecklistItem, frozenset], ...]:
    items = ChecklistItem.objects.filter(is_active=True).prefetch_related("categories")
    return tuple((item, frozenset(c.id for c in item.categories.all())) for item in items)


# The active checklist with each item's categories, per process while unchanged (core.config;
# triggers on the items and their categories: migration inspection 0003). Shared: read-only.
_CHECKLIST: ConfigCache[tuple[tuple[ChecklistItem, frozenset], ...]] = ConfigCache(
    "inspection.checklist",
    models=["inspection.ChecklistItem", "inspection.ChecklistItem_categories"],
    load=_load_checklist,
)


def checklist_for(category_id) -> list[ChecklistItem]:
    """The active checklist items for a product category: those for every category, and those
    configured for this one (in the checklist's order). Read-only instances."""
    return [item for item, categories in _CHECKLIST.get() if not categories or category_id in categories]


def unit_deductions(*, unit_value: Decimal, failed_codes: Iterable[str], schedule: list[dict]) -> list[dict]:
    """The deductions the failed checklist points of an accepted unit imply, from the deduction
    schedule of the policy decision stored on the case (policies.DeductionRule: a percent of the
    unit's value, or a fixed amount per unit), each code once, together never more than the
    unit is worth (the last ones are cut)."""
    by_code = {d["code"]: d for d in schedule}
    result, left = [], unit_value
    for code in dict.fromkeys(failed_codes):
        rule = by_code.get(code)
        if rule is None:
            continue
        value = Decimal(str(rule["value"]))
        amount = quantize(unit_value * value / Decimal(100)) if rule["kind"] == "percent" else quantize(value)
        amount = min(amount, left)
        left -= amount
        result.append(
            {"code": code, "zh": rule.get("zh", ""), "en": rule.get("en", ""), "amount": str(amount)}
        )
    return result


def latest_receipt(case) -> Receipt | None:
    return Receipt.objects.filter(case=case).order_by("-created_at").first()


def _parse_unit(n: int, raw, units_by_id: dict, allowed_photos: dict, done: set) -> tuple:
    field = f"units[{n}]"
    if not isinstance(raw, Mapping):
        raise errors.invalid(field, "第 {n} 件格式不正确", "Unit {n} is not an object", n=n)
    unit = units_by_id.get(str(raw.get("unit") or ""))
    if unit is None:
        raise errors.unit_not_found(f"{field}.unit")
    if unit.id in done:
        raise errors.invalid(f"{field}.unit", "第 {n} 件重复填写", "Unit {n} is given twice", n=n)
    done.add(unit.id)
    grade = raw.get("grade")
    if grade not in Grade.values:
        raise errors.invalid(
            f"{field}.grade", "第 {n} 件:等级须为 A、B、C 或 D", "Unit {n}: grade A, B, C or D", n=n
        )
    outcome = raw.get("outcome")
    if outcome not in Outcome.values:
        raise errors.invalid(f"{field}.outcome", "第 {n} 件:请选择接收或拒收",
                             "Unit {n}: outcome accepted or rejected", n=n)  # fmt: skip
    reason = raw.get("rejection_reason") or ""
    if outcome == Outcome.REJECTED and reason not in RejectionReason.values:
        raise errors.invalid(f"{field}.rejection_reason", "第 {n} 件:拒收须选择原因(人为损坏、非本公司产品、缺少部件)",
                             "Unit {n}: a rejection needs its reason (customer damage, not our product, missing parts)",
                             n=n)  # fmt: skip
    if outcome == Outcome.ACCEPTED and reason:
        raise errors.invalid(f"{field}.rejection_reason", "第 {n} 件:接收的货品没有拒收原因",
                             "Unit {n}: an accepted unit has no rejection reason", n=n)  # fmt: skip
    photo_ids = raw.get("photos") or []
    if not isinstance(photo_ids, list | tuple):
        raise errors.invalid(
            f"{field}.photos", "照片须为附件编号列表", "Photos must be a list of attachment ids"
        )
    photos = []
    for photo_id in photo_ids:
        photo = allowed_photos.get(str(photo_id))
        if photo is None:
            raise errors.invalid(f"{field}.photos", "第 {n} 件:照片须是本工单的图片或视频附件",
                                 "Unit {n}: photos must be image or video attachments of this case", n=n)  # fmt: skip
        photos.append(photo)
    if outcome == Outcome.REJECTED and not photos:
        raise errors.invalid(f"{field}.photos", "第 {n} 件:拒收须附照片作为凭证",
                             "Unit {n}: a rejection needs at least one photo as evidence", n=n)  # fmt: skip
    return unit, grade, outcome, reason, photos


def _checks(n: int, raw, items: list[ChecklistItem]) -> dict[str, bool]:
    field = f"units[{n}].checks"
    checks = raw.get("checks")
    if not isinstance(checks, Mapping) or not all(isinstance(v, bool) for v in checks.values()):
        raise errors.invalid(
            field, "第 {n} 件:请逐项填写检查结果(是/否)", "Unit {n}: answer every check (true/false)", n=n
        )
    codes = [i.code for i in items]
    missing = [i for i in items if i.code not in checks]
    unknown = sorted(set(checks) - set(codes))
    if missing:
        raise errors.invalid(field, "第 {n} 件:未填写 {names_zh}", "Unit {n}: not answered: {names_en}", n=n,
                             names_zh="、".join(i.name for i in missing),
                             names_en=", ".join(i.name_en for i in missing))  # fmt: skip
    if unknown:
        raise errors.invalid(field, "第 {n} 件:该品类没有检查项 {codes}", "Unit {n}: no such check for this category: {codes}",
                             n=n, codes=", ".join(unknown))  # fmt: skip
    return {code: checks[code] for code in codes}


def inspection_record(*, case, actor, units, deduction_schedule: list[dict], attachments) -> dict:
    """Seed S9 step 6 验收 (matches the request, intact, accessories complete), S7/S4 (box,
    manual, warranty card, invoice, gifts): every unit of the latest receipt gets a grade, the
    answer to every checklist point of its category, an outcome and, for a rejection, its reason
    and a photo. Accepted units carry the deductions their failed points imply. Returns
    {case line id: accepted units} and the summary for the timeline event."""
    receipt = latest_receipt(case)
    if receipt is None:
        raise errors.not_received()
    all_units = list(
        ReturnUnit.objects.filter(receipt_line__receipt=receipt).select_related(
            "receipt_line__product", "case_line"
        )
    )
    if any(u.outcome for u in all_units):
        raise errors.already_inspected()
    if not isinstance(units, list | tuple):
        raise errors.invalid("units", "请逐件填写验收结果", "Give the inspection of each unit")
    by_id = {str(u.id): u for u in all_units}
    photos = {str(a.id): a for a in attachments if a.kind in ("image", "video")}
    checklists: dict = {}
    done: set = set()
    now = timezone.now()
    parsed = []
    for n, raw in enumerate(units, start=1):
        unit, grade, outcome, reason, unit_photos = _parse_unit(n, raw, by_id, photos, done)
        category = unit.receipt_line.product.category_id
        if category not in checklists:
            checklists[category] = checklist_for(category)
        checks = _checks(n, raw, checklists[category])
        parsed.append((n, raw, unit, grade, outcome, reason, unit_photos, checks))
    if len(done) < len(all_units):
        raise errors.units_incomplete(len(all_units) - len(done))
    accepted: dict = {u.case_line_id: 0 for u in all_units}
    summary = []
    for n, raw, unit, grade, outcome, reason, unit_photos, checks in parsed:
        items = {i.code: i for i in checklists[unit.receipt_line.product.category_id]}
        detail = []
        if outcome == Outcome.ACCEPTED:
            failed = [
                items[code].deduction_code
                for code, ok in checks.items()
                if not ok and items[code].deduction_code
            ]
            detail = unit_deductions(
                unit_value=unit.unit_value, failed_codes=failed, schedule=deduction_schedule
            )
            accepted[unit.case_line_id] += 1
        unit.grade, unit.outcome, unit.rejection_reason, unit.checks = grade, outcome, reason, checks
        unit.deduction = sum((Decimal(d["amount"]) for d in detail), ZERO)
        unit.deduction_detail = detail
        unit.note = str(raw.get("note") or "")[:300]
        unit.inspected_at, unit.inspected_by = now, actor
        unit.save(update_fields=[
            "grade", "outcome", "rejection_reason", "checks", "deduction", "deduction_detail", "note",
            "inspected_at", "inspected_by", "updated_at",
        ])  # fmt: skip
        unit.photos.set(unit_photos)
        if raw.get("disposition"):
            unit_dispose(case=case, unit=unit, disposition=raw["disposition"], actor=actor,
                         field=f"units[{n}].disposition")  # fmt: skip
        summary.append({
            "unit": str(unit.id), "line": str(unit.case_line_id), "serial_number": unit.serial_number,
            "grade": grade, "outcome": outcome, "rejection_reason": reason, "deduction": str(unit.deduction),
            "failed_checks": [code for code, ok in checks.items() if not ok],
            "disposition": unit.disposition,
        })  # fmt: skip
    return {"accepted": accepted, "units": summary}


# --- disposition ----------------------------------------------------------------------------------

_MOVES = {  # disposition: (target condition or "" to leave stock, movement kind)
    Disposition.RESTOCK: (Condition.SELLABLE, MovementKind.DISPOSITION),
    Disposition.QUARANTINE: (Condition.QUARANTINE, MovementKind.DISPOSITION),
    Disposition.REFURBISH: (Condition.REFURBISH, MovementKind.DISPOSITION),
    Disposition.SCRAP: ("", MovementKind.SCRAP),
    Disposition.RETURN_TO_SUPPLIER: ("", MovementKind.RETURN_TO_SUPPLIER),
    Disposition.RETURN_TO_CUSTOMER: ("", MovementKind.RETURN_TO_CUSTOMER),
}


def unit_dispose(
    *, case, unit: ReturnUnit, disposition: str, actor, field: str = "disposition", note: str = ""
) -> ReturnUnit:
    """What happens to an inspected unit: restocked as sellable, quarantined, sent to refurbish,
    scrapped, returned to the supplier — or, when inspection rejected it, sent back to the
    customer. One stock movement out of "awaiting inspection" at the receiving warehouse. Final:
    later moves of the stock are stock operations (inventory), not the unit's disposition."""
    receipt = unit.receipt_line.receipt
    if not receipt.into_stock:
        raise errors.not_in_stock()
    if disposition not in Disposition.values:
        raise errors.disposition_invalid(
            field, f"无效的处置方式:{disposition}", f"Invalid disposition: {disposition}"
        )
    if not unit.outcome:
        raise errors.not_inspected(field)
    if unit.disposition:
        raise errors.already_disposed(field, Disposition(unit.disposition).label)
    if unit.outcome == Outcome.REJECTED and disposition != Disposition.RETURN_TO_CUSTOMER:
        raise errors.disposition_invalid(
            field, "拒收的货品只能退回客户", "A rejected unit can only be sent back to the customer"
        )
    if unit.outcome == Outcome.ACCEPTED and disposition == Disposition.RETURN_TO_CUSTOMER:
        raise errors.disposition_invalid(
            field, "已接收的货品不能退回客户", "An accepted unit is not sent back to the customer"
        )
    target, kind = _MOVES[Disposition(disposition)]
    movement = stock_move(
        product=unit.receipt_line.product, warehouse=receipt.warehouse, quantity=1,
        source=Condition.INSPECTION, target=target, kind=kind, reference=case_reference(case),
        serial_number=unit.serial_number, actor=actor, note=note[:300],
    )  # fmt: skip
    unit.disposition = disposition
    unit.disposed_at = timezone.now()
    unit.disposed_by = actor
    unit.stock_movement = movement
    unit.save(update_fields=["disposition", "disposed_at", "disposed_by", "stock_movement", "updated_at"])
    return unit


def extra_resolve(
    *, case, extra: ReceiptExtra, resolution: str, actor, note: str = "", condition: str = ""
) -> ReceiptExtra:
    """An extra item is settled: sent back to the customer, or — after review, with a reason —
    taken into stock in the condition named (quarantine by default) by one movement."""
    if extra.resolution != ExtraResolution.OPEN:
        raise errors.extra_resolved()
    note = (note or "").strip()[:300]
    if resolution == ExtraResolution.TAKEN_INTO_STOCK:
        if extra.product is None:
            raise errors.invalid("resolution", "未知商品不能入库,请退回客户",
                                 "An unidentified item cannot be taken into stock; send it back")  # fmt: skip
        if not note:
            raise errors.invalid("note", "入库须说明理由", "Say why it is taken into stock")
        condition = condition or Condition.QUARANTINE
        if condition not in (Condition.SELLABLE, Condition.QUARANTINE, Condition.REFURBISH):
            raise errors.invalid(
                "condition", "库存状态须为可售、隔离或待翻新", "Condition: sellable, quarantine or refurbish"
            )
        extra.stock_movement = stock_move(
            product=extra.product, warehouse=extra.receipt.warehouse, quantity=extra.quantity, target=condition,
            kind=MovementKind.RETURN_RECEIPT, reference=case_reference(case), actor=actor,
            serial_number=",".join(extra.serial_numbers)[:100], note=note,
        )  # fmt: skip
    elif resolution != ExtraResolution.RETURNED_TO_CUSTOMER:
        raise errors.invalid("resolution", "处理方式须为退回客户或入库",
                             "Resolution: returned_to_customer or taken_into_stock")  # fmt: skip
    extra.resolution = resolution
    extra.resolution_note = note
    extra.resolved_by = actor
    extra.resolved_at = timezone.now()
    extra.save(update_fields=[
        "resolution", "resolution_note", "resolved_by", "resolved_at", "stock_movement", "updated_at",
    ])  # fmt: skip
    return extra
