"""Follow-up visits (回访, seed S1 and S8 2.3.3): after a case closes, the customer is asked how it
went — by the portal's satisfaction survey or by a staff phone call — and the answer is kept: a
1–5 rating, a comment, and whether the problem was resolved. One follow-up per case."""

from __future__ import annotations

import copy

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.config import ConfigCache, settings_row_cache
from returndesk.core.models import BaseModel


class FollowUpSettings(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    working_days_after_close = models.PositiveSmallIntegerField(
        _("working days after closing"), default=3, help_text="结案后第几个工作日回访"
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("call attempts before giving up"), default=3, help_text="联系不上时最多尝试次数"
    )

    class Meta:
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")
        constraints = [
            models.CheckConstraint(name="followup_settings_singleton", condition=Q(id=1)),
            models.CheckConstraint(name="followup_max_attempts_positive", condition=Q(max_attempts__gte=1)),
        ]

    def __str__(self) -> str:
        return str(_("follow-up settings"))

    @classmethod
    def current(cls) -> FollowUpSettings:
        """The settings row, read once per process while it is unchanged (core.config: every
        closed case schedules a follow-up). A copy: a caller may change and save it."""
        return copy.deepcopy(_FOLLOWUP_SETTINGS.get())


_FOLLOWUP_SETTINGS: ConfigCache[FollowUpSettings] = settings_row_cache(
    "followups.settings", "followups.FollowUpSettings"
)


class FollowUpStatus(models.TextChoices):
    DUE = "due", "待回访 / Due"
    DONE = "done", "已回访 / Done"
    UNREACHABLE = "unreachable", "联系不上 / Unreachable"
    DECLINED = "declined", "客户拒绝回访 / Declined"


class FollowUpMethod(models.TextChoices):
    PORTAL = "portal", "自助评价 / Portal survey"
    PHONE = "phone", "电话回访 / Phone call"
    EMAIL = "email", "邮件 / Email"
    SMS = "sms", "短信 / SMS"


class FollowUp(BaseModel):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="followup"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE
    )
    due_on = models.DateField(_("due on"), db_index=True)
    method = models.CharField(_("method"), max_length=10, choices=FollowUpMethod.choices, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    resolved = models.BooleanField(_("problem resolved"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("call attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    note = models.TextField(_("call note"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        indexes = [models.Index(fields=["status", "due_on"], name="followup_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                name="followup_rating_1_to_5",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            ),
            models.CheckConstraint(
                name="followup_done_has_answer",
                condition=~Q(status="done")
                | (
                    Q(rating__isnull=False)
                    & Q(resolved__isnull=False)
                    & Q(completed_at__isnull=False)
                    & ~Q(method="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"
