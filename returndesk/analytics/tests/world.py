"""A small after-sales month, walked through the real services at fixed times, whose every
figure is worked out by hand in test_metrics.py (times are Asia/Shanghai; March 2026 has no
public holiday, 2026-03-10 is a Tuesday; working hours 09:00–12:00 and 13:30–18:00).

Orders (placed in March unless said; delivered 2026-03-05):
  O1 consumer c1, own shop:    P1 ×10 at 100.00 lot L1; P3 ×5 at 50.00 (no lot)
  O2 consumer c2, marketplace: P1 ×10 at 100.00 lot L2; P2 ×4 at 80.00
  O3 distributor d1, distributor channel, placed 03-03: P1 ×20 at 90.00 lot L1
  O4 consumer c1, own shop, placed 04-10 (outside March): P2 ×5
Cases (opened 2026-03-10):
  K1 c1 return & refund, O1/P1 ×2, Q01 quality: approved 10:30, confirmed 11:00, shipped 11:30,
     received 03-11 10:00, inspected 10:30, cause (production, 生产部, ours) 11:00, refunded
     14:00 (200.00), closed 15:00; survey 03-20: 4 stars, resolved.
  K2 c2 return & refund, O2/P1 ×1, C01 no-reason, opened 10:00: left submitted.
  K3 c2 refund only, O2/P2 ×1, D03, opened 12:00: rejected 13:30 (lunch break: no working time).
  K4 d1 (entered by sales, distributor notice) return & refund, O3/P1 ×5, Q02, opened 09:00:
     approved 09:30, confirmed by sales 10:00, received 03-12 10:00, inspected 10:30, cause
     (material, 采购部, not ours) 11:00: waits for the general manager.
  K5 c1 exchange, O1/P3 ×1, Q08, opened 16:00: cancelled by the customer 16:10.
  K6 c2 consultation, opened 09:00: answered 03-16 10:00 (31 working hours: first response
     late), closed 11:00; follow-up call 03-20: 2 stars, not resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import add_photo, inspect_all
from returndesk.catalog.models import CustomerType
from returndesk.catalog.tests.factories import make_category, make_customer, make_product, make_warehouse
from returndesk.orders.models import Channel
from returndesk.orders.tests.factories import make_order

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class World:
    products: dict
    customers: dict
    users: dict
    cases: dict


def _user(name: str, role: str, customer=None) -> User:
    return User.objects.create_user(username=name, password="x", role=role, customer=customer)


def _line(order, product):
    return order.lines.get(product=product)


def build() -> World:
    make_warehouse(is_default=True)  # where returns are sent (logistics)
    laptops = make_category(code="NB", name="笔记本", name_en="Laptops")
    monitors = make_category(code="MON", name="显示器", name_en="Monitors")
    p1 = make_product(sku="P1", name="笔记本一", category=laptops)
    p2 = make_product(sku="P2", name="笔记本二", category=laptops)
    p3 = make_product(sku="P3", name="显示器三", category=monitors)
    c1 = make_customer(code="C1", name="张三")
    c2 = make_customer(code="C2", name="李四")
    d1 = make_customer(CustomerType.DISTRIBUTOR, code="D1", name="蓉信数码")
    users = {
        "c1": _user("c1", Role.CUSTOMER, c1),
        "c2": _user("c2", Role.CUSTOMER, c2),
        "agent": _user("agent", Role.AGENT),
        "sales": _user("sales", Role.SALES),
        "warehouse": _user("warehouse", Role.WAREHOUSE),
        "qc": _user("qc", Role.QC),
        "finance": _user("finance", Role.FINANCE),
    }
    delivered = at(3, 5, 12)
    with time_machine.travel(at(3, 6, 9), tick=False):
        o1 = make_order(
            c1,
            [{"product": p1, "quantity": 10, "unit_price": "100.00", "lot": "L1"}, (p3, 5, "50.00")],
            placed_at=at(3, 2, 10), delivered_at=delivered, channel=Channel.OWN_SHOP,
        )  # fmt: skip
        o2 = make_order(
            c2,
            [{"product": p1, "quantity": 10, "unit_price": "100.00", "lot": "L2"}, (p2, 4, "80.00")],
            placed_at=at(3, 2, 11), delivered_at=delivered, channel=Channel.MARKETPLACE,
        )  # fmt: skip
        o3 = make_order(
            d1, [{"product": p1, "quantity": 20, "unit_price": "90.00", "lot": "L1"}],
            placed_at=at(3, 3, 10), delivered_at=delivered, channel=Channel.DISTRIBUTOR,
        )  # fmt: skip
    with time_machine.travel(at(4, 13, 9), tick=False):
        make_order(c1, [(p2, 5, "80.00")], placed_at=at(4, 10, 10), delivered_at=at(4, 12, 10))
    cases = _walk(users, {"c1": c1, "c2": c2, "d1": d1}, o1, o2, o3, p1, p2, p3)
    return World({"P1": p1, "P2": p2, "P3": p3}, {"C1": c1, "C2": c2, "D1": d1}, users, cases)


def _open(actor, customer, order_line, quantity, reason, type="return_refund", channel="web") -> Case:
    lines = [] if order_line is None else [{"order_line": order_line, "quantity": quantity, "reason": reason}]
    return services.case_create(actor=actor, customer=customer, type=type, channel=channel, lines=lines)


def _walk(u, c, o1, o2, o3, p1, p2, p3) -> dict:
    def step(when, fn, **kw):
        with time_machine.travel(when, tick=False):
            return fn(**kw)

    k1 = step(
        at(3, 10, 10),
        _open,
        actor=u["c1"],
        customer=c["c1"],
        order_line=_line(o1, p1),
        quantity=2,
        reason="Q01",
    )
    step(at(3, 10, 10, 5), add_photo, case=k1, actor=u["c1"])
    step(at(3, 10, 10, 30), services.case_approve, case=k1, actor=u["agent"], solution="self_ship")
    step(at(3, 10, 11), services.case_confirm_solution, case=k1, actor=u["c1"])
    step(
        at(3, 10, 11, 30),
        services.case_ship_back,
        case=k1,
        actor=u["c1"],
        carrier="SF",
        tracking_number="SF1234567890123",
    )
    step(
        at(3, 11, 10),
        services.case_receive,
        case=k1,
        actor=u["warehouse"],
        received={str(k1.lines.get().id): 2},
    )
    step(at(3, 11, 10, 30), inspect_all, case=k1, inspector=u["warehouse"])
    step(
        at(3, 11, 11), services.case_confirm_cause, case=k1, actor=u["qc"], is_our_product=True,
        stage="production", responsible_department="生产部", handling="返修",
    )  # fmt: skip
    step(at(3, 11, 14), services.case_refund, case=k1, actor=u["finance"], reference="CN-1")
    step(at(3, 11, 15), services.case_close, case=k1, actor=u["agent"])

    k2 = step(
        at(3, 10, 10),
        _open,
        actor=u["c2"],
        customer=c["c2"],
        order_line=_line(o2, p1),
        quantity=1,
        reason="C01",
    )

    k3 = step(
        at(3, 10, 12), _open, actor=u["c2"], customer=c["c2"], order_line=_line(o2, p2), quantity=1,
        reason="D03", type="refund_only",
    )  # fmt: skip
    step(
        at(3, 10, 13, 30),
        services.case_reject,
        case=k3,
        actor=u["agent"],
        reason="已签收无异常",
        alternative="联系承运商",
    )

    k4 = step(
        at(3, 10, 9), _open, actor=u["sales"], customer=c["d1"], order_line=_line(o3, p1), quantity=5,
        reason="Q02", channel="distributor_notice",
    )  # fmt: skip
    step(at(3, 10, 9, 5), add_photo, case=k4, actor=u["sales"])
    step(at(3, 10, 9, 30), services.case_approve, case=k4, actor=u["sales"], solution="self_ship")
    step(at(3, 10, 10), services.case_confirm_solution, case=k4, actor=u["sales"])
    step(
        at(3, 12, 10),
        services.case_receive,
        case=k4,
        actor=u["warehouse"],
        received={str(k4.lines.get().id): 5},
    )
    step(at(3, 12, 10, 30), inspect_all, case=k4, inspector=u["warehouse"])
    step(
        at(3, 12, 11), services.case_confirm_cause, case=k4, actor=u["qc"], is_our_product=False,
        stage="material", responsible_department="采购部", handling="退供应商",
    )  # fmt: skip

    k5 = step(
        at(3, 10, 16), _open, actor=u["c1"], customer=c["c1"], order_line=_line(o1, p3), quantity=1,
        reason="Q08", type="exchange",
    )  # fmt: skip
    step(at(3, 10, 16, 10), services.case_cancel, case=k5, actor=u["c1"], reason="不换了")

    k6 = step(
        at(3, 10, 9),
        _open,
        actor=u["c2"],
        customer=c["c2"],
        order_line=None,
        quantity=0,
        reason="",
        type="consultation",
    )
    step(at(3, 16, 10), services.case_answer, case=k6, actor=u["agent"], answer="请更新驱动")
    step(at(3, 16, 11), services.case_close, case=k6, actor=u["agent"])

    step(
        at(3, 20, 10),
        services.case_survey_submit,
        case=k1,
        actor=u["c1"],
        rating=4,
        resolved=True,
        comment="不错",
    )
    step(
        at(3, 20, 11), services.case_followup_call, case=k6, actor=u["agent"], outcome="answered",
        rating=2, resolved=False, comment="还是不好用",
    )  # fmt: skip
    return {"K1": k1, "K2": k2, "K3": k3, "K4": k4, "K5": k5, "K6": k6}
