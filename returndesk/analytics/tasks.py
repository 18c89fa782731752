"""The rollups' refresh (rollups.py): every minute from the watermark, and at night a rebuild
of the last months that also puts right what no watermark can see (an order moved to another
day, rows deleted outside the services)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .rollups import rollup_rebuild, rollup_refresh


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-rollups")
def analytics_refresh_periodic():
    result = rollup_refresh()
    return {"days": result.day_count, "seconds": round(result.seconds, 3), "rebuilt": result.rebuilt}


NIGHTLY_MONTHS = 3


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("analytics-rollups")
def analytics_rebuild_nightly():
    """The last three months from scratch (older data no longer moves; `manage.py
    analytics_rollups --rebuild` redoes everything)."""
    result = rollup_rebuild(months=NIGHTLY_MONTHS)
    return {"days": result.day_count, "seconds": round(result.seconds, 3)}
