# Lào Cai Story — the two commands are `make demo` and `make test` (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-test catalogues lint browser-deps serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

catalogues: $(VENV)/.installed
	$(PY) manage.py compile_catalogues

## make demo: install, migrate, load the demo content and serve http://127.0.0.1:8000
demo: install catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_locales
	$(PY) manage.py load_demo
	$(PY) manage.py setup_governance
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: install test dependencies, then run the whole suite on SQLite and on PostgreSQL
test: install-test catalogues browser-deps
	$(PY) -m ruff check .
	$(PY) -m pytest
	DATABASE_URL=$(PG_TEST_URL) REQUIRE_POSTGRES=1 $(PY) -m pytest -m "not browser"

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }

lint: install-test
	$(PY) -m ruff check .
