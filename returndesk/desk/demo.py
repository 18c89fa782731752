"""Demo data: 华辰电子科技有限公司, a maker of laptops, monitors and peripherals (demo-data issue:
"a realistic demo company … products, consumers and distributors, about 200 orders, and cases in
every state of every flow, in Chinese"; "demo users for every role").

Everything is written through the real services — catalog.services for master data,
orders.services.order_create for orders, cases.services (case_create and the case_* actions)
for cases — never by setting a status: every case's status and timeline are ones the
application itself produced. Deterministic apart from the clock (random.Random(2026)): orders
are backdated over the last ~90 days, case events carry the time of loading. Idempotent: when
the marker warehouse exists, nothing is written and the sign-ins are printed again.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.models import Team, User
from returndesk.accounts.roles import Role
from returndesk.cases import services as cs
from returndesk.cases.models import Case, CaseEvent, CaseSettings, CaseType, ReturnReason
from returndesk.cases.policy import evaluate_lines, evidence_outstanding
from returndesk.cases.workflow import gm_required, statuses_for, transition_for
from returndesk.catalog.models import (
    Customer,
    CustomerType,
    NoReasonExclusion,
    Product,
    ProductCategory,
    SanbaoCategory,
    Warehouse,
)
from returndesk.catalog.services import category_create, customer_create, product_create, warehouse_create
from returndesk.core.money import quantize
from returndesk.orders.models import Channel, Order, OrderLine, Payment, PaymentMethod, TaxMode
from returndesk.orders.pricing import order_amounts
from returndesk.orders.services import order_create
from returndesk.policies.selectors import policy_of
from returndesk.policies.services import policy_version_current

DEMO_PASSWORD = "returndesk-demo"
MARKER_WAREHOUSE = "HC-SH"  # natural key: present means the demo is loaded
SEED = 2026
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
    "confirm_cause",
    "gm_approve",
    "refund",
    "close",
)
RR_DISTRIBUTOR = ("approve", "confirm_solution", "receive", "confirm_cause", "gm_approve", "refund", "close")
RR_SIMPLE = ("approve", "confirm_solution", "ship_back", "receive", "refund", "close")
RO_SIMPLE = ("approve", "refund", "close")
RO_GM = ("approve", "gm_approve", "refund", "close")
EX_GM = (
    "approve", "confirm_solution", "ship_back", "receive", "confirm_cause", "gm_approve", "ship_replacement",
    "close",
)  # fmt: skip
EX_SIMPLE = (
    "approve",
    "confirm_solution",
    "ship_back",
    "receive",
    "confirm_cause",
    "ship_replacement",
    "close",
)
RP_GM = (
    "approve", "confirm_solution", "ship_back", "receive", "confirm_cause", "gm_approve", "start_repair",
    "finish_repair", "close",
)  # fmt: skip
RP_SIMPLE = (
    "approve", "confirm_solution", "ship_back", "receive", "confirm_cause", "start_repair", "finish_repair", "close",
)  # fmt: skip
TO_QC = ("approve", "confirm_solution", "ship_back", "receive", "confirm_cause")
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


PLANS = [
    # 退货退款 — the distributor flow of seed S2 first, so it books credit note HC-CN-…-0001.
    Plan(T.RETURN_REFUND, RR_DISTRIBUTOR, "rongxin", LAPTOPS, "Q01", quantity=10, short=True),
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
    # 仅退款
    Plan(T.REFUND_ONLY, RO_SIMPLE, "consumer", ("HC-BAG-15",), "D02", each_step=True),
    Plan(
        T.REFUND_ONLY, RO_GM, "distributor", ("HC-KM-SET", "HC-ADP-100W"), "Q09", quantity=5, each_step=True
    ),
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
    # 维修
    Plan(T.REPAIR, RP_GM, "consumer", GM_LAPTOPS, "Q01", each_step=True),
    Plan(T.REPAIR, (*RP_SIMPLE, "reopen"), "consumer", KBM, "Q03", story="repair_again"),
    Plan(T.REPAIR, RP_SIMPLE[:6], "consumer", MONITORS, "Q02"),
    Plan(T.REPAIR, (*APPEAL, "uphold_rejection"), "consumer", LAPTOPS, "Q04", story="self_repair"),
    Plan(T.REPAIR, APPEAL, "consumer", LAPTOPS, "Q05", story="self_repair"),
    Plan(T.REPAIR, ("approve", "confirm_solution", "cancel"), "zhangwei", ("HC-KB-M87",), "Q03"),
    Plan(T.REPAIR, RP_SIMPLE[:4], "key_account", LAPTOPS, "Q05", quantity=3),
    Plan(T.REPAIR, (*TO_QC, "gm_reject"), "consumer", ("HC-NB13-U5", "HC-NB14-I5"), "Q05", story="water"),
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
FINDINGS = "共到货 {qty} 台,其中 2 台外箱有挤压痕迹、1 台屏幕有亮点,已拍照记录并另行办理换货,其余验收合格。"


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


@dataclass(frozen=True)
class SignIn:
    username: str
    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def sign_ins() -> list[SignIn]:
    return [SignIn(username, role) for username, role, *_rest in USERS]


# --- entry point -----------------------------------------------------------------------------

COUNTED = {
    "users": User,
    "teams": Team,
    "categories": ProductCategory,
    "products": Product,
    "warehouses": Warehouse,
    "customers": Customer,
    "orders": Order,
    "order_lines": OrderLine,
    "payments": Payment,
    "cases": Case,
    "case_events": CaseEvent,
}


def load_demo(*, stdout=None) -> dict:
    """Load the demo company once; return how many rows of each kind were created (all zero
    when the demo is already loaded). Runs in one transaction: all or nothing."""
    say = (lambda text: stdout.write(text + "\n")) if stdout is not None else (lambda text: None)
    if Warehouse.objects.filter(code=MARKER_WAREHOUSE).exists():
        say("演示数据已存在 / demo data already loaded")
        _print_sign_ins(say)
        return dict.fromkeys(COUNTED, 0)
    missing = {(t, s.value) for t in CaseType for s in statuses_for(t)} - planned_statuses()
    if missing:  # a new status in the workflow table: add a plan that reaches it
        raise RuntimeError(f"demo plans do not reach {sorted(missing)}")
    before = {name: model.objects.count() for name, model in COUNTED.items()}
    with transaction.atomic():
        builder = _Builder(random.Random(SEED), timezone.now(), say)
        builder.build()
    counts = {name: model.objects.count() - before[name] for name, model in COUNTED.items()}
    say(f"已创建演示公司「{COMPANY}」/ demo company created:")
    say("  " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    by_type = Counter(Case.objects.values_list("type", flat=True))
    say("  " + ", ".join(f"{CaseType(t).label.split(' / ')[0]} {n}" for t, n in sorted(by_type.items())))
    _print_sign_ins(say)
    return counts


def _print_sign_ins(say) -> None:
    say(f"演示账号 / demo sign-ins (密码 / password: {DEMO_PASSWORD})")
    say(f"  {'用户名 username':<16} {'角色 / role':<32} 密码 / password")
    for sign_in in sign_ins():
        suffix = " (superuser)" if sign_in.role == Role.ADMIN else ""
        say(f"  {sign_in.username:<16} {sign_in.role_label + suffix:<32} {DEMO_PASSWORD}")


class _Builder:
    def __init__(self, rng: random.Random, now, say):
        self.rng = rng
        self.now = now
        self.say = say
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.products: dict[str, Product] = {}
        self.specs = {p.sku: p for p in PRODUCTS}
        self.customers: dict[str, list[Customer]] = {}
        self.serial_seq = Counter()
        self.sequence = Counter()
        self.lines_by_customer: dict = {}
        self.left: dict = {}  # order line id -> units not yet claimed by a demo case
        self.serials_used: Counter = Counter()
        self.cursor = Counter()
        self.credit_notes = 0
        self.portal_users: dict = {}
        self.policy = None  # the policy version the demo's requests are checked against
        self.reasons: dict = {}

    def build(self) -> None:
        self._catalog()
        self._customers()
        self._users()
        self._orders()
        self._cases()

    # --- master data -------------------------------------------------------------------------

    def _catalog(self) -> None:
        # actor None: the demo load is the system itself, like an import (catalog.services).
        for code, name, return_address, contact, phone, default in WAREHOUSES:
            warehouse_create(
                actor=None, code=code, name=name, return_address=return_address, contact_name=contact,
                phone=phone, is_default=default,
            )  # fmt: skip
        categories = {
            code: category_create(actor=None, code=code, name=name, name_en=name_en)
            for code, name, name_en in CATEGORIES
        }
        for p in PRODUCTS:
            self.products[p.sku] = product_create(
                actor=None, sku=p.sku, name=p.name, name_en=p.name_en, model_spec=p.model_spec,
                category=categories[p.category], unit=p.unit, no_reason_returnable=p.no_reason, no_reason_exclusion=p.exclusion,
                sanbao_category=p.sanbao, warranty_months_unit=p.warranty[0],
                warranty_months_main_parts=p.warranty[1],
            )  # fmt: skip

    def _customers(self) -> None:
        rng = self.rng
        consumers = []
        for n, (name, pinyin) in enumerate(CONSUMERS, start=1):
            district, street = rng.choice(DISTRICTS)
            address = (
                f"{district}{street}{rng.randint(1, 2000)}号 {rng.randint(1, 30)}栋"
                f"{rng.randint(1, 32)}{rng.randint(1, 4):02d}室"
            )
            consumers.append(
                customer_create(
                    actor=None,
                    code=f"C{n:04d}",
                    name=name,
                    type=CustomerType.CONSUMER,
                    contact_name=name,
                    phone=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                    email=f"{pinyin}{rng.randint(10, 99)}@example.com",
                    address=address,
                )
            )
        self.customers = {"consumer": consumers, "zhangwei": consumers[:1]}
        for key, rows, ctype in (
            ("distributor", DISTRIBUTORS, CustomerType.DISTRIBUTOR),
            ("key_account", KEY_ACCOUNTS, CustomerType.KEY_ACCOUNT),
        ):
            self.customers[key] = [
                customer_create(
                    actor=None,
                    code=code,
                    name=name,
                    type=ctype,
                    contact_name=contact,
                    phone=phone,
                    email=email,
                    address=address,
                )
                for code, name, contact, phone, email, address in rows
            ]
        self.customers["rongxin"] = self.customers["distributor"][:1]

    def _users(self) -> None:
        for name, role in TEAMS:
            self.teams[name], _ = Team.objects.get_or_create(name=name, defaults={"role": role})
        by_code = {c.code: c for group in ("consumer", "distributor") for c in self.customers[group]}
        for username, role, last, first, team, customer_code in USERS:
            existing = User.objects.filter(username=username).first()
            if existing is not None:  # never overwrite a real account that happens to share the name
                self.say(f"  用户 {username} 已存在,未修改 / user {username} exists, left unchanged")
                self.users[username] = existing
                continue
            fields = {
                "email": f"{username}@example.com", "role": role, "first_name": first, "last_name": last,
                "team": self.teams.get(team), "customer": by_code.get(customer_code),
            }  # fmt: skip
            if role == Role.ADMIN:
                user = User.objects.create_superuser(username, password=DEMO_PASSWORD, **fields)
            else:
                user = User.objects.create_user(username, password=DEMO_PASSWORD, **fields)
            self.users[username] = user
        self.portal_users = {u.customer_id: u for u in self.users.values() if u.customer_id and u.is_external}

    # --- orders ------------------------------------------------------------------------------

    def _orders(self) -> None:
        """~200 orders over the last 90 days: consumers on the own shop, marketplaces and stores;
        key accounts (企业采购, tax exclusive); distributors on the distributor channel with larger
        quantities. Created in time order so order numbers rise with the date."""
        specs = self._zhangwei_orders()
        consumers = self.customers["consumer"][1:]
        for i in range(140):
            specs.append(self._consumer_order(consumers[i % len(consumers)], self._days_ago()))
        for i in range(15):
            specs.append(self._b2b_order(self.customers["key_account"][i % 3], self._days_ago(), key=True))
        for i in range(40):
            specs.append(self._b2b_order(self.customers["distributor"][i % 6], self._days_ago(), key=False))
        specs.sort(key=lambda s: s["placed_at"])
        created = []
        for spec in specs:
            spec["number"] = self._order_number(spec["channel"], spec["placed_at"])
            created.append(order_create(actor=None, **spec))
        order_rank = {order.id: i for i, order in enumerate(created)}
        lines = OrderLine.objects.filter(order__in=created).select_related("order", "product__category")
        for line in sorted(lines, key=lambda ol: (order_rank[ol.order_id], ol.position)):
            self.lines_by_customer.setdefault(line.order.customer_id, []).append(line)
            self.left[line.id] = line.quantity_shipped
        for group in self.lines_by_customer.values():
            group.sort(key=self._claim_order)

    def _claim_order(self, line: OrderLine) -> tuple:
        """Which lines cases take first: deliveries older than a week, newest first, so the
        last week's deliveries stay free for no-reason returns (七天无理由)."""
        delivered = line.order.delivered_at
        if delivered is None:
            return (2, 0.0)
        return (int(delivered > self.now - timedelta(days=7)), -delivered.timestamp())

    def _days_ago(self) -> float:
        # A third delivered in the last two weeks: quality returns and no-reason returns need them.
        rng = self.rng
        return rng.uniform(0.3, 14) if rng.random() < 0.35 else rng.uniform(10, 90)

    def _zhangwei_orders(self) -> list[dict]:
        zhang = self.customers["zhangwei"][0]
        plan = [
            (45, Channel.OWN_SHOP, ["HC-NB14-I7", "HC-MS-W2", "HC-BAG-15"]),
            (11, Channel.MARKETPLACE, ["HC-MON27-QHD"]),
            (60, Channel.STORE, ["HC-KB-M87"]),
            (30, Channel.OWN_SHOP, ["HC-SKIN-ENG"]),
            (6, Channel.OWN_SHOP, ["HC-DOCK-C9", "HC-ADP-100W"]),
        ]
        return [self._consumer_order(zhang, days, channel=ch, skus=skus) for days, ch, skus in plan]

    def _consumer_order(self, customer, days_ago: float, *, channel=None, skus=None) -> dict:
        rng = self.rng
        channel = (
            channel
            or rng.choices([Channel.OWN_SHOP, Channel.MARKETPLACE, Channel.STORE], weights=[35, 45, 20])[0]
        )
        if skus is None:
            main = rng.choices([LAPTOPS, MONITORS, KBM, ACC], weights=[35, 30, 20, 15])[0]
            skus = [rng.choice(main)]
            if main is LAPTOPS:
                skus += [sku for sku, p in (("HC-MS-W2", 0.4), ("HC-BAG-15", 0.3), ("HC-DOCK-C9", 0.15))
                         if rng.random() < p]  # fmt: skip
                if rng.random() < 0.05:
                    skus.append("HC-SKIN-ENG")
            elif main is MONITORS and rng.random() < 0.2:
                skus.append("HC-KM-SET")
        lines = []
        for sku in skus:
            spec = self.specs[sku]
            quantity = 2 if spec.category in {"MON", "KBM"} and rng.random() < 0.15 else 1
            discount = Decimal(0)
            if channel == Channel.STORE and spec.category in {"NB", "MON"} and rng.random() < 0.3:
                discount = quantize(PRICE[sku] * quantity * Decimal("0.05"))  # 门店会员 95 折
            lines.append(self._line(sku, quantity, PRICE[sku], line_discount=discount))
        goods = sum(PRICE[sku] * line["quantity"] for sku, line in zip(skus, lines, strict=True))
        order_discount = Decimal(0)
        if channel == Channel.OWN_SHOP and goods >= 5000 and rng.random() < 0.4:
            order_discount = Decimal(200)  # 满 5000 减 200
        elif channel == Channel.MARKETPLACE and goods >= 300 and rng.random() < 0.5:
            order_discount = Decimal(rng.choice([20, 50, 100]))  # 平台优惠券
        shipping = Decimal(10) if channel != Channel.STORE and goods < 199 else Decimal(0)
        dates = self._dates(days_ago, store=channel == Channel.STORE)
        method = (
            rng.choice([PaymentMethod.ALIPAY, PaymentMethod.WECHAT, PaymentMethod.UNIONPAY])
            if channel == Channel.STORE
            else rng.choice([PaymentMethod.ALIPAY, PaymentMethod.ALIPAY, PaymentMethod.WECHAT])
        )
        address = "门店自提(华辰上海徐汇旗舰店)" if channel == Channel.STORE else customer.address
        return self._order_spec(customer, channel, lines, order_discount, shipping, dates, method, address)

    def _b2b_order(self, customer, days_ago: float, *, key: bool) -> dict:
        """Key accounts buy at an enterprise price and distributors at trade price, both quoted
        net of VAT (不含税) and paid by bank transfer; distributors sometimes get a part shipment."""
        rng = self.rng
        pool = [*LAPTOPS, *MONITORS, "HC-DOCK-C9"] if key else [*LAPTOPS, *MONITORS, *KBM, *ACC]
        skus = rng.sample(pool, rng.randint(1, 2 if key else 3))
        factor = Decimal("0.92") if key else Decimal("0.78")
        lines = []
        for sku in skus:
            category = self.specs[sku].category
            low, high = {"NB": (5, 30), "MON": (10, 40)}.get(category, (20, 100))
            quantity = rng.randint(low, high if not key else min(high, 30))
            shipped = quantity - rng.randint(1, 5) if not key and rng.random() < 0.15 else quantity
            price = quantize(PRICE[sku] / Decimal("1.13") * factor)
            lines.append(self._line(sku, quantity, price, shipped=shipped, tax_mode=TaxMode.EXCLUSIVE))
        dates = self._dates(days_ago, b2b=True)
        channel = Channel.OWN_SHOP if key else Channel.DISTRIBUTOR
        return self._order_spec(
            customer,
            channel,
            lines,
            Decimal(0),
            Decimal(0),
            dates,
            PaymentMethod.BANK_TRANSFER,
            customer.address,
        )

    def _line(
        self, sku, quantity, price, *, shipped=None, line_discount=Decimal(0), tax_mode=TaxMode.INCLUSIVE
    ):
        spec = self.specs[sku]
        shipped = quantity if shipped is None else shipped
        serials = []
        if spec.serial_prefix:
            for _ in range(shipped):
                self.serial_seq[spec.serial_prefix] += 1
                serials.append(f"{spec.serial_prefix}{1200 + self.serial_seq[spec.serial_prefix]:07d}")
        return {
            "product": self.products[sku], "quantity": quantity, "quantity_shipped": shipped,
            "unit_price": price, "line_discount": line_discount, "tax_mode": tax_mode,
            "tax_rate": Decimal("0.13"), "serial_numbers": serials,
            "no_reason_return_waived": not spec.no_reason,  # 定制商品: the buyer confirmed at checkout
        }  # fmt: skip

    def _dates(self, days_ago: float, *, store: bool = False, b2b: bool = False) -> dict:
        rng = self.rng
        placed = (self.now - timedelta(days=days_ago)).replace(microsecond=0)
        pay_delay = timedelta(hours=rng.uniform(2, 48)) if b2b else timedelta(minutes=rng.uniform(1, 20))
        paid = min(placed + pay_delay, self.now)
        if store:
            return {"placed_at": placed, "paid_at": paid, "shipped_at": paid, "delivered_at": paid}
        shipped = placed + timedelta(hours=rng.uniform(24, 96) if b2b else rng.uniform(3, 36))
        delivered = shipped + timedelta(hours=rng.uniform(20, 80))
        return {
            "placed_at": placed, "paid_at": paid,
            "shipped_at": shipped if shipped <= self.now else None,
            "delivered_at": delivered if delivered <= self.now else None,
        }  # fmt: skip

    def _order_spec(self, customer, channel, lines, order_discount, shipping, dates, method, address) -> dict:
        total = order_amounts(lines=lines, order_discount=order_discount, shipping_fee=shipping).total_paid
        return {
            "channel": channel, "customer": customer, "lines": lines, "order_discount": order_discount,
            "shipping_fee": shipping,
            "payments": [{"method": method, "amount": total, "provider_reference": self._payment_ref(method, dates),
                          "paid_at": dates["paid_at"]}],
            "contact_name": customer.contact_name, "contact_phone": customer.phone,
            "contact_email": customer.email, "shipping_address": address, **dates,
        }  # fmt: skip

    def _payment_ref(self, method: str, dates: dict) -> str:
        rng = self.rng
        day = timezone.localtime(dates["paid_at"]).strftime("%Y%m%d")
        if method == PaymentMethod.ALIPAY:
            return f"{day}2200141{rng.randrange(10**12, 10**13)}"
        if method == PaymentMethod.WECHAT:
            return f"42000{rng.randrange(10**4, 10**5)}{day}{rng.randrange(10**9, 10**10)}"
        if method == PaymentMethod.UNIONPAY:
            return f"{day}{rng.randrange(10**12, 10**13)}"
        return f"BT{day}{rng.randrange(10**6, 10**7)}"

    def _order_number(self, channel: str, placed) -> str:
        self.sequence[channel] += 1
        seq = self.sequence[channel]
        local = timezone.localtime(placed)
        if channel == Channel.OWN_SHOP:
            return f"HC{local:%Y%m%d}{seq:05d}"
        if channel == Channel.MARKETPLACE:
            return f"{self.rng.randrange(10**17, 10**18)}"
        if channel == Channel.STORE:
            return f"MD01{local:%y%m%d}{seq:04d}"
        return f"XS-{local:%Y%m}-{seq:04d}"

    # --- cases -------------------------------------------------------------------------------

    def _cases(self) -> None:
        self.policy = policy_of(policy_version_current())
        self.reasons = {r.code: r for r in ReturnReason.objects.all()}
        for index, (plan, path) in enumerate(planned_cases()):
            case = self._open(plan, index)
            case = self._housekeeping(case, plan)
            for action in path:
                case = getattr(self, f"_{action}")(case, plan)

    def _pick(self, plan: Plan) -> tuple[Customer, OrderLine | None]:
        """The next customer of the plan's kind (round robin) with a delivered order line of a
        matching product that still has the units and for which the policy accepts the request;
        consultations and inspections need no line."""
        candidates = self.customers[plan.who]
        start = self.cursor[plan.who]
        week_ago = self.now - timedelta(days=7)
        for offset in range(len(candidates)):
            customer = candidates[(start + offset) % len(candidates)]
            if not plan.skus:
                self.cursor[plan.who] = start + offset + 1
                return customer, None
            for line in self.lines_by_customer.get(customer.id, []):
                delivered = line.order.delivered_at
                if (
                    line.product.sku in plan.skus
                    and delivered is not None
                    and self.left[line.id] >= plan.quantity
                    and (not plan.recent or delivered >= week_ago)
                    and self._policy_accepts(plan, customer, line)
                ):
                    self.cursor[plan.who] = start + offset + 1
                    self.left[line.id] -= plan.quantity
                    return customer, line
        raise RuntimeError(f"demo: no order line for plan {plan}")

    def _policy_accepts(self, plan: Plan, customer: Customer, line: OrderLine) -> bool:
        """The policy would open this request (a refusal at review, as for non-quality distributor
        returns, still opens it); plans that override the policy take any line."""
        if plan.override:
            return True
        start = self.serials_used[line.id]
        parsed = [{
            "order_line": line, "quantity": plan.quantity, "reason": self.reasons[plan.reason],
            "serial_numbers": line.serial_numbers[start : start + plan.quantity],
        }]  # fmt: skip
        decision = evaluate_lines(customer=customer, case_type=plan.type, parsed=parsed, policy=self.policy)
        return not decision.refusals("intake")

    def _open(self, plan: Plan, index: int) -> Case:
        rng = self.rng
        customer, line = self._pick(plan)
        product = line.product.name if line else ""
        if plan.type == T.CONSULTATION:
            # The last question is a distributor's; consumers ask the others in turn.
            n = len(CONSULTATIONS) - 1 if plan.who == "rongxin" else index % (len(CONSULTATIONS) - 1)
            description = CONSULTATIONS[n][0]
        elif plan.type == T.ACCEPTANCE:
            description = ACCEPTANCES[index % len(ACCEPTANCES)].format(qty=rng.choice([10, 20, 30]))
        elif customer.type == CustomerType.DISTRIBUTOR and plan.reason in DISTRIBUTOR_DESCRIPTIONS:
            description = DISTRIBUTOR_DESCRIPTIONS[plan.reason].format(product=product, qty=plan.quantity)
        else:
            description = rng.choice(DESCRIPTIONS[plan.reason]).format(product=product)
        lines = []
        if line is not None:
            start = self.serials_used[line.id]
            serials = line.serial_numbers[start : start + plan.quantity]
            self.serials_used[line.id] += len(serials)
            lines = [{"order_line": line, "quantity": plan.quantity, "reason": plan.reason,
                      "serial_numbers": serials, "description": description}]  # fmt: skip
        portal = self.portal_users.get(customer.id)
        if plan.override:  # customers never override the policy; the supervisor takes the call
            return cs.case_create(
                actor=self.users["supervisor"], customer=customer, type=plan.type, channel="phone", lines=lines,
                description=description, override_reason=plan.override,
            )  # fmt: skip
        if customer.type == CustomerType.DISTRIBUTOR:
            if portal is not None and plan.type == T.CONSULTATION:
                actor, channel = portal, "web"
            else:
                actor, channel = self.users["sales"], "distributor_notice"
        elif portal is not None:
            actor, channel = portal, "web"
        else:
            actor = self.users[rng.choice(["agent1", "agent2"])]
            channel = (
                "email"
                if customer.type == CustomerType.KEY_ACCOUNT
                else rng.choice(["phone", "chat", "email"])
            )
        return cs.case_create(
            actor=actor, customer=customer, type=plan.type, channel=channel, lines=lines, description=description,
        )  # fmt: skip

    def _housekeeping(self, case: Case, plan: Plan) -> Case:
        """Queue the case (seed S8 2.3.1 指派) and leave notes: internal ones for staff, messages
        to the customer; a few cases stay unassigned in the team queue."""
        rng = self.rng
        if case.customer.type == CustomerType.DISTRIBUTOR:
            sales = self.users["sales"]
            case = cs.case_assign(case=case, actor=sales, assignee=sales, team=self.teams["华东销售组"])
        elif rng.random() < 0.8:
            agent = self.users[rng.choice(["agent1", "agent2"])]
            case = cs.case_assign(
                case=case, actor=self.users["supervisor"], assignee=agent, team=self.teams["客服一组"]
            )
        staff = case.assignee or self.users["agent1"]
        if rng.random() < 0.35:
            cs.case_add_note(case=case, actor=staff, text=rng.choice([
                "首次响应:已电话联系客户,确认故障现象,提醒客户提前备份数据。",
                "已核对订单、序列号与购买时间,在保修期内。",
                "客户情绪较急,请优先处理。",
                "已与销售确认该批次发货记录。",
            ]))  # fmt: skip
        if rng.random() < 0.3:
            name = case.contact_name or case.customer.name
            cs.case_add_note(
                case=case, actor=staff, internal=False,
                text=f"{name}您好,您的售后申请 {case.number} 已受理,我们会在 24 小时内给您答复,请保持电话畅通。",
            )  # fmt: skip
        portal = self.portal_users.get(case.customer_id)
        if portal is not None and portal.role == Role.CUSTOMER and plan.type != T.CONSULTATION:
            cs.case_add_note(case=case, actor=portal, text="麻烦尽快处理,谢谢!需要补充照片的话请告诉我。")
        if plan.raise_priority:
            case = cs.case_set_priority(
                case=case,
                actor=self.users["supervisor"],
                priority="high",
                reason="客户多次来电催促,且为老客户",
            )
        return case

    # --- who acts ----------------------------------------------------------------------------

    def _reviewer(self, case: Case) -> User:
        if case.customer.type == CustomerType.DISTRIBUTOR:
            return self.users["sales"]
        return case.assignee if case.assignee and case.assignee.role == Role.AGENT else self.users["agent1"]

    def _customer_side(self, case: Case) -> User:
        return self.portal_users.get(case.customer_id) or self._reviewer(case)

    def _tracking(self, carrier: str) -> str:
        rng = self.rng
        if carrier == "SF":
            return f"SF{rng.randrange(10**12, 10**13)}"
        if carrier == "JD":
            return f"JDV{rng.randrange(10**11, 10**12)}"
        return f"{rng.randrange(10**13, 10**14)}"

    # --- one method per workflow action (names = cases.workflow actions) ----------------------

    def _evidence(self, case: Case) -> None:
        """Quality claims need a photo or video before approval (policy rule evidence.required):
        portal users upload one, sales attaches the distributor's, and for phone or e-mail
        requests the agent either attaches what the customer sent or waives it with a reason."""
        if not evidence_outstanding(case):
            return
        portal = self.portal_users.get(case.customer_id)
        if portal is not None and portal.role == Role.CUSTOMER:
            cs.attachment_add(case=case, actor=portal, content=_demo_png(), original_name="故障照片.png")
        elif case.customer.type == CustomerType.DISTRIBUTOR:
            cs.attachment_add(
                case=case, actor=self.users["sales"], content=_demo_png(), original_name="经销商质检照片.png"
            )
        elif self.rng.random() < 0.5:
            cs.attachment_add(
                case=case, actor=self._reviewer(case), content=_demo_png(), original_name="客户邮件附图.png"
            )
        else:
            cs.case_waive_evidence(
                case=case,
                actor=self._reviewer(case),
                reason="客户电话中已详细描述故障现象,远程诊断确认,免于上传照片。",
            )

    def _approve(self, case, plan):
        self._evidence(case)
        case.refresh_from_db()
        if case.customer.type == CustomerType.DISTRIBUTOR:
            solution = "self_ship"  # the distributor sends the goods back by freight (物流托运)
        else:
            solution = self.rng.choice(["pickup", "self_ship"])
        note = "已核对订单与序列号,同意处理。请保持包装、配件、发票齐全。"
        return cs.case_approve(case=case, actor=self._reviewer(case), solution=solution, note=note)

    def _confirm_solution(self, case, plan):
        return cs.case_confirm_solution(case=case, actor=self._customer_side(case), note="同意该方案。")

    def _decline_solution(self, case, plan):
        return cs.case_decline_solution(
            case=case, actor=self._customer_side(case), reason="不方便自行寄回,希望安排上门取件。"
        )

    def _ship_back(self, case, plan):
        carrier = self.rng.choice(["SF", "SF", "JD", "ZTO"])
        return cs.case_ship_back(
            case=case,
            actor=self._customer_side(case),
            carrier=carrier,
            tracking_number=self._tracking(carrier),
        )

    def _receive(self, case, plan):
        received = {str(line.id): line.quantity - (1 if plan.short else 0) for line in case.lines.all()}
        note = (
            f"实收 {sum(received.values())} 台,比通知数量少 1 台,已通知销售与经销商核对。"
            if plan.short
            else "外箱完好,配件齐全,已入退货暂存区。"
        )
        return cs.case_receive(case=case, actor=self.users["warehouse"], received=received, note=note)

    def _confirm_cause(self, case, plan):
        cause = {"water": CUSTOMER_USE_CAUSE, "dropped": DROPPED_CAUSE}.get(plan.story, CAUSES[plan.reason])
        stage, department, person, analysis, handling = cause
        return cs.case_confirm_cause(
            case=case, actor=self.users["qc"], is_our_product=True, stage=stage,
            responsible_department=department, responsible_person=person, handling=handling,
            description=analysis,
        )  # fmt: skip

    def _gm_approve(self, case, plan):
        opinion = (
            "同意。经销商质量退货,按合同退款冲账;生产部跟进批次问题并书面整改。"
            if case.customer.type == CustomerType.DISTRIBUTOR
            else "同意。金额超过审批额度,已核对质检结论,按规定处理。"
        )
        return cs.case_gm_approve(case=case, actor=self.users["gm"], opinion=opinion)

    def _gm_reject(self, case, plan):
        reason, alternative = REJECTIONS[plan.story]
        # The general manager rejects where the case needs their approval; otherwise the supervisor.
        needs_gm = gm_required(case, CaseSettings.current())
        actor = self.users["gm"] if needs_gm else self.users["supervisor"]
        return cs.case_gm_reject(case=case, actor=actor, reason=reason, alternative=alternative)

    def _refund(self, case, plan):
        self.credit_notes += 1
        reference = f"HC-CN-{timezone.localdate():%Y}-{self.credit_notes:04d}"
        note = "冲减应收账款" if case.customer.type == CustomerType.DISTRIBUTOR else "原路退回"
        return cs.case_refund(case=case, actor=self.users["finance"], reference=reference, note=note)

    def _ship_replacement(self, case, plan):
        return cs.case_ship_replacement(
            case=case, actor=self.users["warehouse"], carrier="JD", tracking_number=self._tracking("JD")
        )

    def _start_repair(self, case, plan):
        return cs.case_start_repair(case=case, actor=self.users["qc"], note="已拆机检测,等待备件后维修。")

    def _finish_repair(self, case, plan):
        result = {"Q01": "更换主板,烤机 24 小时测试通过", "Q03": "更换键盘排线与按键模块,功能测试通过"}
        return cs.case_finish_repair(
            case=case, actor=self.users["qc"], result=result.get(plan.reason, "更换故障部件,测试通过"),
            carrier="SF", tracking_number=self._tracking("SF"),
        )  # fmt: skip

    def _answer(self, case, plan):
        answer = next(a for q, a in CONSULTATIONS if q == case.description)
        agent = case.assignee if case.assignee and case.assignee.role == Role.AGENT else self.users["agent1"]
        return cs.case_answer(case=case, actor=agent, answer=answer)

    def _schedule_visit(self, case, plan):
        visit = timezone.localtime(self.now).replace(hour=10, minute=0, second=0, microsecond=0)
        return cs.case_schedule_visit(
            case=case, actor=self.users["agent2"], visit_at=visit + timedelta(days=2),
            technician="技术支持工程师 王磊",
        )  # fmt: skip

    def _record_inspection(self, case, plan):
        if plan.story == "issues":
            return cs.case_record_inspection(
                case=case, actor=self.users["qc"], result="issues_found", findings=FINDINGS.format(qty=30)
            )
        return cs.case_record_inspection(case=case, actor=self.users["qc"], result="passed")

    def _reject(self, case, plan):
        reason, alternative = REJECTIONS[plan.story]
        return cs.case_reject(case=case, actor=self._reviewer(case), reason=reason, alternative=alternative)

    def _appeal(self, case, plan):
        return cs.case_appeal(case=case, actor=self._customer_side(case), reason=APPEALS[plan.story])

    def _uphold_rejection(self, case, plan):
        return cs.case_uphold_rejection(
            case=case, actor=self.users["supervisor"], opinion="经复核,原处理符合公司售后政策,维持拒绝。"
        )

    def _overturn_rejection(self, case, plan):
        return cs.case_overturn_rejection(
            case=case,
            actor=self.users["supervisor"],
            opinion="客户补充的视频显示故障确实存在,撤销拒绝,重新审核。",
        )

    def _cancel(self, case, plan):
        reason = self.rng.choice(["客户表示问题已自行解决,撤销申请。", "已在门店当面处理,取消线上申请。"])
        return cs.case_cancel(case=case, actor=self._customer_side(case), reason=reason)

    def _close(self, case, plan):
        actor = (
            self.users["sales"] if case.customer.type == CustomerType.DISTRIBUTOR else self._reviewer(case)
        )
        return cs.case_close(case=case, actor=actor, note="已回访,客户对处理结果满意,归档。")

    def _reopen(self, case, plan):
        reason = {
            "repair_again": "客户反馈维修后同样故障再次出现,重新处理。",
            "follow_up": "客户对答复有追问,重新打开跟进。",
        }[plan.story]
        return cs.case_reopen(case=case, actor=self.users["supervisor"], reason=reason)
