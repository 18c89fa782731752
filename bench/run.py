"""Benchmarks that print figures (never asserted in tests). `make bench` runs this file.

The lifecycle benchmark: complete consumer return lifecycles through the REST API (the requests
are listed in bench/loadgen.py), with 1, 8 and 32 concurrent clients, against the app served as
`make run` serves it — gunicorn with config/gunicorn.py, config.settings.base, DEBUG off, the
huey worker beside it — on SQLite and on a throwaway PostgreSQL 15 cluster. Per database: a
fresh var dir and database, `manage.py migrate`, master data and API tokens (bench/seed.py),
then for each client count a warm-up and a measured window. The load generator is a separate
process (bench/loadgen.py) on loopback; every process is stopped and every temp dir removed at
the end. Prints lifecycles/s, requests/s and latency percentiles per endpoint, and rewrites the
generated section of docs/benchmarks.md (--no-docs: print only).

    .venv/bin/python bench/run.py                        # what `make bench` runs (~5 minutes)
    .venv/bin/python bench/run.py --databases sqlite --clients 8 --duration 10
    .venv/bin/python bench/run.py --gunicorn-args="--workers 4 --threads 4 -k gthread" --no-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from report import Scenario, console, markdown, write_docs
from servers import PY, ROOT, App, Postgres, load_average, make_tmp, python_version

DOCS = ROOT / "docs" / "benchmarks.md"
DATABASES = ("sqlite", "postgresql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PATHS = {
    "C01": "7-day no-reason return (C01) of one unit: create, approve, confirm, ship back, "
    "warehouse reads the case, receive, reads the receipt, inspect, refund (the simulated gateway "
    "answers after the commit), agent reads the case until refunded, close (11+ requests)",
    "Q01": "quality return (Q01) of one unit: create, photo upload, approve, confirm, ship back, "
    "warehouse reads the case, receive, reads the receipt, inspect, QC confirms the cause, refund, "
    "agent reads the case until refunded, close (13+ requests)",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite,postgresql")
    parser.add_argument("--clients", default="1,8,32", help="client counts, e.g. 1,8,32")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before each")
    parser.add_argument("--max-lifecycles", type=int, default=20_000, help="cap per scenario")
    parser.add_argument("--reason", default="C01", choices=sorted(PATHS), help="the return reason driven")
    parser.add_argument(
        "--gunicorn-args", default="", help="extra gunicorn arguments (after config/gunicorn.py)"
    )
    parser.add_argument(
        "--no-idempotency-keys", action="store_true", help="send POSTs without an Idempotency-Key"
    )
    parser.add_argument("--no-docs", action="store_true", help=f"do not rewrite {DOCS.relative_to(ROOT)}")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs (logs) for inspection")
    return parser.parse_args(argv)


def run_loadgen(plan: dict) -> dict:
    result = subprocess.run(
        [PY, str(ROOT / "bench" / "loadgen.py")],
        input=json.dumps(plan), capture_output=True, text=True,
        timeout=plan["warmup"] + plan["duration"] + plan["timeout"] + 60,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"bench: the load generator failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def scenario(app: App, postgres: Postgres | None, seeded: dict, label: str, clients: int, n: int, args):
    pids = {"gunicorn": app.gunicorn.pid, "huey": app.huey.pid}
    if postgres is not None:
        pids["database"] = postgres.postmaster_pid()
    plan = {
        **seeded,
        "port": app.port,
        "pids": pids,
        "clients": clients,
        "reason": args.reason,
        "timeout": 30.0,
        "warmup": args.warmup,
        "duration": args.duration,
        "max_lifecycles": args.max_lifecycles,
        "idempotency_keys": not args.no_idempotency_keys,
        "first_number": n * 1_000_000,
    }
    result = run_loadgen(plan)
    return Scenario(
        database=label,
        clients=clients,
        window=result["window"],
        lifecycles=result["lifecycles"],
        samples=result["samples"],
        error_count=result["error_count"],
        errors=result["errors"],
        generator_cpu=result["cpu_seconds"],
        server_cpu=result["server_cpu"],
        machine_busy=result["machine_busy"],
    )


def bench_database(database: str, client_counts: list[int], args, cores: int) -> tuple[list[Scenario], str]:
    tmp = make_tmp()
    postgres = None
    app = None
    label = LABELS[database]
    try:
        if database == "postgresql":
            # Its own temp dir: the cluster's user must be able to enter it, not the app's dir.
            postgres = Postgres(make_tmp())
            postgres.start({"max_connections": "200"})
            url = postgres.url
        else:
            url = f"sqlite:///{tmp / 'var' / 'returndesk.sqlite3'}"
        app = App(tmp, url, shlex.split(args.gunicorn_args))
        started = time.monotonic()
        app.manage("migrate", "--noinput")
        seeded = app.seed(max(client_counts))
        print(f"==> {label}: migrated and seeded in {time.monotonic() - started:.0f}s", flush=True)
        app.start(seeded["staff"]["agent"])
        scenarios = []
        for n, clients in enumerate(client_counts):
            result = scenario(app, postgres, seeded, label, clients, n, args)
            print(console(result, cores), flush=True)
            scenarios.append(result)
        return scenarios, (f"PostgreSQL {postgres.version()}" if postgres else "")
    finally:
        if app is not None:
            app.stop()
        if postgres is not None:
            postgres.stop()
        for path in (tmp, postgres.tmp if postgres else None):
            if path is None:
                continue
            if args.keep:
                print(f"bench: kept {path}")
            else:
                shutil.rmtree(path, ignore_errors=True)


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def meta(args, gunicorn: str, versions: dict[str, str]) -> dict:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "memory": f"{memory:.0f} GB RAM",
        "python": python_version(),
        "commit": commit,
        "gunicorn": gunicorn,
        "duration": args.duration,
        "warmup": args.warmup,
        "path": PATHS[args.reason],
        "databases": versions,
    }


def gunicorn_description(extra: list[str]) -> str:
    """The effective worker settings: config/gunicorn.py, then the extra arguments."""
    spec = importlib.util.spec_from_file_location("gunicorn_settings", ROOT / "config" / "gunicorn.py")
    _settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(_settings)
    values = {
        "workers": getattr(_settings, "workers", 1),
        "threads": getattr(_settings, "threads", 1),
        "worker_class": getattr(_settings, "worker_class", "sync"),
    }
    text = f"{values['workers']} {values['worker_class']} workers × {values['threads']} thread(s)"
    return f"{text}, then `{' '.join(extra)}`" if extra else text


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - set(DATABASES)
    if unknown:
        raise SystemExit(f"bench: unknown database(s): {', '.join(sorted(unknown))}")
    client_counts = [int(c) for c in args.clients.split(",")]
    cores = os.cpu_count() or 1
    gunicorn = gunicorn_description(shlex.split(args.gunicorn_args))
    print(
        f"==> lifecycle benchmark: {cores} cores, gunicorn {gunicorn}, clients {client_counts}, "
        f"{args.duration:.0f} s each; load average now {load_average():.2f}",
        flush=True,
    )
    scenarios, versions = [], {}
    for database in databases:
        found, version = bench_database(database, client_counts, args, cores)
        scenarios += found
        versions[LABELS[database]] = version
    if not args.no_docs:
        write_docs(DOCS, markdown(meta(args, gunicorn, versions), scenarios, cores))
        print(f"==> wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
