"""Changes to a case that are not status transitions: assignment, priority, notes.
Each still writes exactly one timeline event and bumps the version."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.sla import services as sla_services

from .. import errors
from ..models import Case, Priority
from .events import event_record

# Who may take each step (the API narrows its operations to the same sets).
ASSIGNERS = STAFF_ROLES
PRIORITY_SETTERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.SALES})


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    expected = case.version if expected_version is None else expected_version
    if locked.version != expected:
        raise errors.conflict(locked.number)
    return locked


def _staff_only(actor) -> None:
    if actor is None or actor.role not in ASSIGNERS:
        raise errors.role_forbidden("housekeeping")


def case_assign(*, case: Case, actor, assignee=None, team=None, expected_version=None) -> Case:
    """Assign the case to a person and/or team (seed S8 2.3.1 问题指派与分配)."""
    _staff_only(actor)
    if assignee is not None and (assignee.role not in STAFF_ROLES or not assignee.is_active):
        raise errors.invalid_input(
            "assignee", "只能指派给在职员工", "Cases can be assigned only to active staff"
        )
    with transaction.atomic():
        locked = _lock(case, expected_version)
        before = {"assignee": str(locked.assignee_id or ""), "team": str(locked.team_id or "")}
        locked.assignee = assignee
        locked.team = team if team is not None else locked.team
        locked.version += 1
        locked.save(update_fields=["assignee", "team", "version", "updated_at"])
        event_record(
            case=locked,
            actor=actor,
            type="assigned",
            data={
                "before": before,
                "assignee": str(assignee.pk) if assignee else "",
                "team": str(locked.team_id or ""),
            },
            internal=True,
        )
        if before["team"] != str(locked.team_id or ""):
            sla_services.clock_refresh(case=locked, at=timezone.now())  # the team's working hours
    case.refresh_from_db()
    return locked


def case_set_priority(*, case: Case, actor, priority: str, reason: str = "", expected_version=None) -> Case:
    """Supervisors and agents may raise or lower priority (seed S8 2.2.3 问题优先级确认)."""
    if actor is None or actor.role not in PRIORITY_SETTERS:
        raise errors.role_forbidden("set_priority")
    if priority not in Priority.values:
        raise errors.invalid_input(
            "priority", "无效的优先级:{value}", "Invalid priority: {value}", value=priority
        )
    with transaction.atomic():
        locked = _lock(case, expected_version)
        before = locked.priority
        locked.priority = priority
        locked.version += 1
        locked.save(update_fields=["priority", "version", "updated_at"])
        event_record(
            case=locked, actor=actor, type="priority_changed",
            data={"from": before, "to": priority, "reason": reason}, internal=True,
        )  # fmt: skip
        sla_services.clock_refresh(case=locked, at=timezone.now())  # targets of the new priority
    case.refresh_from_db()
    return locked


def case_add_note(*, case: Case, actor, text: str, internal: bool = True) -> Case:
    """A note on the timeline: internal notes are for staff; external ones are messages to the
    customer. Customers may only write messages, and only on their own cases."""
    text = (text or "").strip()
    if not text:
        raise errors.invalid_input("text", "内容不能为空", "The note is empty")
    if len(text) > 5000:
        raise errors.invalid_input("text", "内容不能超过 5000 字", "The note is longer than 5000 characters")
    if actor is None:
        raise errors.role_forbidden("note")
    if actor.role not in STAFF_ROLES:
        if actor.customer_id != case.customer_id:
            raise errors.not_own_case()
        internal = False
    with transaction.atomic():
        # A note changes no case field, so it does not bump the version: a customer's message
        # must not make a staff member's pending action fail as a conflict.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        event_record(case=locked, actor=actor, type="note", data={"text": text}, internal=internal)
        if not internal and actor.role in STAFF_ROLES:
            sla_services.clock_on_response(case=locked, at=timezone.now())  # seed S1 四.1 初步回应
    return locked
