"""Delivery of one-time codes by the notifications outbox worker: email over Django's mail
backend (SMTP in production), SMS through the notifications SMS interface. The code is derived
again here from the row id (services.access.code_for); a code already used or expired by the
time the worker runs is not sent (nothing to tell)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from returndesk.notifications import channels
from returndesk.notifications.handlers import register

from .conf import limits
from .models import AccessCode
from .services.access import CODE_TOPIC, code_for


@register(CODE_TOPIC)
def deliver_access_code(payload: dict) -> bool:
    access = AccessCode.objects.select_related("order").filter(id=payload["code"]).first()
    if (
        access is None
        or access.order is None
        or access.used_at is not None
        or access.expires_at <= timezone.now()
    ):
        return False
    code = code_for(access.id)
    minutes = int(limits().code_ttl.total_seconds() // 60)
    key = f"portal-code-{access.id}"
    with translation.override(payload.get("language") or "zh-hans"):
        text = _(
            "Your ReturnDesk verification code for order %(order)s is %(code)s. It is valid for "
            "%(minutes)s minutes and can be used once. If you did not ask for it, ignore this message."
        ) % {"order": access.order.number, "code": code, "minutes": minutes}
        if access.channel == AccessCode.Channel.SMS:
            channels.send_sms(phone=payload["to"], text=text, key=key)
        else:
            subject = _("Your verification code: %(code)s") % {"code": code}
            channels.send_email(to=[payload["to"]], subject=subject, body=text + "\n", key=key)
    return True
