"""Builds the demo company through the real services (see the package docstring)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from returndesk.accounts.models import Team, User
from returndesk.accounts.roles import Role
from returndesk.accounts.services import api_token_install_known
from returndesk.cases import services as cs
from returndesk.cases.models import Case, CaseSettings, ReturnReason
from returndesk.cases.policy import evaluate_lines, evidence_outstanding
from returndesk.cases.workflow import GM_DONE, gm_required, transition_for
from returndesk.catalog.models import (
    Customer,
    CustomerType,
    Product,
    Warehouse,
)
from returndesk.catalog.services import category_create, customer_create, product_create, warehouse_create
from returndesk.core.errors import DomainError
from returndesk.core.money import quantize
from returndesk.improvements.demo import load_improvement_demo
from returndesk.inspection import demo as inspection_demo
from returndesk.logistics import demo as logistics_demo
from returndesk.orders.models import Channel, OrderLine, PaymentMethod, TaxMode
from returndesk.orders.pricing import order_amounts
from returndesk.orders.services import order_create
from returndesk.policies.selectors import policy_of
from returndesk.policies.services import policy_version_current
from returndesk.refunds.demo import (
    bank_reference,
    demo_payee,
    forged_callback,
    refunds_demo_finish,
    script_gateway,
)
from returndesk.refunds.models import Refund as RefundModel
from returndesk.refunds.services import refund_query

from .data import (
    ACC,
    ACCEPTANCES,
    APPEALS,
    CATEGORIES,
    CAUSES,
    CONSULTATIONS,
    CONSUMERS,
    CUSTOMER_USE_CAUSE,
    DEMO_API_TOKEN,
    DEMO_INTEGRATION_USER,
    DEMO_PASSWORD,
    DESCRIPTIONS,
    DISTRIBUTOR_DESCRIPTIONS,
    DISTRIBUTORS,
    DISTRICTS,
    DROPPED_CAUSE,
    KBM,
    KEY_ACCOUNTS,
    LAPTOPS,
    MOBILE_PREFIXES,
    MONITORS,
    PRICE,
    PRODUCTS,
    REJECTIONS,
    TEAMS,
    USERS,
    WAREHOUSES,
    Plan,
    T,
    _demo_png,
    planned_cases,
)
from .exchanges_repairs import GOODS_ACTIONS, demo_stock

REFUND_OUTCOMES = frozenset({"refund_complete", "refund_fail"})


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
        self.after_commit: list = []  # (case, plan, steps) to take once the load has committed
        self.stops_here = False  # the step being taken is the plan's last

    def build(self) -> None:
        self._catalog()
        self._goods()
        self._customers()
        self._users()
        self._orders()
        demo_stock(self)  # exchanges reserve replacements from it (issue #5)
        self._cases()
        load_improvement_demo(users=self.users, say=self.say)  # analytics, knowledge base, 回访 (#10)
        self._saved_views()

    def _saved_views(self) -> None:
        """A few saved case-list views, so the desk's list shows how they work."""
        from returndesk.desk.services import saved_view_save

        for username, name, filters in (
            ("agent1", "紧急未结", {"priority": "urgent", "queue": "team"}),
            ("agent1", "质量问题待审核", {"status": "submitted", "reason_class": "quality"}),
            ("supervisor", "申诉中", {"status": "appealed"}),
            ("supervisor", "已超时", {"sla_state": "breached", "order": "oldest"}),
        ):
            if username in self.users:
                saved_view_save(actor=self.users[username], name=name, filters=filters)

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

    def _goods(self) -> None:
        """Return routes and opening stock (logistics and inspection demo data, issue 5)."""
        logistics_demo.setup()
        warehouses = Warehouse.objects.filter(code__in=[row[0] for row in WAREHOUSES])
        inspection_demo.opening_stock(products=list(self.products.values()), warehouses=warehouses)

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
        demo_integration()

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
            "lot": f"B{self.serial_seq[spec.serial_prefix] // 8 + 1:02d}" if spec.serial_prefix else "",  # batches of 8
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
            for n, action in enumerate(path):
                if action in REFUND_OUTCOMES:  # the providers answer after the commit
                    self.after_commit.append((case, plan, path[n:]))
                    break
                self.stops_here = n == len(path) - 1
                if self._gm_gate_ahead(case, action, path):
                    case = self._gm_approve(case, plan)
                step = GOODS_ACTIONS.get(action) or getattr(type(self), f"_{action}")  # exchanges_repairs.py
                case = step(self, case, plan)

    def finish(self) -> None:
        """After the load has committed: the payment providers are called (never inside a
        transaction, refunds.services.execution), so the refunds' outcomes and what follows
        them are taken now, each step in its own transaction; then one ledger export."""
        for case, plan, steps in self.after_commit:
            for action in steps:
                self.stops_here = False
                case = getattr(self, f"_{action}")(case, plan)
        refunds_demo_finish(finance=self.users["finance"])

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
        case = cs.case_confirm_solution(
            case=case,
            actor=self._customer_side(case),
            note="同意该方案。",
            **logistics_demo.confirm_inputs(case, self.now),
        )
        if case.solution == "pickup":  # customer service books it with SF by phone (manual adapter)
            cs.case_record_pickup_booking(
                case=case,
                actor=self.users["agent2"],
                booking_reference=logistics_demo.booking_reference(case),
            )
        return case

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
        serials = {str(line.id): line.serial_numbers[: received[str(line.id)]] for line in case.lines.all()}
        note = (
            f"实收 {sum(received.values())} 台,比通知数量少 1 台,已通知销售与经销商核对。"
            if plan.short
            else "外箱完好,配件齐全,已入退货暂存区。"
        )
        extras = (
            [{"kind": "unexpected", "description": "随货多出 1 个空包装箱(经销商误装)", "quantity": 1}]
            if plan.short
            else []
        )
        return cs.case_receive(
            case=case, actor=self.users["warehouse"], received=received, serial_numbers=serials, extras=extras,
            note=note,
        )  # fmt: skip

    def _inspect(self, case, plan):
        photo = cs.attachment_add(
            case=case, actor=self.users["warehouse"], content=_demo_png(), original_name="验收照片.png"
        )
        units = inspection_demo.inspection_units(case, rng=self.rng, story=plan.story, photo_id=str(photo.id))
        return cs.case_inspect(case=case, actor=self.users["warehouse"], units=units, note="逐台验收完毕。")

    def _confirm_cause(self, case, plan):
        cause = {"water": CUSTOMER_USE_CAUSE, "dropped": DROPPED_CAUSE}.get(plan.story, CAUSES[plan.reason])
        stage, department, person, analysis, handling = cause
        return cs.case_confirm_cause(
            case=case, actor=self.users["qc"], is_our_product=True, stage=stage,
            responsible_department=department, responsible_person=person, handling=handling,
            description=analysis,
        )  # fmt: skip

    @staticmethod
    def _gm_gate_ahead(case, action: str, path) -> bool:
        """A plan that does not name the general manager's approval still meets the gate when the
        amount at stake turns out above the configured limit (an upgrade to a dear model, say):
        the general manager approves first, as staff would have to."""
        if "gm_approve" in path or case.gm_approved_at is not None:
            return False
        transition, approval = transition_for(case.type, action), transition_for(case.type, "gm_approve")
        if transition is None or approval is None or GM_DONE not in transition.guards:
            return False
        return case.status in approval.sources and gm_required(case, CaseSettings.current())

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
        """Finance refunds: distributors to their account (冲减应收账款), others by the original
        route; a case that stops here waits for finance's bank transfer (退款中)."""
        finance = self.users["finance"]
        first = not case.refunds.exists()
        if self.stops_here:
            n = RefundModel.objects.count() + 1
            note = "客户支付账户已注销,改为银行转账,待财务付款后确认"
            payee = demo_payee(case.customer, n)
            case = cs.case_refund(case=case, actor=finance, route="bank_transfer", note=note, **payee)
        elif case.customer.type == CustomerType.DISTRIBUTOR or plan.refund == "store_credit":
            case = cs.case_refund(
                case=case, actor=finance, route="store_credit", note="冲减应收账款,退至客户账户余额"
            )
        else:
            case = cs.case_refund(case=case, actor=finance, note="原路退回")
        if first and plan.refund in {"fail", "timeout"}:
            script_gateway(case_id=case.pk, behaviour=plan.refund)
        return case

    def _refund_settled(self, case) -> Case:
        """The providers have been called; finance confirms its manual transfers (key accounts
        pay by bank transfer, so their refunds go back that way) and a lost answer is asked for."""
        cs.case_refund_process(case_id=case.pk)
        for refund in RefundModel.objects.filter(case=case, status="pending").order_by("created_at"):
            if refund.provider == "manual":
                cs.case_refund_confirm_manual(
                    refund=refund, actor=self.users["finance"], reference=bank_reference(refund)
                )
            else:
                refund_query(refund_id=refund.pk)
        cs.case_refund_settle(case_id=case.pk)
        return Case.objects.get(pk=case.pk)

    def _refund_complete(self, case, plan):
        case = self._refund_settled(case)
        if plan.refund == "flagged":
            body, headers = forged_callback(case.refunds.get())
            try:
                cs.case_refund_callback(provider_code="gateway", body=body, headers=headers)
            except DomainError:  # refused and flagged, as it should be
                pass
        return case

    def _refund_fail(self, case, plan):
        return self._refund_settled(case)

    def _start_repair(self, case, plan):
        return cs.case_start_repair(case=case, actor=self.users["qc"], note="已拆机检测,等待备件后维修。")

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


def demo_integration() -> None:
    """The demo's integration: a system-role user (no password: it signs in only by its token)
    and the published token the README documents (desk/demo/data.py). Idempotent; also run when
    the demo is already loaded, so an install loaded before the token existed gets it."""
    user = User.objects.filter(username=DEMO_INTEGRATION_USER).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_INTEGRATION_USER, password=None, role=Role.SYSTEM, first_name="网店对接",
            email=f"{DEMO_INTEGRATION_USER}@example.com",
        )  # fmt: skip
    if user.role == Role.SYSTEM:  # never hand the token to a real account of that name
        api_token_install_known(user=user, name="演示网店对接 / demo shop sync", raw=DEMO_API_TOKEN)
