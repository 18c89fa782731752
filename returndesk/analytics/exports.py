"""A panel as a file: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese
right) and Excel (openpyxl; numbers stay numbers, rates formatted as percentages)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from returndesk.core.i18n import pick

from .selectors.base import Panel

FORMATS = {"money": "#,##0.00", "rate": "0.00%", "hours": "0.00", "int": "0"}


def _value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def panel_csv(panel: Panel, *, language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([pick(c.label, language) for c in panel.columns])
    for row in panel.rows:
        writer.writerow([_value(row.get(c.key)) for c in panel.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def panel_xlsx(panel: Panel, *, language: str, subtitle: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = panel.key[:31]
    sheet.append([pick(panel.title, language)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append([])
    sheet.append([pick(c.label, language) for c in panel.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in panel.rows:
        sheet.append([row.get(c.key) if row.get(c.key) is not None else None for c in panel.columns])
        for cell, column in zip(sheet[sheet.max_row], panel.columns, strict=True):
            if column.kind in FORMATS and cell.value is not None:
                cell.number_format = FORMATS[column.kind]
    sheet.append([])
    sheet.append([pick(panel.note, language)])
    for letter, column in zip("ABCDEFGHIJKLMNOP", panel.columns, strict=False):
        sheet.column_dimensions[letter].width = 14 if column.kind != "text" else 28
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
