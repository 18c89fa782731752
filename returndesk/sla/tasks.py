"""Periodic jobs of the SLA domain that change no case (those live in cases/tasks.py)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="7"))
def sla_recompute_periodic():
    """Hourly: fill in due times that a missing calendar year kept empty, once it is entered."""
    return services.sla_recompute()
