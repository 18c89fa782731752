"""Reply templates (话术) that agents insert into messages to customers (seed S5 淘宝退货话术模板).

A template belongs to one stage of the script and has a Chinese and an English text with
variables in braces, e.g. {customer_name} or {case_number}; the desk fills them in from the case
(services.reply_render)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class Stage(models.TextChoices):
    """The six stages of the seed's script, in the order a conversation goes through them."""

    GREETING = "greeting", "问候致歉 / Greeting and apology"
    ASK_REASON = "ask_reason", "询问原因 / Ask the reason"
    EXPLAIN_PROCESS = "explain_process", "告知流程 / Explain the process"
    RESPECT_VIEW = "respect_view", "尊重意见 / Respect the customer's view"
    CONFIRM_PROGRESS = "confirm_progress", "确认进度 / Confirm progress"
    THANKS = "thanks", "致谢 / Thanks"


class ReplyTemplate(BaseModel):
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(_("English title"), max_length=100)
    body = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["stage", "sort_order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "title"], name="reply_template_title_unique_per_stage"),
            models.CheckConstraint(name="reply_template_body_not_empty", condition=~Q(body="")),
        ]

    def __str__(self) -> str:
        return f"{self.title} / {self.title_en}"
