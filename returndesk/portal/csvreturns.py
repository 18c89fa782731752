"""A distributor's return as a CSV file: one row per order line, from any of its orders (seed S2:
one return notice may cover goods of several deliveries). Read with orders.csvfile (UTF-8 with or
without BOM, Chinese or English headers, errors by row and column); every row is checked against
the distributor's own orders before anything is written, and the case is opened all or nothing.

Columns (header names in Chinese or English): 订单号 order_number, 行号 line (or 商品编码 sku),
数量 quantity, 原因代码 reason, 说明 description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from returndesk.cases.models import ReturnReason
from returndesk.core.errors import DomainError
from returndesk.orders.csvfile import Column, ImportResult, RowError, Sheet, integer, read
from returndesk.orders.models import OrderLine

COLUMNS = [
    Column("order_number", ("订单号", "订单编号", "order", "order_no"), required=True),
    Column("line", ("行号", "订单行", "line_no", "position"), integer),
    Column("sku", ("商品编码", "SKU", "商品SKU")),
    Column("quantity", ("数量", "退货数量", "qty"), integer, required=True),
    Column("reason", ("原因代码", "原因", "reason_code"), required=True),
    Column("description", ("说明", "问题描述", "描述", "note")),
]
MAX_ROWS = 500


@dataclass
class CsvReturn:
    """The rows read: the lines they ask for (as case_create takes them), in file order, and the
    row number of each; or the errors, each with its row and column."""

    lines: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the file row of each line
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    def row_of(self, field_name: str) -> int | None:
        """The file row a service's field error ("lines[3].quantity") is about."""
        if field_name.startswith("lines[") and "]" in field_name:
            index = field_name[6 : field_name.index("]")]
            if index.isdigit() and 0 < int(index) <= len(self.rows):
                return self.rows[int(index) - 1]
        return None

    def add_domain_error(self, exc: DomainError) -> None:
        if not exc.fields:
            self.errors.append(RowError(None, "", exc.code, exc.zh, exc.en))
            return
        for name, (zh, en) in exc.fields.items():
            self.errors.append(RowError(self.row_of(name), "", exc.code, zh, en))


def _error(sheet: Sheet, row: int, column: str, code: str, zh: str, en: str) -> None:
    sheet.error(row, column, code, zh, en)


def csv_return_read(*, customer, data: bytes) -> CsvReturn:
    """Parse and check the file for `customer`: the order exists among its orders (another
    customer's order reads as not found), the line by number or SKU, the quantity within what is
    still returnable, the reason a leaf; each order line at most once. Writes nothing."""
    sheet = Sheet(COLUMNS, ImportResult(kind="returns", dry_run=True))
    read(sheet, data)
    result = CsvReturn(row_count=sheet.result.rows)
    if not sheet.rows:  # a header error (nothing read) or no data
        result.errors = sheet.result.errors or [
            RowError(None, "", "portal.csv_empty", "文件中没有数据行", "The file has no data rows")
        ]
        return result
    if len(sheet.rows) > MAX_ROWS:
        result.errors = [
            RowError(None, "", "portal.csv_too_long", f"最多 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows")
        ]
        return result
    numbers = {row.values.get("order_number") for row in sheet.rows} - {None}
    lines_by_order: dict[str, list[OrderLine]] = {}
    for ol in OrderLine.objects.filter(order__customer=customer, order__number__in=numbers).select_related(
        "order", "product"
    ):
        lines_by_order.setdefault(ol.order.number, []).append(ol)
    reasons = {r.code: r for r in ReturnReason.objects.filter(is_active=True).prefetch_related("children")}
    seen: dict = {}
    for row in sheet.rows:
        v = row.values
        if not {"order_number", "quantity", "reason"} <= set(v):
            continue  # a required cell is missing or unreadable: already reported
        order_lines = lines_by_order.get(v["order_number"])
        if order_lines is None:
            _error(sheet, row.number, "order_number", "portal.csv_order", "订单不存在", "Order not found")
            continue
        line = _find_line(sheet, row, order_lines)
        if line is None:
            continue
        if line.id in seen:
            _error(
                sheet, row.number, "", "portal.csv_duplicate",
                f"与第 {seen[line.id]} 行是同一订单行", f"Same order line as row {seen[line.id]}",
            )  # fmt: skip
            continue
        seen[line.id] = row.number
        quantity = v["quantity"]
        if quantity <= 0 or quantity > line.returnable_quantity:
            _error(
                sheet, row.number, "quantity", "portal.csv_quantity",
                f"可退数量为 {line.returnable_quantity},填写了 {quantity}",
                f"{line.returnable_quantity} can be returned, {quantity} given",
            )  # fmt: skip
            continue
        reason = reasons.get(str(v["reason"]).upper()) or reasons.get(str(v["reason"]))
        if reason is None or reason.children.all():
            _error(
                sheet, row.number, "reason", "portal.csv_reason",
                "请填写具体的退货原因代码(如 Q01)", "Give a specific reason code (such as Q01)",
            )  # fmt: skip
            continue
        result.lines.append(
            {
                "order_line": line.id,
                "quantity": quantity,
                "reason": reason.code,
                "description": v.get("description", ""),
            }
        )
        result.rows.append(row.number)
    result.errors = sheet.result.errors
    return result


def _find_line(sheet: Sheet, row, order_lines: list[OrderLine]) -> OrderLine | None:
    v = row.values
    if "line" in v:
        found = [ol for ol in order_lines if ol.position == v["line"]]
        if not found:
            _error(
                sheet, row.number, "line", "portal.csv_line", "订单中没有这一行", "The order has no such line"
            )
            return None
        return found[0]
    if "sku" in v:
        found = [ol for ol in order_lines if ol.product.sku.lower() == str(v["sku"]).lower()]
        if len(found) != 1:
            zh, en = (
                ("订单中没有该商品", "The order has no such product")
                if not found
                else (
                    "该商品在订单中有多行,请填写行号",
                    "The product is on several lines; give the line number",
                )
            )
            _error(sheet, row.number, "sku", "portal.csv_sku", zh, en)
            return None
        return found[0]
    _error(
        sheet, row.number, "", "portal.csv_no_line", "请填写行号或商品编码", "Give the line number or the SKU"
    )
    return None
