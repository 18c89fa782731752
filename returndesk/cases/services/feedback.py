"""Follow-up after closing (回访, seed S1 三.4 and S8 2.3.3): the customer's satisfaction survey in
the portal and staff follow-up calls. The answer lives in the followups app; the case's timeline
gets exactly one event per answer or call. Neither changes a case field, so neither bumps the case
version (a customer's survey must not make a staff member's pending action fail as a conflict)."""

from __future__ import annotations

from django.db import transaction

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.core.errors import ConflictError
from returndesk.followups import services as followups
from returndesk.followups.models import FollowUp, FollowUpMethod

from .. import errors
from ..models import Case, Status
from .events import event_record

CALLERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.SALES})


def _not_closed() -> ConflictError:
    return ConflictError(
        "case.not_closed",
        "工单结案后才能回访或评价",
        "Follow-up and rating are possible once the case is closed",
    )


def _locked_followup(case: Case) -> tuple[Case, FollowUp]:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.CLOSED:
        raise _not_closed()
    followup = FollowUp.objects.filter(case=locked).first()
    if followup is None:  # closed before follow-ups existed: due from now on
        followup = followups.followup_schedule(case=locked, closed_at=locked.closed_at or locked.updated_at)
    return locked, followup


def case_survey_submit(*, case: Case, actor, rating, resolved, comment: str = "") -> FollowUp:
    """The customer rates the service after closing (issue #9): 1–5, a comment, resolved or not.
    Only the case's own customer (or distributor) may answer, once."""
    if actor is None or actor.role not in EXTERNAL_ROLES:
        raise errors.role_forbidden("survey")
    if actor.customer_id != case.customer_id:
        raise errors.not_own_case()
    with transaction.atomic():
        locked, followup = _locked_followup(case)
        answered = followups.followup_record_answer(
            followup=followup, actor=actor, method=FollowUpMethod.PORTAL, rating=rating, resolved=resolved,
            comment=comment,
        )  # fmt: skip
        event_record(
            case=locked, actor=actor, type="survey",
            data={"rating": answered.rating, "resolved": answered.resolved, "comment": answered.comment},
        )  # fmt: skip
    return answered


def case_followup_call(
    *, case: Case, actor, outcome: str, rating=None, resolved=None, comment: str = "", note: str = ""
) -> FollowUp:
    """Customer service calls the customer after closing (seed S8 2.3.3 回访): answered (with the
    customer's rating, comment and resolved), unreachable (tried again) or declined."""
    if actor is None or actor.role not in CALLERS:
        raise errors.role_forbidden("followup_call")
    with transaction.atomic():
        locked, followup = _locked_followup(case)
        if outcome == "answered":
            result = followups.followup_record_answer(
                followup=followup, actor=actor, method=FollowUpMethod.PHONE, rating=rating,
                resolved=resolved, comment=comment, note=note,
            )  # fmt: skip
        else:
            result = followups.followup_record_attempt(
                followup=followup, actor=actor, outcome=outcome, note=note
            )
        event_record(
            case=locked, actor=actor, type="followup_call", internal=True,
            data={
                "outcome": outcome, "rating": result.rating, "resolved": result.resolved,
                "comment": result.comment, "note": result.note, "attempts": result.attempts,
            },
        )  # fmt: skip
    return result
