"""Writes of reply templates. Supervisors (and administrators) keep the scripts; agents use them."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError, PermissionDenied

from .models import ReplyTemplate, Stage
from .variables import VARIABLES, fill, used

EDITOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
FIELDS = ("stage", "title", "title_en", "body", "body_en", "sort_order", "is_active")


def may_edit(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in EDITOR_ROLES))


def _check_editor(actor) -> None:
    if not may_edit(actor):
        raise PermissionDenied(
            "reply.edit_forbidden",
            "只有客服主管或管理员可以编辑话术模板",
            "Only a service supervisor or an administrator may edit reply templates",
        )


def reply_template_check(data: dict) -> dict:
    """The template data cleaned, or DomainError reply.invalid naming each bad field."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in FIELDS}
    errors: dict[str, tuple[str, str]] = {}
    if cleaned.get("stage") not in Stage.values:
        errors["stage"] = ("请选择话术阶段", "Choose a stage")
    for name, zh, en in (
        ("title", "请填写中文标题", "Give a Chinese title"),
        ("title_en", "请填写英文标题", "Give an English title"),
        ("body", "请填写中文话术", "Write the Chinese text"),
        ("body_en", "请填写英文话术", "Write the English text"),
    ):
        if not cleaned.get(name):
            errors[name] = (zh, en)
    for name in ("body", "body_en"):
        unknown = [v for v in used(cleaned.get(name, "")) if v not in VARIABLES]
        if unknown:
            names = ", ".join("{" + v + "}" for v in unknown)
            errors[name] = (f"未知变量:{names}", f"Unknown variable(s): {names}")
    if errors:
        raise DomainError(
            "reply.invalid",
            "话术模板有误,请检查标出的项目",
            "The template has errors; check the marked fields",
            fields=errors,
        )
    return cleaned


def _save(template: ReplyTemplate) -> ReplyTemplate:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise DomainError(
            "reply.duplicate_title",
            "同一阶段已有同名话术",
            "This stage already has a template with that title",
            fields={"title": ("同一阶段已有同名话术", "Already used in this stage")},
        ) from None
    return template


def reply_template_create(*, actor, **data) -> ReplyTemplate:
    """A new template for one stage of the seed S5 script, checked: both languages, known variables."""
    _check_editor(actor)
    cleaned = reply_template_check({"sort_order": 0, "is_active": True, **data})
    return _save(ReplyTemplate(**cleaned, updated_by=actor))


def reply_template_update(*, actor, template: ReplyTemplate, **data) -> ReplyTemplate:
    _check_editor(actor)
    current = {name: getattr(template, name) for name in FIELDS}
    cleaned = reply_template_check({**current, **data})
    for name, value in cleaned.items():
        setattr(template, name, value)
    template.updated_by = actor
    return _save(template)


def reply_render(*, template: ReplyTemplate, values: dict[str, str], language: str | None) -> str:
    """The template's text in `language` (zh-hans unless English) with the variables filled."""
    english = (language or "").lower().startswith("en")
    return fill(template.body_en if english else template.body, values)
