"""Test runs: SQLite by default, PostgreSQL when DATABASE_URL points at it."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A fresh media folder per test run, so runs never see each other's files.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"laocai-test-media-{os.getpid()}"
# The search index too (a test's subprocesses are handed the parent's in SEARCH_INDEX_DIR).
SEARCH_INDEX_DIR = Path(
    os.environ.get("SEARCH_INDEX_DIR") or Path(tempfile.gettempdir()) / f"laocai-test-search-index-{os.getpid()}"
)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests that run a worker in a subprocess (feeds: killing ``deliver_feeds``
# mid-delivery) need the subprocess to see the test database, so SQLite's
# test database lives in a file rather than in memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"laocai-test-{os.getpid()}.sqlite3")
    }
    # A throwaway database: no need to wait for the disk on every commit.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA synchronous=OFF"  # noqa: F405
