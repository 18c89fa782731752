#!/usr/bin/env bash
# Local/demo run: migrate, collect static, load demo data, then the huey worker and gunicorn.
# Ctrl-C (or SIGTERM to this script) stops both; if either process dies, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.base}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

mkdir -p "${RETURNDESK_VAR_DIR:-var}"
"$PY" manage.py migrate --noinput
# compilemessages needs GNU gettext, which is not always installed; the .mo files are committed.
"$PY" manage.py collectstatic --noinput
# Idempotent: a second run finds the demo company and only prints the sign-ins.
"$PY" manage.py load_demo

huey_pid=""
gunicorn_pid=""
# shellcheck disable=SC2329  # invoked by the trap below
stop_all() {
    trap - EXIT INT TERM
    for pid in $gunicorn_pid $huey_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" manage.py run_huey &
huey_pid=$!
# Gunicorn runs as a job of this shell (not exec'd, not a plain foreground child) so that `wait`
# returns on a signal and the trap can stop both processes; its output still goes to this terminal.
# Workers, access log and no control socket: config/gunicorn.py, which `make bench` serves with too.
.venv/bin/gunicorn config.wsgi:application -c config/gunicorn.py --bind "127.0.0.1:${PORT}" &
gunicorn_pid=$!
echo "run.sh: ReturnDesk on http://127.0.0.1:${PORT}/ (huey pid ${huey_pid}, gunicorn pid ${gunicorn_pid}); Ctrl-C stops both"

status=0
wait -n "$huey_pid" "$gunicorn_pid" || status=$?
echo "run.sh: a process exited (status ${status}); stopping the other" >&2
exit "$status"
