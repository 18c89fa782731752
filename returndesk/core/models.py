import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID primary key and audit times for every domain table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NumberSequence(models.Model):
    """Counters for human-readable document numbers (case numbers per day, and so on)."""

    key = models.CharField(max_length=64, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.last_value}"


class CalendarYear(models.Model):
    """A year whose official working-day schedule an administrator has entered by hand, for years
    the chinese-calendar package does not know yet. Until a year is marked complete here (or known
    to the package), date arithmetic that reaches it is refused rather than guessed."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    complete = models.BooleanField(
        _("schedule complete"),
        default=False,
        help_text=_("Tick once every public holiday and make-up working day of the year is entered."),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text="如:国务院办公厅关于某年部分节假日安排的通知"
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An override of one day: a public holiday (not a working day) or a make-up working day (调休).
    Overrides win over the chinese-calendar package for any year."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text="如:春节 / 国庆节调休上班")

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class ConfigVersion(models.Model):
    """The current version of a cached piece of configuration (core.config): a random token that
    database triggers on the configuration's tables replace on every insert, update or delete,
    in the writing transaction. Processes keep their cached copy while the token is unchanged."""

    name = models.CharField(max_length=60, primary_key=True)
    token = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("configuration version")
        verbose_name_plural = _("configuration versions")

    def __str__(self) -> str:
        return f"{self.name}={self.token}"
