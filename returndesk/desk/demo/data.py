"""The demo company's fixed data: users, products, customers, and the plans that walk cases
through every status each case type can reach."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal

from returndesk.accounts.roles import Role
from returndesk.cases.models import CaseType
from returndesk.cases.workflow import transition_for
from returndesk.catalog.models import (
    NoReasonExclusion,
    SanbaoCategory,
)

DEMO_PASSWORD = "returndesk-demo"
MARKER_WAREHOUSE = "HC-SH"  # natural key: present means the demo is loaded
SEED = 2026
# The integration token of the demo (role system: an online shop's or ERP's sync), printed by
# load_demo and written in the README. Published, so for local use only: never on a real install.
DEMO_INTEGRATION_USER = "shop-sync"
DEMO_API_TOKEN = "rd_demo0000_local-demo-only-never-use-in-production"
COMPANY = "华辰电子科技有限公司"

# --- people ----------------------------------------------------------------------------------

# username, role, family name, given name, team (None / agent team / sales team), linked customer code
USERS = [
    ("admin", Role.ADMIN, "陈", "志远", None, None),
    ("agent1", Role.AGENT, "李", "晓梅", "客服一组", None),
    ("agent2", Role.AGENT, "王", "浩然", "客服一组", None),
    ("supervisor", Role.SUPERVISOR, "赵", "静怡", "客服一组", None),
    ("sales", Role.SALES, "孙", "建华", "华东销售组", None),
    ("warehouse", Role.WAREHOUSE, "周", "大勇", None, None),
    ("qc", Role.QC, "吴", "振宇", None, None),
    ("gm", Role.GM, "郑", "国华", None, None),
    ("finance", Role.FINANCE, "钱", "丽娟", None, None),
    ("customer", Role.CUSTOMER, "张", "伟", None, "C0001"),
    ("distributor", Role.DISTRIBUTOR, "刘", "成", None, "D001"),
]
TEAMS = [("客服一组", Role.AGENT), ("华东销售组", Role.SALES)]

# --- catalogue -------------------------------------------------------------------------------

CATEGORIES = [
    ("NB", "笔记本电脑", "Laptops"),
    ("MON", "显示器", "Monitors"),
    ("KBM", "键盘鼠标", "Keyboards & mice"),
    ("ACC", "配件", "Accessories"),
]


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    name_en: str
    model_spec: str
    category: str
    price: int  # retail, tax included
    unit: str = "台"
    sanbao: str = SanbaoCategory.NONE
    warranty: tuple[int, int] = (12, 12)
    no_reason: bool = True
    exclusion: str = NoReasonExclusion.NONE  # 消费者权益保护法 art. 25: excluded from no-reason returns
    serial_prefix: str = ""


C, OTHER = SanbaoCategory.COMPUTER, SanbaoCategory.OTHER
PRODUCTS = [
    ProductSpec("HC-NB14-I5", "华辰 星锐14 笔记本电脑", "Huachen Xingrui 14 laptop", "14英寸 i5-13500H 16G 512G",
                "NB", 5499, sanbao=C, warranty=(12, 24), serial_prefix="HC14A"),
    ProductSpec("HC-NB14-I7", "华辰 星锐14 Pro 笔记本电脑", "Huachen Xingrui 14 Pro laptop",
                "14英寸 i7-13700H 32G 1T", "NB", 6999, sanbao=C, warranty=(12, 24), serial_prefix="HC14B"),
    ProductSpec("HC-NB16-R7", "华辰 星锐16 性能本", "Huachen Xingrui 16 performance laptop",
                "16英寸 R7-7840H 32G 1T RTX4060", "NB", 8499, sanbao=C, warranty=(12, 24), serial_prefix="HC16P"),
    ProductSpec("HC-NB13-U5", "华辰 轻羽13 轻薄本", "Huachen Qingyu 13 ultrabook", "13.3英寸 Ultra5-125H 16G 512G",
                "NB", 4699, sanbao=C, warranty=(12, 24), serial_prefix="HC13L"),
    ProductSpec("HC-MON24-FHD", "华辰 24英寸 IPS 显示器", "Huachen 24-inch IPS monitor",
                "23.8英寸 1920×1080 IPS 100Hz", "MON", 899, sanbao=OTHER, warranty=(12, 36), serial_prefix="HC24M"),
    ProductSpec("HC-MON27-QHD", "华辰 27英寸 2K 电竞显示器", "Huachen 27-inch QHD gaming monitor",
                "27英寸 2560×1440 IPS 165Hz", "MON", 1699, sanbao=OTHER, warranty=(12, 36), serial_prefix="HC27Q"),
    ProductSpec("HC-MON27-4K", "华辰 27英寸 4K 专业显示器", "Huachen 27-inch 4K pro monitor",
                "27英寸 3840×2160 IPS Type-C 90W", "MON", 2999, sanbao=OTHER, warranty=(12, 36), serial_prefix="HC27K"),
    ProductSpec("HC-KB-M87", "华辰 M87 机械键盘", "Huachen M87 mechanical keyboard", "87键 红轴 有线 RGB",
                "KBM", 399, unit="个"),
    ProductSpec("HC-MS-W2", "华辰 W2 无线鼠标", "Huachen W2 wireless mouse", "2.4G+蓝牙双模 4000DPI", "KBM", 129,
                unit="个"),
    ProductSpec("HC-KM-SET", "华辰 K100 无线键鼠套装", "Huachen K100 wireless keyboard and mouse set",
                "2.4G 静音键鼠", "KBM", 199, unit="套"),
    ProductSpec("HC-DOCK-C9", "华辰 九合一 Type-C 扩展坞", "Huachen 9-in-1 USB-C dock",
                "HDMI×2 USB-A×3 RJ45 PD100W", "ACC", 329, unit="个"),
    ProductSpec("HC-ADP-100W", "华辰 100W 氮化镓电源适配器", "Huachen 100 W GaN charger", "100W 2C1A 快充", "ACC",
                199, unit="个"),
    ProductSpec("HC-BAG-15", "华辰 15.6英寸 电脑双肩包", "Huachen 15.6-inch laptop backpack", "防泼水 USB 充电口",
                "ACC", 159, unit="个"),
    ProductSpec("HC-SKIN-ENG", "华辰 星锐14 定制镭雕掌托贴", "Huachen Xingrui 14 custom-engraved palm-rest skin",
                "个性化刻字 定制商品", "ACC", 99, unit="件", no_reason=False,
                exclusion=NoReasonExclusion.CUSTOM_MADE),
]  # fmt: skip
PRICE = {p.sku: Decimal(p.price) for p in PRODUCTS}
LAPTOPS = ("HC-NB14-I5", "HC-NB14-I7", "HC-NB16-R7", "HC-NB13-U5")
GM_LAPTOPS = (
    "HC-NB14-I5",
    "HC-NB14-I7",
    "HC-NB16-R7",
)  # above the general-manager gate (5000) after discounts
MONITORS = ("HC-MON24-FHD", "HC-MON27-QHD", "HC-MON27-4K")
KBM = ("HC-KB-M87", "HC-MS-W2", "HC-KM-SET")
ACC = ("HC-DOCK-C9", "HC-ADP-100W", "HC-BAG-15")  # the engraved skin is picked by name only

WAREHOUSES = [
    (MARKER_WAREHOUSE, "上海中心仓", "上海市嘉定区叶城路1288号 华辰电子上海中心仓 售后收货组", "周大勇",
     "021-59981234", True),
    ("HC-GZ", "广州分仓", "广东省广州市白云区太和镇永兴路18号 华辰物流园3号库", "梁嘉豪", "020-37281234", False),
]  # fmt: skip

# --- customers -------------------------------------------------------------------------------

CONSUMERS = [
    ("张伟", "zhangwei"), ("王芳", "wangfang"), ("李娜", "lina"), ("刘洋", "liuyang"), ("陈静", "chenjing"),
    ("杨磊", "yanglei"), ("赵敏", "zhaomin"), ("黄强", "huangqiang"), ("周杰", "zhoujie"), ("吴婷", "wuting"),
    ("徐磊", "xulei"), ("孙丽", "sunli"), ("胡军", "hujun"), ("朱琳", "zhulin"), ("高峰", "gaofeng"),
    ("林晓", "linxiao"), ("何静", "hejing"), ("郭涛", "guotao"), ("马超", "machao"), ("罗敏", "luomin"),
    ("梁宇", "liangyu"), ("宋佳", "songjia"), ("郑浩", "zhenghao"), ("谢婷", "xieting"), ("韩雪", "hanxue"),
    ("唐磊", "tanglei"), ("冯娟", "fengjuan"), ("于洋", "yuyang"), ("董明", "dongming"), ("萧红", "xiaohong"),
    ("程浩", "chenghao"), ("曹颖", "caoying"), ("袁帅", "yuanshuai"), ("邓丽", "dengli"), ("许晨", "xuchen"),
    ("傅强", "fuqiang"), ("沈佳怡", "shenjiayi"), ("曾凡", "zengfan"), ("彭博", "pengbo"), ("吕思", "lvsi"),
]  # fmt: skip
DISTRICTS = [
    ("上海市浦东新区", "张杨路"), ("上海市徐汇区", "漕溪北路"), ("上海市闵行区", "七莘路"),
    ("北京市朝阳区", "建国路"), ("北京市海淀区", "学院路"), ("广东省广州市天河区", "天河路"),
    ("广东省深圳市南山区", "科技园南路"), ("浙江省杭州市西湖区", "文三路"), ("江苏省南京市鼓楼区", "中山北路"),
    ("江苏省苏州市工业园区", "星湖街"), ("四川省成都市武侯区", "天府大道"), ("湖北省武汉市洪山区", "珞喻路"),
    ("陕西省西安市雁塔区", "科技路"), ("重庆市渝北区", "金开大道"), ("天津市南开区", "卫津路"),
    ("湖南省长沙市岳麓区", "麓山南路"),
]  # fmt: skip
MOBILE_PREFIXES = ("138", "139", "135", "136", "186", "187", "150", "151", "177", "189")
DISTRIBUTORS = [
    ("D001", "成都蓉信数码贸易有限公司", "刘成", "028-85621437", "rongxin.liucheng@example.com",
     "四川省成都市武侯区人民南路四段27号 商鼎国际1栋2105室"),
    ("D002", "武汉楚天电脑科技有限公司", "黄志刚", "027-87654321", "chutian.huang@example.com",
     "湖北省武汉市洪山区珞喻路1037号 华科科技园B座"),
    ("D003", "杭州西湖数码商贸有限公司", "陈露", "0571-88012345", "xihu.chenlu@example.com",
     "浙江省杭州市西湖区文三路478号 华星时代广场A座"),
    ("D004", "西安秦创电子有限公司", "王毅", "029-88321234", "qinchuang.wangyi@example.com",
     "陕西省西安市雁塔区科技路48号 创业广场C座"),
    ("D005", "南京金陵信息技术有限公司", "周敏", "025-83456789", "jinling.zhoumin@example.com",
     "江苏省南京市鼓楼区中山北路105号 中环国际广场"),
    ("D006", "沈阳北辰科技发展有限公司", "李建军", "024-23456789", "beichen.lijianjun@example.com",
     "辽宁省沈阳市和平区三好街96号"),
]  # fmt: skip
KEY_ACCOUNTS = [
    ("K001", "上海申联教育集团有限公司", "吴晓东", "021-64381234", "shenlian.wuxd@example.com",
     "上海市徐汇区漕溪北路595号 申联大厦8楼信息中心"),
    ("K002", "苏州工业园区智造科技有限公司", "钱峰", "0512-62881234", "zhizao.qianfeng@example.com",
     "江苏省苏州市工业园区星湖街328号 创意产业园5栋"),
    ("K003", "北京中科数图信息技术有限公司", "孟凡", "010-82345678", "shutu.mengfan@example.com",
     "北京市海淀区中关村大街27号 中关村大厦12层"),
]  # fmt: skip

# --- case plans ------------------------------------------------------------------------------

T = CaseType
RR_GM = (
    "approve",
    "confirm_solution",
    "ship_back",
    "receive",
    "inspect",
    "confirm_cause",
    "gm_approve",
    "refund",
    "refund_complete",
    "close",
)
# A refund's outcome (refund_complete / refund_fail) is the system's, once the payment provider
# or finance has answered: the builder takes those steps after the load has committed.
RR_DISTRIBUTOR = (
    "approve", "confirm_solution", "receive", "inspect", "confirm_cause", "gm_approve", "refund", "refund_complete",
    "close",
)  # fmt: skip
RR_SIMPLE = (
    "approve",
    "confirm_solution",
    "ship_back",
    "receive",
    "inspect",
    "refund",
    "refund_complete",
    "close",
)
RO_SIMPLE = ("approve", "refund", "refund_complete", "close")
RO_GM = ("approve", "gm_approve", "refund", "refund_complete", "close")
RR_FAILED = (*RR_SIMPLE[:6], "refund_fail")
EX_GM = (
    "approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause", "gm_approve", "arrange_exchange",
    "ship_replacement", "close",
)  # fmt: skip
EX_SIMPLE = (
    "approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause", "arrange_exchange", "ship_replacement",
    "close",
)  # fmt: skip
RP_GM = (
    "approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause", "gm_approve", "diagnose",
    "start_repair", "finish_repair", "close",
)  # fmt: skip
RP_SIMPLE = (
    "approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause", "diagnose", "start_repair",
    "finish_repair", "close",
)  # fmt: skip
TO_QC = ("approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause")
# Exchanges to another variant and paid repairs (issue #5, desk/demo/exchanges_repairs.py).
EX_UPGRADE = (*TO_QC, "arrange_exchange", "confirm_payment", "ship_replacement", "close")
RP_PAID = (*TO_QC, "quote_repair", "accept_quote", "start_repair", "finish_repair", "close")
RP_DECLINED = (*TO_QC, "quote_repair", "decline_quote", "return_unrepaired", "close")
UPGRADABLE = ("HC-MON24-FHD", "HC-MON27-QHD", "HC-NB13-U5", "HC-NB14-I5")  # exchanges_repairs.UPGRADE
DOWNGRADABLE = ("HC-MON27-4K", "HC-MON27-QHD")
APPEAL = ("reject", "appeal")


@dataclass(frozen=True)
class Plan:
    """One demo case (or, with each_step, one case stopped after every step of `path`).

    who: consumer | zhangwei (the `customer` sign-in) | key_account | distributor | rongxin (the
    `distributor` sign-in). story picks the texts of refusals and causes. Each case goes on an
    order line for which the policy accepts the request (docs/policies.md), unless the plan
    overrides the policy."""

    type: str
    path: tuple[str, ...]
    who: str
    skus: tuple[str, ...] = ()
    reason: str = ""
    quantity: int = 1
    each_step: bool = False
    short: bool = False  # the warehouse receives one unit less than announced
    recent: bool = False  # delivered within 7 days (no-reason return)
    story: str = ""
    raise_priority: bool = False
    override: str = ""  # opened by the supervisor past a policy refusal, with this reason
    # How the refund goes (refunds app): "" as the route gives it; fail (the gateway declines the
    # first attempt), timeout (its answer is lost; asked later), store_credit, flagged (a forged
    # callback arrives afterwards). A path that stops at `refund` refunds by bank transfer, so the
    # case stays 退款中 until finance confirms the transfer.
    refund: str = ""


PLANS = [
    # 退货退款 — the distributor flow of seed S2 first, so it books the first credit note (CN-…-00001).
    Plan(T.RETURN_REFUND, RR_DISTRIBUTOR, "rongxin", LAPTOPS, "Q01", quantity=10, short=True),
    # 张伟 (the `customer` sign-in) has a quote to decide in the portal: his only laptop is taken
    # before the consumer plans (he is one of the consumers) can take it.
    Plan(T.REPAIR, (*TO_QC, "gm_approve", "quote_repair"), "zhangwei", ("HC-NB14-I7",), "Q05", story="water"),
    # Business customers return faulty goods within the warranty (seed S2); consumers within 7 days.
    Plan(T.RETURN_REFUND, RR_GM, "key_account", GM_LAPTOPS, "Q04", each_step=True),
    Plan(T.RETURN_REFUND, RR_GM, "consumer", GM_LAPTOPS, "Q04"),
    Plan(
        T.RETURN_REFUND, RR_DISTRIBUTOR, "distributor", MONITORS + LAPTOPS, "Q02", quantity=3, each_step=True
    ),
    Plan(T.RETURN_REFUND, ("reject",), "rongxin", KBM, "C02", quantity=5, story="distributor_refused"),
    Plan(T.RETURN_REFUND, ("reject",), "distributor", ACC, "C04", quantity=10, story="distributor_refused"),
    Plan(T.RETURN_REFUND, RR_SIMPLE, "zhangwei", ("HC-DOCK-C9",), "C01", recent=True),
    Plan(T.RETURN_REFUND, RR_SIMPLE[:5], "consumer", KBM + ACC, "C01", recent=True),
    Plan(T.RETURN_REFUND, RR_SIMPLE[:3], "consumer", KBM + ACC, "C01", recent=True),
    Plan(T.RETURN_REFUND, APPEAL, "consumer", KBM, "C02", story="not_intact"),
    Plan(
        T.RETURN_REFUND,
        ("approve", "confirm_solution"),
        "zhangwei",
        ("HC-SKIN-ENG",),
        "C01",
        override="刻字内容系我方客服录入错误,经主管核实,特批按无理由退货处理(定制商品本不适用七天无理由退货)。",
    ),
    Plan(T.RETURN_REFUND, (*APPEAL, "overturn_rejection"), "consumer", MONITORS, "Q02", story="overturn"),
    Plan(T.RETURN_REFUND, ("approve", "decline_solution"), "consumer", LAPTOPS, "Q07", raise_priority=True),
    Plan(T.RETURN_REFUND, ("cancel",), "consumer", KBM, "C03"),
    Plan(T.RETURN_REFUND, ("approve", "confirm_solution", "cancel"), "consumer", ACC, "C02"),
    Plan(T.RETURN_REFUND, (*TO_QC, "gm_reject"), "consumer", GM_LAPTOPS, "Q05", story="water"),
    Plan(T.RETURN_REFUND, ("approve", "confirm_solution"), "consumer", LAPTOPS, "Q06"),
    Plan(T.RETURN_REFUND, RR_SIMPLE[:4], "consumer", ("HC-DOCK-C9", "HC-ADP-100W"), "Q06"),
    Plan(T.RETURN_REFUND, (), "key_account", MONITORS, "Q08", quantity=2),
    # Refunds (issue 6): declined by the gateway, declined then retried, answer lost then asked.
    Plan(T.RETURN_REFUND, RR_FAILED, "consumer", KBM + ACC, "C01", recent=True, refund="fail"),
    Plan(
        T.RETURN_REFUND,
        (*RR_FAILED, *RR_SIMPLE[5:]),
        "consumer",
        KBM + ACC,
        "C01",
        recent=True,
        refund="fail",
    ),
    Plan(T.RETURN_REFUND, RR_SIMPLE, "consumer", KBM + ACC, "C01", recent=True, refund="timeout"),
    # 仅退款
    Plan(T.REFUND_ONLY, RO_SIMPLE, "consumer", ("HC-BAG-15",), "D02", each_step=True),
    Plan(
        T.REFUND_ONLY, RO_GM, "distributor", ("HC-KM-SET", "HC-ADP-100W"), "Q09", quantity=5, each_step=True
    ),
    Plan(T.REFUND_ONLY, ("approve", "refund", "refund_fail"), "consumer", ACC, "D02", refund="fail"),
    Plan(T.REFUND_ONLY, RO_SIMPLE, "consumer", KBM + ACC, "D02", refund="store_credit"),
    Plan(T.REFUND_ONLY, RO_SIMPLE, "consumer", KBM + ACC, "D02", refund="flagged"),
    Plan(
        T.REFUND_ONLY, ("approve", "gm_reject"), "rongxin", KBM + ACC, "Q09", quantity=4, story="no_evidence"
    ),
    Plan(T.REFUND_ONLY, APPEAL, "consumer", MONITORS, "D02", story="missing_disputed"),
    Plan(T.REFUND_ONLY, (*APPEAL, "uphold_rejection"), "consumer", KBM, "D02", story="missing_disputed"),
    Plan(T.REFUND_ONLY, ("approve", "cancel"), "zhangwei", ("HC-ADP-100W",), "D03"),
    # 换货
    Plan(T.EXCHANGE, EX_GM, "key_account", GM_LAPTOPS, "Q03", each_step=True),
    Plan(T.EXCHANGE, EX_SIMPLE, "zhangwei", ("HC-MON27-QHD",), "Q02"),
    Plan(T.EXCHANGE, EX_GM, "key_account", ("HC-MON27-QHD", "HC-MON27-4K"), "Q02", quantity=4),
    Plan(T.EXCHANGE, EX_GM, "distributor", MONITORS, "Q02", quantity=2),
    Plan(T.EXCHANGE, (*APPEAL, "overturn_rejection", "approve"), "consumer", KBM, "Q03", story="overturn"),
    Plan(T.EXCHANGE, ("approve", "decline_solution"), "consumer", MONITORS, "D01"),
    Plan(T.EXCHANGE, APPEAL, "consumer", KBM, "Q03", story="no_fault_found"),
    Plan(T.EXCHANGE, (*TO_QC, "gm_reject"), "consumer", MONITORS, "Q08", story="dropped"),
    Plan(T.EXCHANGE, ("cancel",), "consumer", MONITORS, "D01"),
    # another variant: dearer (the customer pays the difference first) or cheaper (a credit is due)
    Plan(T.EXCHANGE, EX_UPGRADE[:7], "consumer", UPGRADABLE, "Q02", story="upgrade"),
    Plan(T.EXCHANGE, EX_UPGRADE[:8], "consumer", UPGRADABLE, "Q02", story="upgrade"),
    Plan(T.EXCHANGE, EX_UPGRADE, "consumer", UPGRADABLE, "Q02", story="upgrade"),
    Plan(
        T.EXCHANGE,
        (*TO_QC, "arrange_exchange", "ship_replacement"),
        "consumer",
        DOWNGRADABLE,
        "Q02",
        story="downgrade",
    ),
    # 维修
    Plan(T.REPAIR, RP_GM, "consumer", GM_LAPTOPS, "Q01", each_step=True),
    Plan(T.REPAIR, (*RP_SIMPLE, "reopen"), "consumer", KBM, "Q03", story="repair_again"),
    Plan(T.REPAIR, RP_SIMPLE[:7], "consumer", MONITORS, "Q02"),
    Plan(T.REPAIR, (*APPEAL, "uphold_rejection"), "consumer", LAPTOPS, "Q04", story="self_repair"),
    Plan(T.REPAIR, APPEAL, "consumer", LAPTOPS, "Q05", story="self_repair"),
    Plan(T.REPAIR, ("approve", "confirm_solution", "cancel"), "zhangwei", ("HC-KB-M87",), "Q03"),
    Plan(T.REPAIR, RP_SIMPLE[:4], "key_account", LAPTOPS, "Q05", quantity=3),
    Plan(T.REPAIR, (*TO_QC, "gm_reject"), "consumer", ("HC-NB13-U5", "HC-NB14-I5"), "Q05", story="water"),
    # user damage is quoted (seed S8 4.3): accepted and repaired, pending, or declined and sent back
    Plan(T.REPAIR, RP_PAID, "consumer", MONITORS, "Q02", story="dropped"),
    Plan(T.REPAIR, RP_DECLINED[:8], "consumer", MONITORS, "Q02", story="dropped"),
    Plan(T.REPAIR, RP_DECLINED[:9], "consumer", ("HC-NB13-U5",), "Q05", story="water"),
    Plan(T.REPAIR, RP_DECLINED, "consumer", MONITORS, "Q02", story="dropped"),
    # 咨询
    Plan(T.CONSULTATION, (), "consumer"),
    Plan(T.CONSULTATION, (), "consumer"),
    Plan(T.CONSULTATION, ("answer",), "zhangwei"),
    Plan(T.CONSULTATION, ("answer", "close"), "consumer"),
    Plan(T.CONSULTATION, ("answer", "close"), "consumer"),
    Plan(T.CONSULTATION, ("cancel",), "consumer"),
    Plan(T.CONSULTATION, ("answer", "close", "reopen"), "consumer", story="follow_up"),
    Plan(T.CONSULTATION, ("answer",), "rongxin"),
    # 到货验收
    Plan(T.ACCEPTANCE, (), "key_account"),
    Plan(T.ACCEPTANCE, ("schedule_visit",), "key_account"),
    Plan(T.ACCEPTANCE, ("schedule_visit", "record_inspection"), "key_account"),
    Plan(T.ACCEPTANCE, ("schedule_visit", "record_inspection", "close"), "key_account", story="issues"),
    Plan(T.ACCEPTANCE, ("schedule_visit", "cancel"), "key_account"),
    Plan(T.ACCEPTANCE, ("schedule_visit", "record_inspection", "close"), "distributor"),
]


def planned_cases() -> list[tuple[Plan, tuple[str, ...]]]:
    """Every case the demo opens: (plan, the actions it goes through)."""
    cases = []
    for plan in PLANS:
        stops = range(len(plan.path) + 1) if plan.each_step else [len(plan.path)]
        cases.extend((plan, plan.path[:k]) for k in stops)
    return cases


def planned_statuses() -> set[tuple[str, str]]:
    """(type, status) where the planned cases end, read off the workflow table's targets."""
    ends = set()
    for plan, path in planned_cases():
        status = "submitted"
        for action in path:
            status = transition_for(plan.type, action).target.value
        ends.add((str(plan.type), status))
    return ends


# --- texts -----------------------------------------------------------------------------------

DESCRIPTIONS = {
    "Q01": ["{product}收到后第二周突然无法开机,充电指示灯不亮,换了插座和充电器也一样。",
            "合盖休眠后无法唤醒,长按电源键 30 秒无任何反应,风扇不转。"],
    "Q02": ["屏幕右下角有 3 个亮点,纯黑背景下非常明显。", "屏幕左侧漏光明显,开机半小时后偶尔闪屏。",
            "屏幕出现横向彩色条纹,外接显示器显示正常。"],
    "Q03": ["键盘 E、R、T 三个键按下无反应,外接键盘正常。", "触控板间歇性失灵,光标乱跳,已更新驱动无效。",
            "空格键回弹无力,偶尔连击。"],
    "Q04": ["使用两周后频繁提示磁盘错误,厂商自检工具报告 SSD 坏块。", "内存检测报错,运行大型软件时自动重启。"],
    "Q05": ["每天蓝屏两三次,错误代码 WHEA_UNCORRECTABLE_ERROR,已恢复出厂设置仍然出现。",
            "运行一段时间后死机,只能强制关机。"],
    "Q06": ["充电时电源附近有焦糊味,机身底部烫手,担心安全隐患,已停止使用。",
            "使用中接口处冒烟,有烧焦痕迹,已拔下并拍照留证。"],
    "Q07": ["页面标注 32G 内存,系统里只显示 16G,与描述不符。", "宣传支持 Type-C 90W 反向充电,实测只有 65W。"],
    "Q08": ["开箱发现 A 面有明显划痕和磕碰,外包装完好。", "显示器底座有一道裂纹,开箱时已存在。"],
    "Q09": ["包装内缺少 USB 接收器,无法使用。", "缺少电源适配器和说明书。"],
    "D01": ["下单的是 27 英寸 2K 款,收到的是 24 英寸款,外箱标签也是 24 英寸。"],
    "D02": ["订单中的{product}没有收到,物流显示已签收,但包裹里只有其他商品。"],
    "D03": ["外箱严重变形,收货时已拍照,屏幕有裂痕。", "快递外包装破损,商品表面有压痕。"],
    "C01": ["七天无理由退货,仅开箱查看,配件齐全,包装完好。", "买重复了,七天内申请无理由退货,未使用。"],
    "C02": ["公司统一采购了其他型号,这台不需要了。", "家里已经有一台,不想要了。"],
    "C03": ["拍错型号,想要的是无线款,申请退货后重新下单。"],
    "C04": ["与自己的 Mac 电脑快捷键不兼容,用不习惯。", "与现有设备接口不兼容。"],
}  # fmt: skip
DISTRIBUTOR_DESCRIPTIONS = {
    "Q01": "经销商来电:本批 {product} 中 {qty} 台门店试机时无法开机,已停止销售,申请整批退回检测退款。",
    "Q02": "经销商反馈:{product} 共 {qty} 台屏幕有亮点或漏光,终端客户退回,申请退货。",
    "Q09": "经销商反馈:到货的 {product} 中 {qty} 套缺少配件,无法销售,申请仅退款。",
    "C02": "经销商通知:{product} 库存积压 {qty} 个,市场需求下降,希望退货。",
    "C04": "经销商通知:{product} {qty} 个与其客户的设备不兼容,要求退货。",
}
CAUSES = {  # stage, department, person, analysis, handling
    "Q01": ("production", "生产部", "王建国(SMT 二线)", "主板电源管理芯片虚焊,同批次抽检不良率 1.2%。",
            "不良品返厂分析,同批次加抽 5%,产线回流焊温度曲线已校正"),
    "Q02": ("material", "采购部", "刘洋(面板采购)", "面板来料亮点超标,供应商批次 2603。",
            "向面板供应商索赔,来料检验改为全检"),
    "Q03": ("production", "生产部", "李强(装配线 B 组)", "键盘排线卡扣未扣紧,振动后接触不良。",
            "重新装配并对工位人员培训,增加排线扣合检查"),
    "Q04": ("material", "采购部", "刘洋(存储采购)", "SSD 固件缺陷导致坏块,供应商已确认。", "更换 SSD 并升级固件"),
    "Q05": ("design", "研发部", "固件组", "BIOS 电源策略与新版显卡驱动冲突。", "发布 BIOS 1.07 修复,客户端推送更新"),
    "Q06": ("material", "质量部", "陈刚(来料检验)", "适配器输入电容鼓包,存在过热风险。", "同批次适配器召回更换"),
    "Q07": ("production", "生产部", "赵磊(配置工位)", "生产时内存条装错规格。", "更换为正确配置,工单核对流程加严"),
    "Q08": ("packaging", "生产部", "包装工段", "包装内衬不足,运输中受压。", "更换包装内衬规格"),
    "Q09": ("packaging", "生产部", "包装工段", "包装工位漏放配件。", "补发配件,包装称重检验"),
}  # fmt: skip
CUSTOMER_USE_CAUSE = ("customer_use", "客户(非本厂责任)", "", "拆机发现主板有明显进液腐蚀痕迹,属使用不当造成。",
                      "不在三包范围,不予免费退换,可提供付费维修")  # fmt: skip
DROPPED_CAUSE = ("customer_use", "客户(非本厂责任)", "", "屏幕内部有放射状裂纹,外框有撞击凹痕,属外力损坏。",
                 "不在三包范围,可提供付费更换面板")  # fmt: skip
REJECTIONS = {  # story: (reason, alternative)
    "distributor_refused": ("非质量原因,经销商不予退货",
                            "可协助调换为其他畅销型号,或参加下季度的库存调拨活动"),
    "not_intact": ("收货检查发现键帽磨损、有明显使用痕迹,不符合「商品完好」要求,不适用无理由退货",
                   "可按九折回收,或如有质量问题按三包规定免费维修"),
    "overturn": ("照片无法判断故障,暂不同意", "请补充故障视频后重新申请"),
    "missing_disputed": ("仓库出库称重与物流签收重量一致,未发现少发", "可申请退货退款,或提供开箱视频后重新核实"),
    "no_fault_found": ("检测未发现硬件故障,失灵为驱动设置所致", "可远程协助重新设置,或付费升级固件"),
    "self_repair": ("保修标签已损坏,有自行拆机痕迹,不在免费保修范围", "可提供付费维修,工时费八折"),
    "water": ("经质检确认为进液导致主板腐蚀,属人为损坏,不在三包范围", "可提供付费维修,维修费用八折"),
    "dropped": ("经质检确认屏幕为外力撞击损坏,不在三包范围", "可付费更换面板"),
    "no_evidence": ("经销商未能提供签收时的缺件异常记录,暂不同意退款", "补发缺失配件,运费由我司承担"),
}  # fmt: skip
APPEALS = {
    "not_intact": "我只是试用了一下,磨损是出厂就有的,申请平台介入。",
    "overturn": "已补充上传故障视频,请重新审核。",
    "missing_disputed": "包裹里确实没有这件商品,我有开箱视频,申请平台介入。",
    "no_fault_found": "按客服说的重新设置后仍然失灵,申请平台介入。",
    "self_repair": "我只是清灰,没有动主板,故障与拆机无关。",
}
CONSULTATIONS = [
    ("星锐14 如何在 BIOS 中开启虚拟化(VT-x)?需要安装安卓模拟器。",
     "开机时连续按 F2 进入 BIOS,选择 Advanced → CPU Configuration → Intel Virtualization Technology 设为 "
     "Enabled,按 F10 保存重启即可。"),
    ("27 英寸 2K 显示器怎样开启 165Hz?目前只有 60Hz。",
     "请使用随机附带的 DP 线连接,在 Windows 设置 → 显示 → 高级显示中把刷新率选为 165Hz;HDMI 接口最高 144Hz。"),
    ("笔记本长期插电使用会不会损伤电池?",
     "建议在华辰电脑管家中开启“电池养护模式”,充电上限设为 80%,长期插电使用不会损伤电池。"),
    ("扩展坞能否同时接两台 4K 显示器?",
     "九合一扩展坞的两个 HDMI 口在 Windows 下可同时输出,双屏时每屏最高 4K 30Hz;macOS 仅支持镜像。"),
    ("三包期内屏幕出现坏点怎么处理?",
     "按《微型计算机商品修理更换退货责任规定》,保修期内亮点、坏点达到标准可免费更换屏幕,请提交维修申请并附照片。"),
    ("机械键盘灯效怎么切换?部分按键灯不亮。",
     "Fn + ↑/↓ 调节亮度,Fn + ←/→ 切换灯效;如个别按键始终不亮,可提交维修申请。"),
    ("笔记本忘记开机密码怎么办?", "请携带购机发票和身份证到授权服务网点,工程师核实后可免费清除 BIOS 密码。"),
    ("贵司笔记本是否支持批量预装镜像?我们有学校客户需要 50 台统一部署。",
     "支持。可使用华辰企业部署工具批量灌装镜像,华东销售组将安排技术支持协助。"),
]  # fmt: skip
ACCEPTANCES = [
    "新采购的 {qty} 台星锐14 笔记本已送达机房,请安排工程师上门到货验收并协助批量部署。",
    "本次到货 {qty} 台 4K 显示器,需按合同约定进行开箱验收并出具验收单。",
    "项目采购的笔记本与显示器已到货,请派员上门清点验收。",
]


def _demo_png() -> bytes:
    """A 1×1 PNG standing in for a customer's photo (signature, IHDR, IDAT, IEND with CRCs)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80"))
        + chunk(b"IEND", b"")
    )
