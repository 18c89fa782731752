"""Periodic work of the simulated payment gateway (it stands for an outside party, so it runs on
its own clock): refunds it keeps processing settle after a minute, and its callbacks go out to
RETURNDESK_GATEWAY_CALLBACK_URL, retried with back-off until answered 2xx."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import simulated_gateway


@db_periodic_task(crontab(minute="*"))
def simulated_gateway_tick():
    settled = simulated_gateway.settle_due()
    delivered = simulated_gateway.deliver_due(post=simulated_gateway.http_poster())
    return {"settled": settled, "delivered": delivered}
