"""Template helpers for bilingual data: choice labels are "中文 / English" strings, workflow
steps and messages carry separate zh/en texts, products and reasons a name and an English name."""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from returndesk.accounts.roles import STAFF_ROLES
from returndesk.core.i18n import pick as pick_label
from returndesk.core.i18n import pick_pair as pick_texts

register = template.Library()


@register.filter
def pick(label) -> str:
    """{{ case.get_status_display|pick }} → the half of "待审核 / Submitted" for the active language."""
    if label is None:
        return ""
    return pick_label(label)


@register.simple_tag
def pick_pair(zh, en) -> str:
    """{% pick_pair step.zh step.en %}"""
    return pick_texts(zh or "", en or "")


@register.filter
def local_name(obj) -> str:
    """A catalog object's name in the active language (name_en when English and set)."""
    return pick_texts(obj.name, getattr(obj, "name_en", "") or "")


# --- navigation: each department sees its own pages first -------------------------------------

NAV = (
    ("home", _("Desk"), None),
    ("case_list", _("Cases"), "staff"),
    ("intake", _("New case"), ("agent", "supervisor", "sales")),
    ("receiving", _("Receiving"), ("warehouse", "supervisor")),
    ("qc", _("Cause analysis"), ("qc", "supervisor")),
    ("approvals", _("Approvals"), ("gm", "supervisor")),
    ("finance", _("Refunds"), ("finance", "gm", "supervisor")),
    ("reply_list", _("Replies"), ("agent", "supervisor", "sales")),
    ("workflow", _("Process"), None),
)
SECTIONS = {
    "case_list": {"case_list", "case_detail"},
    "receiving": {"receiving", "receiving_case"},
    "qc": {"qc", "qc_case"},
    "reply_list": {"reply_list", "reply_new", "reply_edit"},
}


@register.simple_tag(takes_context=True)
def desk_nav(context) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    items = []
    for name, label, who in NAV:
        if who == "staff" and user.role not in STAFF_ROLES:
            continue
        if isinstance(who, tuple) and user.role not in who:
            continue
        items.append({"url": reverse(name), "label": label, "current": current in SECTIONS.get(name, {name})})
    return items


@register.filter
def qs_without(query: str, key: str) -> str:
    """A query string without `key` (for "remove this filter" links)."""
    params = QueryDict(query, mutable=True)
    params.pop(key, None)
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


@register.filter
def get_field(form, name):
    return form[name]


@register.filter
def solution_label(value) -> str:
    from ..selectors import SOLUTION_LABELS

    return pick_label(SOLUTION_LABELS.get(value, value or ""))


# Of an event's data, what the page shows and in which words; customers see only the first group
# (the same keys the API shows them: api.v1.cases.CUSTOMER_EVENT_DATA).
EVENT_FIELDS_PUBLIC = (
    ("solution", _("Solution")),
    ("carrier", _("Carrier")),
    ("tracking_number", _("Tracking number")),
    ("amount", _("Amount")),
    ("reason", _("Reason")),
    ("alternative", _("Alternative")),
    ("answer", _("Answer")),
    ("visit_at", _("Visit")),
    ("technician", _("Technician")),
    ("result", _("Result")),
    ("findings", _("Findings")),
    ("name", _("File")),
)
EVENT_FIELDS_STAFF = (
    ("opinion", _("Opinion")),
    ("note", _("Note")),
    ("handling", _("Handling")),
    ("responsible_department", _("Responsible department")),
    ("reference", _("Reference")),
    ("rule", _("Rule")),
)


@register.simple_tag
def event_details(event, staff: bool) -> list[tuple[str, str]]:
    data = event.data or {}
    fields = EVENT_FIELDS_PUBLIC + (EVENT_FIELDS_STAFF if staff else ())
    out = []
    for key, label in fields:
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "solution":
            value = solution_label(value)
        elif isinstance(value, str) and " / " in value and data.get("rule"):
            value = pick_label(value)  # system texts are "中文 / English"
        out.append((label, value))
    if staff and event.type == "receive":
        for n, line in enumerate(data.get("lines", ()), start=1):
            out.append((f"#{n}", f"{line.get('received')} / {line.get('requested')}"))
    return out


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def remedies(codes) -> str:
    """The policy's remedy codes (refund, exchange…) in words of the active language."""
    from returndesk.policies.remedies import SOLUTION_NAMES

    return "、".join(pick_texts(*SOLUTION_NAMES.get(code, (code, code))) for code in codes or ())


@register.filter
def shipping_payer(value) -> str:
    from returndesk.policies.models import ShippingPayer

    return pick_label(ShippingPayer(value).label) if value in ShippingPayer.values else value or ""
