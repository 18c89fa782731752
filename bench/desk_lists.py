"""How the staff pages' reads behave on a large installation: the case list (first page, a deep
page by cursor, each filter, each search key), the queues of the home page and the department
inboxes, on N generated cases (default 1,000,000) on SQLite and on PostgreSQL. Figures only,
never asserted in tests; docs/desk.md quotes them.

Per database: a fresh database, `manage.py migrate`, then bulk-generated customers, orders (one
line each, with a serial number), cases (one line each, numbers and creation times spread over
two years, every status, assignees and teams, tracking numbers), and each case's SLA clock with
its two targets. Then each read runs through the desk's own selectors (desk.selectors) as a
staff member would call them: one warm-up, then the median of five runs.

    .venv/bin/python bench/desk_lists.py                        # 1,000,000 cases, both databases
    .venv/bin/python bench/desk_lists.py --cases 100000 --databases sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import PY, ROOT, Postgres, make_tmp

CHUNK = 50_000


# --- inside Django: generate --------------------------------------------------------------------


def generate(total: int, seed: int = 8) -> None:
    """Bulk rows through bench/analytics_data.Writer: COPY on PostgreSQL, executemany in big
    transactions on SQLite (row-by-row INSERTs took over 14 minutes for a million cases on
    PostgreSQL)."""
    import uuid
    from datetime import timedelta
    from decimal import Decimal

    from analytics_data import Writer
    from django.db import connection, transaction
    from django.utils import timezone

    from returndesk.accounts.models import Team, User
    from returndesk.accounts.roles import Role
    from returndesk.cases.models import Case, CaseLine, ReturnReason, Status
    from returndesk.catalog.models import Customer, Product, ProductCategory
    from returndesk.orders.models import Order, OrderLine
    from returndesk.sla.models import CaseClock, SlaTarget

    rng = random.Random(seed)
    now = timezone.now()
    writer = Writer(connection)
    category = ProductCategory.objects.create(code="BENCH", name="压测", name_en="Bench")
    products = [
        Product.objects.create(sku=f"B-{n}", name=f"商品{n}", name_en=f"Product {n}", category=category)
        for n in range(20)
    ]
    teams = [Team.objects.create(name=f"客服{n}组", role=Role.AGENT) for n in range(5)]
    agents = [
        User.objects.create_user(f"bench-agent{n}", password=None, role=Role.AGENT, team=teams[n % 5])
        for n in range(50)
    ]
    reasons = [r.id for r in ReturnReason.objects.filter(children__isnull=True)]
    n_customers = max(total // 5, 1)
    # As in a real installation, most cases are finished, and the open ones are recent: a case
    # opened more than 60 days ago is closed (90 %) or cancelled; of the last 60 days' cases
    # (about 82,000 at 1M over two years) 60 % are still open, spread over every open status
    # (a backlog of about 49,000 cases, five weeks of intake). The first run of this bench drew
    # every case's status alike whatever its age (100,000 open cases scattered over two years);
    # its figures are in docs/desk.md too.
    statuses = [s.value for s in Status]
    open_statuses = [s for s in statuses if s not in ("closed", "cancelled")]
    recent = timedelta(days=60)
    types = ["return_refund"] * 6 + ["refund_only", "exchange", "repair", "consultation"]
    channels = ["phone", "email", "web", "chat", "api", "distributor_notice"]
    span = 730 * 86400
    started = time.monotonic()

    customer_ids = [uuid.UUID(int=(1 << 120) + n) for n in range(n_customers)]
    with transaction.atomic():
        writer.write(Customer, (
            {"id": cid, "code": f"BC{n:07d}", "name": f"客户{n}", "type": "distributor" if n < 200 else "consumer",
             "phone": f"13{n:09d}", "email": f"c{n}@example.com", "preferred_language": "zh-hans",
             "created_at": now, "updated_at": now}
            for n, cid in enumerate(customer_ids)
        ))  # fmt: skip
    print(f"  customers {n_customers} ({time.monotonic() - started:.0f}s)", file=sys.stderr)

    created_all = sorted(now - timedelta(seconds=rng.randrange(span)) for _ in range(total))
    per_day: dict[str, int] = {}
    zero = Decimal("0.00")
    for start in range(0, total, CHUNK):
        rows: dict = {m: [] for m in (Order, OrderLine, Case, CaseLine, CaseClock, SlaTarget)}
        for n in range(start, min(start + CHUNK, total)):
            created = created_all[n]
            day = timezone.localtime(created).strftime("%Y%m%d")
            per_day[day] = per_day.get(day, 0) + 1
            customer_id = customer_ids[rng.randrange(n_customers)]
            price = Decimal(rng.choice(["99.00", "199.00", "1999.00", "6999.00"]))
            tax = (price * Decimal("0.13") / Decimal("1.13")).quantize(Decimal("0.01"))
            order_id, line_id = uuid.UUID(int=(2 << 120) + n), uuid.UUID(int=(3 << 120) + n)
            case_id, clock_id = uuid.UUID(int=(4 << 120) + n), uuid.UUID(int=(5 << 120) + n)
            rows[Order].append(
                {"id": order_id, "number": f"HC{n:012d}", "channel": "own_shop", "customer_id": customer_id,
                 "currency": "CNY", "placed_at": created - timedelta(days=3), "paid_at": created - timedelta(days=3),
                 "shipped_at": created - timedelta(days=2), "delivered_at": created - timedelta(days=1),
                 "order_discount": zero, "shipping_fee": zero, "goods_total": price, "total_paid": price,
                 "created_at": created, "updated_at": created}
            )  # fmt: skip
            rows[OrderLine].append(
                {"id": line_id, "order_id": order_id, "position": 1, "product_id": products[n % 20].id,
                 "quantity": 1, "quantity_shipped": 1, "unit_price": price, "line_discount": zero,
                 "tax_mode": "inclusive", "tax_rate": Decimal("0.1300"), "order_discount_share": zero,
                 "net_amount": price - tax, "tax_amount": tax, "paid_amount": price,
                 "serial_numbers": [f"SN{n:010d}"], "no_reason_return_waived": False, "lot": "",
                 "quantity_held": 0, "quantity_returned": 0, "created_at": created, "updated_at": created}
            )  # fmt: skip
            if now - created > recent or rng.random() < 0.4:
                status = "closed" if rng.random() < 0.9 else "cancelled"
            else:
                status = rng.choice(open_statuses)
            terminal = status in ("closed", "cancelled")
            rows[Case].append(
                {"id": case_id, "number": f"RT-{day}-{per_day[day]:05d}", "type": rng.choice(types),
                 "status": status, "channel": rng.choice(channels), "customer_id": customer_id,
                 "priority": rng.choice(["normal"] * 8 + ["high", "urgent"]),
                 "assignee_id": agents[n % 50].pk if n % 3 else None, "team_id": teams[n % 5].pk,
                 "created_by_id": agents[n % 50].pk, "contact_phone": f"13{rng.randrange(10**9):09d}",
                 "claimed_amount": price, "return_tracking_number": f"SF{n:013d}" if n % 2 else "",
                 "outbound_tracking_number": f"YT{n:013d}" if n % 7 == 0 else "", "version": 1,
                 "policy_decision": {}, "policy_override": {}, "restocking_fee": zero, "refund_amount": None,
                 "closed_at": created + timedelta(days=5) if terminal else None,
                 "created_at": created, "updated_at": created}
            )  # fmt: skip
            rows[CaseLine].append(
                {"id": uuid.UUID(int=(6 << 120) + n), "case_id": case_id, "order_line_id": line_id,
                 "quantity": 1, "reason_id": reasons[n % len(reasons)], "serial_numbers": [],
                 "hold_state": "none", "claimed_amount": price, "created_at": created, "updated_at": created}
            )  # fmt: skip
            rows[CaseClock].append(
                {"id": clock_id, "case_id": case_id, "policy_name": "标准 / Standard", "round": 1,
                 "created_at": created, "updated_at": created}
            )  # fmt: skip
            for kind, hours in (("first_response", 8), ("solution", 24)):
                running = not terminal and kind == "solution" and status in ("submitted", "awaiting_customer")
                due = created + timedelta(hours=hours * 3)
                rows[SlaTarget].append(
                    {"clock_id": clock_id, "round": 1, "kind": kind, "target_minutes": hours * 60,
                     "warning_percent": 80, "state": "running" if running else "met", "segments": [],
                     "due_at": due, "warn_at": due - timedelta(hours=hours // 2),
                     "met_at": None if running else created + timedelta(hours=hours),
                     "breached_at": due if (not running and n % 17 == 0) else None}
                )  # fmt: skip
        with transaction.atomic():
            for model, model_rows in rows.items():
                writer.write(model, model_rows)
        print(f"  cases {min(start + CHUNK, total)} ({time.monotonic() - started:.0f}s)", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  generated {total} cases in {time.monotonic() - started:.0f}s", file=sys.stderr)


# --- inside Django: measure ---------------------------------------------------------------------


def measure() -> list[tuple[str, float, int]]:
    from datetime import timedelta

    from django.db import connection, reset_queries
    from django.utils import timezone

    from returndesk.accounts.models import User
    from returndesk.accounts.roles import Role
    from returndesk.cases.models import Case
    from returndesk.desk import selectors
    from returndesk.desk.selectors import CaseFilters

    agent = User.objects.filter(role=Role.AGENT).order_by("username").first()
    roles = {role: User.objects.filter(username=f"bench-{role}").first()
             or User.objects.create_user(f"bench-{role}", password=None, role=role)
             for role in (Role.WAREHOUSE, Role.QC, Role.GM, Role.FINANCE, Role.SUPERVISOR)}  # fmt: skip
    sample = Case.objects.order_by("number")[Case.objects.count() // 2]
    line = sample.lines.select_related("order_line__order").get()
    today = timezone.localdate()
    middle = selectors._encode(sample.number)
    tracking = (
        Case.objects.exclude(return_tracking_number="").order_by("number").first().return_tracking_number
    )
    outbound = (
        Case.objects.exclude(outbound_tracking_number="").order_by("-number").first().outbound_tracking_number
    )

    def page(**filters):
        return lambda: selectors.case_list_page(user=agent, filters=CaseFilters(**filters))

    reads = [
        ("list: first page, no filter", page()),
        ("list: a page deep in the middle (cursor)", lambda: selectors.case_list_page(user=agent, filters=CaseFilters(), cursor=middle)),
        ("list: oldest first", page(oldest_first=True)),
        ("list: status = received", page(status="received")),
        ("list: type = exchange", page(type="exchange")),
        ("list: priority = urgent", page(priority="urgent")),
        ("list: channel = email", page(channel="email")),
        ("list: reason class = delivery", page(reason_class="delivery")),
        ("list: one customer", page(customer=sample.customer.code)),
        ("list: opened in the last 7 days", page(created_from=today - timedelta(days=7), created_to=today)),
        ("list: SLA breached", page(sla_state="breached")),
        ("list: SLA due soon", page(sla_state="warning")),
        ("list: queue inbox (agent)", page(queue="inbox")),
        ("search: case number", page(q=sample.number)),
        ("search: order number", page(q=line.order_line.order.number)),
        ("search: phone", page(q=sample.contact_phone)),
        ("search: return tracking number", page(q=tracking)),
        ("search: outbound tracking number", page(q=outbound)),
        ("search: serial number", page(q=line.order_line.serial_numbers[0])),
        ("home: agent (6 queue counts + first queue)", lambda: selectors.home_for(user=agent)),
        ("home: finance", lambda: selectors.home_for(user=roles[Role.FINANCE])),
        ("home: general manager", lambda: selectors.home_for(user=roles[Role.GM])),
        ("department page: warehouse queue", lambda: selectors.department_queue(user=roles[Role.WAREHOUSE], role=Role.WAREHOUSE)),
        ("department page: QC queue", lambda: selectors.department_queue(user=roles[Role.QC], role=Role.QC)),
        ("department page: GM inbox", lambda: selectors.department_queue(user=roles[Role.GM], role=Role.GM, limit=20)),
        ("department page: finance queue", lambda: selectors.department_queue(user=roles[Role.FINANCE], role=Role.FINANCE)),
    ]  # fmt: skip
    results = []
    for label, read in reads:
        result = read()  # warm-up
        if hasattr(result, "cases"):
            list(result.cases)
        times, sql = [], []
        for _ in range(5):
            reset_queries()
            start = time.perf_counter()
            read()
            times.append((time.perf_counter() - start) * 1000)
            sql.append(sum(float(q["time"]) for q in connection.queries) * 1000)
        queries = len(connection.queries)
        results.append((label, statistics.median(times), queries, statistics.median(sql)))
        print(
            f"  {label:<48} {statistics.median(times):8.1f} ms  (SQL {statistics.median(sql):7.1f} ms)  {queries:3d} queries",
            file=sys.stderr,
        )
    return results


# --- outside: one fresh database per run ---------------------------------------------------------


def run_inner(env: dict, mode: str, cases: int) -> str:
    code = (
        "import django, json, sys; django.setup(); "
        f"sys.path.insert(0, {str(ROOT / 'bench')!r}); import desk_lists as d; "
        + (f"d.generate({cases})" if mode == "generate" else "print(json.dumps(d.measure()))")
    )
    env = {**env, "DEBUG": "true" if mode == "measure" else "false"}
    result = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    sys.stderr.write(result.stderr[-4000:] if result.returncode else result.stderr)
    if result.returncode:
        raise SystemExit(f"desk_lists: {mode} failed")
    return result.stdout


def bench(database: str, cases: int, keep: bool = False) -> list:
    tmp = make_tmp()
    postgres = None
    try:
        if database == "postgresql":
            postgres = Postgres(make_tmp())  # its own temp dir: the cluster's user must reach it
            postgres.start({"shared_buffers": "256MB", "work_mem": "16MB"})
            url = postgres.url
        else:
            url = f"sqlite:///{tmp / 'desk.sqlite3'}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": url,
               "RETURNDESK_VAR_DIR": str(tmp / "var"), "LOG_LEVEL": "WARNING"}  # fmt: skip
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        print(f"==> {database}: generating {cases} cases", file=sys.stderr)
        run_inner(env, "generate", cases)
        print(f"==> {database}: measuring", file=sys.stderr)
        return json.loads(run_inner(env, "measure", cases))
    finally:
        if postgres is not None:
            postgres.stop()
            if not keep:
                shutil.rmtree(postgres.tmp, ignore_errors=True)
        if keep:
            print(
                f"==> {database}: kept {tmp}" + (f" and {postgres.tmp}" if postgres else ""), file=sys.stderr
            )
        else:
            shutil.rmtree(tmp, ignore_errors=True)


DOCS = ROOT / "docs" / "desk.md"
START, END = "<!-- desk-lists -->", "<!-- /desk-lists -->"


def report(figures: dict, cases: int, notes: dict) -> str:
    import datetime as dt
    import platform

    from servers import python_version

    lines = [
        f"Generated by `bench/desk_lists.py` on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{os.cpu_count()} cores, Python {python_version()}, {platform.machine()}; {cases:,} cases. "
        "Median of 5 runs after a warm-up, in-process through `returndesk.desk.selectors`: "
        "total ms / of which SQL ms (statements). " + " ".join(f"{db}: {n}." for db, n in notes.items()),
        "",
        "| read | " + " | ".join(figures) + " |",
        "|---|" + "---:|" * len(figures),
    ]
    labels = [row[0] for row in next(iter(figures.values()))]
    for i, label in enumerate(labels):
        cells = [f"{figures[db][i][1]:.0f} / {figures[db][i][3]:.0f} ({figures[db][i][2]})" for db in figures]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_docs(text: str) -> None:
    content = DOCS.read_text()
    head, rest = content.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else rest.split("\n\n", 1)[1]
    DOCS.write_text(f"{head}{START}\n\n{text}\n{END}\n\n{tail.lstrip()}")


def main() -> int:
    from servers import load_average

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/desk.md")
    parser.add_argument("--keep", action="store_true", help="keep the databases (temp dirs) to measure again")
    parser.add_argument(
        "--measure", metavar="DATABASE_URL", help="only migrate and measure a kept database again (prints)"
    )
    args = parser.parse_args()
    if args.measure:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": args.measure,
               "LOG_LEVEL": "WARNING"}  # fmt: skip
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        rows = json.loads(run_inner(env, "measure", 0))
        print(
            report(
                {"database": rows},
                args.cases,
                {"database": f"measured again, load average {load_average():.1f}"},
            )
        )
        return 0
    figures, notes = {}, {}
    for db in args.databases.split(","):
        started = time.monotonic()
        figures[db] = bench(db, args.cases, keep=args.keep)
        notes[db] = (
            f"fresh database, generated and measured in {time.monotonic() - started:.0f} s, "
            f"load average {load_average():.1f} at the end"
        )
    text = report(figures, args.cases, notes)
    print("\n" + text)
    if not args.no_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
