"""Demo data for exchanges, repairs and delivery acceptance findings (issue #5), through the real
services like the rest of the demo: opening stock in both warehouses, and the workflow steps
the builder delegates here (GOODS_ACTIONS, keyed by action name like the builder's methods):
replacements of the same model, dearer ones the customer pays the difference for (finance
confirms the payment), cheaper ones that leave a credit due; free repairs under warranty and
quoted repairs of user damage, accepted or declined and sent back; structured findings at a key
account's site that open an exchange case."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from returndesk.cases import services as cs
from returndesk.catalog.models import Warehouse
from returndesk.inventory.services import stock_move

from .data import PRICE

# Opening sellable stock per warehouse (上海中心仓 HC-SH is the default, exchanges ship from it).
OPENING_STOCK = {
    "HC-SH": {"NB": 30, "MON": 40, "KBM": 80, "ACC": 80},
    "HC-GZ": {"NB": 10, "MON": 15, "KBM": 30, "ACC": 30},
}
# Another variant of the same category for the stories "upgrade" (dearer: the customer pays the
# difference) and "downgrade" (cheaper: a credit is due to the customer).
UPGRADE = {
    "HC-MON24-FHD": "HC-MON27-QHD", "HC-MON27-QHD": "HC-MON27-4K",
    "HC-NB13-U5": "HC-NB14-I5", "HC-NB14-I5": "HC-NB14-I7",
}  # fmt: skip
UPGRADABLE = tuple(UPGRADE)
DOWNGRADE = {"HC-MON27-4K": "HC-MON27-QHD", "HC-MON27-QHD": "HC-MON24-FHD"}
DOWNGRADABLE = tuple(DOWNGRADE)
DIAGNOSES = {
    "Q01": "主板电源管理芯片虚焊,开机无电流",
    "Q02": "屏幕排线接触不良,更换排线后显示正常",
    "Q03": "键盘排线卡扣松脱",
    "Q04": "SSD 坏块超标,需更换",
    "Q05": "BIOS 版本过旧导致蓝屏",
}
DAMAGE = {  # story: (diagnosis, parts, labour)
    "dropped": ("屏幕内部放射状裂纹,外框有撞击凹痕,属外力损坏,不在免费保修范围",
                [{"name": "液晶面板总成", "quantity": 1, "unit_price": "680.00"}], "120.00"),
    "water": ("主板进液腐蚀,属使用不当,不在免费保修范围",
              [{"name": "主板", "quantity": 1, "unit_price": "1280.00"}, {"name": "键盘模块", "quantity": 1,
                                                                          "unit_price": "260.00"}], "200.00"),
}  # fmt: skip


def demo_stock(builder) -> None:
    """Opening balances (盘点期初) for every product in both warehouses, as stock movements."""
    for warehouse in Warehouse.objects.filter(code__in=OPENING_STOCK).order_by("code"):
        per_category = OPENING_STOCK[warehouse.code]
        for sku, product in sorted(builder.products.items()):
            stock_move(
                product=product, warehouse=warehouse, quantity=per_category[builder.specs[sku].category],
                target="sellable", kind="opening", reference="demo:opening", note="期初库存 / opening balance",
            )  # fmt: skip


def _new_serials(builder, sku: str, quantity: int) -> list[str]:
    prefix = builder.specs[sku].serial_prefix
    if not prefix:
        return []
    serials = []
    for _ in range(quantity):
        builder.serial_seq[prefix] += 1
        serials.append(f"{prefix}{1200 + builder.serial_seq[prefix]:07d}")
    return serials


def _arrange_exchange(builder, case, plan):
    variants = {"upgrade": UPGRADE, "downgrade": DOWNGRADE}.get(plan.story, {})
    replacements = []
    for line in case.lines.select_related("order_line__product"):
        sku = variants.get(line.order_line.product.sku)
        if sku:
            replacements.append({"line": str(line.id), "product": sku, "unit_price": str(PRICE[sku])})
    note = {
        "upgrade": "客户希望换成更高配置的型号,按现价补差价后发货。",
        "downgrade": "客户选择换成较低配置的型号,差价由财务退还。",
    }.get(plan.story, "同型号换新,从上海中心仓发货。")
    return cs.case_arrange_exchange(
        case=case, actor=builder._reviewer(case), replacements=replacements, note=note
    )


def _confirm_payment(builder, case, plan):
    day = timezone.localdate()
    reference = f"{day:%Y%m%d}2200141{builder.rng.randrange(10**12, 10**13)}"
    return cs.case_confirm_payment(
        case=case, actor=builder.users["finance"], payment_reference=reference, payment_method="alipay",
        note="客户已通过支付宝补齐差价。",
    )  # fmt: skip


def _ship_replacement(builder, case, plan):
    from returndesk.exchanges.selectors import exchange_live

    exchange = exchange_live(case=case)
    serials = {
        str(line.case_line_id): _new_serials(builder, line.replacement_product.sku, line.quantity)
        for line in exchange.lines.select_related("replacement_product")
    }
    return cs.case_ship_replacement(
        case=case, actor=builder.users["warehouse"], carrier="JD", tracking_number=builder._tracking("JD"),
        replacement_serials={k: v for k, v in serials.items() if v},
    )  # fmt: skip


def _diagnose(builder, case, plan):
    return cs.case_diagnose(
        case=case, actor=builder.users["qc"], diagnosis=DIAGNOSES.get(plan.reason, "故障复现,确认为质量问题")
    )


def _quote_repair(builder, case, plan):
    diagnosis, parts, labour = DAMAGE[plan.story]
    return cs.case_quote_repair(
        case=case, actor=builder.users["qc"], diagnosis=diagnosis, exclusion="user_damage", parts=parts,
        labour=labour,
    )  # fmt: skip


def _accept_quote(builder, case, plan):
    return cs.case_accept_quote(case=case, actor=builder._customer_side(case), note="同意报价,请尽快维修。")


def _decline_quote(builder, case, plan):
    return cs.case_decline_quote(
        case=case, actor=builder._customer_side(case), reason="维修费用太高,不修了,请原样寄回。"
    )


def _finish_repair(builder, case, plan):
    result = {"Q01": "更换主板,烤机 24 小时测试通过", "Q03": "更换键盘排线与按键模块,功能测试通过"}
    text = (
        "更换液晶面板总成,显示测试通过"
        if plan.story in DAMAGE
        else result.get(plan.reason, "更换故障部件,测试通过")
    )
    return cs.case_finish_repair(
        case=case, actor=builder.users["qc"], result=text, outcome="fixed", carrier="SF",
        tracking_number=builder._tracking("SF"),
    )  # fmt: skip


def _return_unrepaired(builder, case, plan):
    return cs.case_return_unrepaired(
        case=case, actor=builder.users["warehouse"], carrier="SF", tracking_number=builder._tracking("SF"),
        note="客户拒绝维修报价,原样寄回,未收取费用。",
    )  # fmt: skip


def _record_inspection(builder, case, plan):
    """Story "issues": two units of the key account's latest delivery are damaged; they are
    recorded as a finding on that order line and an exchange case is opened from it."""
    if plan.story != "issues":
        return cs.case_record_inspection(case=case, actor=builder.users["qc"], result="passed")
    line = _latest_line(builder, case.customer, quantity=2)
    start = builder.serials_used[line.id]
    serials = line.serial_numbers[start : start + 2]
    builder.serials_used[line.id] += len(serials)
    builder.left[line.id] -= 2
    case = cs.case_record_inspection(
        case=case, actor=builder.users["qc"], result="issues_found",
        findings=f"共到货 {line.quantity_shipped} 台,其中 2 台屏幕有亮点,已拍照记录,其余验收合格。",
        issues=[{"order_line": str(line.id), "reason": "Q02", "quantity": 2, "serial_numbers": serials,
                 "description": "开机检测发现屏幕亮点,外箱完好"}],
    )  # fmt: skip
    cs.case_open_from_findings(
        case=case, actor=builder.users["agent2"], type="exchange",
        description="到货验收发现 2 台屏幕亮点,按合同办理换货。",
    )  # fmt: skip
    return case


def _latest_line(builder, customer, *, quantity: int):
    recent = builder.now - timedelta(days=60)
    for line in sorted(
        builder.lines_by_customer.get(customer.id, []), key=lambda ol: ol.order.placed_at, reverse=True
    ):
        delivered = line.order.delivered_at
        screen = builder.specs[line.product.sku].category in ("NB", "MON")  # Q02 is a screen fault
        if screen and delivered is not None and delivered >= recent and builder.left[line.id] >= quantity:
            return line
    raise RuntimeError(f"demo: no recent delivery of {customer.code} for the acceptance findings")


GOODS_ACTIONS = {
    "arrange_exchange": _arrange_exchange,
    "confirm_payment": _confirm_payment,
    "ship_replacement": _ship_replacement,
    "diagnose": _diagnose,
    "quote_repair": _quote_repair,
    "accept_quote": _accept_quote,
    "decline_quote": _decline_quote,
    "finish_repair": _finish_repair,
    "return_unrepaired": _return_unrepaired,
    "record_inspection": _record_inspection,
}
