"""Test runs: SQLite by default, PostgreSQL when DATABASE_URL points at it."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A fresh media folder per test run, so runs never see each other's files.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"laocai-test-media-{os.getpid()}"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
