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
