"""Follow-ups after closing (回访, docs/followups.md): the customer's satisfaction survey, staff
follow-up calls, and the list of follow-ups due. Writes go through returndesk.cases.services
(case_survey_submit, case_followup_call), which record one timeline event each."""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import StrictBool, StrictInt

from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services
from returndesk.cases.services.feedback import CALLERS
from returndesk.core.errors import NotFound
from returndesk.followups import selectors

from ..auth import roles_allowed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, with_problems

router = Router(tags=["followups"])


class FollowUpOut(Schema):
    case_id: UUID
    case_number: str
    status: str
    due_on: date
    method: str
    rating: int | None
    resolved: bool | None
    comment: str
    attempts: int
    completed_at: LocalDatetime | None

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class SurveyIn(InputSchema):
    rating: StrictInt
    resolved: StrictBool
    comment: str = ""


class CallIn(InputSchema):
    outcome: Literal["answered", "unreachable", "declined"]
    rating: StrictInt | None = None
    resolved: StrictBool | None = None
    comment: str = ""
    note: str = ""


class DueQuery(PageQuery):
    on: date | None = None  # default: today in Asia/Shanghai


def _no_followup() -> NotFound:
    return NotFound("followup.not_found", "该工单尚无回访记录", "This case has no follow-up yet")


@router.get("/cases/{uuid:case_id}/followup", response=with_problems({200: FollowUpOut}, 404))
def followup_detail(request: HttpRequest, case_id: UUID):
    """The case's follow-up: due date, and once answered the rating, resolved and comment."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    followup = selectors.followup_for_case(case)
    if followup is None:
        raise _no_followup()
    return followup


@router.post(
    "/cases/{uuid:case_id}/survey",
    response=with_problems({200: FollowUpOut}, 403, 404, 409, 422),
    auth=roles_allowed(EXTERNAL_ROLES),
)
def survey_submit(request: HttpRequest, case_id: UUID, payload: SurveyIn):
    """The customer rates a closed case once: rating 1–5, resolved yes/no, an optional comment."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    return services.case_survey_submit(
        case=case,
        actor=request.auth,
        rating=payload.rating,
        resolved=payload.resolved,
        comment=payload.comment,
    )


@router.post(
    "/cases/{uuid:case_id}/followup-calls",
    response=with_problems({200: FollowUpOut}, 403, 404, 409, 422),
    auth=roles_allowed(CALLERS),
)
def followup_call(request: HttpRequest, case_id: UUID, payload: CallIn):
    """Record a follow-up call: answered (with the customer's rating, resolved and comment),
    unreachable (tried again the next working day) or declined."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    return services.case_followup_call(
        case=case, actor=request.auth, outcome=payload.outcome, rating=payload.rating,
        resolved=payload.resolved, comment=payload.comment, note=payload.note,
    )  # fmt: skip


@router.get(
    "/followups/due", response=with_problems({200: FollowUpPage}, 422), auth=roles_allowed(STAFF_ROLES)
)
def followups_due(request: HttpRequest, query: Query[DueQuery]):
    """Closed cases whose follow-up call is due on or before `on`, oldest due first."""
    on = query.on or timezone.localdate()
    return keyset_page(selectors.followups_due(on=on), order="due_on", query=query)
