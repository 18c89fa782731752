"""Reads of the cases domain, filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES, Role

from . import errors
from .models import Case, CaseEvent, CaseLine, CaseType, Status
from .services.transitions import check_allowed, guard_failures
from .workflow import TRANSITIONS, Input, Transition, transition_for


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


# --- pages: one selector per page, composed from the reads above ----------------------------

# Timeline entries that are not workflow transitions (those are labelled from the declaration).
EVENT_LABELS = {
    "created": "提交申请 / Case opened",
    "assigned": "分派处理人 / Assigned",
    "priority_changed": "调整优先级 / Priority changed",
    "note": "备注 / Note",
    "attachment_added": "上传附件 / Attachment added",
}


def _is_staff(user) -> bool:
    return getattr(user, "role", None) in STAFF_ROLES


def _status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int | None  # None where the user may not see figures over all cases


def _status_counts(user) -> list[StatusCount]:
    counts = case_counts_by_status() if _is_staff(user) else {}
    return [StatusCount(st, counts.get(st.value, 0) if _is_staff(user) else None) for st in Status]


@dataclass(frozen=True)
class CaseDashboard:
    status_counts: list[StatusCount] | None  # staff only: every case by status
    recent: list[Case]


def case_dashboard(*, user, limit: int = 20) -> CaseDashboard:
    """The home page: the latest cases the user may see; staff also get counts per status."""
    recent = list(case_visible_to(user).order_by("-created_at", "-number")[:limit])
    return CaseDashboard(_status_counts(user) if _is_staff(user) else None, recent)


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    label: str  # "中文 / English", like choice labels
    from_label: str
    to_label: str
    actor_role_label: str


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    lines: list[CaseLine]
    timeline: list[TimelineEntry]
    actions: list[AvailableAction]
    staff_view: bool


def _event_label(case: Case, event_type: str) -> str:
    transition = transition_for(case.type, event_type)
    if transition is not None:
        return f"{transition.zh} / {transition.en}"
    return EVENT_LABELS.get(event_type, event_type)


def case_detail(*, user, case_id) -> CaseDetail:
    """One case as this user may see it: header, lines, timeline (internal events hidden from
    customers) and the workflow actions open to the user now. NotFound for anyone else's case."""
    case = case_get_for_user(user=user, case_id=case_id)
    lines = CaseLine.objects.select_related("order_line__order", "order_line__product", "reason")
    # The guards read case.lines; one prefetch serves them and the page.
    prefetch_related_objects([case], Prefetch("lines", queryset=lines.order_by("created_at")))
    timeline = [
        TimelineEntry(
            event=event,
            label=_event_label(case, event.type),
            from_label=_status_label(event.from_status) if event.from_status else "",
            to_label=_status_label(event.to_status) if event.to_status else "",
            actor_role_label=Role(event.actor_role).label if event.actor_role in Role.values else "",
        )
        for event in case_timeline(case=case, user=user)
    ]
    return CaseDetail(
        case=case,
        lines=list(case.lines.all()),
        timeline=timeline,
        actions=case_available_actions(case=case, user=user),
        staff_view=_is_staff(user),
    )


@dataclass(frozen=True)
class WorkflowStep:
    transition: Transition
    sources: list[StatusCount]
    target: StatusCount
    roles: list[Role]
    types: list[CaseType]
    required_inputs: list[Input]


@dataclass(frozen=True)
class WorkflowOverview:
    steps: list[WorkflowStep]
    statuses: list[StatusCount]
    show_counts: bool


def workflow_overview(*, user) -> WorkflowOverview:
    """The process as declared in cases.workflow.TRANSITIONS, in declaration order, with the
    number of cases in each status (figures only for staff)."""
    statuses = _status_counts(user)
    by_status = {sc.status: sc for sc in statuses}
    steps = [
        WorkflowStep(
            transition=t,
            sources=[by_status[st] for st in Status if st in t.sources],
            target=by_status[t.target],
            roles=[r for r in Role if r in t.roles],
            types=[ct for ct in CaseType if ct in t.types],
            required_inputs=[i for i in t.inputs if i.required],
        )
        for t in TRANSITIONS
    ]
    return WorkflowOverview(steps=steps, statuses=statuses, show_counts=_is_staff(user))
