"""CSV import of products, customers and orders (`manage.py import_csv`), through the services.

Files are UTF-8, with or without a BOM (Excel's "CSV UTF-8"), comma-separated, first row the
header. Header names are the English snake_case names below or one of their Chinese aliases
(English names ignore case, spaces and hyphens). Unknown columns are errors, so a mistyped
header is not silently ignored. Row numbers are as in a spreadsheet: the header is row 1.
`manage.py import_csv --help` lists every column with its aliases (see columns_help()).

All or nothing: every row is checked and every error in the file is reported (row, column,
message in Chinese and English); if there is any error, or on a dry run, the whole import is
rolled back. Writes go through catalog.services and orders.services, in one transaction.
Cells are checked first; the business rules of the services run for rows (orders) whose cells
are all valid, so fixing cell errors can bring further errors to light.

products (* = column and value required):
    sku* (商品编码), name* (商品名称), category_code* (类别编码), category_name (类别名称),
    name_en (英文名称), model_spec (型号规格), unit (单位), no_reason_returnable (七天无理由),
    sanbao_category (三包类别), warranty_months_unit (整机保修月数),
    warranty_months_main_parts (主要部件保修月数), is_active (启用).
    An unknown category_code is an error unless some row of the file gives it a category_name:
    then the category is created once, named by the first such row. For a code that already
    exists the category_name is ignored (categories are not renamed by an import).
customers: code* (客户编码), name* (客户名称), type (客户类型), contact_name (联系人),
    phone (电话), email (邮箱), address (地址), preferred_language (语言).
orders: one row per order line; rows of one order share (channel, order_number) and need not
    be adjacent. Order columns on every row: channel* (渠道), order_number* (订单号),
    customer_code* (客户编码), placed_at* (下单时间). Other order columns, repeated on each row
    or left blank after the first (two different values are an error): paid_at (付款时间),
    shipped_at (发货时间), delivered_at (签收时间), currency (币种), order_discount (订单优惠),
    shipping_fee (运费), contact_name (收货人), contact_phone (收货人电话),
    contact_email (收货人邮箱), shipping_address (收货地址), payment_method (支付方式),
    payment_amount (支付金额), payment_reference (支付流水号): one payment per order, method
    and amount together, or none. Line columns: sku* (商品编码), quantity* (数量),
    unit_price* (单价), quantity_shipped (发货数量, default quantity), line_discount (行优惠),
    tax_mode (计税方式: inclusive/含税, exclusive/不含税), tax_rate (税率: 0.13 or 13%),
    serial_numbers (序列号, separated by ; or |), no_reason_return_waived (不适用七天无理由),
    lot (批次).
Values: times ISO 8601 or YYYY-MM-DD HH:MM[:SS] (also with /), Asia/Shanghai unless an offset
is given, a bare date meaning midnight; amounts in yuan with at most 2 places (¥ and thousands
commas allowed); yes/no as 1/0, true/false, yes/no, y/n, 是/否; choices as the code or its
Chinese or English label (type "经销商" or "distributor"; channel "电商平台" or "marketplace").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.db import IntegrityError, transaction

from returndesk.catalog import services as catalog_services
from returndesk.catalog.models import (
    LANGUAGE_CHOICES,
    Customer,
    CustomerType,
    Product,
    ProductCategory,
    SanbaoCategory,
)
from returndesk.core.errors import DomainError

from .csvfile import (
    Column,
    ImportResult,
    Row,
    RowError,
    Sheet,
    boolean,
    choice,
    datetime_local,
    integer,
    money,
    rate,
    read,
)
from .models import Channel, PaymentMethod, TaxMode
from .services import order_create

__all__ = ["KINDS", "ImportResult", "RowError", "import_csv"]

KINDS = ("products", "customers", "orders")
LANGUAGE_ALIASES = {"中文": "zh-hans", "zh": "zh-hans", "zh-cn": "zh-hans", "英文": "en", "english": "en"}

PRODUCT_COLUMNS = [
    Column("sku", ("商品编码", "货号", "SKU编码"), required=True),
    Column("name", ("商品名称", "名称", "品名"), required=True),
    Column("category_code", ("类别编码", "分类编码", "商品类别编码"), required=True),
    Column("category_name", ("类别名称", "分类名称")),
    Column("name_en", ("英文名称",)),
    Column("model_spec", ("型号规格", "规格型号", "型号")),
    Column("unit", ("单位",)),
    Column("no_reason_returnable", ("七天无理由", "七天无理由退货"), boolean),
    Column("sanbao_category", ("三包类别",), choice(SanbaoCategory)),
    Column("warranty_months_unit", ("整机保修月数", "整机保修期"), integer),
    Column("warranty_months_main_parts", ("主要部件保修月数", "主要部件保修期"), integer),
    Column("is_active", ("启用", "是否启用"), boolean),
]
CUSTOMER_COLUMNS = [
    Column("code", ("客户编码",), required=True),
    Column("name", ("客户名称", "名称"), required=True),
    Column("type", ("客户类型", "类型"), choice(CustomerType)),
    Column("contact_name", ("联系人",)),
    Column("phone", ("电话", "联系电话", "手机")),
    Column("email", ("邮箱", "电子邮件")),
    Column("address", ("地址",)),
    Column("preferred_language", ("语言",), choice(LANGUAGE_CHOICES, aliases=LANGUAGE_ALIASES)),
]
ORDER_HEADER_COLUMNS = [
    Column("channel", ("渠道", "销售渠道"), choice(Channel), required=True),
    Column("order_number", ("订单号", "订单编号"), required=True),
    Column("customer_code", ("客户编码",), required=True),
    Column("placed_at", ("下单时间",), datetime_local, required=True),
    Column("paid_at", ("付款时间",), datetime_local),
    Column("shipped_at", ("发货时间",), datetime_local),
    Column("delivered_at", ("签收时间",), datetime_local),
    Column("currency", ("币种",)),
    Column("order_discount", ("订单优惠", "订单折扣"), money),
    Column("shipping_fee", ("运费",), money),
    Column("contact_name", ("收货人",)),
    Column("contact_phone", ("收货人电话", "收货电话")),
    Column("contact_email", ("收货人邮箱",)),
    Column("shipping_address", ("收货地址",)),
    Column("payment_method", ("支付方式",), choice(PaymentMethod)),
    Column("payment_amount", ("支付金额",), money),
    Column("payment_reference", ("支付流水号", "交易号")),
]
ORDER_LINE_COLUMNS = [
    Column("sku", ("商品编码", "货号", "SKU编码"), required=True),
    Column("quantity", ("数量", "购买数量"), integer, required=True),
    Column("quantity_shipped", ("发货数量",), integer),
    Column("unit_price", ("单价",), money, required=True),
    Column("line_discount", ("行优惠", "商品优惠"), money),
    Column("tax_mode", ("计税方式",), choice(TaxMode)),
    Column("tax_rate", ("税率",), rate),
    Column("serial_numbers", ("序列号", "SN")),
    Column("no_reason_return_waived", ("不适用七天无理由", "放弃七天无理由"), boolean),
    Column("lot", ("批次", "批次号", "生产批次")),
]
ORDER_COLUMNS = ORDER_HEADER_COLUMNS + ORDER_LINE_COLUMNS
ORDER_LEVEL = [column.name for column in ORDER_HEADER_COLUMNS]
COLUMNS = {"products": PRODUCT_COLUMNS, "customers": CUSTOMER_COLUMNS, "orders": ORDER_COLUMNS}


def columns_help(kind: str) -> str:
    """One line per column of `kind`: name, aliases, * when required (for --help)."""
    return "\n".join(f"  {c.name}{'*' if c.required else ''}: {', '.join(c.aliases)}" for c in COLUMNS[kind])


def import_csv(*, actor, kind: str, source: str | Path | bytes, dry_run: bool = False) -> ImportResult:
    """Import a CSV file of `kind` (products, customers, orders): all rows or none."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    result = ImportResult(kind=kind, dry_run=dry_run)
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    sheet = Sheet(columns=COLUMNS[kind], result=result)
    read(sheet, data)
    if sheet.headers:  # the header could be read
        importer = {"products": _import_products, "customers": _import_customers, "orders": _import_orders}[
            kind
        ]
        with transaction.atomic():
            importer(sheet, actor)
            if result.errors or dry_run:
                transaction.set_rollback(True)
    if result.errors:
        result.created = {}
        # In file order: by row, then by column from left to right.
        order = {written: index for index, written in enumerate(sheet.headers.values())}
        result.errors.sort(key=lambda error: (error.row or 0, order.get(error.column, len(order))))
    return result


def _row_has_errors(sheet: Sheet, *numbers: int) -> bool:
    return any(error.row in numbers for error in sheet.result.errors)


def _call(sheet: Sheet, row: int, columns, service: Callable, **kwargs):
    """Run one service call in a savepoint; a refusal becomes a row error, not an abort."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except DomainError as exc:
        sheet.domain_error(row, exc, columns)
    except IntegrityError as exc:
        sheet.error(
            row, "", "import.database_error", f"数据库拒绝写入：{exc}", f"The database refused the row: {exc}"
        )
    return None


def _renamed(renames: dict[str, str]) -> Callable[[str], tuple[int | None, str]]:
    """Map a service's error field to (row, column) for a one-row record: same row, renamed."""
    return lambda name: (None, renames.get(name, name))


def _import_products(sheet: Sheet, actor) -> None:
    categories = {c.code: c for c in ProductCategory.objects.all()}
    # A new category code is created from the first row that names it, wherever that row is.
    new_categories: dict[str, tuple[int, str]] = {}
    for row in sheet.rows:
        code, name = row.values.get("category_code"), row.values.get("category_name")
        if code is not None and name and code not in categories:
            new_categories.setdefault(code, (row.number, name))
    failed: set[str] = set()
    for row in sheet.rows:
        values = dict(row.values)
        code = values.pop("category_code", None)
        values.pop("category_name", None)
        if code is not None and code not in categories and code not in new_categories:
            sheet.error(
                row.number,
                "category_code",
                "import.unknown_category",
                f"类别编码 {code} 不存在（填写 category_name 列可新建该类别）。",
                f"Unknown category code {code} (fill in category_name to create it).",
            )
        if _row_has_errors(sheet, row.number) or code in failed:
            continue
        if code not in categories:
            at_row, name = new_categories[code]
            columns = _renamed({"code": "category_code", "name": "category_name"})
            category = _call(
                sheet, at_row, columns, catalog_services.category_create, actor=actor, code=code, name=name
            )
            if category is None:
                failed.add(code)
                continue
            categories[code] = category
            sheet.result.count("categories")
        values["category"] = categories[code]
        columns = _renamed({"category": "category_code"})
        if _call(sheet, row.number, columns, catalog_services.product_create, actor=actor, **values):
            sheet.result.count("products")


def _import_customers(sheet: Sheet, actor) -> None:
    for row in sheet.rows:
        if _row_has_errors(sheet, row.number):
            continue
        if _call(
            sheet, row.number, _renamed({}), catalog_services.customer_create, actor=actor, **row.values
        ):
            sheet.result.count("customers")


def _import_orders(sheet: Sheet, actor) -> None:
    groups: dict[tuple, list[Row]] = {}
    for row in sheet.rows:
        key = (row.values.get("channel"), row.values.get("order_number"))
        if None not in key:
            groups.setdefault(key, []).append(row)
    skus = {row.values.get("sku") for row in sheet.rows}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    codes = {row.values.get("customer_code") for row in sheet.rows}
    customers = {c.code: c for c in Customer.objects.filter(code__in=codes)}
    for rows in groups.values():
        _check_references(sheet, rows, products, customers)
        header = _order_header(sheet, rows)
        if header is None or _row_has_errors(sheet, *(row.number for row in rows)):
            continue
        payments = []
        reference = header.pop("payment_reference", "")
        if "payment_method" in header:  # with an amount: _check_references saw to that
            method, amount = header.pop("payment_method"), header.pop("payment_amount")
            payments.append({"method": method, "amount": amount, "provider_reference": reference})
        lines = [_order_line(row.values, products) for row in rows]
        order = _call(
            sheet,
            rows[0].number,
            _order_columns(rows),
            order_create,
            actor=actor,
            number=header.pop("order_number"),
            customer=customers[header.pop("customer_code")],
            lines=lines,
            payments=payments,
            **header,
        )
        if order is not None:
            sheet.result.count("orders")
            sheet.result.count("order_lines", len(lines))
            sheet.result.count("payments", len(payments))


def _check_references(sheet: Sheet, rows: list[Row], products: dict, customers: dict) -> None:
    """Unknown SKUs and customer codes, and a payment half given, reported on their rows."""
    for row in rows:
        sku, code = row.values.get("sku"), row.values.get("customer_code")
        if sku is not None and sku not in products:
            sheet.error(
                row.number, "sku", "import.unknown_product", f"商品编码 {sku} 不存在。", f"Unknown SKU {sku}."
            )
        if code is not None and code not in customers:
            sheet.error(
                row.number,
                "customer_code",
                "import.unknown_customer",
                f"客户编码 {code} 不存在。",
                f"Unknown customer code {code}.",
            )
        has_method, has_amount = "payment_method" in row.values, "payment_amount" in row.values
        if has_method != has_amount:
            sheet.error(
                row.number,
                "payment_amount" if has_method else "payment_method",
                "import.payment_incomplete",
                "支付方式和支付金额须同时填写。",
                "Payment method and payment amount go together.",
            )


def _order_header(sheet: Sheet, rows: list[Row]) -> dict | None:
    """The order-level values of a group: first non-blank wins; a different one is an error."""
    header: dict[str, object] = {}
    consistent = True
    for row in rows:
        for name in ORDER_LEVEL:
            if name not in row.values:
                continue
            if name in header and header[name] != row.values[name]:
                consistent = False
                sheet.error(
                    row.number,
                    name,
                    "import.inconsistent_order_value",
                    f"同一订单的各行此列不一致：{row.values[name]} ≠ {header[name]}",
                    f"Rows of one order disagree here: {row.values[name]} ≠ {header[name]}",
                )
            header.setdefault(name, row.values[name])
    return header if consistent else None


def _order_line(values: dict, products: dict[str, Product]) -> dict:
    line = {
        "product": products[values["sku"]],
        "quantity": values["quantity"],
        "unit_price": values["unit_price"],
    }
    for name in (
        "quantity_shipped",
        "line_discount",
        "tax_mode",
        "tax_rate",
        "no_reason_return_waived",
        "lot",
    ):
        if name in values:
            line[name] = values[name]
    if "serial_numbers" in values:
        line["serial_numbers"] = _serials(values["serial_numbers"])
    return line


def _order_columns(rows: list[Row]) -> Callable[[str], tuple[int | None, str]]:
    """Map an order_create error field to (row, column): lines.2.quantity is the third row's quantity."""
    renames = {
        "number": "order_number",
        "customer": "customer_code",
        "product": "sku",
        "payments": "payment_amount",
    }
    renames |= {
        "method": "payment_method",
        "amount": "payment_amount",
        "provider_reference": "payment_reference",
    }

    def columns(name: str) -> tuple[int | None, str]:
        match = re.fullmatch(r"lines\.(\d+)\.(\w+)", name)
        if match:
            return rows[int(match[1])].number, renames.get(match[2], match[2])
        last = name.rsplit(".", 1)[-1]
        return None, renames.get(last, last)

    return columns


def _serials(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|；]", value) if part.strip()]
