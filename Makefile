# Lào Cai Story — the two commands are `make demo` and `make test` (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-suites install install-test catalogues messages lint system-deps services serve

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

## make test: install test dependencies, start PostgreSQL, Redis and an OpenSearch node, then run the
## whole suite on SQLite and on PostgreSQL, the live search suite against the node; a node this run started
## is stopped at the end (PostgreSQL and Redis are left running for the next command).
OPENSEARCH_TEST_URL ?= http://127.0.0.1:9200
test: install-test catalogues system-deps services
	$(PY) -m ruff check .
	@# Stop the node at the end only if this run started it (a node someone else runs is left alone).
	@started=; scripts/opensearch.sh status >/dev/null 2>&1 || { scripts/opensearch.sh start && started=1; } || exit 1; \
	status=0; $(MAKE) --no-print-directory test-suites || status=$$?; \
	if [ -n "$$started" ]; then scripts/opensearch.sh stop; fi; exit $$status

## The two runs go side by side: each keeps about one core busy, and they share nothing but the
## OpenSearch node (each test makes its own throw-away index) and the machine. The SQLite run (browser
## tests included) prints as it goes; the PostgreSQL run, which skips what never reaches the database,
## writes to $(POSTGRES_RUN_LOG), printed whole when it ends. Either failing fails `make test`. Stopped
## (Ctrl-C, or CI's TERM), both runs get TERM, which pytest turns into an interruption that tears down
## (tests/conftest.py), and the PostgreSQL run's last lines are shown.
POSTGRES_RUN_LOG := var/test-artifacts/pytest-postgresql.log
test-suites:
	@mkdir -p $(dir $(POSTGRES_RUN_LOG))
	@DATABASE_URL=$(PG_TEST_URL) REQUIRE_POSTGRES=1 OPENSEARCH_URL=$(OPENSEARCH_TEST_URL) \
	  $(PY) -m pytest -m "not browser" -p no:cacheprovider >$(POSTGRES_RUN_LOG) 2>&1 & postgres_run=$$!; \
	echo "PostgreSQL run started beside this one (its output: $(POSTGRES_RUN_LOG))."; \
	OPENSEARCH_URL=$(OPENSEARCH_TEST_URL) $(PY) -m pytest & sqlite_run=$$!; \
	trap 'kill -TERM $$sqlite_run $$postgres_run 2>/dev/null; wait; tail -40 $(POSTGRES_RUN_LOG); exit 130' INT TERM; \
	wait $$sqlite_run; sqlite=$$?; wait $$postgres_run; postgres=$$?; \
	echo; echo "===== The PostgreSQL run ($(POSTGRES_RUN_LOG)) ====="; cat $(POSTGRES_RUN_LOG); \
	echo; echo "SQLite run: $$([ $$sqlite = 0 ] && echo passed || echo FAILED); PostgreSQL run: $$([ $$postgres = 0 ] && echo passed || echo FAILED)"; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

## PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) for the tests: installed from
## Debian's packages when missing (as root), started when not answering, left running (scripts/services.sh).
services:
	scripts/services.sh start

## Debian's packages the tests use: Chromium for the browser tests (Playwright drives it; no browser
## download), the Noto CJK fonts so screenshots of Chinese, Japanese and Korean pages show glyphs, and
## ffmpeg so the media pipeline's video path (remux, poster frame) is tested, not only its fallback;
## unzip and curl for scripts/opensearch.sh (unpacking the node, asking its health); exiftool reads back the
## metadata the media pipeline writes into downloads (a different reader than the writer, exiv2).
SYSTEM_TEST_PACKAGES := chromium fonts-noto-cjk ffmpeg unzip curl libimage-exiftool-perl
system-deps:
	@missing=""; for package in $(SYSTEM_TEST_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The tests need Debian's packages:$$missing (sudo apt-get install$$missing)"; fi; fi

## make messages: regenerate the interface catalogues of every language from the code and templates
## (English is filled from the msgids; the others are translated by people: see README "Languages").
MESSAGE_IGNORES := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=static_collected --ignore=node_modules
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-obsolete $(MESSAGE_IGNORES) $(foreach dir,$(filter-out wagtail,$(notdir $(wildcard locales/*))),--locale=$(dir))
	$(PY) manage.py fill_source_catalogue

lint: install-test
	$(PY) -m ruff check .
