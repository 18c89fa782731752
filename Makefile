# ReturnDesk developer and CI entry points. CI (.ci/run) calls only these targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
PORT ?= 8000

.PHONY: help venv run test lint format bench bench-analytics bench-desk migrations-check check-deploy screenshots

help:
	@echo "make venv              create $(VENV) and install requirements.lock"
	@echo "make run               migrate, collect static, load demo data, start huey + gunicorn on 127.0.0.1:$(PORT)"
	@echo "make test              pytest on SQLite, then on a throwaway PostgreSQL 15 cluster"
	@echo "make lint / format     ruff check + format --check / apply fixes and formatting"
	@echo "make bench             run the benchmarks in bench/ (lifecycles, then analytics panels)"
	@echo "make bench-analytics   only the analytics panels on 1,000,000 generated cases"
	@echo "make bench-desk        only the staff pages' lists, searches and queues on 1,000,000 cases"
	@echo "make migrations-check  fail if models and migrations disagree"
	@echo "make check-deploy      Django's deployment checks on config.settings.production"
	@echo "make screenshots       refresh docs/screenshots/ (demo data, gunicorn, chromium)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "ReturnDesk needs Python 3.11; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Use PYTHON=python3.11." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The stamp is only touched after a successful install, so a failed install is retried.
$(VENV)/.installed: requirements.lock | $(PY)
	$(VENV)/bin/pip install -r requirements.lock
	touch $@

venv: $(VENV)/.installed

run: venv
	PORT=$(PORT) scripts/run.sh

test: venv
	scripts/test.sh

lint: venv
	$(RUFF) check .
	$(RUFF) format --check .

# Lint fixes first (e.g. import sorting), then the formatter has the last word.
format: venv
	$(RUFF) check --fix .
	$(RUFF) format .

bench: venv
	$(PY) bench/run.py
	$(PY) bench/analytics.py
	$(PY) bench/desk_lists.py

bench-analytics: venv
	$(PY) bench/analytics.py

bench-desk: venv
	$(PY) bench/desk_lists.py

# An in-memory database: the consistency check needs a connection but must not touch var/.
migrations-check: venv
	DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=sqlite://:memory: \
		$(PY) manage.py makemigrations --check --dry-run

check-deploy: venv
	DJANGO_SETTINGS_MODULE=config.settings.production \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=returndesk.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING

# Pictures of the staff pages for docs/screenshots/ (a throwaway demo install served by gunicorn,
# driven by Debian's chromium through playwright).
screenshots: venv
	$(PY) scripts/screenshots.py
