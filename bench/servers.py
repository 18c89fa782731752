"""The processes a benchmark run needs, each started here and always stopped by its own pid:
a throwaway PostgreSQL 15 cluster (as scripts/test.sh makes one), the app's database
preparation, the huey worker and gunicorn as `make run` serves them (scripts/run.sh,
config/gunicorn.py), and CPU accounting of those processes from /proc.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_OS_USER = "returndesk-pg"  # initdb refuses root; this unprivileged user owns the cluster
PG_DB_USER = "returndesk"
PG_DB_NAME = "returndesk"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen | None, *, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# --- PostgreSQL ---------------------------------------------------------------------------------


@dataclass
class Postgres:
    """A private cluster in a temp dir, reached over a unix socket only (no TCP listener).
    Durable settings are PostgreSQL's defaults (fsync, synchronous_commit on), as in production:
    unlike the test cluster, the benchmark measures commits that really reach the disk."""

    tmp: Path
    port: int = 0
    as_owner: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"postgres://{PG_DB_USER}@/{PG_DB_NAME}?host={self.tmp / 'socket'}&port={self.port}"

    @property
    def data(self) -> Path:
        return self.tmp / "data"

    def start(self, extra_settings: dict[str, str]) -> None:
        if not (PG_BIN / "postgres").exists():
            raise SystemExit(f"bench: no PostgreSQL server in {PG_BIN} (apt-get install postgresql-15)")
        socket_dir = self.tmp / "socket"
        if os.getuid() == 0:
            try:
                pwd.getpwnam(PG_OS_USER)
            except KeyError:
                subprocess.run(
                    ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                     "--shell", "/usr/sbin/nologin", PG_OS_USER],
                    check=True,
                )  # fmt: skip
            self.as_owner = ["runuser", "-u", PG_OS_USER, "--"]
            # Owned by the cluster user, group root's: root reaches the socket, nobody else.
            socket_dir.mkdir(mode=0o770)
            shutil.chown(self.tmp, PG_OS_USER, os.getgid())
            shutil.chown(socket_dir, PG_OS_USER, os.getgid())
            self.tmp.chmod(0o750)
        else:
            self.tmp.chmod(0o700)
            socket_dir.mkdir(mode=0o700)
        log = self.tmp / "initdb.log"
        with open(log, "w") as out:
            result = subprocess.run(
                [*self.as_owner, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", PG_DB_USER,
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
                stdout=out, stderr=subprocess.STDOUT, cwd=self.tmp,
            )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"bench: initdb failed:\n{log.read_text()}")
        self.port = free_port()
        options = f"-k '{socket_dir}' -p {self.port} -c listen_addresses=''"
        for name, value in extra_settings.items():
            options += f" -c {name}={value}"
        result = subprocess.run(
            [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.tmp / "postgres.log"),
             "-w", "-t", "60", "-o", options, "start"],
            stdout=subprocess.DEVNULL, cwd=self.tmp,
        )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"bench: PostgreSQL did not start:\n{(self.tmp / 'postgres.log').read_text()}")
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", str(socket_dir), "-p", str(self.port), "-U", PG_DB_USER, PG_DB_NAME],
            check=True,
        )  # fmt: skip

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        if self.postmaster_pid() is not None:
            subprocess.run(
                [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL, cwd=self.tmp, check=False,
            )  # fmt: skip

    def version(self) -> str:
        out = subprocess.run([str(PG_BIN / "postgres"), "--version"], capture_output=True, text=True).stdout
        return out.split()[2] if len(out.split()) > 2 else "?"


# --- the application ----------------------------------------------------------------------------


@dataclass
class App:
    """One installation: its own var dir (SQLite database, huey queue, mail files), database,
    huey worker and gunicorn."""

    tmp: Path
    database_url: str
    gunicorn_args: list[str]
    port: int = 0
    huey: subprocess.Popen | None = None
    gunicorn: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": self.database_url,
            "RETURNDESK_VAR_DIR": str(self.tmp / "var"),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def manage(self, *args: str) -> None:
        with open(self.tmp / "manage.log", "a") as log:
            result = subprocess.run(
                [PY, "manage.py", *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        if result.returncode:
            raise SystemExit(f"bench: manage.py {' '.join(args)} failed; see {self.tmp / 'manage.log'}")

    def seed(self, customers: int) -> dict:
        result = subprocess.run(
            [PY, str(ROOT / "bench" / "seed.py"), "--customers", str(customers)],
            cwd=ROOT, env=self.env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"bench: seeding failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def start(self, probe_token: str) -> None:
        self.huey = subprocess.Popen(
            [PY, "manage.py", "run_huey"], cwd=ROOT, env=self.env,
            stdout=open(self.tmp / "huey.log", "w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.port = free_port()
        self.gunicorn = subprocess.Popen(
            [GUNICORN, "config.wsgi:application", "-c", str(ROOT / "config" / "gunicorn.py"),
             "--bind", f"127.0.0.1:{self.port}", *self.gunicorn_args],
            cwd=ROOT, env=self.env, stdout=open(self.tmp / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_ready(probe_token)

    def _wait_ready(self, token: str, timeout: float = 60) -> None:
        """Until an authenticated API read answers 200: every worker has then imported the app
        (gunicorn loads it in each worker before accepting)."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/products?limit=1",
            headers={"Authorization": f"Bearer {token}"},
        )
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited; see {self.tmp / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"bench: gunicorn not ready after {timeout:.0f}s; see {self.tmp / 'gunicorn.log'}")

    def stop(self) -> None:
        _stop(self.gunicorn)
        _stop(self.huey)


# --- CPU accounting ---------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, None if it is gone. The seconds include those of
    its children that have exited and been waited for (a PostgreSQL backend that disconnected,
    a gunicorn worker that was replaced), so a tree's total never drops."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), sum(int(value) for value in fields[11:15]) / CLOCK_TICK


def process_tree_cpu(root_pid: int | None) -> float:
    """CPU seconds used so far by a process and its descendants."""
    if root_pid is None:
        return 0.0
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                stats[int(entry)] = stat
    total, frontier = 0.0, [root_pid]
    while frontier:
        pid = frontier.pop()
        if pid in stats:
            total += stats[pid][1]
            frontier.extend(child for child, (parent, _cpu) in stats.items() if parent == pid)
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: everything but idle and
    iowait), to tell how much of the machine processes other than ours used."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / CLOCK_TICK


def load_average() -> float:
    return os.getloadavg()[0]


def make_tmp() -> Path:
    return Path(tempfile.mkdtemp(prefix="returndesk-bench-"))


def python_version() -> str:
    return sys.version.split()[0]
