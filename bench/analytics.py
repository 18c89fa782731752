"""Dashboard panels on a large history: figures, never test assertions. `make bench` runs it
after the lifecycle benchmark; `make bench-analytics` runs it alone.

Per database (SQLite, and a throwaway PostgreSQL 15 cluster as bench/run.py makes one): a fresh
database, `migrate`, the generated history (bench/analytics_data.py: by default 1,000,000 cases
on 3,000,000 order lines, bulk inserts — COPY on PostgreSQL, executemany in big transactions on
SQLite), a full rollup rebuild, then every dashboard panel (returndesk.analytics.selectors,
exactly what the page and the API call) timed for several date ranges and a product filter,
then an incremental refresh after 1,000 cases changed. Prints the figures and rewrites the
analytics section of docs/benchmarks.md (--no-docs: print only). Targets (issue #10): every
panel under 300 ms on PostgreSQL and under 1 s on SQLite.

    .venv/bin/python bench/analytics.py                               # ~1M cases, both databases
    .venv/bin/python bench/analytics.py --databases sqlite --cases 100000 --order-lines 300000 --no-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import PY, ROOT, Postgres, load_average, make_tmp, python_version

DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:analytics -->", "<!-- /bench:analytics -->"
RANGES = {"90 days": 90, "365 days": 365, "730 days": 730}
REPEATS = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--order-lines", type=int, default=3_000_000)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--measure",
        metavar="DATABASE_URL",
        help="time the panels again on a kept database (no rebuild; prints)",
    )
    return parser.parse_args(argv)


# --- inside the prepared installation (a subprocess with DATABASE_URL set) ----------------------


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - started) * 1000


def inner(rebuild: bool = True) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from returndesk.accounts.models import User
    from returndesk.analytics.rollups import TABLES, rollup_rebuild, rollup_refresh
    from returndesk.analytics.selectors import PANELS, Filters, panel_for
    from returndesk.cases.models import Case, CaseEvent
    from returndesk.catalog.models import Product

    out: dict = {"vendor": connection.vendor}
    if rebuild:
        _result, ms = _timed(rollup_rebuild)
        out["rebuild_seconds"] = ms / 1000
    out["rollup_rows"] = {name: t.model.objects.count() for name, t in TABLES.items()}
    user = User.objects.filter(username="bench-gm").first() or User.objects.create_user(
        username="bench-gm", password="x", role="admin"
    )
    today = timezone.localdate()
    product = Product.objects.order_by("sku").first()
    filter_sets = {
        label: Filters(date_from=today - dt.timedelta(days=days - 1), date_to=today)
        for label, days in RANGES.items()
    }
    filter_sets["product, 365 days"] = Filters(
        date_from=today - dt.timedelta(days=364), date_to=today, product=product.pk
    )
    panels = {}
    for key in PANELS:
        panels[key] = {}
        for label, filters in filter_sets.items():
            times = [
                _timed(lambda k=key, f=filters: panel_for(user=user, key=k, filters=f))[1]
                for _ in range(REPEATS)
            ]
            panels[key][label] = {"first": times[0], "median": statistics.median(times), "max": max(times)}
    out["panels"] = panels
    # 1,000 recent cases change (one event each, as a service would write): the refresh cost.
    changed = list(
        Case.objects.filter(status="submitted").order_by("-created_at").values_list("id", flat=True)[:1000]
    )
    now = timezone.now()
    with transaction.atomic():
        for case_id in changed:
            last = CaseEvent.objects.filter(case_id=case_id).order_by("-sequence").first()
            CaseEvent.objects.create(
                case_id=case_id, sequence=last.sequence + 1, type="cancel", actor_role="system",
                from_status=last.to_status, to_status="cancelled", data={}, created_at=now,
            )  # fmt: skip
        Case.objects.filter(id__in=changed).update(status="cancelled", closed_at=now)
    refresh, ms = _timed(rollup_refresh)
    out["refresh"] = {"cases": len(changed), "table_days": refresh.day_count, "seconds": ms / 1000}
    return out


# --- the orchestration --------------------------------------------------------------------------


def _inner_run(env: dict) -> dict:
    """inner() in a subprocess on the installation `env` points at."""
    measured = subprocess.run(
        [PY, str(Path(__file__)), "--inner"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(measured.stdout)


def run(args, database: str) -> dict:
    tmp = make_tmp()
    postgres = None
    try:
        if database == "postgresql":
            postgres = Postgres(make_tmp())
            postgres.start({"shared_buffers": "1GB", "work_mem": "64MB", "max_wal_size": "4GB"})
            url = postgres.url
        else:
            url = f"sqlite:///{tmp / 'var' / 'returndesk.sqlite3'}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": url,
            "RETURNDESK_VAR_DIR": str(tmp / "var"),
        }
        started = time.monotonic()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        print(f"==> {database}: migrated in {time.monotonic() - started:.0f}s", flush=True)
        started = time.monotonic()
        generated = subprocess.run(
            [PY, str(ROOT / "bench" / "analytics_data.py"), "--cases", str(args.cases), "--order-lines", str(args.order_lines)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        data = json.loads(generated.stdout)
        data["wall_seconds"] = time.monotonic() - started
        data["load_after"] = load_average()
        print(f"==> {database}: generated {data['rows']:,} rows in {data['wall_seconds']:.0f}s", flush=True)
        result = _inner_run(env)
        result["generated"] = data
        result["load_average"] = load_average()
        if database == "sqlite":
            result["database_bytes"] = (tmp / "var" / "returndesk.sqlite3").stat().st_size
        result["database"] = f"PostgreSQL {postgres.version()}" if postgres else "SQLite"
        return result
    finally:
        if postgres is not None:
            postgres.stop()
        for path in (tmp, postgres.tmp if postgres else None):
            if path is not None and not args.keep:
                shutil.rmtree(path, ignore_errors=True)


def report(results: list[dict], args) -> str:
    cores = os.cpu_count()
    lines = [
        f"Generated by `bench/analytics.py` on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {cores} cores, "
        f"Python {python_version()}, {platform.machine()}; {args.cases:,} cases on {args.order_lines:,} order lines. "
        "Each panel timed in-process through `returndesk.analytics.selectors.panel_for` (what the page and the API "
        f"call), {REPEATS} runs per range: the first and the median. Targets: < 300 ms on PostgreSQL, < 1 s on SQLite.",
        "",
    ]
    for r in results:
        g = r["generated"]
        lines += [
            f"### {r['database']}",
            "",
            f"- Generated {g['rows']:,} rows ({g['counts']['cases']:,} cases, {g['counts']['order_lines']:,} order lines, "
            f"{g['counts']['case_events']:,} events, {g['counts']['sla_targets']:,} SLA targets) in "
            f"{g['wall_seconds']:.0f} s; by table: "
            + ", ".join(f"{k} {v:.0f} s" for k, v in g["timings"].items())
            + ".",
            f"- Full rollup rebuild: {r['rebuild_seconds']:.0f} s ({sum(r['rollup_rows'].values()):,} rollup rows: "
            + ", ".join(f"{k} {v:,}" for k, v in r["rollup_rows"].items())
            + ").",
            f"- Incremental refresh after {r['refresh']['cases']:,} cases changed: {r['refresh']['seconds']:.2f} s "
            f"({r['refresh']['table_days']} table-days recomputed).",
            f"- Load average at the end: {r['load_average']:.1f} (the machine is shared)."
            + (f" Database file: {r['database_bytes'] / 2**30:.1f} GiB." if r.get("database_bytes") else ""),
            "",
            "| panel | " + " | ".join(next(iter(r["panels"].values())).keys()) + " |",
            "|---|" + "---:|" * len(next(iter(r["panels"].values()))),
        ]
        target = 300 if "PostgreSQL" in r["database"] else 1000
        for key, ranges in r["panels"].items():
            cells = []
            for t in ranges.values():
                mark = "" if t["median"] < target else " ⚠"
                cells.append(f"{t['median']:.0f} ms (first {t['first']:.0f}){mark}")
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write_docs(text: str) -> None:
    content = DOCS.read_text()
    block = f"{START}\n\n{text}\n{END}"
    if START in content:
        head, rest = content.split(START, 1)
        _old, tail = rest.split(END, 1)
        content = head + block + tail
    else:
        content = content.rstrip() + "\n\n## Analytics dashboard (issue #10)\n\n" + block + "\n"
    DOCS.write_text(content)


def main(argv) -> int:
    args = parse_args(argv)
    if args.inner:
        sys.path.insert(0, str(ROOT))
        json.dump(inner(rebuild=not os.environ.get("BENCH_NO_REBUILD")), sys.stdout)
        return 0
    if args.measure:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": args.measure,
               "BENCH_NO_REBUILD": "1"}  # fmt: skip
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        result = _inner_run(env)
        print(f"Measured again at load average {load_average():.1f}; refresh after {result['refresh']['cases']} "
              f"cases changed: {result['refresh']['seconds']:.2f} s")  # fmt: skip
        for key, ranges in result["panels"].items():
            cells = " | ".join(f"{t['median']:.0f} ms (first {t['first']:.0f})" for t in ranges.values())
            print(f"| `{key}` | {cells} |")
        return 0
    results = []
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        results.append(run(args, database))
    text = report(results, args)
    print(text)
    if not args.no_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
