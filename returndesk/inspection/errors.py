"""Stable error codes of receipt and inspection (inspection.*), each with zh and en messages.
Field names follow the workflow inputs: `serial_numbers[<line id>]`, `extras[<n>]`, `units[<n>]`
(n counted from 1, as people count rows)."""

from __future__ import annotations

from returndesk.core.errors import ConflictError, DomainError, NotFound, PermissionDenied


def invalid(field: str, zh: str, en: str, code: str = "inspection.invalid_input", **params) -> DomainError:
    err = DomainError(code, zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def warehouse_unknown(value) -> DomainError:
    return invalid(
        "warehouse",
        "仓库 {value} 不存在",
        "No warehouse {value}",
        "inspection.warehouse_unknown",
        value=value,
    )


def no_warehouse() -> ConflictError:
    return ConflictError(
        "inspection.no_warehouse",
        "无法确定收货仓库:请填写仓库,或由管理员设置默认退货仓",
        "Cannot tell which warehouse received the goods: name it, or have an administrator set a default",
    )


def not_received() -> ConflictError:
    return ConflictError(
        "inspection.not_received", "本工单尚无收货记录", "Nothing has been received on this case yet"
    )


def unit_not_found(field: str) -> DomainError:
    return invalid(field, "该件不属于本工单最近一次收货", "This unit is not in the case's latest receipt",
                   "inspection.unit_not_found")  # fmt: skip


def units_incomplete(count: int) -> DomainError:
    return invalid(
        "units", "每一件收到的货品都须验收:还有 {count} 件未填写", "Every unit received must be inspected: {count} missing",
        "inspection.units_incomplete", count=count,
    )  # fmt: skip


def already_inspected() -> ConflictError:
    return ConflictError(
        "inspection.already_inspected", "本次收货已验收", "This receipt has already been inspected"
    )


def not_inspected(field: str) -> DomainError:
    return invalid(field, "该件尚未验收,不能处置", "This unit has not been inspected; it cannot be disposed of yet",
                   "inspection.not_inspected")  # fmt: skip


def already_disposed(field: str, disposition: str) -> ConflictError:
    err = ConflictError(
        "inspection.already_disposed", "该件已处置:{disposition}", "This unit was already disposed of: {disposition}",
        disposition=disposition,
    )  # fmt: skip
    err.fields = {field: (err.zh, err.en)}
    return err


def disposition_invalid(field: str, zh: str, en: str) -> DomainError:
    return invalid(field, zh, en, "inspection.disposition_invalid")


def not_in_stock() -> ConflictError:
    return ConflictError(
        "inspection.not_in_stock",
        "维修件属于客户,不入库存,也不做库存处置",
        "Units in for repair are the customer's: they are not stock and get no disposition",
    )


def extra_not_found() -> NotFound:
    return NotFound(
        "inspection.extra_not_found", "多收/非申请货品记录不存在", "No such extra item on this case"
    )


def extra_resolved() -> ConflictError:
    return ConflictError(
        "inspection.extra_resolved", "该记录已处理", "This extra item has already been resolved"
    )


def forbidden(action: str) -> PermissionDenied:
    return PermissionDenied(
        "inspection.role_forbidden",
        "您的角色无权执行此操作",
        "Your role may not take this action",
        action=action,
    )
