"""Writes of the policies domain: publishing the live rules as an immutable version.

Decisions are made against the latest published `PolicyVersion`, never the live rows, so a
decision stored on a case can always be explained by the version it names (docs/adr/0002).
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.core.errors import ConflictError, PermissionDenied

from .models import (
    AutoApprovalRule,
    DeductionRule,
    FeeRule,
    IntactCheckItem,
    PolicySettings,
    PolicyVersion,
    ReturnWindowRule,
)
from .rules import AutoApproval, CheckItem, Deduction, Policy, WindowRule
from .rules import FeeRule as FeeSnapshot
from .selectors import policy_latest

PUBLISHERS = frozenset({Role.ADMIN, Role.SYSTEM})


def may_publish(actor) -> bool:
    """None is the system (first use of a fresh install); otherwise administrators only."""
    return (
        actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in PUBLISHERS
    )


def policy_snapshot() -> Policy:
    """The live rules as a Policy (not yet a version)."""
    settings = PolicySettings.current()
    windows = ReturnWindowRule.objects.filter(is_active=True).select_related("category")
    checklist: dict[str, tuple[CheckItem, ...]] = {}
    for item in IntactCheckItem.objects.filter(is_active=True).select_related("category"):
        key = item.category.code if item.category_id else ""
        checklist[key] = (*checklist.get(key, ()), CheckItem(item.code, item.name, item.name_en))
    return Policy(
        no_reason_days=settings.no_reason_days,
        distance_channels=tuple(sorted(settings.distance_channels)),
        quality_return_days=settings.quality_return_days,
        sanbao_exchange_days=settings.sanbao_exchange_days,
        repairs_before_replacement=settings.repairs_before_replacement,
        main_part_reasons=tuple(sorted(settings.main_part_reasons)),
        delivery_claim_days=settings.delivery_claim_days,
        evidence_required_for_quality=settings.evidence_required_for_quality,
        evidence_min_files=settings.evidence_min_files,
        distributor_quality_only=settings.distributor_quality_only,
        distributor_message=(settings.distributor_message, settings.distributor_message_en),
        windows=tuple(_window(w) for w in sorted(windows, key=_window_key)),
        fees=tuple(
            FeeSnapshot(f.reason_class, f.restocking_kind, f.restocking_value, f.return_shipping_payer)
            for f in FeeRule.objects.order_by("reason_class")
        ),
        deductions=tuple(
            Deduction(d.code, d.name, d.name_en, d.kind, d.value)
            for d in DeductionRule.objects.filter(is_active=True)
        ),
        auto_approvals=tuple(
            AutoApproval(
                a.code, a.name, a.name_en, a.customer_type, a.reason_class, a.solution, a.amount_below
            )
            for a in AutoApprovalRule.objects.filter(is_active=True)
        ),
        checklist=checklist,
    )


def _window_key(w: ReturnWindowRule) -> tuple[str, str, str]:
    return (w.channel, w.customer_type, w.category.code if w.category_id else "")


def _window(w: ReturnWindowRule) -> WindowRule:
    category = w.category.code if w.category_id else ""
    return WindowRule(w.channel, w.customer_type, category, w.days, w.day_unit, w.allows_exchange, w.note)


def _digest(rules: dict) -> str:
    return hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def policy_publish(*, actor, note: str = "") -> PolicyVersion:
    """Publish the live rules as the next version, unless they equal the latest version (then
    that version is returned). Admin saves and deletes of any rule call this, so a change takes
    effect at once; existing cases keep the version that decided them."""
    if not may_publish(actor):
        raise PermissionDenied("policy.forbidden", "您无权发布退货政策", "You may not publish the policy")
    rules = policy_snapshot().to_json()
    digest = _digest(rules)
    try:
        with transaction.atomic():
            latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
            if latest is not None and latest.digest == digest:
                return latest
            return PolicyVersion.objects.create(
                number=(latest.number + 1) if latest else 1,
                rules=rules,
                digest=digest,
                published_by=actor,
                note=note[:200],
                published_at=timezone.now(),
            )
    except IntegrityError:  # another publisher took the number between our read and insert
        raise ConflictError(
            "policy.publish_conflict",
            "另一位管理员刚刚发布了新版本,请刷新后重试",
            "Another administrator has just published a version; reload and try again",
        ) from None


def policy_version_current() -> PolicyVersion:
    """The latest published version; on a database where nothing was published yet (a fresh
    install), the shipped default rules are published as version 1 by the system."""
    latest = policy_latest()
    if latest is not None:
        return latest[0]
    try:
        return policy_publish(actor=None, note="初始版本 / initial version")
    except ConflictError:  # a concurrent first request published it
        return PolicyVersion.objects.order_by("-number").first()
