from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def outbox_deliver_soon():
    return services.outbox_deliver_due()


@db_periodic_task(crontab(minute="*"))
def outbox_deliver_periodic():
    """Safety net: delivers whatever a wake-up missed (worker down at commit time, retries)."""
    return services.outbox_deliver_due()


def outbox_deliver_due():
    outbox_deliver_soon()


@db_task()
def webhook_deliver_soon_task():
    return services.webhook_deliver_due()


@db_periodic_task(crontab(minute="*"))
def webhook_deliver_periodic():
    """Retries and anything a wake-up missed."""
    return services.webhook_deliver_due()


def webhook_deliver_soon():
    webhook_deliver_soon_task()
