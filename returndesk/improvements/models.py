"""Improvement actions (seed S7 制定针对性对策 / 跟踪对策实施效果; S9 step 8 反馈及改进): a
countermeasure opened from a return reason or a confirmed root cause, with an owner, a due date
and the products it should help; its effect is the return rate of those products before and
after its start, measured on the purchase cohort (analytics), never typed in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.cases.models import CaseCause
from returndesk.core.models import BaseModel


class ActionStatus(models.TextChoices):
    OPEN = "open", "待开始 / Open"
    IN_PROGRESS = "in_progress", "进行中 / In progress"
    DONE = "done", "已完成 / Done"
    CANCELLED = "cancelled", "已取消 / Cancelled"


class ImprovementAction(BaseModel):
    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    reason = models.ForeignKey(
        "cases.ReturnReason",
        verbose_name=_("return reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    cause_stage = models.CharField(
        _("root-cause stage"), max_length=20, choices=CaseCause.Stage.choices, blank=True
    )
    responsible_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("affected products"), related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    started_on = models.DateField(_("effective from"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="improvement_from_reason_or_cause",
                condition=Q(reason__isnull=False) | ~Q(cause_stage=""),
            ),
            models.CheckConstraint(
                name="improvement_due_not_before_start", condition=Q(due_on__gte=F("started_on"))
            ),
            models.CheckConstraint(
                name="improvement_done_has_date", condition=~Q(status="done") | Q(completed_on__isnull=False)
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="improvement_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ActionEvent(models.Model):
    """The history of an action: one row per change (opened, status changed), who and when."""

    id = models.BigAutoField(primary_key=True)
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("improvement action event")
        verbose_name_plural = _("improvement action events")
        ordering = ["action", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action_id} {self.type}"
