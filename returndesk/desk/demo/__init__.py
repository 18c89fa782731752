"""Demo data: 华辰电子科技有限公司, a maker of laptops, monitors and peripherals (demo-data issue:
"a realistic demo company … products, consumers and distributors, about 200 orders, and cases in
every state of every flow, in Chinese"; "demo users for every role").

Everything is written through the real services — catalog.services for master data,
orders.services.order_create for orders, cases.services (case_create and the case_* actions)
for cases — never by setting a status: every case's status and timeline are ones the
application itself produced. Deterministic apart from the clock (random.Random(2026)): orders
are backdated over the last ~90 days, case events carry the time of loading. Idempotent: when
the marker warehouse exists, nothing is written (but the demo integration token, when an older
load lacks it) and the sign-ins are printed again.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.models import Team, User
from returndesk.accounts.roles import Role
from returndesk.cases.models import Case, CaseEvent, CaseType
from returndesk.cases.workflow import statuses_for
from returndesk.catalog.models import Customer, Product, ProductCategory, Warehouse
from returndesk.orders.models import Order, OrderLine, Payment
from returndesk.portal.demo import portal_demo_hints

from .builder import _Builder, demo_integration
from .data import (
    COMPANY,
    DEMO_API_TOKEN,
    DEMO_INTEGRATION_USER,
    DEMO_PASSWORD,
    MARKER_WAREHOUSE,
    SEED,
    USERS,
    planned_cases,
    planned_statuses,
)

__all__ = ["DEMO_API_TOKEN", "DEMO_PASSWORD", "load_demo", "planned_cases", "planned_statuses", "sign_ins"]


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
    when the demo is already loaded). Runs in one transaction, all or nothing, except the refunds'
    outcomes, taken after it commits (Builder.finish)."""
    say = (lambda text: stdout.write(text + "\n")) if stdout is not None else (lambda text: None)
    if Warehouse.objects.filter(code=MARKER_WAREHOUSE).exists():
        say("演示数据已存在 / demo data already loaded")
        demo_integration()
        _print_sign_ins(say)
        return dict.fromkeys(COUNTED, 0)
    missing = {(t, s.value) for t in CaseType for s in statuses_for(t)} - planned_statuses()
    if missing:  # a new status in the workflow table: add a plan that reaches it
        raise RuntimeError(f"demo plans do not reach {sorted(missing)}")
    before = {name: model.objects.count() for name, model in COUNTED.items()}
    with transaction.atomic():
        builder = _Builder(random.Random(SEED), timezone.now(), say)
        builder.build()
    builder.finish()  # refunds: the payment providers are called only once the load has committed
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
    say(
        f"演示集成 API 令牌 / demo integration API token ({DEMO_INTEGRATION_USER}, 仅限本机 / local use only):"
    )
    say(f"  Authorization: Bearer {DEMO_API_TOKEN}")
    portal_demo_hints(say)
