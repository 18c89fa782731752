"""Periodic jobs that move cases: the two-sided timeouts and SLA warnings/escalation.

Each scan reads one index range (a partial index on the due time of pending deadlines or
running targets, see sla.models), at most `limit` rows, earliest first; rows not reached run
at the next minute. Each row is handled in its own short transaction that locks the case, then
the row, and re-checks it, so a second scan (or a second worker) finds nothing left to do.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from returndesk.sla import selectors as sla_selectors

from .services.automation import case_fire_deadline, case_sla_alert

log = logging.getLogger(__name__)
BATCH = 500


def timeouts_scan(*, limit: int = BATCH) -> dict[str, int]:
    """Fire every due timeout deadline (up to `limit`); returns outcomes counted."""
    outcomes: dict[str, int] = {}
    for deadline_id, case_id in sla_selectors.deadlines_due(now=timezone.now(), limit=limit):
        try:
            outcome = case_fire_deadline(deadline_id=deadline_id, case_id=case_id)
        except Exception:  # one broken case must not stop the others; it stays pending
            log.exception("timeout deadline %s of case %s failed", deadline_id, case_id)
            outcome = "error"
        if outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def sla_scan(*, limit: int = BATCH) -> dict[str, int]:
    """Breaches first (a breach also counts as the warning), then warnings."""
    outcomes: dict[str, int] = {}
    for kind in ("breach", "warning"):
        for target_id, case_id in sla_selectors.targets_due(kind=kind, now=timezone.now(), limit=limit):
            try:
                outcome = case_sla_alert(target_id=target_id, case_id=case_id, kind=kind)
            except Exception:
                log.exception("SLA %s of target %s (case %s) failed", kind, target_id, case_id)
                outcome = "error"
            if outcome:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@db_periodic_task(crontab(minute="*"))
def timeouts_scan_periodic():
    return timeouts_scan()


@db_periodic_task(crontab(minute="*"))
def sla_scan_periodic():
    return sla_scan()


@db_periodic_task(crontab(minute="*"))
def refunds_scan_periodic():
    """Refunds not sent yet are sent, undecided ones asked about; their cases move on."""
    from .services.refunding import case_refunds_reconcile

    return case_refunds_reconcile()
