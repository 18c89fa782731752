"""Daily rollups: derived tables the dashboard reads instead of scanning millions of rows.

Each table holds, per day and per combination of dimensions, sums that can be added up over
any date range. A day's rows are always recomputed whole from the source tables (rollups.py),
never adjusted by deltas, so recomputing a day is idempotent and a missed or repeated refresh
can never drift. The day of each table is fixed for a fact once it exists (docs/analytics.md):

- CohortDay: the purchase cohort, orders *placed* that day (local date, settings.TIME_ZONE);
- ReasonDay, CaseDay, SlaDay: cases *opened* that day;
- RefundDay: cases *refunded* that day;
- StageDay: stage spans that *ended* that day;
- SatisfactionDay: follow-ups *answered* that day.

These tables are the analytics app's own cache; nothing else writes them and no domain rule
reads them. `account` is the customer for distributors and key accounts and NULL for consumers
(per-consumer rates carry no signal and would make the tables as large as the orders).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 16, "decimal_places": 2}


class DayRow(models.Model):
    id = models.BigAutoField(primary_key=True)
    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.day}"


class CohortDay(DayRow):
    """Units shipped on the orders placed on `day`, and how many of those units were asked back
    by return requests that still count (analytics.cohort.COUNTED)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    lot = models.CharField(max_length=64, blank=True)
    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    units_shipped = models.PositiveIntegerField(default=0)
    units_returned = models.PositiveIntegerField(default=0)
    returned_value = models.DecimalField(default=0, **MONEY)

    class Meta:
        verbose_name = _("purchase cohort per day")
        verbose_name_plural = _("purchase cohorts per day")
        indexes = [
            models.Index(fields=["day"], name="an_cohort_day_idx"),
            models.Index(fields=["product", "day"], name="an_cohort_product_day_idx"),
            models.Index(fields=["account", "day"], name="an_cohort_account_day_idx"),
        ]


class ReasonDay(DayRow):
    """Case lines of return requests opened on `day` that count, by leaf reason."""

    case_type = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)  # the sales channel of the order line
    reason = models.ForeignKey("cases.ReturnReason", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    claimed_value = models.DecimalField(default=0, **MONEY)

    class Meta:
        verbose_name = _("return reasons per day")
        verbose_name_plural = _("return reasons per day")
        indexes = [
            models.Index(fields=["day"], name="an_reason_day_idx"),
            models.Index(fields=["product", "day"], name="an_reason_product_day_idx"),
        ]


class CaseDay(DayRow):
    """Cases opened on `day` by type, intake channel, outcome (cohort.Outcome), reason class of
    the case, and the cause production/QC confirmed (blank when none)."""

    case_type = models.CharField(max_length=20)
    channel = models.CharField(max_length=24)
    outcome = models.CharField(max_length=12)
    reason_class = models.CharField(max_length=10, blank=True)
    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cause_stage = models.CharField(max_length=20, blank=True)
    cause_department = models.CharField(max_length=100, blank=True)
    cause_our_product = models.BooleanField(null=True)
    cases = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("cases per day")
        verbose_name_plural = _("cases per day")
        indexes = [models.Index(fields=["day"], name="an_case_day_idx")]


class RefundDay(DayRow):
    """Cases refunded on `day`: the money they cost (the components known today; see
    selectors.money for what later issues add)."""

    case_type = models.CharField(max_length=20)
    reason_class = models.CharField(max_length=10, blank=True)
    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cases = models.PositiveIntegerField(default=0)
    refund_amount = models.DecimalField(default=0, **MONEY)
    restocking_fee = models.DecimalField(default=0, **MONEY)
    claimed_amount = models.DecimalField(default=0, **MONEY)
    seller_paid_return_cases = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("refunds per day")
        verbose_name_plural = _("refunds per day")
        indexes = [models.Index(fields=["day"], name="an_refund_day_idx")]


class SlaDay(DayRow):
    """SLA targets of the cases opened on `day`, by kind, priority and how they ended
    (on_time, late, stopped, open)."""

    kind = models.CharField(max_length=20)
    priority = models.CharField(max_length=10)
    outcome = models.CharField(max_length=10)
    targets = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("SLA targets per day")
        verbose_name_plural = _("SLA targets per day")
        indexes = [models.Index(fields=["day"], name="an_sla_day_idx")]


class StageDay(DayRow):
    """Time spent in a status (a stage), for the spans that ended on `day`, as a histogram:
    `upper_seconds` is the upper edge of the bucket (analytics.cohort.bucket_upper)."""

    case_type = models.CharField(max_length=20)
    stage = models.CharField(max_length=24)
    upper_seconds = models.PositiveIntegerField()
    spans = models.PositiveIntegerField(default=0)
    seconds_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("stage durations per day")
        verbose_name_plural = _("stage durations per day")
        indexes = [models.Index(fields=["day"], name="an_stage_day_idx")]


class SatisfactionDay(DayRow):
    """Follow-ups (回访) answered on `day`: rating, resolved or not, and how they were asked."""

    method = models.CharField(max_length=10)
    rating = models.PositiveSmallIntegerField()
    resolved = models.BooleanField()
    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("satisfaction per day")
        verbose_name_plural = _("satisfaction per day")
        indexes = [models.Index(fields=["day"], name="an_satisfaction_day_idx")]


class RollupState(models.Model):
    """The refresh watermark: changes at or after `watermark - LAG` are looked at next time."""

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    last_days = models.PositiveIntegerField(default=0)
    last_seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return self.name
