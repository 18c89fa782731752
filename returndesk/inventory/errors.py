"""Stable error codes of the stock domain (inventory.*)."""

from returndesk.core.errors import ConflictError, DomainError


def quantity_invalid(quantity) -> DomainError:
    return DomainError(
        "inventory.quantity_invalid",
        "数量须为正整数(收到 {q})",
        "The quantity must be a positive whole number (got {q})",
        fields={"quantity": ("须为正整数", "must be a positive whole number")},
        q=quantity,
    )


def same_condition() -> DomainError:
    return DomainError(
        "inventory.same_condition", "转出与转入的库存状态相同", "Source and target condition are the same"
    )


def insufficient(sku: str, warehouse: str, condition: str, wanted: int, have: int) -> DomainError:
    return ConflictError(
        "inventory.insufficient",
        "{sku} 在 {warehouse} 的{condition}库存不足:需要 {wanted},现有可用 {have}",
        "Not enough {condition} stock of {sku} at {warehouse}: {wanted} needed, {have} available",
        sku=sku, warehouse=warehouse, condition=condition, wanted=wanted, have=have,
    )  # fmt: skip


def out_of_stock(sku: str, warehouse: str, wanted: int, have: int) -> DomainError:
    return ConflictError(
        "inventory.out_of_stock",
        "{sku} 在 {warehouse} 可售库存不足:需要 {wanted},可用 {have};未分配任何库存",
        "{sku} is out of stock at {warehouse}: {wanted} needed, {have} available; nothing was allocated",
        sku=sku, warehouse=warehouse, wanted=wanted, have=have,
    )  # fmt: skip


def release_exceeds(sku: str, wanted: int, allocated: int) -> DomainError:
    return ConflictError(
        "inventory.release_exceeds",
        "{sku} 只分配了 {allocated},不能释放或发出 {wanted}",
        "Only {allocated} of {sku} are allocated; cannot release or ship {wanted}",
        sku=sku, wanted=wanted, allocated=allocated,
    )  # fmt: skip


def _field(err: DomainError, field: str) -> DomainError:
    err.fields = {field: (err.zh, err.en)}
    return err


def forbidden() -> DomainError:
    from returndesk.core.errors import PermissionDenied

    return PermissionDenied(
        "inventory.forbidden", "只有仓库可以登记库存变动", "Only the warehouse may record stock movements"
    )


def manual_kind(value, options) -> DomainError:
    return _field(
        DomainError(
            "inventory.kind_not_manual", "不能手工登记此类库存变动:{value}",
            "This kind of movement is not recorded by hand: {value}", value=value, options=options,
        ),
        "kind",
    )  # fmt: skip


def side_required(name: str) -> DomainError:
    return _field(
        DomainError("inventory.side_required", "请选择库存状态", "Choose the stock condition"), name
    )


def side_not_allowed(name: str) -> DomainError:
    return _field(
        DomainError(
            "inventory.side_not_allowed", "此类变动不填此库存状态", "This kind of movement has no such side"
        ),
        name,
    )


def inspection_via_case(name: str) -> DomainError:
    return _field(
        DomainError(
            "inventory.inspection_via_case",
            "待检验库存只能通过工单的验收与处置变动",
            "Units awaiting inspection move only through their case's inspection and dispositions",
        ),
        name,
    )


def refurbished_path() -> DomainError:
    return _field(
        DomainError(
            "inventory.refurbished_path",
            "翻新完成须从「待翻新」转入「可售」",
            "Refurbished units move from refurbish to sellable",
        ),
        "kind",
    )


def note_required() -> DomainError:
    return _field(DomainError("inventory.note_required", "请说明原因", "Say why"), "note")
