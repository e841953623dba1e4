# egov-portal: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint format check-system venv install install-dev migrate demo serve \
        messages bench clean backup restore screenshots

help:
	@echo "make run    - install, migrate the embedded SQLite database, load Gilan, serve on http://$(HOST):$(PORT)"
	@echo "make test   - ruff, manage.py check, makemigrations --check, the whole suite with coverage"
	@echo "make lint   - ruff (check and format) and import-linter's layer contracts"
	@echo "make format - ruff format and fix"

# --- environment -------------------------------------------------------------
check-system:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: sudo apt-get install python3.11 python3.11-venv"; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "The venv module is missing: sudo apt-get install python3.11-venv"; exit 1; }
	@{ ldconfig -p 2>/dev/null | grep -q libpango-1.0; } || [ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libpango-1.0.so.0 ] || { \
	  echo "WeasyPrint (PDF printing) needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b"; exit 1; }

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

venv: check-system $(PY)
install: venv $(VENV)/.runtime
install-dev: venv $(VENV)/.dev

# --- running -----------------------------------------------------------------
# Documents are signed with the demo certificate (made once, kept under var/) unless
# SIGNING_P12 names another (README, "Signed documents").
DEMO_P12 := $(CURDIR)/var/signing/demo-signing.p12
RUN_SIGNING = SIGNING_P12="$${SIGNING_P12:-$(DEMO_P12)}"
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py collectstatic --no-input -v0
	DEBUG=1 $(PY) manage.py load_structure
	DEBUG=1 $(PY) manage.py make_demo_certificate --path "$(DEMO_P12)"
	DEBUG=1 $(RUN_SIGNING) EMAIL_URL=locmem:// PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py seed_demo
	@echo "Serving the portal on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DEBUG=1 $(RUN_SIGNING) PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

# The production stack on this machine: DEBUG=0, collected (hashed, compressed) static files,
# migrations, the structure, and gunicorn (deploy/gunicorn.conf.py) on http://$(HOST):$(PORT)/.
# Settings come from the environment (README, "Configuration"); SECRET_KEY is required. This is
# plain HTTP, so the HTTPS redirect and secure cookies are off unless set: behind a TLS proxy,
# run the units of deploy/ instead.
SERVE_ENV = DEBUG=0 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" SECURE_COOKIES="$${SECURE_COOKIES:-0}"
serve: install
	@test -n "$$SECRET_KEY" || { \
	  echo "make serve runs the portal as in production (DEBUG=0): set SECRET_KEY, 50 or more random characters, e.g."; \
	  echo "  export SECRET_KEY=\"\$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')\""; \
	  echo "and DATABASE_URL, REDIS_URL, EMAIL_URL … as in README.md, \"Configuration\"."; exit 1; }
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py load_structure
	@echo "Serving the portal (DEBUG=0, gunicorn) on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py egov_portal.wsgi

# Extract the strings into locale/en/LC_MESSAGES/django.po (translate the new ones there),
# then compile django.mo, which is committed so that `make run` needs no gettext tools.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=tests --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0

# --- quality -----------------------------------------------------------------
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev lint
	DJANGO_SETTINGS_MODULE=egov_portal.test_settings $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=egov_portal.test_settings $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=egov_portal.test_settings $(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

# Refresh the README's screenshots (docs/screenshots/) from the browser tests, and the
# pictures of the printed minutes and letter (tests/document_pictures.py).
screenshots: install-dev
	DJANGO_SETTINGS_MODULE=egov_portal.test_settings $(BIN)/pytest -q -p no:cacheprovider \
	  tests/test_browser.py tests/test_browser_meetings.py tests/test_browser_directives.py \
	  tests/test_document_pictures.py
	$(PY) -m tests.browser_helpers

# The portal as production runs it (PostgreSQL, DEBUG=0, gunicorn, Redis) at 1 and 10 years
# of seeded data, pages under wrk (apt-get install wrk); `make bench YEARS="1"` for a quick run.
YEARS ?= 1 10
bench: install-dev
	$(PY) -m tests.benchmarks.run $(YEARS)

backup: install
	$(PY) manage.py backup --dir backups/

restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/egov-portal-….tar.gz"; exit 1; }
	$(PY) manage.py restore "$(ARCHIVE)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov staticfiles
