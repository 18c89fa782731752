"""Housekeeping of the portal's tables: expired codes and rate-limit rows that count for nothing."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services.access import portal_code_prune
from .services.throttle import attempts_prune


@db_periodic_task(crontab(minute="17", hour="*"))
def portal_prune_periodic():
    return {"codes": portal_code_prune(), "attempts": attempts_prune()}
