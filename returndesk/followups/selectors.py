"""Reads of the follow-up domain (the analytics app computes satisfaction from FollowUp rows)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from .models import FollowUp, FollowUpStatus


def followups_due(*, on: date) -> QuerySet[FollowUp]:
    """Closed cases whose follow-up call is due on or before `on`, oldest first (a reopened case
    is left out until it closes again)."""
    return (
        FollowUp.objects.filter(status=FollowUpStatus.DUE, due_on__lte=on, case__status="closed")
        .select_related("case", "case__customer")
        .order_by("due_on", "case__number")
    )


def followup_for_case(case) -> FollowUp | None:
    return FollowUp.objects.filter(case=case).first()
