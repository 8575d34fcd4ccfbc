"""Test runs: SQLite by default, PostgreSQL when DATABASE_URL points at it."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A fresh media folder per test run, so runs never see each other's files.
# (A server or worker a test starts is handed the test's folder in TEST_MEDIA_ROOT.)
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or Path(tempfile.gettempdir()) / f"laocai-test-media-{os.getpid()}")
if TASKS_BACKEND != "database":  # a task worker a test starts is given TASKS_BACKEND=database  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# make test sets OPENSEARCH_URL for the live search suite, which switches to the cluster
# itself (tests/search/conftest.py); everything else searches the embedded index.
SEARCH_BACKEND = "embedded"
# Tests that run a worker in a subprocess (feeds: killing ``deliver_feeds``
# mid-delivery) need the subprocess to see the test database, so SQLite's
# test database lives in a file rather than in memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"laocai-test-{os.getpid()}.sqlite3")
    }
    # A throwaway database: no need to wait for the disk on every commit.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"  # noqa: F405
# Heartbeats of processes a test starts stay with the test run.
OPERATIONS_HEARTBEAT_DIR = os.environ.get(
    "OPERATIONS_HEARTBEAT_DIR", str(Path(tempfile.gettempdir()) / f"laocai-test-run-{os.getpid()}")
)
