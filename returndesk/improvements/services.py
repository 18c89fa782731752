"""Every write of the improvements app. Seed S7: 制定针对性对策 (countermeasures per return
reason) and 跟踪对策实施效果 (track their effect); S9 step 8 反馈及改进."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.cases.models import CaseCause
from returndesk.core.numbering import next_number

from . import errors
from .models import ActionEvent, ActionStatus, ImprovementAction

# Quality, the service supervisor and management open countermeasures (S2: 生产部 confirms
# causes; S7/S9: the after-sales department analyses and proposes improvements).
OPENERS = frozenset({Role.QC, Role.SUPERVISOR, Role.GM, Role.ADMIN})
S = ActionStatus
NEXT = {
    S.OPEN: {S.IN_PROGRESS, S.DONE, S.CANCELLED},
    S.IN_PROGRESS: {S.DONE, S.CANCELLED},
    S.DONE: set(),
    S.CANCELLED: set(),
}


def _may_open(actor) -> bool:
    return actor is not None and (actor.is_superuser or actor.role in OPENERS)


def _event(action, actor, type: str, from_status="", to_status="", note="") -> None:
    ActionEvent.objects.create(
        action=action, actor=actor, type=type, from_status=from_status, to_status=to_status, note=note,
        created_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def improvement_open(
    *,
    actor,
    title: str,
    description: str,
    owner,
    due_on: dt.date,
    products,
    reason=None,
    cause_stage: str = "",
    responsible_department: str = "",
    started_on: dt.date | None = None,
) -> ImprovementAction:
    """Open a countermeasure from a return reason or a root-cause stage (at least one), for at
    least one affected product; its effect is measured from `started_on` (default today)."""
    if not _may_open(actor):
        raise errors.forbidden()
    title, description = (title or "").strip(), (description or "").strip()
    started_on = started_on or timezone.localdate()
    products = list(products or [])
    if not title:
        raise errors.invalid("title", "请填写标题", "Give the action a title")
    if not description:
        raise errors.invalid("description", "请描述改进措施", "Describe the action")
    if reason is None and not cause_stage:
        raise errors.invalid(
            "reason",
            "改进措施须针对一个退货原因或问题环节",
            "An action addresses a return reason or a root-cause stage",
        )
    if cause_stage and cause_stage not in CaseCause.Stage.values:
        raise errors.invalid("cause_stage", "无效的问题环节:{v}", "Invalid stage: {v}", v=cause_stage)
    if not products:
        raise errors.invalid("products", "请选择至少一个受影响的产品", "Choose at least one affected product")
    if owner is None or owner.role in EXTERNAL_ROLES or not owner.is_active:
        raise errors.invalid("owner", "负责人须为在职员工", "The owner must be an active staff member")
    if due_on < started_on:
        raise errors.invalid("due_on", "完成期限不能早于生效日期", "The due date cannot be before the start")
    action = ImprovementAction.objects.create(
        number=next_number("IA", width=3),
        title=title,
        description=description,
        reason=reason,
        cause_stage=cause_stage,
        responsible_department=(responsible_department or "").strip(),
        owner=owner,
        started_on=started_on,
        due_on=due_on,
        created_by=actor,
    )
    action.products.set(products)
    _event(action, actor, "opened", to_status=action.status)
    return action


@transaction.atomic
def improvement_set_status(
    *, action: ImprovementAction, actor, status: str, note: str = ""
) -> ImprovementAction:
    """Move an action on: open → in progress → done, or cancelled before it is done. The owner
    or anyone who may open actions; done needs a note on the result."""
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if actor is None or not (_may_open(actor) or actor.pk == locked.owner_id):
        raise errors.forbidden()
    if status not in S.values or status not in NEXT[S(locked.status)]:
        raise errors.bad_status(locked.get_status_display(), dict(S.choices).get(status, status))
    note = (note or "").strip()
    if status == S.DONE and not note:
        raise errors.invalid("note", "完成时请填写结果", "Say what was done when completing")
    previous = locked.status
    locked.status = status
    if status == S.DONE:
        locked.completed_on = timezone.localdate()
        locked.result_note = note
    locked.save(update_fields=["status", "completed_on", "result_note", "updated_at"])
    _event(locked, actor, "status", from_status=previous, to_status=status, note=note)
    action.refresh_from_db()
    return locked
