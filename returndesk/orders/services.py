"""Write use-cases for orders. `actor` is the signed-in user, or None for the system itself
(CSV imports, shop integrations)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.catalog.models import Customer
from returndesk.catalog.services import require_role
from returndesk.core.errors import DomainError

from .models import Channel, Order, OrderLine, Payment, PaymentMethod
from .pricing import LineInput, OrderAmounts, clean_lines, compute_amounts, parse_money
from .selectors import order_references

logger = logging.getLogger(__name__)

ORDER_WRITERS = frozenset({Role.ADMIN, Role.SALES, Role.SUPERVISOR, Role.SYSTEM})
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
PAYMENT_FIELDS = frozenset({"method", "amount", "provider_reference", "paid_at"})


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal
    provider_reference: str
    paid_at: datetime | None


@transaction.atomic
def order_create(
    *,
    actor,
    channel: str,
    number: str,
    customer: Customer,
    placed_at: datetime,
    lines: Sequence[Mapping],
    payments: Sequence[Mapping] = (),
    order_discount=Decimal(0),
    shipping_fee=Decimal(0),
    paid_at: datetime | None = None,
    shipped_at: datetime | None = None,
    delivered_at: datetime | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    shipping_address: str = "",
    currency: str = "CNY",
) -> Order:
    """Record an order from a sales channel with its lines and payments.

    Rule (order-import issue): each line stores its paid-net amounts at creation; the order
    discount is allocated over the lines in proportion to their net value, the rounding remainder
    to the last line, so the lines sum exactly to the goods paid (see pricing.compute_amounts).
    Payments, when given, must add up exactly to the total paid (goods + shipping fee).
    Line dict keys: product, quantity, quantity_shipped (default quantity), unit_price,
    line_discount (0), tax_mode ("inclusive"), tax_rate (0.13), serial_numbers ([]),
    no_reason_return_waived (False). Amounts: str, int or Decimal, never float.
    """
    require_role(actor, ORDER_WRITERS, code="order.forbidden")
    number = _clean_header(channel=channel, number=number, customer=customer, currency=currency)
    _check_dates(placed_at=placed_at, paid_at=paid_at, shipped_at=shipped_at, delivered_at=delivered_at)
    contact = _clean_contact(
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        shipping_address=shipping_address,
    )
    discount = parse_money(order_discount, field="order_discount", label=("订单优惠", "The order discount"))
    shipping = parse_money(shipping_fee, field="shipping_fee", label=("运费", "The shipping fee"))
    line_inputs = clean_lines(lines)
    amounts = compute_amounts(line_inputs, order_discount=discount, shipping_fee=shipping)
    payment_inputs = _clean_payments(payments, amounts=amounts, default_paid_at=paid_at)
    if Order.objects.filter(channel=channel, number=number).exists():
        raise _duplicate_number(channel, number)

    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=number,
                channel=channel,
                customer=customer,
                currency=currency,
                placed_at=placed_at,
                paid_at=paid_at,
                shipped_at=shipped_at,
                delivered_at=delivered_at,
                order_discount=discount,
                shipping_fee=shipping,
                goods_total=amounts.goods_total,
                total_paid=amounts.total_paid,
                **contact,
            )
    except IntegrityError:
        if Order.objects.filter(channel=channel, number=number).exists():
            raise _duplicate_number(channel, number) from None
        raise
    _create_lines(order, line_inputs, amounts)
    _create_payments(order, payment_inputs)
    return order


def _create_lines(order: Order, line_inputs: Sequence[LineInput], amounts: OrderAmounts) -> None:
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            product=line.product,
            quantity=line.quantity,
            quantity_shipped=line.quantity_shipped,
            unit_price=line.unit_price,
            line_discount=line.line_discount,
            tax_mode=line.tax_mode,
            tax_rate=line.tax_rate,
            order_discount_share=line_amounts.order_discount_share,
            net_amount=line_amounts.net_amount,
            tax_amount=line_amounts.tax_amount,
            paid_amount=line_amounts.paid_amount,
            serial_numbers=line.serial_numbers,
            no_reason_return_waived=line.no_reason_return_waived,
            lot=line.lot,
        )
        for position, (line, line_amounts) in enumerate(zip(line_inputs, amounts.lines, strict=True), start=1)
    )


def _duplicate_number(channel: str, number: str) -> DomainError:
    return DomainError(
        "order.duplicate_number",
        "渠道 {channel} 中已有订单号 {number}。",
        "Order number {number} already exists in channel {channel}.",
        kind="conflict",
        fields={"number": ("该渠道中已有此订单号。", "This order number already exists in the channel.")},
        channel=channel,
        number=number,
    )


def _clean_header(*, channel, number, customer, currency) -> str:
    if channel not in Channel.values:
        raise DomainError(
            "order.invalid_channel",
            "销售渠道无效：{value!r}（可选：{choices}）。",
            "Unknown sales channel {value!r} (one of {choices}).",
            fields={"channel": ("销售渠道无效。", "Unknown sales channel.")},
            value=channel,
            choices=", ".join(Channel.values),
        )
    number = number.strip() if isinstance(number, str) else ""
    if not number or len(number) > 64:
        raise DomainError(
            "order.invalid_number",
            "订单号必须是 1 到 64 个字符。",
            "The order number must have 1 to 64 characters.",
            fields={"number": ("1 到 64 个字符。", "1 to 64 characters.")},
        )
    if not isinstance(customer, Customer) or customer._state.adding:
        raise DomainError(
            "order.invalid_customer",
            "请选择已存在的客户。",
            "Choose an existing customer.",
            fields={"customer": ("请选择客户。", "Choose a customer.")},
        )
    if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
        raise DomainError(
            "order.invalid_currency",
            "币种必须是三位大写 ISO 代码（如 CNY），而不是 {value!r}。",
            "The currency must be a three-letter ISO code (e.g. CNY), not {value!r}.",
            fields={"currency": ("三位大写 ISO 代码。", "A three-letter ISO code.")},
            value=currency,
        )
    return number


DATE_LABELS = {
    "placed_at": ("下单时间", "placed at"),
    "paid_at": ("付款时间", "paid at"),
    "shipped_at": ("发货时间", "shipped at"),
    "delivered_at": ("签收时间", "delivered at"),
}


def _check_dates(**dates: datetime | None) -> None:
    """Times are aware datetimes; payment, shipping and delivery do not precede placing the
    order, and delivery does not precede shipping."""
    for name, value in dates.items():
        if value is None and name != "placed_at":
            continue
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise DomainError(
                "order.invalid_datetime",
                "{label_zh}必须是带时区的日期时间，而不是 {value!r}。",
                "{label_en} must be a date and time with a time zone, not {value!r}.",
                fields={name: ("需要带时区的日期时间。", "A date and time with a time zone.")},
                label_zh=DATE_LABELS[name][0],
                label_en=DATE_LABELS[name][1].capitalize(),
                value=value,
            )
    order = [("placed_at", "paid_at"), ("placed_at", "shipped_at"), ("placed_at", "delivered_at")]
    order.append(("shipped_at", "delivered_at"))
    for earlier, later in order:
        if dates[earlier] is not None and dates[later] is not None and dates[later] < dates[earlier]:
            raise DomainError(
                "order.dates_out_of_order",
                "{later_zh}不能早于{earlier_zh}。",
                "{later_en} may not be before {earlier_en}.",
                fields={
                    later: (f"不能早于{DATE_LABELS[earlier][0]}。", f"Before {DATE_LABELS[earlier][1]}.")
                },
                later_zh=DATE_LABELS[later][0],
                earlier_zh=DATE_LABELS[earlier][0],
                later_en=DATE_LABELS[later][1].capitalize(),
                earlier_en=DATE_LABELS[earlier][1],
            )


def _clean_contact(**contact: str) -> dict[str, str]:
    limits = {"contact_name": 100, "contact_phone": 32, "contact_email": 254, "shipping_address": 300}
    cleaned = {}
    for name, value in contact.items():
        text = "" if value is None else str(value).strip()
        if len(text) > limits[name]:
            raise DomainError(
                "order.invalid_contact",
                "{name} 最多 {limit} 个字符。",
                "{name} may have at most {limit} characters.",
                fields={name: (f"最多 {limits[name]} 个字符。", f"At most {limits[name]} characters.")},
                name=name,
                limit=limits[name],
            )
        cleaned[name] = text
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            raise DomainError(
                "order.invalid_contact",
                "收货人邮箱格式不正确：{value}",
                "Not an email address: {value}",
                fields={"contact_email": ("邮箱地址格式不正确。", "Not an email address.")},
                value=cleaned["contact_email"],
            ) from None
    return cleaned


def _payment_error(code: str, index: int, name: str, zh: str, en: str, /, **params) -> DomainError:
    return DomainError(
        code,
        "第 {payment} 笔支付：" + zh,
        "Payment {payment}: " + en,
        fields={f"payments.{index}.{name}": (zh.format(**params), en.format(**params))},
        payment=index + 1,
        **params,
    )


def _clean_payments(
    payments: Sequence[Mapping],
    *,
    amounts: OrderAmounts,
    default_paid_at: datetime | None,
    order: Order | None = None,
) -> list[PaymentInput]:
    """Payments are optional; when given they must sum exactly to the total paid, and a
    provider reference (e.g. an Alipay trade number) belongs to one payment only (`order`'s own
    payments, about to be replaced, do not count)."""
    cleaned: list[PaymentInput] = []
    for index, raw in enumerate(payments or ()):
        unknown = sorted(set(raw) - PAYMENT_FIELDS) if isinstance(raw, Mapping) else ["method"]
        if unknown:
            raise _payment_error(
                "order.invalid_payment",
                index,
                unknown[0],
                "未知字段 {name}。",
                "unknown field {name}.",
                name=unknown[0],
            )
        method = raw.get("method")
        if method not in PaymentMethod.values:
            raise _payment_error(
                "order.invalid_payment_method",
                index,
                "method",
                "支付方式无效：{value!r}（可选：{choices}）。",
                "unknown payment method {value!r} (one of {choices}).",
                value=method,
                choices=", ".join(PaymentMethod.values),
            )
        amount = parse_money(
            raw.get("amount"),
            field=f"payments.{index}.amount",
            label=(f"第 {index + 1} 笔支付金额", f"Payment {index + 1}: the amount"),
        )
        if amount == 0:
            raise _payment_error(
                "order.invalid_payment_amount",
                index,
                "amount",
                "支付金额必须大于 0。",
                "the amount must be above 0.",
            )
        reference = str(raw.get("provider_reference") or "").strip()
        if len(reference) > 100:
            raise _payment_error(
                "order.invalid_payment",
                index,
                "provider_reference",
                "流水号最多 100 个字符。",
                "the reference may have at most 100 characters.",
            )
        if reference and (
            any(p.method == method and p.provider_reference == reference for p in cleaned)
            or Payment.objects.filter(method=method, provider_reference=reference)
            .exclude(order_id=getattr(order, "pk", None))
            .exists()
        ):
            raise _duplicate_reference(index, method, reference)
        paid_at = raw.get("paid_at") or default_paid_at
        if paid_at is not None and (not isinstance(paid_at, datetime) or timezone.is_naive(paid_at)):
            raise _payment_error(
                "order.invalid_datetime",
                index,
                "paid_at",
                "付款时间必须带时区。",
                "paid at needs a time zone.",
            )
        cleaned.append(PaymentInput(method, amount, reference, paid_at))
    paid = sum((p.amount for p in cleaned), Decimal("0.00"))
    if cleaned and paid != amounts.total_paid:
        raise DomainError(
            "order.payments_mismatch",
            "支付合计 {paid} 与订单实付 {total}（商品 {goods} + 运费 {shipping}）不一致。",
            "The payments add up to {paid}, but the order total is {total} (goods {goods} + shipping {shipping}).",
            fields={"payments": ("支付合计与订单实付不一致。", "Payments do not add up to the order total.")},
            paid=paid,
            total=amounts.total_paid,
            goods=amounts.goods_total,
            shipping=amounts.shipping_fee,
        )
    return cleaned


def _duplicate_reference(index: int, method: str, reference: str) -> DomainError:
    error = _payment_error(
        "order.duplicate_payment_reference",
        index,
        "provider_reference",
        "{method} 流水号 {reference} 已被使用。",
        "{method} reference {reference} is already used.",
        method=method,
        reference=reference,
    )
    error.kind = "conflict"
    return error


def _create_payments(order: Order, payments: list[PaymentInput]) -> None:
    for index, payment in enumerate(payments):
        try:
            with transaction.atomic():
                Payment.objects.create(
                    order=order,
                    method=payment.method,
                    amount=payment.amount,
                    provider_reference=payment.provider_reference,
                    paid_at=payment.paid_at,
                )
        except IntegrityError:
            # A concurrent writer recorded the same provider reference after our check.
            raise _duplicate_reference(index, payment.method, payment.provider_reference) from None


# --- upsert: shop integrations send an order again as it progresses ---------------------------

PROGRESS_FIELDS = (
    "paid_at",
    "shipped_at",
    "delivered_at",
    "contact_name",
    "contact_phone",
    "contact_email",
    "shipping_address",
)
# What a line's commercial content is; its quantity_shipped, serial_numbers and lot are progress.
LINE_TERMS = (
    "product_id",
    "quantity",
    "unit_price",
    "line_discount",
    "tax_mode",
    "tax_rate",
    "no_reason_return_waived",
)


@transaction.atomic
def order_upsert(
    *,
    actor,
    channel: str,
    number: str,
    customer: Customer,
    placed_at: datetime,
    lines: Sequence[Mapping],
    payments: Sequence[Mapping] = (),
    order_discount=Decimal(0),
    shipping_fee=Decimal(0),
    paid_at: datetime | None = None,
    shipped_at: datetime | None = None,
    delivered_at: datetime | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    shipping_address: str = "",
    currency: str = "CNY",
) -> tuple[Order, bool]:
    """Create the order (channel, number) if it is missing, else bring it up to date with what
    the shop sends now; returns (order, created). The arguments are order_create's, in full.

    Rule (issue 3, order upsert): on an existing order the progress may always change: paid,
    shipped and delivered times, the consignee's contact and address, and per line the quantity
    shipped and the serial numbers. The commercial content (customer, placed time, currency,
    order discount, shipping fee, lines with products, quantities, prices, discounts and tax,
    payments) may change only while no case refers to the order; lines and payments are then
    replaced and the paid-net amounts computed anew. Once a case refers to the order, such a
    change is refused (409 order.referenced_by_case): the case's claimed and refundable amounts
    rest on them. A line's quantity shipped never drops below what cases hold or got back.
    """
    require_role(actor, ORDER_WRITERS, code="order.forbidden")
    number = _clean_header(channel=channel, number=number, customer=customer, currency=currency)
    values = {
        "customer": customer,
        "placed_at": placed_at,
        "lines": lines,
        "payments": payments,
        "order_discount": order_discount,
        "shipping_fee": shipping_fee,
        "paid_at": paid_at,
        "shipped_at": shipped_at,
        "delivered_at": delivered_at,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "shipping_address": shipping_address,
        "currency": currency,
    }
    order = Order.objects.select_for_update().filter(channel=channel, number=number).first()
    if order is None:
        try:
            with transaction.atomic():
                return order_create(actor=actor, channel=channel, number=number, **values), True
        except DomainError as exc:
            if exc.code != "order.duplicate_number":
                raise
        # A concurrent upsert created it after our look-up: update that one instead.
        order = Order.objects.select_for_update().get(channel=channel, number=number)
    return _order_update(order, **values), False


def _order_update(order: Order, *, customer, placed_at, lines, payments, currency, **values) -> Order:
    _check_dates(
        placed_at=placed_at,
        paid_at=values["paid_at"],
        shipped_at=values["shipped_at"],
        delivered_at=values["delivered_at"],
    )
    contact = _clean_contact(**{name: values[name] for name in PROGRESS_FIELDS[3:]})
    discount = parse_money(
        values["order_discount"], field="order_discount", label=("订单优惠", "The order discount")
    )
    shipping = parse_money(values["shipping_fee"], field="shipping_fee", label=("运费", "The shipping fee"))
    line_inputs = clean_lines(lines)
    amounts = compute_amounts(line_inputs, order_discount=discount, shipping_fee=shipping)
    payment_inputs = _clean_payments(
        payments, amounts=amounts, default_paid_at=values["paid_at"], order=order
    )
    current = list(order.lines.select_for_update().order_by("position"))
    terms = {
        "customer": customer,
        "placed_at": placed_at,
        "currency": currency,
        "order_discount": discount,
        "shipping_fee": shipping,
    }
    changed = [
        name
        for name, value in terms.items()
        if (order.customer_id != customer.pk if name == "customer" else getattr(order, name) != value)
    ]
    changed += _changed_lines(current, line_inputs)
    if _payment_terms(order.payments.all()) != _payment_terms(payment_inputs):
        changed.append("payments")
    if changed:
        _replace_commercial_content(order, changed, line_inputs, amounts, payment_inputs)
        for name, value in terms.items():
            setattr(order, name, value)
        order.goods_total, order.total_paid = amounts.goods_total, amounts.total_paid
    else:
        _update_line_progress(current, line_inputs)
    progress = {**{name: values[name] for name in PROGRESS_FIELDS[:3]}, **contact}
    fields = [name for name, value in progress.items() if getattr(order, name) != value]
    for name in fields:
        setattr(order, name, progress[name])
    if changed:
        fields += [*terms, "goods_total", "total_paid"]
    if fields:
        order.save(update_fields=[*fields, "updated_at"])
    return order


def _changed_lines(current: Sequence[OrderLine], line_inputs: Sequence[LineInput]) -> list[str]:
    if len(current) != len(line_inputs):
        return ["lines"]
    changed = []
    for index, (line, given) in enumerate(zip(current, line_inputs, strict=True)):
        terms = {**{name: getattr(given, name) for name in LINE_TERMS[1:]}, "product_id": given.product.pk}
        changed += [
            f"lines.{index}.{name.removesuffix('_id')}"
            for name in LINE_TERMS
            if getattr(line, name) != terms[name]
        ]
    return changed


def _payment_terms(payments) -> list[tuple]:
    """Payment rows or PaymentInputs, compared by what they are (not when they were paid)."""
    return sorted((p.method, p.amount, p.provider_reference) for p in payments)


def _replace_commercial_content(order, changed, line_inputs, amounts, payment_inputs) -> None:
    # Cases point at order lines (cases.CaseLine.order_line, PROTECT); the lookup goes by the
    # relation's name so that orders does not import cases.
    if OrderLine.objects.filter(order=order, case_lines__isnull=False).exists():
        raise DomainError(
            "order.referenced_by_case",
            "订单 {number} 已有售后工单，不能再修改客户、商品、金额或支付（可修改：付款/发货/签收时间、收货信息、发货数量和序列号）。",
            "Order {number} has after-sales cases; its customer, items, amounts and payments can no longer change "
            "(still open to change: paid/shipped/delivered times, consignee, quantities shipped and serial numbers).",
            kind="conflict",
            fields={
                name: ("已有售后工单，不能修改。", "Fixed: a case refers to this order.") for name in changed
            },
            number=order.number,
        )
    order.lines.all().delete()
    order.payments.all().delete()
    _create_lines(order, line_inputs, amounts)
    _create_payments(order, payment_inputs)


def _update_line_progress(current: Sequence[OrderLine], line_inputs: Sequence[LineInput]) -> None:
    for index, (line, given) in enumerate(zip(current, line_inputs, strict=True)):
        if (line.quantity_shipped, line.serial_numbers, line.lot) == (
            given.quantity_shipped,
            given.serial_numbers,
            given.lot,
        ):
            continue
        in_cases = line.quantity_held + line.quantity_returned
        if given.quantity_shipped < in_cases:
            raise DomainError(
                "order.shipped_below_cases",
                "第 {line} 行：发货数量不能少于售后工单中占用或已退回的 {count} 件。",
                "Line {line}: the quantity shipped may not be less than the {count} held or returned by cases.",
                kind="conflict",
                fields={
                    f"lines.{index}.quantity_shipped": (
                        f"不能少于 {in_cases}。",
                        f"At least {in_cases}.",
                    )
                },
                line=index + 1,
                count=in_cases,
            )
        line.quantity_shipped, line.serial_numbers, line.lot = (
            given.quantity_shipped,
            given.serial_numbers,
            given.lot,
        )
        line.save(update_fields=["quantity_shipped", "serial_numbers", "lot", "updated_at"])


# --- bulk: up to 1,000 orders per call, each on its own ------------------------------------

MAX_BULK_ORDERS = 1000


@dataclass(frozen=True)
class BulkOutcome:
    index: int
    number: str
    status: str  # "created", "updated" or "error"
    order: Order | None = None
    error: DomainError | None = None


def order_bulk_upsert(*, actor, orders: Sequence[Mapping]) -> list[BulkOutcome]:
    """order_upsert for each of up to 1,000 orders, each in its own savepoint: a refused order
    writes nothing and does not stop the others; the outcomes come back in the given order.

    Each mapping holds order_upsert's arguments, except that "customer" is a customer code and
    each line names its product by "sku" (shop integrations know codes, not ids); both are
    resolved for the whole batch in two queries (orders.selectors.order_references).
    """
    require_role(actor, ORDER_WRITERS, code="order.forbidden")
    if len(orders) > MAX_BULK_ORDERS:
        raise DomainError(
            "order.bulk_too_large",
            "一次最多 {max} 个订单，收到 {count} 个。",
            "At most {max} orders per call; got {count}.",
            fields={"orders": (f"最多 {MAX_BULK_ORDERS} 个。", f"At most {MAX_BULK_ORDERS}.")},
            max=MAX_BULK_ORDERS,
            count=len(orders),
        )
    references = order_references(orders)
    outcomes = []
    for index, data in enumerate(orders):
        try:
            with transaction.atomic():
                order, created = order_upsert(actor=actor, **references.resolve(data))
        except DomainError as exc:
            outcomes.append(BulkOutcome(index, str(data.get("number") or ""), "error", error=exc))
        except IntegrityError:
            logger.exception("bulk order %s refused by the database", data.get("number"))
            error = DomainError(
                "order.rejected_by_database",
                "数据库拒绝写入此订单。",
                "The database refused this order.",
                kind="conflict",
            )
            outcomes.append(BulkOutcome(index, str(data.get("number") or ""), "error", error=error))
        else:
            outcomes.append(
                BulkOutcome(index, order.number, "created" if created else "updated", order=order)
            )
    return outcomes
