"""Messages from templates (NotificationTemplate rows, else notifications.defaults), sent over
the channel the recipient prefers.

The worker renders one message per customer-visible step: the active template rows are cached
per process (core.config; a trigger on the table invalidates the cache, migration 0004) and each
template text is compiled once per process (keyed by the text itself, so an edited text is a new
entry)."""

from __future__ import annotations

from functools import cache, lru_cache

from django.template import Context, Template

from returndesk.core.config import ConfigCache

from .. import channels
from ..defaults import default_templates
from ..handlers import register
from ..models import Channel, CustomerPreference, NotificationTemplate
from .outbox import outbox_enqueue

FALLBACK_LANGUAGE = "zh-hans"
EMAIL_TOPIC = "notifications.email"


def _candidates(event: str, language: str) -> list[tuple[str, str]]:
    """Lookup order: this event in this language, any event (*) in it, then the same in Chinese."""
    order = [(event, language), ("*", language), (event, FALLBACK_LANGUAGE), ("*", FALLBACK_LANGUAGE)]
    return list(dict.fromkeys(order))


def _active_templates() -> dict:
    return {(t.channel, t.event, t.language): t for t in NotificationTemplate.objects.filter(is_active=True)}


ACTIVE_TEMPLATES: ConfigCache[dict] = ConfigCache(
    "notifications.templates", models=["notifications.NotificationTemplate"], load=_active_templates
)


@cache
def _defaults(channel: str) -> dict:
    """The built-in templates of a channel by (event, language): constants of the code."""
    return {(t.event, t.language): t for t in default_templates() if t.channel == channel}


@lru_cache(maxsize=512)
def compiled(text: str) -> Template:
    """A template text compiled once per process (a compiled Template renders any context)."""
    return Template(text)


def _template(event: str, language: str, channel: str):
    candidates = _candidates(event, language)
    active = ACTIVE_TEMPLATES.get()
    rows = {(e, lang): active[(channel, e, lang)] for e, lang in candidates if (channel, e, lang) in active}
    defaults = _defaults(channel)
    for source in (rows, defaults):
        for key in candidates:
            if key in source:
                return source[key]
    raise LookupError(f"no {channel} template for {event}")


def message_render(*, event: str, language: str, channel: str, context: dict) -> tuple[str, str]:
    """(subject, body) of the template for `event` in `language` on `channel`, rendered as plain
    text (no HTML escaping)."""
    template = _template(event, language, channel)
    ctx = Context(context, autoescape=False)
    subject = " ".join(compiled(template.subject).render(ctx).split())
    body = compiled(template.body).render(ctx).strip() + "\n"
    return subject, body


def customer_channel(customer) -> str:
    """The customer's preferred channel; read from the customer's loaded preference when the
    caller selected it (select_related("…customer__notification_preference"))."""
    relation = type(customer).notification_preference.related
    if relation.is_cached(customer):
        pref = relation.get_cached_value(customer)
        return pref.channel if pref is not None else CustomerPreference.Choice.EMAIL
    pref = CustomerPreference.objects.filter(customer=customer).values_list("channel", flat=True).first()
    return pref or CustomerPreference.Choice.EMAIL


def message_send(
    *, event: str, language: str, context: dict, key: str, channel: str, email: str = "", phone: str = ""
) -> str:
    """Render and send one message; `key` makes its message id (the same on every re-send).
    SMS falls back to email without a phone number. Returns the channel used, "" if none."""
    if channel == Channel.SMS and phone:
        _subject, text = message_render(event=event, language=language, channel=Channel.SMS, context=context)
        channels.send_sms(phone=phone, text=text.strip(), key=key)
        return Channel.SMS
    if channel in {Channel.SMS, Channel.EMAIL} and email:
        subject, body = message_render(event=event, language=language, channel=Channel.EMAIL, context=context)
        channels.send_email(to=[email], subject=subject, body=body, key=key)
        return Channel.EMAIL
    return ""


def email_enqueue(*, to: list[str], subject: str, body: str, key: str) -> None:
    """An email composed by the caller (not from a case event), sent through the outbox in the
    caller's transaction; `key` de-duplicates it and makes its Message-ID."""
    outbox_enqueue(
        topic=EMAIL_TOPIC, payload={"to": to, "subject": subject, "body": body, "key": key}, dedupe_key=key
    )


@register(EMAIL_TOPIC)
def _deliver_email(payload: dict) -> bool:
    channels.send_email(
        to=payload["to"], subject=payload["subject"], body=payload["body"], key=payload["key"]
    )
    return True
