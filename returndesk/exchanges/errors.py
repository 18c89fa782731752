"""Stable error codes of the exchange domain (exchange.*)."""

from returndesk.core.errors import ConflictError, DomainError


def _field(code: str, field: str, zh: str, en: str, **params) -> DomainError:
    err = DomainError(code, zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def nothing_received() -> DomainError:
    return DomainError(
        "exchange.nothing_received",
        "仓库没有收到任何退回的商品,无法安排换货",
        "No returned goods were received, so there is nothing to replace",
    )


def nothing_accepted() -> DomainError:
    return DomainError(
        "exchange.nothing_accepted",
        "验收未接收任何退回的商品(全部拒收),无法安排换货",
        "Inspection accepted none of the returned goods, so there is nothing to replace",
    )


def unknown_line(field: str) -> DomainError:
    return _field("exchange.unknown_line", field, "不是本工单的行", "Not a line of this case")


def line_not_received(field: str, n: int) -> DomainError:
    return _field(
        "exchange.line_not_received", field,
        "第 {n} 行没有收到退回的商品,不能换货", "Line {n}: nothing was received back, so it cannot be replaced",
        n=n,
    )  # fmt: skip


def duplicate_line(field: str) -> DomainError:
    return _field("exchange.duplicate_line", field, "同一行只能指定一次换货商品", "Name each line once")


def unknown_product(field: str, sku: str) -> DomainError:
    return _field(
        "exchange.unknown_product", field, "商品 {sku} 不存在或已停售", "No active product {sku}", sku=sku
    )


def other_category(field: str, sku: str) -> DomainError:
    return _field(
        "exchange.other_category", field,
        "换货只能换同类商品的其他型号,{sku} 不属于同一类别",
        "An exchange may only take another variant of the same category; {sku} is in another one",
        sku=sku,
    )  # fmt: skip


def price_required(field: str, sku: str) -> DomainError:
    return _field(
        "exchange.price_required", field,
        "换成其他型号 {sku} 时须填写其现行单价(含税)",
        "Give the current unit price (incl. tax) of the other variant {sku}",
        sku=sku,
    )  # fmt: skip


def price_not_for_same_product(field: str) -> DomainError:
    return _field(
        "exchange.price_not_for_same_product", field,
        "同款换货按原价处理,不填写单价",
        "A like-for-like exchange keeps the price paid; give no unit price",
    )  # fmt: skip


def price_invalid(field: str, value) -> DomainError:
    return _field(
        "exchange.price_invalid", field,
        "单价须为不小于 0 的金额(如 \"1299.00\"),收到 {value}",
        "The unit price must be an amount of 0 or more (e.g. \"1299.00\"), got {value}",
        value=value,
    )  # fmt: skip


def no_warehouse() -> DomainError:
    return _field(
        "exchange.no_warehouse", "warehouse",
        "请指定发货仓库(没有默认仓库)", "Name the shipping warehouse (there is no default one)",
    )  # fmt: skip


def unknown_warehouse(code: str) -> DomainError:
    return _field(
        "exchange.unknown_warehouse", "warehouse", "仓库 {code} 不存在", "No warehouse {code}", code=code
    )


def already_paid(number: str) -> ConflictError:
    return ConflictError(
        "exchange.already_paid",
        "差价 {number} 已收款,不能再重新安排换货",
        "The price difference {number} is already paid; the exchange can no longer be re-arranged",
        number=number,
    )


def no_live_exchange() -> ConflictError:
    return ConflictError(
        "exchange.not_arranged", "本工单尚未安排换货", "No replacement has been arranged for this case"
    )


def nothing_due() -> ConflictError:
    return ConflictError("exchange.nothing_due", "没有待支付的差价", "No price difference is due")


def serials_invalid(field: str, n: int, quantity: int) -> DomainError:
    return _field(
        "exchange.serials_invalid", field,
        "第 {n} 行:换货序列号重复或多于数量 {quantity}",
        "Line {n}: replacement serial numbers repeat or outnumber the quantity {quantity}",
        n=n, quantity=quantity,
    )  # fmt: skip


def credit_not_due() -> ConflictError:
    return ConflictError(
        "exchange.credit_not_due", "本换货没有待退还的差价", "No price difference is due to the customer"
    )


def reference_required(field: str) -> DomainError:
    return _field("exchange.reference_required", field, "请填写凭证号", "Give the reference")


def reference_used(reference: str) -> ConflictError:
    err = ConflictError(
        "exchange.reference_used",
        "收款凭证号 {reference} 已用于其他差价",
        "The payment reference {reference} was already used for another difference",
        reference=reference,
    )
    err.fields = {"payment_reference": (err.zh, err.en)}
    return err


def difference_unpaid() -> ConflictError:
    return ConflictError(
        "exchange.difference_unpaid",
        "客户尚未支付差价,不能发出换货",
        "The customer has not paid the price difference; the replacement cannot ship",
    )
