"""Every write of the notifications domain: the outbox, messages from templates, webhooks."""

from .messages import email_enqueue, message_render, message_send
from .outbox import outbox_deliver_due, outbox_enqueue
from .webhooks import webhook_deliver_due, webhook_publish, webhook_replay

__all__ = [
    "email_enqueue",
    "message_render",
    "message_send",
    "outbox_deliver_due",
    "outbox_enqueue",
    "webhook_deliver_due",
    "webhook_publish",
    "webhook_replay",
]
