"""Template helpers for bilingual data: choice labels are "中文 / English" strings, workflow
steps and messages carry separate zh/en texts, products and reasons a name and an English name."""

from django import template

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
