# Bureau: `make run` serves the demo on an embedded SQLite database; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint bench bench-http worker-check messages clean help backup restore

help:
	@echo "make run    - serve the demo at http://127.0.0.1:$(PORT)/ (SQLite, embedded broker, no services)"
	@echo "make test   - run the tests (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint   - ruff and the migrations check"
	@echo "make bench  - benchmarks (see bench/RESULTS.md)"
	@echo "make bench-http - the HTTP path under load (gunicorn + wrk; see bench/RESULTS.md)"
	@echo "make backup - back up the database and photos to var/backups/ (BACKUP=folder for another)"
	@echo "make restore BACKUP=folder - replace the database and photos with a backup's"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=bureau.settings.local $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=bureau.settings.local $(PY) manage.py seed_demo
	PORT=$(PORT) bash bin/serve-embedded

test: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=bureau.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=bureau.settings.test $(PY) manage.py makemigrations --check --dry-run

worker-check: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m worker -p no:randomly $(PYTEST_ARGS)

# Every runnable benchmark script in bench/ (generate.py is the shared dataset generator the others call;
# soak.py restarts the machine's PostgreSQL and Redis, so it is run by hand on a machine of its own).
BENCHES = $(shell grep -l '__name__ == "__main__"' bench/*.py 2>/dev/null | grep -v -e 'bench/generate.py' -e 'bench/soak.py')
bench: $(VENV)/.installed-dev
	@set -e; for script in $(BENCHES); do echo "== $$script"; $(PY) $$script; done

# The HTTP path under load (needs PostgreSQL and wrk; generates its 600,000 cases once).
bench-http: $(VENV)/.installed-dev
	$(PY) bench/http_load.py $(BENCH_ARGS)

# Refresh the English catalog (needs GNU gettext; the compiled .mo is committed for users' machines).
messages: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=bureau.settings.test $(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=var --ignore=bench
	$(PY) bin/po-fill locale/en/LC_MESSAGES/django.po
	DJANGO_SETTINGS_MODULE=bureau.settings.test $(PY) manage.py compilemessages --ignore=.venv

# Backups (bureau/backup.py): pg_dump / pg_restore on PostgreSQL, SQLite's online backup API when embedded.
backup: $(VENV)/.installed
	$(PY) bin/backup $(BACKUP)

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/bureau-..."; exit 2; }
	$(PY) bin/restore $(BACKUP)

clean:
	rm -rf var staticfiles db.sqlite3*
