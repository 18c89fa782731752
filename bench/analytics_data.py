"""A large, realistic after-sales history for the analytics benchmark (bench/analytics.py):
by default 1,000,000 cases on 3,000,000 order lines (1,000,000 orders of 3 lines) over two
years, written straight into the tables with bulk inserts — COPY on PostgreSQL, executemany in
big transactions on SQLite — because walking a million cases through the services would take
days. Not for a real installation: it bypasses the services on purpose, but every row satisfies
the database's constraints and the domain's shape (timelines in order with one event per status
change, order-line counters matching the cases, SLA clocks and targets, causes for quality
returns that reached production/QC, follow-ups of closed cases).

Seeded, so a run is repeatable. Products have their own return propensity, one lot of one
product is bad (many quality returns), distributors return more, and recent cases are still
open — so the dashboard has something to show.

    python bench/analytics_data.py --cases 1000000 --order-lines 3000000   # DATABASE_URL, migrated
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CENT = Decimal("0.01")
UTC = dt.UTC
BATCH = 50_000

CATEGORIES = [
    ("NB", "笔记本电脑", "Laptops"), ("DT", "台式机", "Desktops"), ("MON", "显示器", "Monitors"),
    ("KB", "键盘鼠标", "Keyboards and mice"), ("AUD", "耳机音箱", "Audio"), ("STO", "存储设备", "Storage"),
    ("NET", "网络设备", "Networking"), ("ACC", "配件", "Accessories"),
]  # fmt: skip
CHANNELS = [("own_shop", 35), ("marketplace", 40), ("store", 10), ("distributor", 15)]
QUALITY = ["Q01", "Q02", "Q03", "Q04", "Q05", "Q06", "Q07", "Q08", "Q09"]
DELIVERY = ["D01", "D02", "D03", "D04"]
CUSTOMER = ["C01", "C02", "C03", "C04", "C99"]
STAGES = [
    ("production", 40),
    ("material", 25),
    ("design", 10),
    ("packaging", 8),
    ("logistics", 10),
    ("customer_use", 7),
]
DEPARTMENTS = {
    "production": "生产部", "material": "采购部", "design": "研发部", "packaging": "生产部",
    "logistics": "物流部", "customer_use": "客服部", "storage": "仓库",
}  # fmt: skip
TYPES = [("return_refund", 60), ("refund_only", 10), ("exchange", 15), ("repair", 10), ("consultation", 5)]


def pick(rng: random.Random, weighted):
    total = sum(w for _v, w in weighted)
    x = rng.uniform(0, total)
    for value, weight in weighted:
        x -= weight
        if x <= 0:
            return value
    return weighted[-1][0]


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- writing ------------------------------------------------------------------------------------


class Writer:
    """Rows of one model as attname dicts → the fastest bulk path of the database."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.rows = 0

    def _converter(self, field):
        """How a non-NULL value of the field travels, or None when it goes as it is."""
        from django.db import models

        sqlite = self.vendor == "sqlite"
        if isinstance(field, models.JSONField):
            return lambda v: (
                ("{}" if isinstance(v, dict) else "[]") if not v else json.dumps(v, ensure_ascii=False)
            )
        if not sqlite:
            return None  # psycopg's COPY adapts UUIDs, aware datetimes, dates, decimals and booleans
        if isinstance(field, models.UUIDField) or (
            field.is_relation and isinstance(field.target_field, models.UUIDField)
        ):
            return lambda v: v.hex
        if isinstance(field, models.DateTimeField):
            # Django's SQLite text form: naive UTC (the generator makes every time in UTC).
            return lambda v: (
                str(v.replace(tzinfo=None))
                if v.tzinfo is UTC
                else str(v.astimezone(UTC).replace(tzinfo=None))
            )
        if isinstance(field, models.DateField):
            return lambda v: v.isoformat()
        if isinstance(field, models.DecimalField):
            return str
        if isinstance(field, models.BooleanField):
            return int
        return None

    def write(self, model, rows) -> int:
        from django.db import models as m

        # Auto-incremented keys are left to the database (a NULL would not take the default).
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, m.AutoField)]
        names = [f.attname for f in fields]
        # Fields a row leaves out (columns other apps add later) take their model default.
        defaults = {f.attname: f.get_default() for f in fields}
        converters = [(i, conv) for i, f in enumerate(fields) if (conv := self._converter(f)) is not None]
        getter = itemgetter(*names)
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        table = self.connection.ops.quote_name(model._meta.db_table)
        count = 0
        batch = []

        def flush():
            if not batch:
                return
            if self.vendor == "sqlite":
                marks = ", ".join("?" * len(fields))
                self.connection.connection.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch
                )
            else:
                with self.connection.cursor() as cursor:
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
            batch.clear()

        for row in rows:
            try:
                values = list(getter(row))
            except KeyError:  # a field left to its default
                values = list(getter({**defaults, **row}))
            for i, conv in converters:
                if values[i] is not None:
                    values[i] = conv(values[i])
            batch.append(values)
            count += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        self.rows += count
        return count


# --- the history --------------------------------------------------------------------------------


def _paths(case_type: str, reason_class: str, age_days: float, rng: random.Random) -> list[str]:
    """The statuses a case goes through, from submitted; older cases are more often finished."""
    finished = rng.random() < min(0.98, 0.15 + age_days / 20)
    if case_type == "consultation":
        path = ["submitted", "answered", "closed"]
    elif rng.random() < 0.06:
        path = ["submitted", "cancelled"]
    elif rng.random() < (0.12 if reason_class != "quality" else 0.04):
        path = ["submitted", "rejected", "closed"]
    elif case_type == "refund_only":
        path = ["submitted", "approved", "refunded", "closed"]
    else:
        path = [
            "submitted",
            "awaiting_customer",
            "awaiting_return",
            "in_transit",
            "received",
            "goods_inspected",
        ]
        if reason_class == "quality":
            path.append("cause_confirmed")
        path += {
            "return_refund": ["refunded", "closed"],
            "exchange": ["replacement_shipped", "closed"],
            "repair": ["repairing", "repaired", "closed"],
        }[case_type]
    if not finished:
        path = path[: rng.randint(1, max(1, len(path) - 1))]
    return path


ACTIONS = {
    ("submitted", "awaiting_customer"): "approve", ("submitted", "approved"): "approve",
    ("awaiting_customer", "awaiting_return"): "confirm_solution", ("awaiting_return", "in_transit"): "ship_back",
    ("in_transit", "received"): "receive", ("received", "goods_inspected"): "inspect",
    ("goods_inspected", "cause_confirmed"): "confirm_cause",
    ("goods_inspected", "refunded"): "refund", ("cause_confirmed", "refunded"): "refund", ("approved", "refunded"): "refund",
    ("goods_inspected", "replacement_shipped"): "ship_replacement", ("cause_confirmed", "replacement_shipped"): "ship_replacement",
    ("goods_inspected", "repairing"): "start_repair", ("cause_confirmed", "repairing"): "start_repair",
    ("repairing", "repaired"): "finish_repair", ("submitted", "answered"): "answer", ("submitted", "rejected"): "reject",
    ("submitted", "cancelled"): "cancel",
}  # fmt: skip
STAGE_HOURS = {
    "submitted": 6, "awaiting_customer": 10, "awaiting_return": 30, "in_transit": 50, "received": 8, "goods_inspected": 6,
    "cause_confirmed": 20, "approved": 12, "refunded": 20, "replacement_shipped": 60, "repairing": 70,
    "repaired": 40, "answered": 20, "rejected": 30,
}  # fmt: skip


def _plan(n: int, meta: tuple, products, seed: int, end_at, now, classes) -> dict:
    """Everything about case n on order line `meta`, drawn from its own seeded generator: the
    same n always gives the same case, so the order-line counters can be computed in a first
    pass and the rows written in a second without keeping a million plans in memory."""
    rng = random.Random(seed * 10_000_019 + n)
    _line, _order, _customer, p, qty, placed, paid_cents, _net, _channel, _lot, _pos = meta
    case_type = pick(rng, TYPES)
    quality = rng.random() < (0.5 if p == 7 else 0.35)
    code = rng.choice(QUALITY if quality else rng.choice([DELIVERY, CUSTOMER, CUSTOMER]))
    if case_type == "consultation":
        code = "C05"
    opened = placed + dt.timedelta(days=2 + rng.expovariate(1 / 6))
    if opened > end_at:
        opened = end_at - dt.timedelta(hours=rng.uniform(1, 48))
    age = (end_at - opened).total_seconds() / 86400
    path = _paths(case_type, classes[code], age, rng)
    units = 1 if case_type == "consultation" else rng.randint(1, qty)
    moment, stamps = opened, [opened]
    for status in path[:-1]:
        moment += dt.timedelta(hours=rng.expovariate(1 / STAGE_HOURS.get(status, 10)) + 0.05)
        stamps.append(min(moment, now))
    return {
        "rng": rng, "type": case_type, "code": code, "quality": classes[code] == "quality", "opened": opened,
        "path": path, "stamps": stamps, "units": units,
        "claimed": money(Decimal(paid_cents) / 100 * units / qty), "holds": case_type != "consultation",
    }  # fmt: skip


def generate(
    *, cases: int, order_lines: int, seed: int = 1, days: int = 730, end: dt.date | None = None
) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from returndesk.accounts.models import User
    from returndesk.cases.models import Case, CaseCause, CaseEvent, CaseLine, ReturnReason
    from returndesk.catalog.models import Customer, Product, ProductCategory
    from returndesk.followups.models import FollowUp
    from returndesk.orders.models import Order, OrderLine
    from returndesk.sla.models import CaseClock, SlaTarget

    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    end = end or timezone.localdate()
    end_at = dt.datetime.combine(end, dt.time(18), tzinfo=tz).astimezone(UTC)
    start_at = end_at - dt.timedelta(days=days)
    writer = Writer(connection)
    timings: dict[str, float] = {}
    began = time.monotonic()
    reasons = dict(ReturnReason.objects.values_list("code", "id"))
    classes = dict(ReturnReason.objects.values_list("code", "reason_class"))
    now = timezone.now()

    with transaction.atomic():
        system, _ = User.objects.get_or_create(username="bench-system", defaults={"role": "admin"})
        categories = []
        for code, name, name_en in CATEGORIES:
            cat, _ = ProductCategory.objects.get_or_create(
                code=f"G{code}", defaults={"name": name, "name_en": name_en}
            )
            categories.append(cat)
        products = []
        for n in range(120):
            cat = categories[n % len(categories)]
            price = rng.choice([99, 199, 299, 599, 1299, 2999, 4999, 6999])
            products.append(
                {
                    "id": uuid.uuid4(), "sku": f"G-{cat.code}-{n:03d}", "name": f"{cat.name}{n:03d}型",
                    "name_en": f"{cat.name_en} model {n:03d}", "category_id": cat.pk, "unit": "台",
                    "no_reason_returnable": True, "no_reason_exclusion": "none", "sanbao_category": "none",
                    "warranty_months_unit": 12, "warranty_months_main_parts": 24, "is_active": True,
                    "created_at": now, "updated_at": now, "model_spec": "", "price_cents": price * 100,
                    "propensity": rng.uniform(0.5, 1.6),
                }
            )  # fmt: skip
        writer.write(Product, products)
        n_customers = max(1000, order_lines // 15)
        customers = []
        for n in range(n_customers):
            kind = "distributor" if n < 200 else "key_account" if n < 260 else "consumer"
            customers.append(
                {
                    "id": uuid.uuid4(), "code": f"G{n:07d}", "type": kind, "created_at": now, "updated_at": now,
                    "name": f"经销商{n:03d}" if kind == "distributor" else f"客户{n:07d}", "contact_name": "",
                    "phone": f"139{n:08d}", "email": "", "address": "", "preferred_language": "zh-hans",
                }
            )  # fmt: skip
        writer.write(Customer, customers)
    timings["master data"] = time.monotonic() - began

    n_orders = order_lines // 3
    # (line id, order id, customer idx, product idx, qty, placed_at, paid cents, net cents, channel, lot, position)
    lines_meta: list[tuple] = []

    def orders():
        for n in range(n_orders):
            channel = pick(rng, CHANNELS)
            customer = rng.randrange(200) if channel == "distributor" else rng.randrange(200, n_customers)
            placed = start_at + dt.timedelta(seconds=rng.uniform(0, days * 86400 - 5 * 86400))
            order_id = uuid.uuid4()
            goods = 0
            for position, p in enumerate(rng.sample(range(len(products)), 3), start=1):
                qty = rng.randint(5, 40) if channel == "distributor" else rng.choice([1, 1, 1, 2])
                paid = products[p]["price_cents"] * qty
                net = int((Decimal(paid) / Decimal("1.13")).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                lot = f"L{placed:%y}Q{(placed.month - 1) // 3 + 1}-{p:03d}"
                lines_meta.append(
                    (uuid.uuid4(), order_id, customer, p, qty, placed, paid, net, channel, lot, position)
                )
                goods += paid
            total = Decimal(goods) / 100
            yield {
                "id": order_id, "number": f"G{n:09d}", "channel": channel, "customer_id": customers[customer]["id"],
                "currency": "CNY", "placed_at": placed, "paid_at": placed, "shipped_at": placed + dt.timedelta(hours=20),
                "delivered_at": placed + dt.timedelta(days=2), "order_discount": Decimal("0.00"),
                "shipping_fee": Decimal("0.00"), "goods_total": total, "total_paid": total, "created_at": placed,
                "updated_at": placed, "contact_name": "", "contact_phone": "", "contact_email": "", "shipping_address": "",
            }  # fmt: skip

    began = time.monotonic()
    with transaction.atomic():
        writer.write(Order, orders())
    timings["orders"] = time.monotonic() - began

    # Which lines come back: by product propensity, distributors more, one bad lot much more.
    began = time.monotonic()
    bad_lot = f"L{(end_at - dt.timedelta(days=200)):%y}Q{((end_at - dt.timedelta(days=200)).month - 1) // 3 + 1}-007"
    per_line = cases / len(lines_meta)
    shuffled = list(range(len(lines_meta)))
    rng.shuffle(shuffled)
    chosen: list[int] = []
    taken = set()
    for i in shuffled:
        meta = lines_meta[i]
        factor = products[meta[3]]["propensity"] * (1.6 if meta[8] == "distributor" else 1.0)
        factor *= 5 if meta[9] == bad_lot else 1
        if rng.random() < per_line * factor:
            chosen.append(i)
            taken.add(i)
            if len(chosen) >= cases:
                break
    for i in shuffled:
        if len(chosen) >= cases:
            break
        if i not in taken:
            chosen.append(i)
    del taken, shuffled
    held: dict = {}
    returned: dict = {}
    for n, i in enumerate(chosen):
        plan = _plan(n, lines_meta[i], products, seed, end_at, now, classes)
        if not plan["holds"]:
            continue
        status = plan["path"][-1]
        if "refunded" in plan["path"]:
            returned[i] = plan["units"]
        elif status not in ("closed", "cancelled", "rejected", "replacement_shipped", "repaired"):
            held[i] = plan["units"]
    timings["planning cases"] = time.monotonic() - began

    def order_line_stream():
        for i, (line_id, order_id, _c, p, qty, placed, paid, net, _ch, lot, position) in enumerate(
            lines_meta
        ):
            yield {
                "id": line_id, "order_id": order_id, "position": position, "product_id": products[p]["id"],
                "quantity": qty, "quantity_shipped": qty, "unit_price": Decimal(products[p]["price_cents"]) / 100,
                "line_discount": Decimal("0.00"), "tax_mode": "inclusive", "tax_rate": Decimal("0.1300"),
                "order_discount_share": Decimal("0.00"), "net_amount": Decimal(net) / 100,
                "tax_amount": Decimal(paid - net) / 100, "paid_amount": Decimal(paid) / 100, "serial_numbers": [],
                "no_reason_return_waived": False, "lot": lot, "quantity_held": held.get(i, 0),
                "quantity_returned": returned.get(i, 0), "created_at": placed, "updated_at": placed,
            }  # fmt: skip

    began = time.monotonic()
    with transaction.atomic():
        writer.write(OrderLine, order_line_stream())
    timings["order lines"] = time.monotonic() - began

    counts = dict.fromkeys(["cases", "case_lines", "case_events", "causes", "sla_targets", "follow_ups"], 0)
    began = time.monotonic()
    chunk = 20_000
    for first in range(0, len(chosen), chunk):
        rows: dict = {m: [] for m in (Case, CaseLine, CaseEvent, CaseCause, CaseClock, SlaTarget, FollowUp)}
        for n in range(first, min(first + chunk, len(chosen))):
            meta = lines_meta[chosen[n]]
            _case_rows(rows, n, meta, _plan(n, meta, products, seed, end_at, now, classes), customers, reasons,
                       system, tz, now)  # fmt: skip
        with transaction.atomic():
            for model, model_rows in rows.items():
                writer.write(model, model_rows)
        counts["cases"] += len(rows[Case])
        counts["case_lines"] += len(rows[CaseLine])
        counts["case_events"] += len(rows[CaseEvent])
        counts["causes"] += len(rows[CaseCause])
        counts["sla_targets"] += len(rows[SlaTarget])
        counts["follow_ups"] += len(rows[FollowUp])
    timings["cases, lines, events, causes, SLA, follow-ups"] = time.monotonic() - began
    if connection.vendor == "postgresql":
        began = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings["ANALYZE"] = time.monotonic() - began
    counts.update(orders=n_orders, order_lines=len(lines_meta), customers=n_customers, products=len(products))
    return {"counts": counts, "timings": timings, "rows": writer.rows}


def _case_rows(rows, n, meta, plan, customers, reasons, system, tz, now) -> None:
    from returndesk.cases.models import Case, CaseCause, CaseEvent, CaseLine
    from returndesk.followups.models import FollowUp
    from returndesk.sla.models import CaseClock, SlaTarget

    rng, path, stamps = plan["rng"], plan["path"], plan["stamps"]
    line_id, _order_id, customer, _p, _qty, _placed, _paid, _net, channel, _lot, _pos = meta
    status, opened, claimed = path[-1], plan["opened"], plan["claimed"]
    refunded_at = stamps[path.index("refunded")] if "refunded" in path else None
    closed_at = stamps[-1] if status in ("closed", "cancelled") else None
    case_id = uuid.uuid4()
    holds = plan["holds"]
    rows[Case].append(
        {
            "id": case_id, "number": f"GEN-{n:08d}", "type": plan["type"], "status": status,
            "channel": "distributor_notice" if channel == "distributor" else rng.choice(["web", "web", "phone", "chat", "email"]),
            "customer_id": customers[customer]["id"], "priority": "urgent" if plan["code"] == "Q06" else "normal",
            "created_by_id": system.pk, "description": "", "contact_name": "", "contact_phone": "", "contact_email": "",
            "claimed_amount": claimed if holds else Decimal("0.00"), "version": len(path), "solution": "self_ship",
            "return_carrier": "", "return_tracking_number": "", "outbound_carrier": "",
            "outbound_tracking_number": "SF1234567890123" if {"replacement_shipped", "repaired"} & set(path) else "",
            "refund_amount": claimed if refunded_at else None, "refund_reference": "", "refunded_at": refunded_at,
            "rejection_reason": "不符合退货条件" if "rejected" in path else "", "rejection_alternative": "",
            "resolution": "已答复" if "answered" in path else "", "closed_at": closed_at,
            "policy_decision": {}, "policy_override": {}, "evidence_waiver": "", "restocking_fee": Decimal("0.00"),
            "return_shipping_payer": "seller" if plan["quality"] else "customer", "created_at": opened,
            "updated_at": stamps[-1], "policy_version_id": None, "assignee_id": None, "team_id": None,
            "gm_approved_at": None,
        }
    )  # fmt: skip
    if holds:
        hold_state = "returned" if refunded_at else "released" if status in (
            "closed", "cancelled", "rejected", "replacement_shipped", "repaired") else "held"  # fmt: skip
        rows[CaseLine].append(
            {
                "id": uuid.uuid4(), "case_id": case_id, "order_line_id": line_id, "quantity": plan["units"],
                "reason_id": reasons[plan["code"]], "description": "", "serial_numbers": [],
                "quantity_received": plan["units"] if "received" in path else None, "hold_state": hold_state,
                "claimed_amount": claimed, "refund_amount": claimed if refunded_at else None,
                "created_at": opened, "updated_at": opened,
            }
        )  # fmt: skip
    previous = ""
    for seq, (to_status, at) in enumerate(zip(path, stamps, strict=True), start=1):
        rows[CaseEvent].append(
            {
                "case_id": case_id, "sequence": seq,
                "type": "created" if seq == 1 else ACTIONS.get((previous, to_status), "close"),
                "actor_id": None, "actor_role": "system", "from_status": previous, "to_status": to_status,
                "data": {}, "internal": False, "created_at": at,
            }
        )  # fmt: skip
        previous = to_status
    if "cause_confirmed" in path:
        stage = pick(rng, STAGES)
        at = stamps[path.index("cause_confirmed")]
        rows[CaseCause].append(
            {
                "id": uuid.uuid4(), "case_id": case_id, "is_our_product": stage != "customer_use", "stage": stage,
                "responsible_department": DEPARTMENTS[stage], "responsible_person": "", "handling": "按规定处理",
                "description": "", "confirmed_by_id": system.pk, "created_at": at, "updated_at": at,
            }
        )  # fmt: skip
    clock_id = uuid.uuid4()
    rows[CaseClock].append(
        {
            "id": clock_id, "case_id": case_id, "policy_id": None, "policy_name": "默认 / Default", "team_id": None,
            "problem": "", "problem_detail": "", "round": 1, "created_at": opened, "updated_at": stamps[-1],
        }
    )  # fmt: skip
    responded = stamps[1] if len(stamps) > 1 else None
    for kind, hours in (("first_response", 24), ("solution", 72)):
        late = rng.random() < (0.12 if kind == "first_response" else 0.06)
        due = opened + dt.timedelta(hours=hours * 3.2)
        running = responded is None
        rows[SlaTarget].append(
            {
                "clock_id": clock_id, "round": 1, "kind": kind, "target_minutes": hours * 60, "warning_percent": 75,
                "state": "running" if running else "met", "segments": [], "due_at": due if running else None,
                "warn_at": None, "warned_at": None, "breached_at": due if running and due < now else None,
                "met_at": None if running else responded, "stopped_at": None,
                "overrun_seconds": None if running else (int(rng.uniform(600, 40000)) if late else 0),
            }
        )  # fmt: skip
    if status == "closed":
        answered = rng.random() < 0.45
        rating = pick(rng, [(5, 45), (4, 30), (3, 12), (2, 8), (1, 5)]) if answered else None
        method = rng.choice(["portal", "phone"]) if answered else ""
        if answered:  # one timeline event per answer, as cases.services.feedback writes
            rows[CaseEvent].append(
                {
                    "case_id": case_id, "sequence": len(path) + 1,
                    "type": "survey" if method == "portal" else "followup_call", "actor_id": None,
                    "actor_role": "customer" if method == "portal" else "agent", "from_status": "", "to_status": "",
                    "data": {"rating": rating}, "internal": method != "portal", "created_at": closed_at + dt.timedelta(days=3),
                }
            )  # fmt: skip
        rows[FollowUp].append(
            {
                "id": uuid.uuid4(), "case_id": case_id, "status": "done" if answered else "due",
                "due_on": (closed_at + dt.timedelta(days=3)).astimezone(tz).date(),
                "method": method, "rating": rating, "comment": "",
                "resolved": (rating >= 3) if answered else None, "attempts": 1 if answered else 0,
                "last_attempt_at": None, "completed_at": closed_at + dt.timedelta(days=3) if answered else None,
                "recorded_by_id": None, "note": "", "created_at": closed_at, "updated_at": closed_at,
            }
        )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--order-lines", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    json.dump(generate(cases=args.cases, order_lines=args.order_lines, seed=args.seed), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
