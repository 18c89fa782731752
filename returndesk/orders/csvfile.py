"""Reading CSV files for imports: UTF-8 (with or without BOM), header names with aliases, typed
cells, and errors reported by row (as in a spreadsheet: the header is row 1) and column.

What is imported, and how, lives in orders/imports.py; this module only reads and reports.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import TextChoices
from django.utils import timezone

from returndesk.core.errors import DomainError
from returndesk.core.money import to_decimal

from .pricing import parse_money


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: about the whole file
    column: str  # as written in the file's header; "" when no single column is at fault
    code: str
    zh: str
    en: str

    def render(self, language: str | None) -> str:
        english = (language or "").lower().startswith("en")
        where = []
        if self.row is not None:
            where.append(f"row {self.row}" if english else f"第 {self.row} 行")
        if self.column:
            where.append(f"column {self.column}" if english else f"列「{self.column}」")
        if english:
            return f"{', '.join(where)}: {self.en}" if where else self.en
        return f"{'，'.join(where)}：{self.zh}" if where else self.zh


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def summary(self, language: str | None) -> str:
        english = (language or "").lower().startswith("en")
        if self.errors:
            if english:
                return f"{len(self.errors)} error(s) in {self.rows} row(s); nothing was imported."
            return f"{self.rows} 行中有 {len(self.errors)} 个错误，未导入任何数据。"
        names_en = {"categories": "categories", "products": "products", "customers": "customers"}
        names_en |= {"orders": "orders", "order_lines": "order lines", "payments": "payments"}
        names_zh = {"categories": "类别", "products": "商品", "customers": "客户", "orders": "订单"}
        names_zh |= {"order_lines": "订单行", "payments": "支付记录"}
        if english:
            counts = ", ".join(f"{n} {names_en[k]}" for k, n in self.created.items()) or "nothing"
            verb = "Dry run, nothing written; would create" if self.dry_run else "Imported"
            return f"{verb}: {counts} from {self.rows} row(s)."
        counts = "，".join(f"{names_zh[k]} {n} 条" for k, n in self.created.items()) or "无"
        verb = "试运行，未写入；将创建" if self.dry_run else "已导入"
        return f"{verb}：{counts}（共 {self.rows} 行）。"


class CellError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


# Cell parsers: text (stripped, not empty) -> the value the service takes, or CellError.


def text(value: str) -> str:
    return value


def integer(value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise CellError("import.invalid_integer", f"不是非负整数：{value}", f"Not a whole number: {value}")
    return int(value)


def money(value: str) -> Decimal:
    text = value.replace("¥", "").replace("￥", "").removesuffix("元").strip()
    try:
        return parse_money(text, field="", label=("该值", "The value"))
    except DomainError as exc:
        raise CellError(exc.code, exc.zh, exc.en) from None


def rate(value: str) -> Decimal:
    try:
        if value.endswith("%"):
            return to_decimal(value[:-1]) / 100
        return to_decimal(value)
    except ValueError:
        raise CellError("import.invalid_rate", f"不是税率：{value}", f"Not a tax rate: {value}") from None


TRUE_WORDS = {"1", "true", "t", "yes", "y", "是", "√"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "否", "×"}


def boolean(value: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise CellError(
        "import.invalid_boolean", f"应为 是/否（1/0）：{value}", f"Expected yes/no (1/0): {value}"
    )


def choice(
    choices: type[TextChoices] | list[tuple[str, str]], *, aliases: dict[str, str] | None = None
) -> Callable[[str], str]:
    """Accept the code, or its Chinese or English label ("消费者 / Consumer" gives both)."""
    pairs = choices.choices if isinstance(choices, type) else choices
    lookup = {}
    for code, label in pairs:
        lookup[code.lower()] = code
        for part in str(label).split(" / "):
            lookup[part.strip().lower()] = code
    lookup |= {alias.lower(): code for alias, code in (aliases or {}).items()}
    allowed = ", ".join(code for code, _ in pairs)

    def parse(value: str) -> str:
        try:
            return lookup[value.lower()]
        except KeyError:
            raise CellError(
                "import.invalid_choice",
                f"无效值 {value}（可选：{allowed}）",
                f"Unknown value {value} (one of {allowed})",
            ) from None

    return parse


def datetime_local(value: str) -> datetime:
    text = value.replace("/", "-")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise CellError(
                "import.invalid_datetime",
                f"不是日期时间：{value}（格式 YYYY-MM-DD HH:MM）",
                f"Not a date and time: {value} (format YYYY-MM-DD HH:MM)",
            ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    parse: Callable[[str], object] = text
    required: bool = False


def header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass
class Row:
    number: int
    values: dict[str, object]


@dataclass
class Sheet:
    """The parsed file: rows with typed values, header names as written, and errors so far."""

    columns: list[Column]
    result: ImportResult
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> as written
    rows: list[Row] = field(default_factory=list)

    def error(self, row: int | None, column: str, code: str, zh: str, en: str) -> None:
        shown = self.headers.get(column, column)
        self.result.errors.append(RowError(row, shown, code, zh, en))

    def domain_error(
        self, row: int | None, exc: DomainError, columns: Callable[[str], tuple[int | None, str]]
    ):
        """Report a service's DomainError at the row and column its first field points to.

        An error about one line of an order is reported on that line's row with the field's own
        message (the service's message counts lines within the order, not rows in the file)."""
        if not exc.fields:
            self.error(row, "", exc.code, exc.zh, exc.en)
            return
        name = next(iter(exc.fields))
        at_row, column = columns(name)
        if at_row is None:
            self.error(row, column, exc.code, exc.zh, exc.en)
            return
        zh, en = exc.fields[name]
        self.error(at_row, column, exc.code, zh, en[:1].upper() + en[1:])


def read(sheet: Sheet, data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        sheet.error(
            line,
            "",
            "import.not_utf8",
            "文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。",
            "The file is not UTF-8; in Excel, save it as “CSV UTF-8 (Comma delimited)”.",
        )
        return
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        sheet.error(
            1, "", "import.empty_file", "文件为空或缺少表头。", "The file is empty or has no header row."
        )
        return
    positions = read_header(sheet, records[0])
    if sheet.result.errors:
        sheet.headers = {}
        return
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines, e.g. at the end of the file
        sheet.result.rows += 1
        if len(record) > len(records[0]) and any(cell.strip() for cell in record[len(records[0]) :]):
            sheet.error(
                number,
                "",
                "import.extra_cells",
                "此行的单元格多于表头。",
                "This row has more cells than the header.",
            )
        sheet.rows.append(Row(number, parse_row(sheet, number, record, positions)))


def read_header(sheet: Sheet, header: list[str]) -> dict[str, int]:
    columns = sheet.columns
    by_key = {}
    for column in columns:
        by_key[header_key(column.name)] = column.name
        for alias in column.aliases:
            by_key[header_key(alias)] = column.name
    positions: dict[str, int] = {}
    for index, written in enumerate(header):
        if not written.strip():
            continue
        name = by_key.get(header_key(written))
        if name is None:
            sheet.error(1, "", "import.unknown_column", f"未知列：{written}", f"Unknown column: {written}")
        elif name in positions:
            sheet.error(
                1,
                "",
                "import.duplicate_column",
                f"列 {written} 与前面的列重复。",
                f"Column {written} repeats an earlier column.",
            )
        else:
            positions[name] = index
            sheet.headers[name] = written.strip()
    for column in columns:
        if column.required and column.name not in positions:
            sheet.error(
                1,
                "",
                "import.missing_column",
                f"缺少必填列：{column.name}",
                f"Missing required column: {column.name}",
            )
    return positions


def parse_row(sheet: Sheet, number: int, record: list[str], positions: dict[str, int]) -> dict[str, object]:
    values: dict[str, object] = {}
    for column in sheet.columns:
        if column.name not in positions:
            continue
        index = positions[column.name]
        text = record[index].strip() if index < len(record) else ""
        if not text:
            if column.required:
                sheet.error(number, column.name, "import.required", "必填。", "Required.")
            continue
        try:
            values[column.name] = column.parse(text)
        except CellError as exc:
            sheet.error(number, column.name, exc.code, exc.zh, exc.en)
    return values
