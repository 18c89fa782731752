"""The rollups' refresh (rollups.py): every minute from the watermark, and a full rebuild at
night that also puts right what no watermark can see (an order moved to another day, rows
deleted outside the services)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .rollups import rollup_rebuild, rollup_refresh


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-rollups")
def analytics_refresh_periodic():
    result = rollup_refresh()
    return {"days": result.day_count, "seconds": round(result.seconds, 3), "rebuilt": result.rebuilt}


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("analytics-rollups")
def analytics_rebuild_nightly():
    result = rollup_rebuild()
    return {"days": result.day_count, "seconds": round(result.seconds, 3)}
