#!/usr/bin/env bash
# The whole pytest suite twice: on SQLite, then on a throwaway PostgreSQL 15 cluster (unix socket
# only, in a private temp dir, always stopped and removed). Arguments are passed to both pytest runs.
# Tests marked postgres_only are skipped on SQLite by conftest.py and run on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_OS_USER=returndesk-pg  # initdb refuses to run as root; this unprivileged user owns the cluster
PG_DB_USER=returndesk     # the cluster's superuser, reached over the private socket with trust auth
PG_DB_NAME=returndesk

# pytest-django prefers this variable over pyproject.toml, so pin it against a stray export.
export DJANGO_SETTINGS_MODULE=config.settings.test

# TEST_DATABASES=sqlite or postgresql runs one of the two (a developer's shortcut); CI runs both.
databases_wanted="${TEST_DATABASES:-both}"
case $databases_wanted in
    both) databases=(SQLite PostgreSQL) ;;
    sqlite) databases=(SQLite) ;;
    postgresql) databases=(PostgreSQL) ;;
    *) echo "test.sh: TEST_DATABASES must be sqlite, postgresql or both, not '${databases_wanted}'" >&2; exit 2 ;;
esac
declare -A result=()
failed=0
interrupted=0
pg_tmp=""
as_owner=()

run_pytest() {  # run_pytest <label> [env assignments…]
    local label=$1 start rc=0
    shift
    start=$SECONDS
    echo "==> pytest on ${label}"
    env "$@" "$PY" -m pytest -p no:cacheprovider -n 2 "${pytest_args[@]}" || rc=$?
    case $rc in
        0) result[$label]="passed" ;;
        5) result[$label]="FAILED (pytest exit 5: no tests collected)" ;;
        *) result[$label]="FAILED (pytest exit ${rc})" ;;
    esac
    result[$label]+=" in $((SECONDS - start))s"
    [ "$rc" -eq 0 ] || failed=1
}

finish() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$pg_tmp" ]; then
        if [ -f "$pg_tmp/data/postmaster.pid" ]; then
            "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$pg_tmp/data" -m fast -w stop >/dev/null || rc=1
        fi
        rm -rf "$pg_tmp"
    fi
    echo
    echo "==> test summary"
    local missing="FAILED (did not run; see the errors above)"
    [ "$interrupted" -eq 0 ] || missing="FAILED (interrupted)"
    for label in "${databases[@]}"; do
        printf '  %-11s %s\n' "${label}:" "${result[$label]:-$missing}"
        [ -n "${result[$label]:-}" ] || rc=1
    done
    [ "$failed" -eq 0 ] || rc=1
    exit "$rc"
}
trap finish EXIT
trap 'interrupted=1; exit 130' INT
trap 'interrupted=1; exit 143' TERM

start_pg() {
    pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/returndesk-pg.XXXXXX")
    if [ "$(id -u)" -eq 0 ]; then
        if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OS_USER"
        fi
        as_owner=(runuser -u "$PG_OS_USER" --)
        # Owned by the cluster user, group root's group: root reaches the socket even without
        # CAP_DAC_OVERRIDE, and nobody else can enter the directory.
        mkdir -m 0770 "$pg_tmp/socket"
        chown "$PG_OS_USER:$(id -g)" "$pg_tmp" "$pg_tmp/socket"
        chmod 0750 "$pg_tmp"
    else
        chmod 0700 "$pg_tmp"
        mkdir -m 0700 "$pg_tmp/socket"
    fi
    cd "$pg_tmp"  # the cluster user may not be able to read the checkout
    "${as_owner[@]}" "$PG_BIN/initdb" -D "$pg_tmp/data" -U "$PG_DB_USER" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$pg_tmp/initdb.log" 2>&1 \
        || { cat "$pg_tmp/initdb.log" >&2; return 1; }
    cd - >/dev/null
    # With listen_addresses='' there is no TCP listener; the port only names the socket file.
    pg_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Throwaway data: durability off for speed.
    "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/postgres.log" -w -t 60 \
        -o "-k '$pg_tmp/socket' -p $pg_port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$pg_tmp/postgres.log" >&2; return 1; }
    "$PG_BIN/createdb" -h "$pg_tmp/socket" -p "$pg_port" -U "$PG_DB_USER" "$PG_DB_NAME"
    echo "==> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), socket ${pg_tmp}/socket port ${pg_port}"
}

pytest_args=("$@")

if [ "$databases_wanted" != "postgresql" ]; then
    run_pytest SQLite -u DATABASE_URL
fi
[ "$databases_wanted" != "sqlite" ] || exit 0

if [ ! -x "$PG_BIN/postgres" ]; then
    echo "test.sh: no PostgreSQL server in ${PG_BIN} (apt-get install postgresql-15)" >&2
    exit 1
fi
start_pg
run_pytest PostgreSQL "DATABASE_URL=postgres://${PG_DB_USER}@/${PG_DB_NAME}?host=${pg_tmp}/socket&port=${pg_port}"
