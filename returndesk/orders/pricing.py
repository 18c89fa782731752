"""Order amounts: validate order lines and compute each line's paid-net amounts. Pure, no queries.

Rule (order-import issue): "On creation each line stores its paid-net amounts. Order-level
discounts are allocated across lines in proportion to their net value, and the rounding remainder
goes to the last line, so the lines sum exactly to the amount paid. Amounts are Decimal, CNY by
default." A line's net value is unit price x quantity - line discount.

Field names in errors follow the service arguments: "order_discount", "lines.0.unit_price"
(0-based index), so interfaces can point at the exact input; messages count lines from 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from returndesk.catalog.models import Product
from returndesk.core.errors import DomainError
from returndesk.core.money import ZERO, allocate, quantize, to_decimal

from .models import TaxMode

MAX_AMOUNT = Decimal("999999999999.99")  # what the 14-digit, 2-place money columns hold
DEFAULT_TAX_RATE = Decimal("0.13")  # 增值税 standard rate on goods
LINE_FIELDS = frozenset(
    {
        "product",
        "quantity",
        "quantity_shipped",
        "unit_price",
        "line_discount",
        "tax_mode",
        "tax_rate",
        "serial_numbers",
        "no_reason_return_waived",
        "lot",
    }
)
REQUIRED_LINE_FIELDS = ("product", "quantity", "unit_price")


@dataclass(frozen=True)
class LineInput:
    """One validated order line as given, before amounts are computed."""

    product: Product
    quantity: int
    quantity_shipped: int
    unit_price: Decimal
    line_discount: Decimal
    tax_mode: str
    tax_rate: Decimal
    serial_numbers: list[str] = field(default_factory=list)
    no_reason_return_waived: bool = False
    lot: str = ""  # production batch the units were shipped from (analytics: return rate by lot)

    @property
    def net_value(self) -> Decimal:
        return self.unit_price * self.quantity - self.line_discount


@dataclass(frozen=True)
class LineAmounts:
    net_value: Decimal
    order_discount_share: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    paid_amount: Decimal


@dataclass(frozen=True)
class OrderAmounts:
    lines: tuple[LineAmounts, ...]
    order_discount: Decimal
    shipping_fee: Decimal
    goods_total: Decimal
    total_paid: Decimal


def line_error(code: str, index: int, name: str, zh: str, en: str, /, **params) -> DomainError:
    """An error about one field of line `index` (0-based); messages say "line {line}" from 1."""
    return DomainError(
        code,
        "第 {line} 行：" + zh,
        "Line {line}: " + en,
        fields={f"lines.{index}.{name}": (zh.format(**params), en.format(**params))},
        line=index + 1,
        **params,
    )


def parse_money(value, *, field: str, label: tuple[str, str]) -> Decimal:
    """An amount in yuan: str, int or Decimal (never float), at most 2 places, 0 or more."""
    zh_label, en_label = label

    def error(code: str, zh: str, en: str) -> DomainError:
        return DomainError(
            code,
            "{label_zh}" + zh,
            "{label_en}" + en,
            fields={field: (zh.format(value=value), en.format(value=value))},
            label_zh=zh_label,
            label_en=en_label,
            value=value,
        )

    if isinstance(value, float):
        raise error(
            "order.float_amount",
            "不能是浮点数 {value!r}，请用字符串或 Decimal。",
            " may not be a float ({value!r}); pass a string or a Decimal.",
        )
    not_an_amount = ("order.invalid_amount", "不是金额：{value!r}。", " is not an amount: {value!r}.")
    if isinstance(value, bool) or value is None:
        raise error(*not_an_amount)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise error(*not_an_amount) from None
    if abs(amount) > MAX_AMOUNT:
        raise error("order.invalid_amount", "过大：{value}。", " is too large: {value}.")
    if amount != amount.quantize(Decimal("0.01")):
        raise error(
            "order.invalid_amount", "最多两位小数：{value}。", " has more than two decimal places: {value}."
        )
    if amount < 0:
        raise error("order.negative_amount", "不能为负数：{value}。", " may not be negative: {value}.")
    return quantize(amount)


def _parse_tax_rate(value, index: int) -> Decimal:
    invalid = line_error(
        "order.invalid_tax_rate",
        index,
        "tax_rate",
        "税率必须是 0 到 1 之间的小数（如 0.13），最多四位小数，而不是 {value!r}。",
        "the tax rate must be a fraction from 0 up to 1 (e.g. 0.13), at most 4 places, not {value!r}.",
        value=value,
    )
    if isinstance(value, (float, bool)) or value is None:
        raise invalid
    try:
        rate = to_decimal(value)
    except (TypeError, ValueError):
        raise invalid from None
    if not Decimal(0) <= rate < 1 or rate != rate.quantize(Decimal("0.0001")):
        raise invalid
    return rate


def _parse_quantity(value, index: int, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise line_error(
            "order.invalid_quantity",
            index,
            name,
            "数量必须是不小于 {minimum} 的整数，而不是 {value!r}。",
            "the quantity must be a whole number of at least {minimum}, not {value!r}.",
            minimum=minimum,
            value=value,
        )
    return value


def _parse_serials(value, index: int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise line_error(
            "order.invalid_serial",
            index,
            "serial_numbers",
            "序列号必须是列表。",
            "serial numbers must be a list.",
        )
    serials = []
    for serial in value:
        text = serial.strip() if isinstance(serial, str) else ""
        if not text or len(text) > 100:
            raise line_error(
                "order.invalid_serial",
                index,
                "serial_numbers",
                "序列号无效：{serial!r}。",
                "not a serial number: {serial!r}.",
                serial=serial,
            )
        serials.append(text)
    return serials


def _get(raw: Mapping, name: str, default):
    value = raw.get(name)
    return default if value is None else value


def clean_line(raw: Mapping, index: int) -> LineInput:
    """Validate one line dict (keys: LINE_FIELDS) into a LineInput."""
    if not isinstance(raw, Mapping):
        raise line_error("order.invalid_line", index, "product", "订单行格式无效。", "not an order line.")
    unknown = sorted(set(raw) - LINE_FIELDS)
    if unknown:
        raise line_error(
            "order.unknown_line_field",
            index,
            unknown[0],
            "未知字段 {name}。",
            "unknown field {name}.",
            name=unknown[0],
        )
    for name in REQUIRED_LINE_FIELDS:
        if raw.get(name) is None:
            raise line_error(
                "order.missing_line_field", index, name, "缺少 {name}。", "{name} is required.", name=name
            )
    product = raw["product"]
    if not isinstance(product, Product) or product._state.adding:
        raise line_error(
            "order.invalid_product", index, "product", "请选择已存在的商品。", "choose an existing product."
        )
    quantity = _parse_quantity(raw["quantity"], index, "quantity", minimum=1)
    shipped = raw.get("quantity_shipped")
    shipped = quantity if shipped is None else _parse_quantity(shipped, index, "quantity_shipped", minimum=0)
    if shipped > quantity:
        raise line_error(
            "order.shipped_exceeds_ordered",
            index,
            "quantity_shipped",
            "发货数量 {shipped} 超过订购数量 {quantity}。",
            "quantity shipped {shipped} exceeds quantity ordered {quantity}.",
            shipped=shipped,
            quantity=quantity,
        )
    unit_price = parse_money(
        raw["unit_price"],
        field=f"lines.{index}.unit_price",
        label=(f"第 {index + 1} 行单价", f"Line {index + 1}: the unit price"),
    )
    line_discount = parse_money(
        _get(raw, "line_discount", ZERO),
        field=f"lines.{index}.line_discount",
        label=(f"第 {index + 1} 行优惠", f"Line {index + 1}: the line discount"),
    )
    tax_mode = _get(raw, "tax_mode", TaxMode.INCLUSIVE)
    if tax_mode not in TaxMode.values:
        raise line_error(
            "order.invalid_tax_mode",
            index,
            "tax_mode",
            "计税方式无效：{value!r}（inclusive 含税 或 exclusive 不含税）。",
            "unknown tax mode {value!r} (inclusive or exclusive).",
            value=tax_mode,
        )
    tax_rate = _parse_tax_rate(_get(raw, "tax_rate", DEFAULT_TAX_RATE), index)
    serials = _parse_serials(raw.get("serial_numbers"), index)
    if serials and len(serials) != shipped:
        raise line_error(
            "order.serials_count",
            index,
            "serial_numbers",
            "给出了 {count} 个序列号，但发货数量是 {shipped}。",
            "{count} serial numbers given but {shipped} shipped.",
            count=len(serials),
            shipped=shipped,
        )
    waived = _get(raw, "no_reason_return_waived", False)
    if not isinstance(waived, bool):
        raise line_error(
            "order.invalid_flag",
            index,
            "no_reason_return_waived",
            "必须是是/否。",
            "must be true or false.",
        )
    lot = _get(raw, "lot", "")
    if not isinstance(lot, str) or len(lot.strip()) > 64:
        raise line_error(
            "order.invalid_lot",
            index,
            "lot",
            "批次号须为不超过 64 个字符的文本。",
            "the lot must be text of at most 64 characters.",
        )
    line = LineInput(
        product,
        quantity,
        shipped,
        unit_price,
        line_discount,
        tax_mode,
        tax_rate,
        serials,
        waived,
        lot.strip(),
    )
    if line.net_value < 0:
        raise line_error(
            "order.line_discount_exceeds_value",
            index,
            "line_discount",
            "行优惠 {discount} 超过商品金额 {value}。",
            "the line discount {discount} exceeds the line's value {value}.",
            discount=line_discount,
            value=unit_price * quantity,
        )
    return line


def clean_lines(lines: Sequence[Mapping]) -> list[LineInput]:
    """Validate all lines; serial numbers must be unique across the whole order."""
    if not lines:
        raise DomainError(
            "order.no_lines",
            "订单至少需要一行商品。",
            "An order needs at least one line.",
            fields={"lines": ("至少一行。", "At least one line.")},
        )
    cleaned = [clean_line(raw, index) for index, raw in enumerate(lines)]
    seen: set[str] = set()
    for index, line in enumerate(cleaned):
        for serial in line.serial_numbers:
            if serial in seen:
                raise line_error(
                    "order.duplicate_serial",
                    index,
                    "serial_numbers",
                    "序列号 {serial} 在订单中重复。",
                    "serial number {serial} appears twice on the order.",
                    serial=serial,
                )
            seen.add(serial)
    return cleaned


def compute_amounts(
    lines: Sequence[LineInput], *, order_discount: Decimal, shipping_fee: Decimal
) -> OrderAmounts:
    """Allocate the order discount over the lines' net values (core.money.allocate: half-up
    shares, remainder to the last line) and split each line's paid amount into net and tax.

    Tax inclusive: paid = net value - share; tax = paid x rate / (1 + rate); net = paid - tax.
    Tax exclusive: net = net value - share; tax = net x rate; paid = net + tax.
    """
    values = [line.net_value for line in lines]
    if order_discount > sum(values, ZERO):
        raise DomainError(
            "order.discount_exceeds_goods",
            "订单优惠 {discount} 超过商品金额合计 {goods}。",
            "The order discount {discount} exceeds the goods total {goods}.",
            fields={"order_discount": ("超过商品金额合计。", "Exceeds the goods total.")},
            discount=order_discount,
            goods=sum(values, ZERO),
        )
    shares = allocate(order_discount, values)
    amounts = []
    for line, value, share in zip(lines, values, shares, strict=True):
        if line.tax_mode == TaxMode.INCLUSIVE:
            paid = value - share
            tax = quantize(paid * line.tax_rate / (1 + line.tax_rate))
            net = paid - tax
        else:
            net = value - share
            tax = quantize(net * line.tax_rate)
            paid = net + tax
        amounts.append(LineAmounts(value, share, net, tax, paid))
    goods_total = sum((a.paid_amount for a in amounts), ZERO)
    return OrderAmounts(tuple(amounts), order_discount, shipping_fee, goods_total, goods_total + shipping_fee)


def order_amounts(
    *, lines: Sequence[Mapping], order_discount=Decimal(0), shipping_fee=Decimal(0)
) -> OrderAmounts:
    """What order_create would store for these lines, without writing (also for previews)."""
    discount = parse_money(order_discount, field="order_discount", label=("订单优惠", "The order discount"))
    shipping = parse_money(shipping_fee, field="shipping_fee", label=("运费", "The shipping fee"))
    return compute_amounts(clean_lines(lines), order_discount=discount, shipping_fee=shipping)
