"""Where a lifecycle's time goes: the requests of bench/loadgen.py run in-process (Django's test
client, the full middleware stack, no network), on a fresh SQLite database in a temp dir, on a
throwaway PostgreSQL cluster (--database postgresql), or on DATABASE_URL (which must be an empty
database). Prints per endpoint the SQL queries and the CPU milliseconds per request; then what the
huey worker spends delivering the lifecycle's outbox messages (run here, in-process, after each
lifecycle) and, on the throwaway cluster, the PostgreSQL server's CPU per lifecycle.

    .venv/bin/python bench/hotspots.py                     # 30 lifecycles, CPU without a profiler
    .venv/bin/python bench/hotspots.py --database postgresql --lifecycles 100
    .venv/bin/python bench/hotspots.py --profiler pyinstrument --html /tmp/profile.html
    .venv/bin/python bench/hotspots.py --profiler cprofile     # CPU by layer, calls per lifecycle
    .venv/bin/python bench/hotspots.py --queries "POST /cases/{id}/actions/receive"   # print its SQL

The query counts are exact and repeatable; CPU milliseconds are this process's CPU time (not
wall time), so other load on the machine moves them only a little (cache effects). A profiler
inflates them: compare figures taken with the same --profiler. A tool for finding hot spots;
`make bench` does not run it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"([a-z]+)_', re.I)


def app_of(sql: str) -> str:
    """The Django app of the first table a statement names ("sla", "cases"…; "tx" for BEGIN,
    COMMIT and savepoints)."""
    match = TABLE.search(sql)
    return match.group(1) if match else "tx"


class InProcessClient:
    """loadgen.Client's interface over django.test.Client, measuring each request."""

    def __init__(self, show_queries: str | None, only: str | None = None, pyinstrument: bool = False) -> None:
        from django.test import Client

        self.client = Client()
        self.only = only
        self.profiler = None
        if pyinstrument:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005)
        self.profiling = False
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.by_app: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.show_queries = show_queries

    def request(self, method: str, path: str, template: str, token: str, body=None, *, if_match=None):
        import uuid

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        headers = {"Authorization": f"Bearer {token}"}
        kwargs = {}
        if isinstance(body, tuple):
            kwargs = {"data": body[1], "content_type": body[0]}
        elif body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        if if_match:
            headers["If-Match"] = if_match
        endpoint = f"{method} {template}"
        profile = self.profiling and self.profiler is not None and self.only in (None, endpoint)
        with CaptureQueriesContext(connection) as captured:
            if profile:
                self.profiler.start()
            start = time.process_time()
            response = getattr(self.client, method.lower())(path, headers=headers, **kwargs)
            self.cpu[endpoint].append(time.process_time() - start)
            if profile:
                self.profiler.stop()
        self.queries[endpoint].append(len(captured.captured_queries))
        for query in captured.captured_queries:
            self.by_app[endpoint][app_of(query["sql"])] += 1
        if endpoint == self.show_queries and len(self.queries[endpoint]) == 2:
            print(f"--- SQL of {endpoint} (second request) ---")
            for query in captured.captured_queries:
                print(f"  {query['sql'][:300]}")
        if response.status_code >= 300:
            from loadgen import LifecycleError

            raise LifecycleError(f"{endpoint}: {response.status_code} {response.content[:300]!r}")
        return (json.loads(response.content) if response.content else None), response.get("ETag")


def layer_of(filename: str, name: str) -> str:
    """Which layer a profiled function belongs to, by where its code lives."""
    if filename == "~":  # C functions: attribute the database drivers, leave the rest
        return "database driver (C)" if "sqlite3" in name or "psycopg" in name else "Python builtins"
    path = filename.replace("\\", "/")
    app = re.search(r"/returndesk/([a-z_]+)/", path)
    if app and "/site-packages/" not in path:
        return f"returndesk.{app.group(1)}"
    for marker, layer in (
        ("/django/db/", "Django ORM"),
        ("/django/", "Django (request, middleware, i18n…)"),
        ("/ninja/", "django-ninja"),
        ("/pydantic", "pydantic"),
        ("/psycopg", "psycopg"),
        ("/huey/", "huey (enqueue)"),
    ):
        if marker in path:
            return layer
    return "stdlib and other"


def print_layers(cprofile, lifecycles: int) -> None:
    import pstats

    stats = pstats.Stats(cprofile).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    layers: dict[str, float] = defaultdict(float)
    calls = 0
    for (filename, _line, name), (_cc, ncalls, tottime, _cum, _callers) in stats.items():
        layers[layer_of(filename, name)] += tottime
        calls += ncalls
    total = sum(layers.values())
    # Unlike CPU time, the number of calls does not depend on what else the machine is doing:
    # it compares two versions of the code exactly.
    print(f"Python function calls per lifecycle (web requests): {calls / lifecycles:,.0f}")
    print("CPU by layer (cProfile self time; its overhead inflates Python-heavy layers):")
    for layer, seconds in sorted(layers.items(), key=lambda item: -item[1]):
        print(f"  {layer:<40} {seconds / total:6.1%}")


def deliver_outbox() -> tuple[float, int]:
    """Deliver what the lifecycle left in the outbox, as the huey worker would: (CPU seconds,
    messages handled)."""
    from returndesk.notifications.services import outbox_deliver_due, webhook_deliver_due

    start = time.process_time()
    handled = outbox_deliver_due() + webhook_deliver_due()
    return time.process_time() - start, handled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=30)
    parser.add_argument("--reason", default="C01")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a throwaway cluster, as bench/run.py makes one (ignored with DATABASE_URL)",
    )
    parser.add_argument(
        "--profiler",
        choices=("none", "pyinstrument", "cprofile"),
        default="none",
        help="pyinstrument: a call-tree profile (--text/--html); cprofile: CPU by layer and calls",
    )
    parser.add_argument("--html", help="write the pyinstrument profile as HTML here")
    parser.add_argument("--text", default=str(Path(tempfile.gettempdir()) / "returndesk-profile.txt"))
    parser.add_argument("--queries", help="print the SQL of one endpoint, e.g. 'GET /cases/{id}'")
    parser.add_argument("--only", help="profile only this endpoint, e.g. 'GET /cases/{id}'")
    parser.add_argument("--layers", action="store_true", help="the same as --profiler cprofile")
    args = parser.parse_args()
    if args.layers:
        args.profiler = "cprofile"
    if args.html:
        args.profiler = "pyinstrument"

    sys.path.insert(0, str(ROOT / "bench"))
    from servers import Postgres, make_tmp, process_tree_cpu

    tmp = Path(tempfile.mkdtemp(prefix="returndesk-profile-"))
    postgres = None
    if args.database == "postgresql" and "DATABASE_URL" not in os.environ:
        postgres = Postgres(make_tmp())
        postgres.start({})
        os.environ["DATABASE_URL"] = postgres.url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'returndesk.sqlite3'}")
    os.environ["RETURNDESK_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.STATIC_ROOT = tmp  # WhiteNoise warns on every request without the directory
        from loadgen import lifecycle
        from seed import seed

        plan = seed(1)
        customer = plan["customers"][0]
        client = InProcessClient(args.queries, args.only, pyinstrument=args.profiler == "pyinstrument")
        lifecycle(client, plan, customer, customer["order_lines"][0], args.reason, 0)  # warm-up
        deliver_outbox()
        client.cpu.clear()
        client.queries.clear()
        client.by_app.clear()
        client.profiling = args.profiler == "pyinstrument"
        cprofile = cProfile.Profile() if args.profiler == "cprofile" else None
        worker_cpu, messages = 0.0, 0
        db_before = process_tree_cpu(postgres.postmaster_pid()) if postgres else 0.0
        for n in range(1, args.lifecycles + 1):
            if cprofile:
                cprofile.enable()
            lifecycle(client, plan, customer, customer["order_lines"][n % 2], args.reason, n)
            if cprofile:
                cprofile.disable()
            seconds, handled = deliver_outbox()
            worker_cpu += seconds
            messages += handled
        db_cpu = process_tree_cpu(postgres.postmaster_pid()) - db_before if postgres else None
        if cprofile:
            print_layers(cprofile, args.lifecycles)

        total = 0.0
        queries_total = 0.0
        print(f"{'endpoint':<44} {'queries':>8} {'CPU ms':>8}  queries by app")
        for endpoint, times in client.cpu.items():
            mean = sum(times) / len(times) * 1000
            total += mean
            queries = client.queries[endpoint]
            queries_total += sum(queries) / len(queries)
            apps = sorted(client.by_app[endpoint].items(), key=lambda item: -item[1])
            by_app = " ".join(f"{app} {count / len(queries):.1f}" for app, count in apps)
            print(f"{endpoint:<44} {sum(queries) / len(queries):8.1f} {mean:8.2f}  {by_app}")
        print(f"{'one lifecycle: web requests':<44} {queries_total:8.1f} {total:8.2f}")
        n = args.lifecycles
        print(
            f"{'one lifecycle: worker (outbox delivery)':<44} {'':>8} {worker_cpu * 1000 / n:8.2f}"
            f"  {messages / n:.1f} messages"
        )
        if db_cpu is not None:
            print(f"{'one lifecycle: PostgreSQL server':<44} {'':>8} {db_cpu * 1000 / n:8.2f}")
        if args.profiler == "pyinstrument":
            profiler = client.profiler
            show_all = bool(os.environ.get("PROFILE_ALL"))
            Path(args.text).write_text(profiler.output_text(unicode=True, color=False, show_all=show_all))
            print(f"profile: {args.text}")
            if args.html:
                Path(args.html).write_text(profiler.output_html())
                print(f"profile: {args.html}")
    finally:
        from django.db import connections

        connections.close_all()
        if postgres is not None:
            postgres.stop()
            shutil.rmtree(postgres.tmp, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
