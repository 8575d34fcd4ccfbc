"""Load the demo content once per test run and replay it in later modules.

``load_demo`` publishes about ninety pages, and every publication is indexed
for search, reference-indexed and reconciled into the feeds: about 40 s on
SQLite and 30-60 s on PostgreSQL here, for each of the thirty-odd test modules
that start from the demo. So the first of them runs the command and records,
table by table, which rows it removed and which it added; later modules
replay those rows inside their own transaction and then check that every
table holds exactly what the command left. Tests that commit (browser tests,
with a live server) start from the database Django restores after a flush,
which differs from a module's starting point in a few rows: that state gets
its own recording, made by the first of them. If the starting point differs, or
the check fails, or a file the rows name is gone, the command runs for real
(and the recording is renewed): a replay can only save time, never change
what a test sees.

Search tables that triggers keep (SQLite's FTS5 tables, PostgreSQL's
``tsvector`` column) are filled by those triggers during the replay, exactly
as during a real load.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection, models, transaction

Tables = dict[str, frozenset]
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


class _ReplayFailed(Exception):
    """Raised inside the replay's savepoint so that it rolls back."""


def load_demo() -> None:
    """Bring the demo content into the current transaction: replayed when a
    recording fits, loaded by the management command otherwise."""
    connection.ensure_connection()  # a test that commits may not have opened it yet: the reads below use it raw
    before = _read_tables() if _replayable() else None
    start = _fingerprint(before) if before is not None else None
    recording = _recordings.get(start)
    if recording is not None and recording.replay(before):
        return
    call_command("load_demo", stdout=open(os.devnull, "w"))
    if before is not None:
        _recordings[start] = _Recording(before=before, after=_read_tables())


def _fingerprint(tables: Tables) -> int:
    """Which recording fits: tests start from a few different states (a module's
    rolled-back transaction, or a transactional test's database restored after a
    flush), and each state gets its own recording."""
    return hash(tuple(sorted((table, hash(rows)) for table, rows in tables.items())))


def _replayable() -> bool:
    """Replays write rows only: the search index must live in the database and
    files on this machine's disk (not Elasticsearch, not S3)."""
    return settings.SEARCH_BACKEND == "embedded" and connection.vendor in ("sqlite", "postgresql")


@dataclass(frozen=True)
class _Recording:
    before: Tables
    after: Tables

    def replay(self, start: Tables | None = None) -> bool:
        """Write the recorded rows; ``start``: the tables as the caller just read them (not read again)."""
        if not _replayable():
            return False
        try:
            with transaction.atomic():
                if (_read_tables() if start is None else start) != self.before:
                    raise _ReplayFailed("the database does not start where the recording did")
                writer = _Writer.for_connection()
                for table in sorted(self.after):
                    writer.delete(table, self.before[table] - self.after[table])
                for table in sorted(self.after):
                    writer.insert(table, self.after[table] - self.before[table])
                writer.finish()
                replayed = _read_tables()
                tables = replayed.keys() | self.after.keys()
                differing = sorted(table for table in tables if replayed.get(table) != self.after.get(table))
                if differing:
                    raise _ReplayFailed(f"the replay did not reproduce the demo in {', '.join(differing)}")
                _check_files_present()
        except Exception as error:  # noqa: BLE001 - any failure means: load for real
            warnings.warn(f"demo replay not used ({error}); running load_demo", stacklevel=2)
            return False
        for cache in caches.all():  # pages, feeds and facets cached before the replay
            cache.clear()
        return True


#: Recordings by the fingerprint of the state they start from.
_recordings: dict[int | None, _Recording] = {}


# --- reading ------------------------------------------------------------------


def _read_tables() -> Tables:
    """Every row of every ordinary table, in a form that compares exactly."""
    if connection.vendor == "sqlite":
        return {table: frozenset(_sqlite_rows(table)) for table in _sqlite_tables()}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return {table: frozenset(_postgres_lines(table)) for table in tables}


def _sqlite_tables() -> list[str]:
    """Ordinary tables; FTS5 tables and their shadow tables are left to the triggers that fill them."""
    raw = connection.connection
    entries = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = {name for name, sql in entries if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    shadows = {f"{name}_{suffix}" for name in virtual for suffix in FTS5_SHADOWS}
    return sorted(
        name for name, _ in entries if not name.startswith("sqlite_") and name not in virtual | shadows
    )


def _sqlite_columns(table: str) -> list[str]:
    return [row[1] for row in connection.connection.execute(f'PRAGMA table_info("{table}")')]


def _sqlite_rows(table: str) -> list[tuple]:
    # ``+column`` is SQLite's identity operator: it hides the declared type, so
    # Django's converters leave the stored value exactly as it is.
    columns = ", ".join(f'+"{column}"' for column in _sqlite_columns(table))
    return connection.connection.execute(f'SELECT {columns} FROM "{table}"').fetchall()


def _postgres_lines(table: str) -> list[bytes]:
    """The table in COPY's text format, one line per row (generated columns left out)."""
    with connection.connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
    return data.splitlines()


def _check_files_present() -> None:
    """Every file a row names is still on disk: a test may have deleted one
    (its rows come back when it rolls back, its files do not). Says which."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.concrete:
                if not isinstance(field.storage, FileSystemStorage):
                    raise _ReplayFailed(f"{model._meta.label}.{field.name} is not stored on this disk")
                names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                missing = next((name for name in names if name and not field.storage.exists(name)), None)
                if missing is not None:
                    raise _ReplayFailed(f"the file {missing} that {model._meta.label}.{field.name} names is gone")


# --- writing ------------------------------------------------------------------


class _Writer:
    """Removes and adds recorded rows, in the database's own terms."""

    @staticmethod
    def for_connection() -> _Writer:
        return _SQLiteWriter() if connection.vendor == "sqlite" else _PostgresWriter()

    def delete(self, table: str, rows: frozenset) -> None:
        raise NotImplementedError

    def insert(self, table: str, rows: frozenset) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Anything owed once every row is in (sequences)."""


class _SQLiteWriter(_Writer):
    def delete(self, table: str, rows: frozenset) -> None:
        if not rows:
            return
        match = " AND ".join(f'"{column}" IS ?' for column in _sqlite_columns(table))
        connection.connection.executemany(f'DELETE FROM "{table}" WHERE {match}', list(rows))

    def insert(self, table: str, rows: frozenset) -> None:
        if not rows:
            return
        columns = _sqlite_columns(table)
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" for _ in columns)
        # AUTOINCREMENT counters (sqlite_sequence) follow the inserted ids by themselves.
        connection.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(rows))


class _PostgresWriter(_Writer):
    def __init__(self) -> None:
        self.filled: list[str] = []
        self.keys: dict[str, tuple[str, int]] = {}

    def _key(self, table: str) -> tuple[str, int]:
        """The single primary-key column and its position among COPY's columns
        (looked up once per table: deletes and sequences both need it)."""
        if table not in self.keys:
            self.keys[table] = self._look_up_key(table)
        return self.keys[table]

    def _look_up_key(self, table: str) -> tuple[str, int]:
        with connection.cursor() as cursor:
            keys = connection.introspection.get_primary_key_columns(cursor, table) or []
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
        if len(keys) != 1:
            raise _ReplayFailed(f"{table} has no single-column primary key")
        return keys[0], columns.index(keys[0])

    def delete(self, table: str, rows: frozenset) -> None:
        if not rows:
            return
        key, position = self._key(table)
        values = [line.split(b"\t")[position].decode() for line in rows]
        if any("\\" in value for value in values):
            raise _ReplayFailed(f"{table} has an escaped primary key")
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{table}" WHERE "{key}"::text = ANY(%s)', [values])

    def insert(self, table: str, rows: frozenset) -> None:
        if not rows:
            return
        with connection.connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(b"\n".join(sorted(rows)) + b"\n")
        self.filled.append(table)

    def finish(self) -> None:
        """Sequences move past the replayed ids, as the real inserts moved them."""
        with connection.cursor() as cursor:
            for table in self.filled:
                key, _ = self._key(table)
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', key])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(
                        f'SELECT setval(%s, GREATEST((SELECT MAX("{key}") FROM "{table}"),'
                        f" (SELECT last_value FROM {sequence})))",
                        [sequence],
                    )
