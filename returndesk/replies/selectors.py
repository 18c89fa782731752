"""Reads of reply templates."""

from django.db.models import QuerySet

from returndesk.accounts.roles import STAFF_ROLES

from .models import ReplyTemplate


def reply_templates_for(user, *, include_inactive: bool = False) -> QuerySet[ReplyTemplate]:
    """The templates staff may insert (active ones, by stage and order); nothing for anyone else."""
    qs = ReplyTemplate.objects.all()
    if not (user and user.is_authenticated and user.role in STAFF_ROLES):
        return qs.none()
    return qs if include_inactive else qs.filter(is_active=True)


def reply_template_get(*, user, template_id) -> ReplyTemplate | None:
    return reply_templates_for(user, include_inactive=True).filter(id=template_id).first()
