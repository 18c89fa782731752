"""Periodic jobs of the API, run by the huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import purge_expired


@db_periodic_task(crontab(hour="3", minute="30"))
def idempotency_purge_daily():
    """Daily: forget Idempotency-Key records past their retention (api/idempotency.py)."""
    return purge_expired()
