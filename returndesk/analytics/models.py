"""Daily rollups: derived tables the dashboard reads instead of scanning millions of rows.

Each table holds, per day and per combination of dimensions, sums that can be added up over
any date range. A day's rows are always recomputed whole from the source tables (rollups.py),
never adjusted by deltas, so recomputing a day is idempotent and a missed or repeated refresh
can never drift. The day of each table is fixed for a fact once it exists (docs/analytics.md):

- CohortDay, LotDay, AccountDay: the purchase cohort, orders *placed* that day (local date,
  settings.TIME_ZONE);
- ReasonDay, CaseDay, SlaDay: cases *opened* that day;
- RefundDay: cases *refunded* that day;
- StageDay: stage spans that *ended* that day;
- SatisfactionDay: follow-ups *answered* that day.

These tables are the analytics app's own cache; nothing else writes them and no domain rule
reads them. `account` is the customer for distributors and key accounts and NULL for consumers
(per-consumer rates carry no signal and would make the tables as large as the orders).
Each dimension set has its own narrow table, so that no table grows towards the size of the
source: a panel reads the one whose dimensions it needs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 16, "decimal_places": 2}


class Grain(models.TextChoices):
    DAY = "d", "日 / Day"
    MONTH = "m", "月 / Month"


class DayRow(models.Model):
    """A rollup row: `grain` d holds one day; m holds a calendar month (`day` is its first day),
    the sum of that month's daily rows, so a long date range reads whole months plus the days
    at its edges (selectors.base.in_range)."""

    id = models.BigAutoField(primary_key=True)
    grain = models.CharField(max_length=1, choices=Grain.choices, default=Grain.DAY)
    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.grain} {self.day}"


def _indexes(prefix: str, *leading: str) -> list:
    indexes = [models.Index(fields=["grain", "day"], name=f"an_{prefix}_grain_day_idx")]
    for field in leading:
        indexes.append(models.Index(fields=[field, "grain", "day"], name=f"an_{prefix}_{field}_day_idx"))
    return indexes


class CohortDay(DayRow):
    """Units shipped on the orders placed on `day`, and how many of those units were asked back
    by return requests that still count (analytics.cohort.counted), by product and channel."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    units_shipped = models.PositiveIntegerField(default=0)
    units_returned = models.PositiveIntegerField(default=0)
    returned_value = models.DecimalField(default=0, **MONEY)

    class Meta:
        verbose_name = _("purchase cohort per day")
        verbose_name_plural = _("purchase cohorts per day")
        indexes = _indexes("cohort", "product")


class LotDay(DayRow):
    """The same cohort by product and lot (batch)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    lot = models.CharField(max_length=64, blank=True)
    units_shipped = models.PositiveIntegerField(default=0)
    units_returned = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("purchase cohort per lot and day")
        verbose_name_plural = _("purchase cohorts per lot and day")
        indexes = _indexes("lot", "product")


class AccountDay(DayRow):
    """The same cohort by account: a distributor or key account, consumers pooled (NULL)."""

    account = models.ForeignKey(
        "catalog.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    units_shipped = models.PositiveIntegerField(default=0)
    units_returned = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("purchase cohort per account and day")
        verbose_name_plural = _("purchase cohorts per account and day")
        indexes = _indexes("account", "account")


class ReasonDay(DayRow):
    """Case lines of return requests opened on `day` that count, by leaf reason and product."""

    reason = models.ForeignKey("cases.ReturnReason", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    claimed_value = models.DecimalField(default=0, **MONEY)

    class Meta:
        verbose_name = _("return reasons per day")
        verbose_name_plural = _("return reasons per day")
        indexes = _indexes("reason", "product")


class CaseDay(DayRow):
    """Cases opened on `day` by type, outcome (cohort.Outcome), reason class of the case, account,
    and the cause production/QC confirmed (blank when none)."""

    case_type = models.CharField(max_length=20)
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
        indexes = _indexes("case")


class RefundDay(DayRow):
    """Cases refunded on `day`: the money they cost (the components recorded today; see
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
        indexes = _indexes("refund")


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
        indexes = _indexes("sla")


class StageDay(DayRow):
    """Time spent in a status (a stage), for the spans that ended on `day`, as a histogram:
    `upper_seconds` is the upper edge of the bucket (analytics.cohort.bucket_upper)."""

    stage = models.CharField(max_length=24)
    upper_seconds = models.PositiveIntegerField()
    spans = models.PositiveIntegerField(default=0)
    seconds_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("stage durations per day")
        verbose_name_plural = _("stage durations per day")
        indexes = _indexes("stage")


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
        indexes = _indexes("satisfaction")


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
