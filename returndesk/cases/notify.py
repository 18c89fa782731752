"""Customer notifications for case changes, delivered by the outbox worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from returndesk.core.i18n import both
from returndesk.notifications.handlers import register


@register("case.customer_update")
def case_customer_update(payload: dict) -> bool:
    """Email the customer about a change of their case, in the customer's language."""
    from .models import Case, CaseEvent, Status

    case = Case.objects.select_related("customer").get(id=payload["case_id"])
    event = CaseEvent.objects.get(id=payload["event_id"])
    to = case.contact_email or case.customer.email
    if not to:
        return False
    language = case.customer.preferred_language or "zh-hans"
    with translation.override(language):
        # The status this event led to, not the case's status at delivery time: the worker may
        # deliver after later changes, and each message must describe its own step.
        zh, en = both(Status(event.to_status).label if event.to_status else case.get_status_display())
        if language.startswith("en"):
            subject = f"[{case.number}] Your after-sales case is now: {en}"
            body = (
                f"Dear {case.contact_name or case.customer.name},\n\n"
                f"Your case {case.number} has been updated: {en}.\n"
                f"{_detail(event, 'en')}\n\nReturnDesk after-sales service"
            )
        else:
            subject = f"【{case.number}】您的售后工单状态:{zh}"
            body = (
                f"尊敬的{case.contact_name or case.customer.name}:\n\n"
                f"您的售后工单 {case.number} 已更新,当前状态:{zh}。\n"
                f"{_detail(event, 'zh')}\n\n售后服务中心"
            )
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send(fail_silently=False)
    return True


def _detail(event, language: str) -> str:
    data = event.data or {}
    parts = []
    for key, zh, en in (
        ("solution", "方案", "Solution"),
        ("reason", "原因", "Reason"),
        ("alternative", "替代方案", "Alternative"),
        ("amount", "退款金额", "Refund amount"),
        ("tracking_number", "运单号", "Tracking number"),
        ("answer", "答复", "Answer"),
    ):
        if data.get(key):
            parts.append(f"{en if language == 'en' else zh}: {data[key]}")
    return "\n".join(parts)
