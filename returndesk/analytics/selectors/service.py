"""How the service performs: SLA attainment and the live breach list, time spent per stage,
customer satisfaction from follow-ups (回访), and distributor scorecards."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from returndesk.cases.models import Case, Priority, ReasonClass, Status
from returndesk.catalog.models import Customer, CustomerType
from returndesk.core.i18n import pick
from returndesk.core.money import ZERO, quantize
from returndesk.followups.models import FollowUpMethod
from returndesk.sla.models import SlaTarget, TargetState
from returndesk.sla.rules import TargetKind

from ..cohort import Outcome
from ..models import AccountDay, CaseDay, RefundDay, SatisfactionDay, SlaDay, StageDay
from .base import Column, Filters, Panel, in_range, nearest_rank, ratio

HOURS = Decimal("0.01")
OPEN_STATUSES = [s for s in Status.values if s not in (Status.CLOSED, Status.CANCELLED)]


def _hours(seconds) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(seconds) / 3600).quantize(HOURS, rounding=ROUND_HALF_UP)


# --- SLA ------------------------------------------------------------------------------------


def sla_attainment(filters: Filters) -> Panel:
    """Per target kind and priority: targets met within the target (on time), finished late,
    stopped unmet without running over (case closed or reviewed anew), still open; attainment =
    on time ÷ (on time + late)."""
    qs = in_range(SlaDay.objects.all(), filters.date_from, filters.date_to)
    counts: dict = defaultdict(lambda: defaultdict(int))
    for kind, priority, outcome, n in qs.values_list("kind", "priority", "outcome").annotate(
        n=Sum("targets")
    ):
        counts[(kind, priority)][outcome] += n
        counts[(kind, "")][outcome] += n
    priorities = dict(Priority.choices)
    rows = []
    for kind in TargetKind.values:
        for priority in ["", *Priority.values]:
            c = counts.get((kind, priority))
            if c is None:
                continue
            label = (
                pick(TargetKind(kind).label, "zh")
                + " · "
                + (pick(priorities[priority], "zh") if priority else "全部")
            )
            label_en = (
                pick(TargetKind(kind).label, "en")
                + " · "
                + (pick(priorities[priority], "en") if priority else "all")
            )
            rows.append(
                {
                    "kind": kind,
                    "priority": priority or "all",
                    "label": f"{label} / {label_en}",
                    "on_time": c["on_time"],
                    "late": c["late"],
                    "stopped": c["stopped"],
                    "open": c["open"],
                    "attainment": ratio(c["on_time"], c["on_time"] + c["late"]),
                }
            )
    return Panel(
        "sla_attainment",
        "服务时效达成率 / SLA attainment",
        [
            Column("kind", "目标 / Target"),
            Column("priority", "优先级 / Priority"),
            Column("label", "名称 / Name"),
            Column("on_time", "按时 / On time", "int"),
            Column("late", "超时 / Late", "int"),
            Column("stopped", "未达成即停止 / Stopped", "int"),
            Column("open", "进行中 / Open", "int"),
            Column("attainment", "达成率 / Attainment", "rate"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["attainment"]},
        "所选期间提交的工单的首次响应和解决方案目标(工作时间计)。达成率 = 按时 ÷ (按时 + 超时)。 / "
        "First-response and solution targets (working time) of the cases opened in the period. "
        "Attainment = on time ÷ (on time + late).",
    )


def sla_breaches(filters: Filters, *, limit: int = 100, now=None) -> Panel:
    """Open cases breaching a target now (live, whatever the date range): a target of the
    current review round recorded as breached, or running past its due time."""
    now = now or timezone.now()
    # The case as a correlated subquery, not a join: both databases then walk the running
    # targets in due order (index sla_target_running_due_idx) and stop at `limit`, instead of
    # starting from every open case and sorting (SQLite: 655 ms at 1M cases).
    open_case = Case.objects.filter(pk=OuterRef("clock__case_id"), status__in=OPEN_STATUSES)
    if filters.case_type:
        open_case = open_case.filter(type=filters.case_type)
    if filters.customer:
        open_case = open_case.filter(customer_id=filters.customer)
    ids = list(
        SlaTarget.objects.filter(round=F("clock__round"), state=TargetState.RUNNING)
        .filter(Q(breached_at__isnull=False) | Q(due_at__lt=now))
        .filter(Exists(open_case))
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    targets = (
        SlaTarget.objects.filter(id__in=ids)
        .select_related("clock__case__customer", "clock__case__assignee", "clock__case__team")
        .order_by("due_at", "id")
    )
    rows = []
    for target in targets:
        case = target.clock.case
        overdue = (now - target.due_at).total_seconds() if target.due_at else None
        rows.append(
            {
                "case_id": str(case.id),
                "number": case.number,
                "label": case.number,
                "customer": case.customer.name,
                "priority": case.get_priority_display(),
                "target": TargetKind(target.kind).label,
                "due_at": timezone.localtime(target.due_at).strftime("%Y-%m-%d %H:%M")
                if target.due_at
                else "",
                "overdue_hours": _hours(overdue) if overdue and overdue > 0 else None,
                "assignee": str(case.assignee) if case.assignee else "",
                "team": case.team.name if case.team else "",
            }
        )
    return Panel(
        "sla_breaches",
        "超时清单 / Breach list",
        [
            Column("number", "工单号 / Case"),
            Column("customer", "客户 / Customer"),
            Column("priority", "优先级 / Priority"),
            Column("target", "目标 / Target"),
            Column("due_at", "应完成 / Due"),
            Column("overdue_hours", "已超时(小时) / Overdue (hours)", "hours"),
            Column("assignee", "处理人 / Assignee"),
            Column("team", "小组 / Team"),
        ],
        rows,
        {},
        "当前仍超时的未结工单(实时,不受日期范围影响),最多 100 条。 / Open cases in breach now (live, "
        "whatever the date range), at most 100.",
    )


# --- cycle time -----------------------------------------------------------------------------


def cycle_time(filters: Filters) -> Panel:
    """Per stage (status): spans completed in the range, median and 90th percentile (nearest
    rank, read from the histogram: the upper edge of the bucket, cohort.bucket_upper), mean."""
    qs = in_range(StageDay.objects.all(), filters.date_from, filters.date_to)
    histograms: dict = defaultdict(list)
    totals: dict = defaultdict(int)
    for stage, upper, spans, seconds in (
        qs.values_list("stage", "upper_seconds")
        .annotate(n=Sum("spans"), s=Sum("seconds_total"))
        .order_by("stage", "upper_seconds")
    ):
        histograms[stage].append((upper, spans))
        totals[stage] += seconds
    labels = dict(Status.choices)
    rows = []
    for stage in [s for s in Status.values if s in histograms]:
        counts = histograms[stage]
        spans = sum(n for _u, n in counts)
        rows.append(
            {
                "stage": stage,
                "label": labels[stage],
                "spans": spans,
                "median_hours": _hours(nearest_rank(counts, Decimal("0.5"))),
                "p90_hours": _hours(nearest_rank(counts, Decimal("0.9"))),
                "mean_hours": _hours(Decimal(totals[stage]) / spans),
            }
        )
    return Panel(
        "cycle_time",
        "各环节处理时长 / Cycle time per stage",
        [
            Column("stage", "代码 / Code"),
            Column("label", "环节(状态) / Stage (status)"),
            Column("spans", "次数 / Spans", "int"),
            Column("median_hours", "中位数(小时) / Median (h)", "hours"),
            Column("p90_hours", "90 分位(小时) / p90 (h)", "hours"),
            Column("mean_hours", "平均(小时) / Mean (h)", "hours"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["median_hours", "p90_hours"]},
        "所选期间结束的各环节停留时间(自然时间)。分位数取自直方图,为所在区间的上限:2 小时内精确到分钟,"
        "一天内到 5 分钟,60 天内到小时。 / Time spent in each status for the spans that ended in the "
        "period (calendar time). Percentiles come from a histogram and give the upper edge of their "
        "bucket: to the minute below 2 h, 5 minutes below a day, the hour below 60 days.",
    )


# --- satisfaction ---------------------------------------------------------------------------


def satisfaction(filters: Filters) -> Panel:
    """Follow-ups answered in the range: distribution of the 1–5 rating, average, resolved rate."""
    qs = in_range(SatisfactionDay.objects.all(), filters.date_from, filters.date_to)
    if filters.customer:
        qs = qs.filter(account_id=filters.customer)
    by_rating = defaultdict(int)
    resolved = answers = 0
    for rating, was_resolved, n in qs.values_list("rating", "resolved").annotate(n=Sum("answers")):
        by_rating[rating] += n
        answers += n
        resolved += n if was_resolved else 0
    rows = [
        {"rating": str(r), "label": "★" * r, "answers": by_rating[r], "share": ratio(by_rating[r], answers)}
        for r in range(5, 0, -1)
    ]
    average = (
        (Decimal(sum(r * n for r, n in by_rating.items())) / answers).quantize(HOURS, rounding=ROUND_HALF_UP)
        if answers
        else None
    )
    methods = dict(FollowUpMethod.choices)
    by_method = dict(qs.values_list("method").annotate(n=Sum("answers")))
    panel = Panel(
        "satisfaction",
        "客户满意度 / Customer satisfaction",
        [
            Column("rating", "评分 / Rating"),
            Column("label", "星级 / Stars"),
            Column("answers", "回答数 / Answers", "int"),
            Column("share", "占比 / Share", "rate"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["answers"]},
        "所选期间完成的回访(客户自助评价或电话回访)。 / Follow-ups answered in the period (portal "
        "survey or phone call).",
    )
    panel.summary = {
        "answers": answers,
        "average_rating": average,
        "resolved": resolved,
        "resolved_rate": ratio(resolved, answers),
        "by_method": {m: int(by_method.get(m, 0)) for m in methods},
    }
    return panel


# --- distributor scorecards -----------------------------------------------------------------


def distributor_scorecards(filters: Filters) -> Panel:
    """Per distributor (seed S2): units shipped and asked back on its orders placed in the range
    (return rate), return requests it opened, the share for quality reasons, how many were
    refused, and what was refunded in the range."""
    distributors = Customer.objects.filter(type=CustomerType.DISTRIBUTOR)
    if filters.customer:
        distributors = distributors.filter(id=filters.customer)
    accounts = {c.id: c for c in distributors}
    ids = list(accounts)

    def ranged(model):
        return in_range(model.objects.all(), filters.date_from, filters.date_to).filter(account_id__in=ids)

    cohort = {
        a: (s, r)
        for a, s, r in ranged(AccountDay)
        .values_list("account_id")
        .annotate(s=Sum("units_shipped"), r=Sum("units_returned"))
    }
    cases: dict = defaultdict(lambda: {"cases": 0, "quality": 0, "refused": 0})
    for account, reason_class, outcome, n in (
        ranged(CaseDay).values_list("account_id", "reason_class", "outcome").annotate(n=Sum("cases"))
    ):
        row = cases[account]
        row["cases"] += n
        row["quality"] += n if reason_class == ReasonClass.QUALITY else 0
        row["refused"] += n if outcome == Outcome.REFUSED else 0
    refunds = dict(ranged(RefundDay).values_list("account_id").annotate(t=Sum("refund_amount")))
    rows = []
    for account_id in set(cohort) | set(cases) | set(refunds):
        customer = accounts[account_id]
        shipped, returned = cohort.get(account_id, (0, 0))
        c = cases[account_id]
        rows.append(
            {
                "code": customer.code,
                "label": customer.name,
                "units_shipped": int(shipped or 0),
                "units_returned": int(returned or 0),
                "return_rate": ratio(returned or 0, shipped),
                "cases": c["cases"],
                "quality_share": ratio(c["quality"], c["cases"]),
                "refused": c["refused"],
                "refunded": quantize(Decimal(str(refunds[account_id])))
                if refunds.get(account_id) is not None
                else ZERO,
            }
        )
    rows.sort(key=lambda r: (-r["units_returned"], -r["cases"], r["code"]))
    return Panel(
        "distributor_scorecards",
        "经销商记分卡 / Distributor scorecards",
        [
            Column("code", "编码 / Code"),
            Column("label", "经销商 / Distributor"),
            Column("units_shipped", "发货件数 / Units shipped", "int"),
            Column("units_returned", "退货件数 / Units returned", "int"),
            Column("return_rate", "退货率 / Return rate", "rate"),
            Column("cases", "售后工单 / Cases", "int"),
            Column("quality_share", "质量原因占比 / Quality share", "rate"),
            Column("refused", "被拒绝 / Refused", "int"),
            Column("refunded", "退款 / Refunded", "money"),
        ],
        rows,
        {"type": "bar", "x": "label", "y": ["return_rate"], "limit": 15},
        "退货率按所选期间下单的订单;工单按提交日期;退款按退款日期。非质量原因的经销商退货会被拒绝(S2)。 / "
        "Return rate over the orders placed in the period; cases by the day opened; refunds by the day "
        "refunded. Non-quality distributor returns are refused (S2).",
    )
