"""Formatting of panel cells and bilingual labels on the analytics pages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from returndesk.core.i18n import pick

register = template.Library()


@register.filter
def label(text) -> str:
    """The half of a "中文 / English" label for the active language."""
    return "" if text is None else pick(text)


@register.filter
def cell(row: dict, column) -> str:
    """A row's value for a column, formatted by the column's kind; "—" for no value."""
    value = row.get(column.key)
    if value is None or value == "":
        return "—"
    if column.kind == "rate":
        return f"{Decimal(value) * 100:.2f}%"
    if column.kind in {"money", "hours"}:
        return f"{Decimal(value):,.2f}"
    if column.kind == "int":
        return number_format(value, force_grouping=True)
    return label(value)


@register.filter
def numeric(column) -> bool:
    return column.kind != "text"


@register.filter
def percent(value) -> str:
    """A rate (0.2000) as a percentage (20.00%); "—" for none."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.2f}%"
