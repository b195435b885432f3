# Amends: the entry points. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV ?= uv
PY := $(UV) run --locked python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core on the 2-core machines this runs on.
PYTEST_WORKERS ?= 2

.PHONY: run test test-postgres lint bench bench-large bench-growth load setup python-env frontend translations messages migrate demo check-deploy clean

## run: set up, migrate, load demo data the first time, and serve on http://127.0.0.1:8000,
## with a background worker beside the web server (Ctrl-C stops both)
run: setup migrate demo
	DEBUG=true $(PY) manage.py requeue_deliveries
	DEBUG=true $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite, browser tests included (SQLite; set DATABASE_URL for PostgreSQL)
test: setup
	$(UV) run --locked pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## test-postgres: the whole suite on the local PostgreSQL server
test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/amends $(MAKE) test

## lint: ruff, formatting, mypy, migrations up to date, deployment checks
lint: setup
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(UV) run --locked mypy amends
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(UV) run --locked bandit -q -r amends -x '*/migrations/*' --severity-level high
	$(MAKE) check-deploy

check-deploy: python-env
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-abcdefghijklmnopqrstuvwxyz \
	FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	AUDIT_CHAIN_KEY=check-deploy-$$(date +%s)-not-a-real-audit-key \
	ALLOWED_HOSTS=amends.example.org AMENDS_VAR_DIR=$$(mktemp -d) \
	$(PY) manage.py check --deploy --fail-level WARNING

## bench: every daily page and report of the largest service in a national dataset at 10,000
## and 100,000 cases on PostgreSQL (BENCH_DATABASE_URL): queries, time, SQL floor, ratio;
## then requests per second of the case list and case page beside the framework floor;
## and 100,000 rows imported beside a raw bulk insert of the same rows
bench: setup
	$(UV) run --locked python -m benchmarks.pages
	$(UV) run --locked python -m benchmarks.imports

## bench-large: the same at 10,000 and 1,000,000 cases (filling the million takes a while)
bench-large: setup
	BENCH_SIZES=10000,1000000 $(UV) run --locked python -m benchmarks.pages

## bench-growth: one service growing from 1,000 to 20,000 cases, and its reports at 100,000
bench-growth: setup
	$(UV) run --locked python -m benchmarks.run

## load: 50 people working cases at once for 5 minutes on gunicorn and PostgreSQL; prints
## requests per second and p95, and fails on any error or lost update (LOAD_USERS, LOAD_SECONDS)
load: setup
	$(UV) run --locked python -m benchmarks.load

setup: python-env frontend translations

python-env:
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv
	$(UV) sync --locked --quiet

frontend: static/dist/amends.css

static/dist/amends.css: package-lock.json frontend/amends.scss frontend/_govuk-base.scss frontend/build.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $@

## messages: gather the strings marked for translation into the Welsh catalogue
## (locale/cy/LC_MESSAGES/django.po; needs gettext's xgettext), then compile it
messages: python-env
	DEBUG=true $(PY) manage.py makemessages --locale cy --add-location file --no-obsolete \
		--ignore 'node_modules/*' --ignore '.venv/*' --ignore 'static/*' --ignore 'staticfiles/*' \
		--ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	$(MAKE) translations

# The compiled catalogue is committed (images and servers need no gettext tools); it is made
# again whenever the .po is newer, in Python, so no machine needs msgfmt.
translations: python-env locale/cy/LC_MESSAGES/django.mo

locale/cy/LC_MESSAGES/django.mo: locale/cy/LC_MESSAGES/django.po
	$(PY) -c 'import polib, sys; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $< $@

migrate: python-env
	DEBUG=true $(PY) manage.py migrate --noinput

demo: python-env
	DEBUG=true $(PY) manage.py demo_data --if-empty

clean:
	rm -rf .venv node_modules static/dist staticfiles
