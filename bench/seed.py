"""Master data and credentials for the lifecycle benchmark (bench/run.py), written through the
real services into the database named by DATABASE_URL, which must be freshly migrated.

Prints one JSON document on stdout: an API token per staff role that acts in the lifecycle, and
per simulated customer its token and the order lines it can return from. Each customer has one
delivered order (yesterday, so the 7-day no-reason window is open) with lines of a large quantity:
every lifecycle returns one unit, so a customer never runs out, and two customers never share an
order-line row (whose lock the quantity checks take).

Run by bench/run.py as `python bench/seed.py --customers 32`; not meant for a real installation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE_QUANTITY = 100_000
UNIT_PRICES = (Decimal("99.00"), Decimal("39.90"))  # far below the general-manager gate (5000)
STAFF_ROLES = ("agent", "warehouse", "qc", "finance")


def seed(customers: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from returndesk.accounts.models import User
    from returndesk.accounts.services import api_token_create
    from returndesk.catalog.services import category_create, customer_create, product_create, warehouse_create
    from returndesk.orders.models import Channel, PaymentMethod
    from returndesk.orders.pricing import order_amounts
    from returndesk.orders.services import order_create

    with transaction.atomic():
        category = category_create(actor=None, code="BENCH", name="压测商品", name_en="Benchmark goods")
        # Returns need a return address (the default warehouse) and are taken into its stock.
        warehouse_create(
            actor=None,
            code="BENCH-WH",
            name="压测退货仓",
            return_address="上海市嘉定区压测路 1 号",
            is_default=True,
        )
        products = [
            product_create(
                actor=None,
                category=category,
                sku=f"BENCH-{n}",
                name=f"压测商品 {n}",
                name_en=f"Benchmark product {n}",
                unit="个",
            )
            for n in range(1, len(UNIT_PRICES) + 1)
        ]
        tokens = {}
        for role in STAFF_ROLES:
            user = User.objects.create_user(username=f"bench-{role}", password=None, role=role)
            tokens[role] = api_token_create(actor=None, user=user, name="bench")[1]
        delivered = timezone.now() - timedelta(days=1)
        plans = []
        for n in range(1, customers + 1):
            customer = customer_create(
                actor=None,
                code=f"BENCH{n:04d}",
                name=f"压测客户{n}",
                phone=f"139{n:08d}",
                email=f"bench{n}@example.com",
            )
            user = User.objects.create_user(
                username=f"bench-customer-{n}", password=None, role="customer", customer=customer
            )
            lines = [
                {"product": product, "quantity": LINE_QUANTITY, "unit_price": price}
                for product, price in zip(products, UNIT_PRICES, strict=True)
            ]
            total = order_amounts(lines=lines, order_discount=Decimal(0), shipping_fee=Decimal(0)).total_paid
            order = order_create(
                actor=None,
                channel=Channel.OWN_SHOP,
                number=f"BENCH-{n:06d}",
                customer=customer,
                placed_at=delivered - timedelta(days=2),
                paid_at=delivered - timedelta(days=2),
                shipped_at=delivered - timedelta(days=1),
                delivered_at=delivered,
                lines=lines,
                payments=[{"method": PaymentMethod.ALIPAY, "amount": total}],
            )
            plans.append(
                {
                    "token": api_token_create(actor=None, user=user, name="bench")[1],
                    "order_lines": [str(line.pk) for line in order.lines.order_by("position")],
                }
            )
    return {"staff": tokens, "customers": plans}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    json.dump(seed(args.customers), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
