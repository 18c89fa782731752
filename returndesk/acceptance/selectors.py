"""Reads of the delivery acceptance domain."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AcceptanceFinding


def findings_of_case(*, case) -> QuerySet[AcceptanceFinding]:
    return (
        AcceptanceFinding.objects.filter(case=case)
        .select_related("order_line__order", "order_line__product", "reason", "opened_case")
        .order_by("position")
    )


def origin_of_case(*, case) -> AcceptanceFinding | None:
    """The acceptance finding a case was opened from, if any."""
    return AcceptanceFinding.objects.filter(opened_case=case).select_related("case").first()
