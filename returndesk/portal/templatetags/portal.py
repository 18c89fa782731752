"""Template helpers of the portal: who is looking, and bilingual data in the active language."""

from django import template

from returndesk.core.i18n import pick as pick_label
from returndesk.core.i18n import pick_pair

from ..access import access_for
from ..texts import carrier_label, solution_label

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_access(context):
    request = context.get("request")
    if request is None:
        return None
    return getattr(request, "portal", None) or access_for(request)


@register.filter
def pick(label) -> str:
    return "" if label is None else pick_label(label)


@register.simple_tag
def pair(zh, en) -> str:
    return pick_pair(zh or "", en or "")


@register.filter
def local_name(obj) -> str:
    return pick_pair(obj.name, getattr(obj, "name_en", "") or "")


@register.filter
def solution(code) -> str:
    return solution_label(code or "")


@register.filter
def carrier(code) -> str:
    return carrier_label(code or "")


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def getlist(querydict, key):
    return querydict.getlist(key) if hasattr(querydict, "getlist") else []


@register.filter
def status_tone(status) -> str:
    """A colour family for a status badge."""
    if status in {
        "closed",
        "cancelled",
        "refunded",
        "repaired",
        "replacement_shipped",
        "answered",
        "inspected",
    }:
        return "done"
    if status in {"rejected"}:
        return "bad"
    if status in {"awaiting_customer", "awaiting_return"}:
        return "you"
    return "busy"


@register.filter
def qty(values, line) -> str:
    """The quantity typed for an order line on the request form (0 when none)."""
    return (values.get(f"qty-{line.id}") if hasattr(values, "get") else None) or "0"


@register.filter
def row_error(error) -> str:
    """A CSV row error (orders.csvfile.RowError) in the active language."""
    from django.utils import translation

    return error.render(translation.get_language())


@register.filter
def returnable(order) -> bool:
    """Whether anything on the order can still be returned (its lines are prefetched)."""
    return any(line.returnable_quantity > 0 for line in order.lines.all())


@register.filter
def deadline(moment) -> str:
    """The end of a legal period as people say it: the instant 00:00 that ends a day is that
    day's 24:00 (民法典 art. 203), e.g. "2026-12-01 24:00"."""
    from datetime import timedelta

    from django.utils import timezone

    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{local - timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"
