"""Every write of the follow-up domain. The cases app calls these inside its own transactions
(cases.services.feedback) and records the timeline event; nothing here imports cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from returndesk.core.calendar import CalendarOutOfRange, WorkingCalendar

from . import errors
from .models import FollowUp, FollowUpMethod, FollowUpSettings, FollowUpStatus

OUTCOMES = ("answered", "unreachable", "declined")
MAX_COMMENT = 2000


def _due_on(closed_at: datetime, days: int):
    """N working days after closing on China's calendar (seed S8: 回访 a few days after the case
    ends). A year the calendar does not know yet must not stop a case from closing: then calendar
    days are used, which can only make the call earlier, never lost."""
    day = timezone.localtime(closed_at).date()
    try:
        return WorkingCalendar.current().add_working_days(day, days)
    except CalendarOutOfRange:
        return day + timedelta(days=days)


def followup_schedule(*, case, closed_at: datetime) -> FollowUp:
    """Called when a case closes: a follow-up falls due; closing again after a reopen moves the
    due date of an unanswered one, and an answered one is kept as it was."""
    settings = FollowUpSettings.current()
    due = _due_on(closed_at, settings.working_days_after_close)
    followup, created = FollowUp.objects.select_for_update().get_or_create(
        case=case, defaults={"due_on": due}
    )
    if not created and followup.status in (FollowUpStatus.DUE, FollowUpStatus.UNREACHABLE):
        followup.due_on = due
        followup.status = FollowUpStatus.DUE
        followup.attempts = 0
        followup.save(update_fields=["due_on", "status", "attempts", "updated_at"])
    return followup


def _clean_answer(rating, resolved, comment: str) -> tuple[int, bool, str]:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise errors.rating_invalid(rating)
    if not isinstance(resolved, bool):
        raise errors.resolved_missing()
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise errors.comment_too_long()
    return rating, resolved, comment


def followup_record_answer(
    *, followup: FollowUp, actor, method: str, rating, resolved, comment: str = "", note: str = ""
) -> FollowUp:
    """The customer's answer (portal survey, or given on a call): rating 1–5, comment, resolved."""
    rating, resolved, comment = _clean_answer(rating, resolved, comment)
    if method not in FollowUpMethod.values:
        raise ValueError(f"unknown method {method!r}")
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if locked.status == FollowUpStatus.DONE:
            raise errors.already_done()
        now = timezone.now()
        locked.status = FollowUpStatus.DONE
        locked.method = method
        locked.rating, locked.resolved, locked.comment = rating, resolved, comment
        locked.completed_at = now
        locked.recorded_by = actor
        if method == FollowUpMethod.PHONE:
            locked.attempts += 1
            locked.last_attempt_at = now
            locked.note = note
        locked.save()
        return locked


def followup_record_attempt(*, followup: FollowUp, actor, outcome: str, note: str = "") -> FollowUp:
    """A call that got no answer: unreachable (tried again the next working day until the configured
    number of attempts) or declined (the customer does not want a follow-up)."""
    if outcome not in ("unreachable", "declined"):
        raise errors.outcome_invalid(outcome)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if locked.status == FollowUpStatus.DONE:
            raise errors.already_done()
        now = timezone.now()
        locked.attempts += 1
        locked.last_attempt_at = now
        locked.recorded_by = actor
        locked.note = note.strip()
        if outcome == "declined":
            locked.status = FollowUpStatus.DECLINED
        elif locked.attempts >= FollowUpSettings.current().max_attempts:
            locked.status = FollowUpStatus.UNREACHABLE
        else:
            locked.due_on = _due_on(now, 1)
        locked.save()
        return locked
