# Closer: `make run` serves the demo site, `make test` runs every test, `make serve` runs
# production (gunicorn; configure it with environment variables, see .env.example) and
# `make worker` its background task worker.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The second test run uses PostgreSQL here when it answers; DATABASE_URL overrides it.
POSTGRES_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/closer)
PYTEST_ARGS ?=

.PHONY: run worker test test-fast test-sqlite test-postgres setup setup-dev browser-deps migrate demo lint bench stress serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev browser-deps node_modules/.installed

# The HTML validator (vnu-jar, run with the machine's Java) and axe-core, for the page tests.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Browser tests drive Debian's chromium through Playwright (no browser download); the HTML
# checker needs Java; the Redis tests start their own redis-server.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Java for the HTML checker (vnu.jar)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; fi; }
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "Installing redis-server for the Redis tests (they start their own)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; fi; }

# The demo runs as readers see it (DEBUG off, so a 404 is the site's own page) with laptop
# settings (http, localhost, a fixed key, static and media served by Django); see config/settings.py.
# For Django's debug pages while developing: `DEBUG=true make run`.
LOCAL_ENV := CLOSER_LOCAL=true

migrate: setup
	mkdir -p var/static var/media
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(LOCAL_ENV) $(BIN)/python manage.py load_demo
	$(LOCAL_ENV) $(BIN)/python manage.py ensure_admin

# The site and, next to it, the task worker that fetches video details and posters; the trap
# stops the worker whenever runserver exits (Ctrl-C, an error, a kill). The worker does not
# auto-reload (its reloader's child would outlive a kill): restart `make run` after editing a task.
run: demo
	@echo "Closer is at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/, user 'admin')"
	@echo "The task worker runs alongside (manage.py db_worker); Ctrl-C stops both."
	@if [ -z "$$EMAIL_URL$$EMAIL_HOST$$EMAIL_BACKEND" ]; then echo "No mail settings (EMAIL_URL or EMAIL_HOST): emails (newsletter confirmations and essays) are printed here."; fi
	@$(LOCAL_ENV) $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM HUP; \
	$(LOCAL_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite, then on PostgreSQL when a server answers; either failing fails.
test: setup-dev
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	if $(BIN)/python -c "$$POSTGRES_PROBE" "$(POSTGRES_URL)"; then \
		$(MAKE) --no-print-directory test-postgres || status=1; \
	else \
		echo "== PostgreSQL skipped: no server answers (see above); the SQLite run still counts =="; \
	fi; \
	if [ $$status = 0 ]; then echo "== All test runs passed =="; else echo "== A test run FAILED (see above) =="; fi; \
	exit $$status

# The quick edit-test loop: SQLite only, without the tests marked slow (browser, HTML checker,
# ops, subprocesses). `make test` still runs everything.
test-fast: $(VENV)/.dev
	$(TEST_ENV) $(BIN)/python -m pytest -m "not slow" -q $(PYTEST_ARGS)

# Production settings from the shell are left out: tests choose their own (pytest.ini names
# config.test_settings; an exported DJANGO_SETTINGS_MODULE would win over it).
TEST_ENV := env -u DATABASE_URL -u REDIS_URL -u S3_BUCKET -u SECRET_KEY -u DEBUG -u DJANGO_SETTINGS_MODULE

test-sqlite: setup-dev
	@echo "== Test suite on SQLite =="
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: setup-dev
	@echo "== Test suite on PostgreSQL =="
	$(TEST_ENV) DATABASE_URL="$(POSTGRES_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS)

# Exit 0 when the server behind the URL accepts a connection (its maintenance database is
# enough: the tests create their own database).
define POSTGRES_PROBE
import sys
import dj_database_url, psycopg
db = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                    password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except Exception as error:
    # Say where, but never print the URL itself: it may hold a password.
    where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    print(f"PostgreSQL at {where} does not answer: {str(error).splitlines()[0]}", file=sys.stderr)
    sys.exit(1)
endef
export POSTGRES_PROBE

# Production: check the settings, build static files, bring the database up to date, serve.
# Needs at least SECRET_KEY and SITE_URL in the environment (see .env.example).
serve: setup
	$(BIN)/python manage.py check --deploy
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn --config config/gunicorn.conf.py

# The task worker for production (video details and posters): run it as its own service next to
# `make serve`, with the same environment (README: "One machine" has a systemd unit).
worker: setup
	exec $(BIN)/python manage.py db_worker --no-reload

# Requests per second and latency percentiles for the reader pages, on a real gunicorn.
bench: setup-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/videos.py

# By hand: 60 s of mixed reader load while an editor publishes every second, on SQLite, then on
# PostgreSQL + Redis with Redis stopped for 10 s (bench/stress.py; figures in the README).
stress: setup-dev
	$(BIN)/python bench/stress.py

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var/static
