"""Demo data for analytics and improvement (called once by desk.demo's builder, after the demo
cases exist): knowledge-base articles for the demo products, follow-up calls answered on some
closed cases, an improvement action opened from the most frequent return reason, and the
dashboard's rollups computed so the figures show at once. Everything through the services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from returndesk.analytics.models import ReasonDay
from returndesk.analytics.rollups import rollup_rebuild
from returndesk.cases import services as case_services
from returndesk.cases.models import Case, ReturnReason, Status
from returndesk.catalog.models import Product, ProductCategory
from returndesk.followups.models import FollowUp, FollowUpStatus
from returndesk.knowledge import services as kb

from . import services

ARTICLES = [
    ("fault", "HC-NB14-I5", None, "笔记本无法开机或开机黑屏",
     "按下电源键后指示灯不亮,或风扇转动但屏幕无显示。",
     "拔下电源适配器,长按电源键 15 秒释放静电\n连接原装适配器充电 30 分钟后再开机\n外接显示器确认是否为屏幕故障\n仍无法开机请申请售后检测(三包期内免费)"),
    ("fault", None, "MON", "显示器屏幕闪烁或出现横纹",
     "显示器画面闪烁、出现横向条纹或偶尔黑屏。",
     "更换一根合格的 HDMI 或 DP 线缆再试\n在显卡设置中把刷新率调回显示器支持的数值\n进入显示器菜单恢复出厂设置\n问题依旧请拍摄视频后申请售后"),
    ("operation", "HC-MON27-4K", None, "4K 显示器通过 Type-C 一线连接笔记本",
     "如何用一根 Type-C 线同时传输画面、数据并给笔记本充电。",
     "确认笔记本 Type-C 口支持 DP Alt 模式和 PD 充电\n使用随机附带的全功能 Type-C 线连接\n在显示器菜单中把输入源切换为 Type-C\n笔记本右下角出现充电图标即为连接成功"),
    ("part", "HC-KB-M87", None, "M87 机械键盘更换键帽和轴体",
     "个别按键失灵或键帽损坏,需要更换键帽或轴体。",
     "断开键盘与电脑的连接\n用随附拔键器垂直拔下键帽\n用拔轴器夹住轴体上下卡扣取出旧轴\n对准针脚插入新轴并装回键帽\n连接电脑测试按键"),
    ("part", "HC-NB16-R7", None, "星锐16 更换内存条",
     "升级或更换笔记本内存。",
     "关机并断开电源,在系统中关闭电池\n拧下底壳 10 颗螺丝,用撬片从出风口处撬开\n按开两侧卡扣取下旧内存\n以 30 度角插入新内存并按下\n装回底壳后开机在 BIOS 中确认容量"),
    ("fault", None, "KBM", "无线鼠标断连或光标卡顿",
     "无线鼠标偶尔断开、光标跳动或移动卡顿。",
     "更换新电池或给鼠标充满电\n把接收器插到电脑前置 USB 口,远离 USB 3.0 设备\n按住鼠标底部配对键 3 秒重新配对\n在光滑不反光的表面或鼠标垫上使用"),
    ("faq", None, None, "七天无理由退货需要满足哪些条件",
     "网购商品签收后七天内可以无理由退货吗?",
     "自签收次日起七日内提出申请\n商品完好,配件、说明书、保修卡、发票和赠品齐全\n定制商品等不适用七天无理由退货\n质量问题按三包规定处理,运费由商家承担"),
]  # fmt: skip
CALLS = [(5, True, "处理很快,满意"), (4, True, ""), (5, True, "客服态度好"), (2, False, "等待时间太长"),
         (3, True, ""), (4, True, "换货顺利"), (1, False, "问题没有解决")]  # fmt: skip


def load_improvement_demo(*, users: dict, say=print) -> None:
    qc, agent = users["qc"], users["agent1"]
    for kind, sku, category, title, problem, body in ARTICLES:
        kb.article_create(
            actor=qc, title=title, kind=kind, problem=problem, body=body, is_published=True,
            product=Product.objects.filter(sku=sku).first() if sku else None,
            category=ProductCategory.objects.filter(code=category).first() if category else None,
        )  # fmt: skip
    closed = Case.objects.filter(status=Status.CLOSED, followup__status=FollowUpStatus.DUE).order_by("number")
    for case, (rating, resolved, comment) in zip(closed, CALLS, strict=False):
        case_services.case_followup_call(
            case=case, actor=agent, outcome="answered", rating=rating, resolved=resolved, comment=comment
        )
    rollup_rebuild()
    today = timezone.localdate()
    top = (
        ReasonDay.objects.filter(grain="d", day__gte=today - dt.timedelta(days=90))
        .values("reason_id")
        .annotate(units=Sum("units"))
        .order_by("-units")
        .first()
    )
    if top is not None:
        reason = ReturnReason.objects.get(pk=top["reason_id"])
        product_ids = (
            ReasonDay.objects.filter(grain="d", reason=reason).values_list("product_id", flat=True).distinct()
        )
        services.improvement_open(
            actor=qc, title=f"降低「{reason.name}」退货", owner=qc, reason=reason,
            description=f"退货原因帕累托第一位:{reason.name}。复核来料与出厂检验,更新知识库故障排除文章,30 天后复盘效果。",
            products=list(Product.objects.filter(pk__in=list(product_ids))),
            started_on=today - dt.timedelta(days=30), due_on=today + dt.timedelta(days=30),
        )  # fmt: skip
    answered = FollowUp.objects.filter(status=FollowUpStatus.DONE).count()
    say(f"analytics demo: {len(ARTICLES)} articles, {answered} follow-up answers, rollups computed")
