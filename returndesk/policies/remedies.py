"""What a line may get, by the class of its reason: quality problems (消费者权益保护法 art. 24 and
the 三包 ladder, or the warranty for business customers), delivery problems, and the customer's
own reasons (the 7-day no-reason return and the merchant's windows). Pure functions of the line,
the request and the policy; `engine.evaluate` calls them (docs/policies.md has every rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .decisions import INTAKE, EligibilityRequest, LineDecision, LineRequest
from .periods import LEGAL_TZ, days_end, months_end
from .rules import CheckItem, Policy

REFUND, REFUND_ONLY, EXCHANGE, REPAIR = "refund", "refund_only", "exchange", "repair"
QUALITY, DELIVERY, CUSTOMER = "quality", "delivery", "customer"

SOLUTION_NAMES = {
    REFUND: ("退货退款", "return and refund"),
    REFUND_ONLY: ("仅退款", "refund only"),
    EXCHANGE: ("换货", "exchange"),
    REPAIR: ("维修", "repair"),
}
EXCLUSIONS = {  # catalog.NoReasonExclusion -> (zh, en); 消费者权益保护法 art. 25 (一)–(四)
    "custom_made": ("消费者定作的商品", "custom-made goods"),
    "perishable": ("鲜活易腐的商品", "fresh or perishable goods"),
    "digital": ("已拆封或已下载的音像制品、计算机软件等数字化商品", "audio-visual products, software or other digital goods once unsealed or downloaded"),
    "periodical": ("交付的报纸、期刊", "newspapers and periodicals"),
}  # fmt: skip
SEALED = CheckItem(
    "sealed", "音像制品、软件等数字化商品未拆封、未下载", "Digital goods unopened and not downloaded"
)
LAW_NO_REASON = "消费者权益保护法 第二十五条;网络购买商品七日无理由退货暂行办法"
LAW_QUALITY = "消费者权益保护法 第二十四条;部分商品修理更换退货责任规定(三包)"
LAW_WARRANTY = "部分商品修理更换退货责任规定(三包);民法典 第二百零二条"
SEED_S2_QUALITY = "seed S2 退货流程 JD/GL04:生产确认原因,总经理审批"
SEED_S2 = "seed S2 退货流程 JD/GL04:非质量原因由销售通知经销商不予退货"
MERCHANT_POLICY = "商家政策 / merchant policy"


# --- quality problems: 消费者权益保护法 art. 24 and the 三包 rules --------------------------------


@dataclass(frozen=True)
class _Warranty:
    end: datetime
    months: int
    part_zh: str
    part_en: str

    @property
    def until(self) -> str:
        return last_day(self.end)


def _warranty(policy: Policy, line: LineRequest) -> _Warranty:
    """Main-part faults run on the main-parts warranty, other faults on the whole-unit one."""
    if line.reason_code in policy.main_part_reasons:
        months, zh, en = line.warranty_months_main_parts, "主要部件", "main parts"
    else:
        months, zh, en = line.warranty_months_unit, "整机", "whole unit"
    return _Warranty(months_end(line.delivered_at, months), months, zh, en)


def quality(request: EligibilityRequest, policy: Policy, line: LineRequest) -> LineDecision:
    if request.customer_type == "consumer":
        return _consumer_quality(request, policy, line)
    # The consumer law and 三包 protect consumers; distributors and business customers return
    # faulty goods within the warranty, production/QC confirming the cause (seed S2).
    warranty = _warranty(policy, line)
    if request.now >= warranty.end:
        return _warranty_expired(line, warranty)
    return allowed(
        line, "quality.business_warranty", SEED_S2_QUALITY, (REFUND, REFUND_ONLY, EXCHANGE, REPAIR), warranty.end,
        f"经销商/企业客户的质量问题,{warranty.part_zh}保修期内(截至 {warranty.until} 24:00)"
        "可退货、换货、仅退款或修理,以生产/质量部确认的原因为准",
        f"Quality problem of a distributor or business customer within the {warranty.part_en} warranty "
        f"(until {warranty.until} 24:00): return, exchange, refund or repair, subject to the cause "
        "production/QC confirms",
        evidence=True,
    )  # fmt: skip


def _consumer_quality(request: EligibilityRequest, policy: Policy, line: LineRequest) -> LineDecision:
    """The ladder: days 1–7 any remedy; 三包 goods days 8–15 exchange or repair; then free repair
    within the warranty, exchange or return after two failed repairs of the same fault."""
    now, signed = request.now, line.delivered_at
    sanbao = line.sanbao_category not in ("", "none")
    return_end = days_end(signed, policy.quality_return_days)
    if now < return_end:
        days = policy.quality_return_days
        return allowed(
            line, "quality.return_period", LAW_QUALITY, (REFUND, REFUND_ONLY, EXCHANGE, REPAIR), return_end,
            f"质量问题,签收后 {days} 日内(截至 {last_day(return_end)} 24:00)可选择退货、换货或修理",
            f"Quality problem within {days} days of signing (until {last_day(return_end)} 24:00): "
            "return, exchange or repair at the customer's choice",
            evidence=True,
        )  # fmt: skip
    exchange_end = days_end(signed, policy.sanbao_exchange_days)
    if sanbao and now < exchange_end:
        first, last, until = (
            policy.quality_return_days + 1,
            policy.sanbao_exchange_days,
            last_day(exchange_end),
        )
        return allowed(
            line, "quality.exchange_period", LAW_QUALITY, (EXCHANGE, REPAIR), exchange_end,
            f"三包商品质量问题,签收后第 {first} 至 {last} 日(截至 {until} 24:00)可换货或修理",
            f"三包 goods, quality problem on days {first}–{last} after signing (until {until} 24:00): "
            "exchange or repair",
            evidence=True,
        )  # fmt: skip
    warranty = _warranty(policy, line)
    if now >= warranty.end:
        return _warranty_expired(line, warranty)
    failed = sum(1 for t in line.prior_repairs if t < warranty.end)
    if failed >= policy.repairs_before_replacement:
        return allowed(
            line, "quality.repair_ladder", LAW_QUALITY, (REFUND, EXCHANGE, REPAIR), warranty.end,
            f"保修期内同一故障已修理 {failed} 次仍未修好,可选择换货或退货",
            f"The same fault was repaired {failed} times within the warranty and persists: exchange or return",
            evidence=True,
        )  # fmt: skip
    if not sanbao:
        days = policy.quality_return_days
        return allowed(
            line, "quality.exchange_or_repair", "消费者权益保护法 第二十四条", (EXCHANGE, REPAIR), warranty.end,
            f"签收 {days} 日后的质量问题,{warranty.part_zh}保修期内(截至 {warranty.until} 24:00)可换货或修理",
            f"Quality problem after {days} days, within the {warranty.part_en} warranty "
            f"(until {warranty.until} 24:00): exchange or repair",
            evidence=True,
        )  # fmt: skip
    n = policy.repairs_before_replacement
    return allowed(
        line, "quality.warranty_repair", LAW_WARRANTY, (REPAIR,), warranty.end,
        f"{warranty.part_zh}保修期内(截至 {warranty.until} 24:00)免费修理;同一故障修理 {n} 次仍未修好可换货或退货",
        f"Within the {warranty.part_en} warranty (until {warranty.until} 24:00): free repair; exchange or "
        f"return after {n} failed repairs of the same fault",
        evidence=True,
    )  # fmt: skip


def _warranty_expired(line: LineRequest, warranty: _Warranty) -> LineDecision:
    return refused(
        line, "quality.warranty_expired", LAW_WARRANTY,
        f"{warranty.part_zh}保修期 {warranty.months} 个月已于 {warranty.until} 24:00 届满,可申请付费维修",
        f"The {warranty.part_en} warranty of {warranty.months} months ended at {warranty.until} 24:00; "
        "a paid repair is possible",
        deadline=warranty.end,
    )  # fmt: skip


# --- delivery problems ------------------------------------------------------------------------


def delivery(request: EligibilityRequest, policy: Policy, line: LineRequest) -> LineDecision:
    end = days_end(line.delivered_at, policy.delivery_claim_days)
    days = policy.delivery_claim_days
    if request.now < end:
        return allowed(
            line, "delivery.claim_period", MERCHANT_POLICY, (REFUND, REFUND_ONLY, EXCHANGE), end,
            f"配送问题(发错、少发、运输损坏),签收后 {days} 日内(截至 {last_day(end)} 24:00)可退货、换货或仅退款",
            f"Delivery problem (wrong, missing or damaged in transit) within {days} days of signing "
            f"(until {last_day(end)} 24:00): return, exchange or refund only",
        )  # fmt: skip
    return refused(
        line, "delivery.expired", MERCHANT_POLICY,
        f"配送问题须在签收后 {days} 日内提出,已于 {last_day(end)} 24:00 截止",
        f"Delivery problems must be reported within {days} days of signing; that ended at {last_day(end)} 24:00",
        deadline=end,
    )  # fmt: skip


# --- the customer's own reasons: 7-day no-reason return and the merchant's windows ------------


def own_reason(request: EligibilityRequest, policy: Policy, line: LineRequest) -> LineDecision:
    checklist = policy.checklist_for(line.category)
    if line.no_reason_exclusion == "digital":
        checklist += (SEALED,)
    excluded = _exclusion(line, checklist)
    if excluded is not None:
        return excluded
    signed, now = line.delivered_at, request.now
    statutory = request.customer_type == "consumer" and line.channel in policy.distance_channels
    window = policy.window_for(
        channel=line.channel, customer_type=request.customer_type, category=line.category
    )
    statutory_end = days_end(signed, policy.no_reason_days) if statutory else None
    window_end = (
        days_end(signed, window.days, unit=window.unit, calendar=request.calendar) if window else None
    )
    exchange = (EXCHANGE,) if window and window.allows_exchange and now < window_end else ()
    if statutory_end and now < statutory_end:
        days = policy.no_reason_days
        return allowed(
            line, "no_reason.statutory", LAW_NO_REASON, (REFUND, *exchange), statutory_end,
            f"网购七日无理由退货:签收次日起 {days} 日内(截至 {last_day(statutory_end)} 24:00),商品须完好",
            f"No-reason return for distance sales within {days} days from the day after signing "
            f"(until {last_day(statutory_end)} 24:00); the goods must be intact",
            conditions=checklist,
        )  # fmt: skip
    if window_end and now < window_end:
        unit_zh, unit_en = ("个工作日", "working days") if window.unit == "working" else ("日", "days")
        return allowed(
            line, "window.merchant", MERCHANT_POLICY, (REFUND, *exchange), window_end,
            f"商家退货政策:签收后 {window.days} {unit_zh}内(截至 {last_day(window_end)} 24:00)可退货,商品须完好",
            f"Merchant's return window: {window.days} {unit_en} after signing (until {last_day(window_end)} "
            "24:00); the goods must be intact",
            conditions=checklist,
        )  # fmt: skip
    if statutory_end is None and window_end is None:
        return refused(
            line, "window.none", MERCHANT_POLICY,
            "该渠道或客户类型不适用非质量原因退货",
            "Returns for reasons other than quality are not offered for this channel or customer type",
        )  # fmt: skip
    statutory_last = statutory_end is not None and (window_end is None or statutory_end >= window_end)
    rule, source = (
        ("no_reason.expired", LAW_NO_REASON) if statutory_last else ("window.expired", MERCHANT_POLICY)
    )
    end = max(d for d in (statutory_end, window_end) if d)
    return refused(
        line, rule, source,
        f"非质量原因退货期限已于 {last_day(end)} 24:00 届满;如有质量问题可按三包规定申请",
        f"The period for returns without a quality problem ended at {last_day(end)} 24:00; quality problems "
        "are handled under the 三包 rules",
        deadline=end,
    )  # fmt: skip


def _exclusion(line: LineRequest, checklist: tuple[CheckItem, ...]) -> LineDecision | None:
    kind = line.no_reason_exclusion
    if kind in EXCLUSIONS and (kind != "digital" or line.unsealed):
        zh, en = EXCLUSIONS[kind]
        return refused(
            line, f"no_reason.excluded.{kind}", "消费者权益保护法 第二十五条;网络购买商品七日无理由退货暂行办法 第六条",
            f"{zh}不适用无理由退货;如有质量问题可按三包规定申请",
            f"{en[0].upper()}{en[1:]} are excluded from no-reason returns; quality problems are handled under 三包",
        )  # fmt: skip
    if line.confirmed_not_returnable:
        return refused(
            line, "no_reason.confirmed_at_purchase", "网络购买商品七日无理由退货暂行办法 第七条",
            "购买时已确认该商品不适用无理由退货",
            "The customer confirmed at purchase that this item is not eligible for no-reason return",
        )  # fmt: skip
    failed = [item for item in checklist if item.code in line.not_intact]
    if failed:
        return refused(
            line, "no_reason.not_intact", "网络购买商品七日无理由退货暂行办法 第八条",
            "商品不完好,不适用无理由退货:" + "、".join(i.zh for i in failed),
            "The goods are not intact, so no-reason return does not apply: " + "; ".join(i.en for i in failed),
        )  # fmt: skip
    return None


# --- helpers ----------------------------------------------------------------------------------


def last_day(end: datetime) -> str:
    return (end.astimezone(LEGAL_TZ) - timedelta(days=1)).date().isoformat()


def allowed(
    line, rule, source, solutions, deadline, zh, en, *, evidence: bool = False, conditions=()
) -> LineDecision:
    return LineDecision(
        line.key, True, rule, source, zh, en, tuple(solutions), deadline,
        evidence_required=evidence, conditions=tuple(conditions),
    )  # fmt: skip


def refused(line, rule, source, zh, en, *, stage: str = INTAKE, deadline=None) -> LineDecision:
    return LineDecision(line.key, False, rule, source, zh, en, (), deadline, stage)
