"""Reads of the cases domain, filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES

from . import errors
from .models import Case, CaseEvent
from .services.transitions import check_allowed, guard_failures
from .workflow import TRANSITIONS, Transition


def case_visible_to(user) -> QuerySet[Case]:
    """Staff see every case; a customer or distributor only its own; anyone else nothing."""
    qs = Case.objects.select_related("customer", "assignee", "team")
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in STAFF_ROLES:
        return qs
    if user.role in EXTERNAL_ROLES and user.customer_id:
        return qs.filter(customer_id=user.customer_id)
    return qs.none()


def case_get_for_user(*, user, case_id=None, number: str | None = None) -> Case:
    qs = case_visible_to(user)
    case = qs.filter(id=case_id).first() if case_id else qs.filter(number=number).first()
    if case is None:  # someone else's case looks exactly like a missing one
        raise errors.not_found()
    return case


def case_timeline(*, case: Case, user) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").order_by("sequence")
    if user.role not in STAFF_ROLES:
        qs = qs.filter(internal=False)
    return qs


@dataclass(frozen=True)
class AvailableAction:
    transition: Transition
    enabled: bool
    reason_zh: str = ""
    reason_en: str = ""

    @property
    def action(self) -> str:
        return self.transition.action


def case_available_actions(*, case: Case, user) -> list[AvailableAction]:
    """The actions this user may take on this case now, from the workflow declaration: those
    whose role, ownership and status fit; each says whether its guards currently pass and why not."""
    from returndesk.core.errors import DomainError

    result = []
    for transition in TRANSITIONS:
        if case.type not in transition.types:
            continue
        try:
            check_allowed(case, user, transition)
        except DomainError:
            continue
        failures = guard_failures(case, transition)
        if failures:
            _guard, res = failures[0]
            result.append(AvailableAction(transition, False, res.zh, res.en))
        else:
            result.append(AvailableAction(transition, True))
    return result


def case_counts_by_status() -> dict[str, int]:
    return dict(Case.objects.values_list("status").annotate(n=Count("id")).order_by())
