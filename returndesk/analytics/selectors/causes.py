"""Why goods come back: the reason Pareto over return requests, and the causes production/QC
confirmed (stage and responsible department), over the cases opened in the date range."""

from __future__ import annotations

from django.db.models import Sum

from returndesk.cases.models import CaseCause, ReasonClass, ReturnReason

from ..cohort import Outcome
from ..models import CaseDay, ReasonDay
from .base import Column, Filters, Panel, in_range, ratio
from .returns import products_in

PARETO_NOTE = (
    "所选期间提交、仍然有效(未撤回、未被拒绝、未失效)的退货申请的件数,按原因从多到少,累计占比达 80% "
    "的原因是首要改进对象。 / Units of the return requests opened in the period that still count "
    "(not withdrawn, refused or lapsed), by reason, most first; the reasons up to 80% cumulative "
    "come first for improvement."
)
CAUSE_NOTE = (
    "所选期间提交的工单中由生产/质量部确认的原因(每个工单以最近一次确认为准)。 / Causes confirmed by "
    "production/QC on the cases opened in the period (the latest confirmation of each case)."
)


def reason_rows(filters: Filters):
    """ReasonDay rows of the range (product and category filters apply)."""
    qs = in_range(ReasonDay.objects.all(), filters.date_from, filters.date_to)
    allowed = products_in(filters)
    return qs if allowed is None else qs.filter(product_id__in=allowed)


def reason_pareto(filters: Filters) -> Panel:
    sums = list(reason_rows(filters).values("reason_id").annotate(units=Sum("units"), lines=Sum("lines")))
    reasons = {r.id: r for r in ReturnReason.objects.filter(id__in=[s["reason_id"] for s in sums])}
    classes = dict(ReasonClass.choices)
    sums.sort(key=lambda s: (-s["units"], reasons[s["reason_id"]].code))
    total = sum(s["units"] for s in sums)
    running = 0
    rows = []
    for s in sums:
        reason = reasons[s["reason_id"]]
        running += s["units"]
        rows.append(
            {
                "code": reason.code,
                "label": f"{reason.name} / {reason.name_en}",
                "reason_class": classes.get(reason.reason_class, reason.reason_class),
                "lines": s["lines"],
                "units": s["units"],
                "share": ratio(s["units"], total),
                "cumulative_share": ratio(running, total),
            }
        )
    return Panel(
        "reason_pareto",
        "退货原因帕累托 / Return reasons (Pareto)",
        [
            Column("code", "代码 / Code"),
            Column("label", "原因 / Reason"),
            Column("reason_class", "类别 / Class"),
            Column("lines", "行数 / Lines", "int"),
            Column("units", "件数 / Units", "int"),
            Column("share", "占比 / Share", "rate"),
            Column("cumulative_share", "累计占比 / Cumulative", "rate"),
        ],
        rows,
        {"type": "pareto", "x": "code", "y": ["units"], "line": "cumulative_share"},
        PARETO_NOTE,
    )


def case_rows(filters: Filters):
    """CaseDay rows of the range (customer and case-type filters apply)."""
    qs = in_range(CaseDay.objects.all(), filters.date_from, filters.date_to)
    if filters.customer:
        qs = qs.filter(account_id=filters.customer)
    if filters.case_type:
        qs = qs.filter(case_type=filters.case_type)
    return qs


def _shares(rows: list[dict]) -> list[dict]:
    total = sum(r["cases"] for r in rows)
    for r in rows:
        r["share"] = ratio(r["cases"], total)
    return rows


def root_cause_stage(filters: Filters) -> Panel:
    stages = dict(CaseCause.Stage.choices)
    sums = case_rows(filters).exclude(cause_stage="").values("cause_stage").annotate(cases=Sum("cases"))
    ours = dict(
        case_rows(filters)
        .exclude(cause_stage="")
        .filter(cause_our_product=True)
        .values_list("cause_stage")
        .annotate(n=Sum("cases"))
    )
    rows = [
        {
            "stage": s["cause_stage"],
            "label": stages.get(s["cause_stage"], s["cause_stage"]),
            "cases": s["cases"],
            "our_product": int(ours.get(s["cause_stage"], 0)),
        }
        for s in sorted(sums, key=lambda s: (-s["cases"], s["cause_stage"]))
    ]
    return Panel(
        "root_cause_stage",
        "问题环节 / Root cause by stage",
        [
            Column("stage", "代码 / Code"),
            Column("label", "环节 / Stage"),
            Column("cases", "工单数 / Cases", "int"),
            Column("our_product", "其中本厂产品 / Of which our product", "int"),
            Column("share", "占比 / Share", "rate"),
        ],
        _shares(rows),
        {"type": "pie", "x": "label", "y": ["cases"]},
        CAUSE_NOTE,
    )


def root_cause_department(filters: Filters) -> Panel:
    sums = case_rows(filters).exclude(cause_stage="").values("cause_department").annotate(cases=Sum("cases"))
    rows = [
        {"label": s["cause_department"] or "—", "cases": s["cases"]}
        for s in sorted(sums, key=lambda s: (-s["cases"], s["cause_department"]))
    ]
    return Panel(
        "root_cause_department",
        "责任部门 / Responsible department",
        [
            Column("label", "责任部门 / Department"),
            Column("cases", "工单数 / Cases", "int"),
            Column("share", "占比 / Share", "rate"),
        ],
        _shares(rows),
        {"type": "bar", "x": "label", "y": ["cases"]},
        CAUSE_NOTE,
    )


def case_outcomes(filters: Filters) -> Panel:
    sums = dict(case_rows(filters).values_list("outcome").annotate(n=Sum("cases")))
    rows = [
        {"outcome": outcome, "label": Outcome.LABELS[outcome], "cases": int(sums.get(outcome, 0))}
        for outcome in Outcome.ALL
    ]
    return Panel(
        "case_outcomes",
        "工单结果 / Case outcomes",
        [
            Column("outcome", "代码 / Code"),
            Column("label", "结果 / Outcome"),
            Column("cases", "工单数 / Cases", "int"),
            Column("share", "占比 / Share", "rate"),
        ],
        _shares(rows),
        {"type": "pie", "x": "label", "y": ["cases"]},
        "所选期间提交的全部工单(各类型)。 / Every case opened in the period (all types).",
    )
