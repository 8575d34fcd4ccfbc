"""Running the project's own commands (workers) in a subprocess against the
test database: the subprocess sees committed data only, so such tests use
``transactional_db`` (SQLite's test database is a file: storybank/settings/test.py)."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """The URL of the database this test runs on, for the subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert "memory" not in db["NAME"], "a worker subprocess needs a file database"
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
