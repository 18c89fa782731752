"""Staff decisions about the policy on an existing case: waiving the evidence requirement and
overriding a refusal. Each writes exactly one timeline event and bumps the version."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import errors
from .. import policy as case_policy
from ..models import Case, Status
from ..workflow import REVIEWERS
from .events import event_record


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    expected = case.version if expected_version is None else expected_version
    if locked.version != expected:
        raise errors.conflict(locked.number)
    return locked


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise errors.invalid_input("reason", "请填写理由", "Give a reason")
    return reason


def case_waive_evidence(*, case: Case, actor, reason: str, expected_version=None) -> Case:
    """Approve a quality claim without photos or video (policy rule evidence.required, seed S7):
    the reviewers who could approve it may waive the requirement, giving a reason, while it
    awaits review. Customers and distributors cannot."""
    if actor is None or actor.role not in REVIEWERS:
        raise errors.role_forbidden("waive_evidence")
    reason = _reason(reason)
    with transaction.atomic():
        locked = _lock(case, expected_version)
        if not (locked.policy_decision or {}).get("evidence_required"):
            raise errors.evidence_not_required()
        if locked.evidence_waiver:
            raise errors.evidence_already_waived()
        if locked.status != Status.SUBMITTED:
            raise errors.action_not_in_status("waive_evidence", locked.get_status_display())
        locked.evidence_waiver = reason
        locked.version += 1
        locked.save(update_fields=["evidence_waiver", "version", "updated_at"])
        event_record(
            case=locked, actor=actor, type="evidence_waived",
            data={"rule": "evidence.required", "reason": reason}, internal=True,
        )  # fmt: skip
    case.refresh_from_db()
    return locked


def case_policy_override(*, case: Case, actor, reason: str, expected_version=None) -> Case:
    """Bypass the refusals the stored decision makes at review (the distributor rule, seed S2)
    so the case may be approved: supervisors, sales and the GM only, with a reason, recorded as
    a `policy_override` event naming the bypassed rules. The decision itself is never changed."""
    if actor is None or actor.role not in case_policy.OVERRIDE_ROLES:
        raise errors.policy_override_forbidden()
    reason = _reason(reason)
    with transaction.atomic():
        locked = _lock(case, expected_version)
        rules = sorted({line["rule"] for line in case_policy.open_refusals(locked)})
        if not rules:
            raise errors.nothing_to_override()
        if locked.status != Status.SUBMITTED:
            raise errors.action_not_in_status("policy_override", locked.get_status_display())
        bypassed = sorted(case_policy.overridden_rules(locked) | set(rules))
        record = {
            "rules": bypassed,
            "reason": reason,
            "actor": str(actor.pk),
            "actor_role": str(actor.role),
            "at": timezone.now().isoformat(),
        }
        locked.policy_override = record
        locked.version += 1
        locked.save(update_fields=["policy_override", "version", "updated_at"])
        event_record(
            case=locked, actor=actor, type="policy_override",
            data={"rules": rules, "reason": reason}, internal=True,
        )  # fmt: skip
    case.refresh_from_db()
    return locked
