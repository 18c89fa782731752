"""Writes of the desk's own data: saved case-list views. Each staff member keeps their own."""

from __future__ import annotations

from django.db import transaction

from returndesk.core.errors import DomainError, NotFound, PermissionDenied

from .models import SavedView
from .selectors import is_staff

MAX_VIEWS_PER_USER = 30
FILTER_KEYS = frozenset(
    {
        "q", "status", "type", "priority", "reason_class", "channel", "customer", "created_from",
        "created_to", "sla_state", "queue", "order",
    }
)  # fmt: skip


def saved_view_save(*, actor, name: str, filters: dict[str, str]) -> SavedView:
    """Save the case list's current filters under `name` for `actor`; the same name replaces
    that view's filters. Only known filter names with text values are kept."""
    if not is_staff(actor):
        raise PermissionDenied(
            "desk.saved_view_forbidden", "只有员工可以保存视图", "Only staff can save views"
        )
    name = (name or "").strip()
    if not name:
        raise DomainError(
            "desk.saved_view_name_required",
            "请给视图起个名字",
            "Give the view a name",
            fields={"name": ("请给视图起个名字", "Give the view a name")},
        )
    if len(name) > 60:
        raise DomainError(
            "desk.saved_view_name_too_long",
            "名称不能超过 60 个字",
            "The name is longer than 60 characters",
            fields={"name": ("名称不能超过 60 个字", "At most 60 characters")},
        )
    clean = {k: str(v) for k, v in filters.items() if k in FILTER_KEYS and isinstance(v, str) and v}
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=actor, name=name).first()
        if existing is not None:
            existing.filters = clean
            existing.save(update_fields=["filters", "updated_at"])
            return existing
        if SavedView.objects.filter(owner=actor).count() >= MAX_VIEWS_PER_USER:
            raise DomainError(
                "desk.saved_view_limit",
                "最多保存 {limit} 个视图,请先删除不用的",
                "At most {limit} saved views; delete one you no longer use",
                limit=MAX_VIEWS_PER_USER,
            )
        return SavedView.objects.create(owner=actor, name=name, filters=clean)


def saved_view_delete(*, actor, view_id) -> None:
    """Delete one of the actor's own views; anyone else's looks like a missing one."""
    deleted, _ = SavedView.objects.filter(owner_id=getattr(actor, "pk", None), id=view_id).delete()
    if not deleted:
        raise NotFound("desk.saved_view_not_found", "视图不存在", "Saved view not found")
