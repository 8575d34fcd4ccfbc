"""Running the deployment's real processes against the test database:
start a management command or gunicorn as a subprocess, read its log, wait
for a condition, and interrupt the database under it (SQLite: another
connection holds the write lock; PostgreSQL: its connections are cut, as in
a restart)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.subprocesses import database_url

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A subprocess whose output goes to a file the test can read at any time."""

    def __init__(self, argv: list[str], log: Path, env: dict[str, str]) -> None:
        self.log = log
        self._file = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._file, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.alive:
            os.killpg(self.popen.pid, sig)
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            code = self.popen.wait(30)
        self._file.close()
        return code


def environment(**overrides: str) -> dict[str, str]:
    """The test's settings, database, media and heartbeat folders, for a subprocess."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "storybank.settings.test",
        "DATABASE_URL": database_url(),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OPERATIONS_HEARTBEAT_DIR": str(settings.OPERATIONS_HEARTBEAT_DIR),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def manage(command: str, *args: str, log: Path, **env: str) -> Process:
    return Process([sys.executable, "manage.py", command, *args], log, environment(**env))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(log: Path, workers: int = 2, threads: int = 4, **env: str) -> tuple[Process, str]:
    """gunicorn serving the test database; returns it and its base URL once it answers."""
    port = free_port()
    process = Process(
        [sys.executable, "-m", "gunicorn", "storybank.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "120"],
        log, environment(**env),
    )
    url = f"http://127.0.0.1:{port}"
    import requests

    def answers() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(answers, 120, lambda: process.output[-2000:])
    return process, url


def wait_for(condition: Callable[[], object], seconds: float, explain: Callable[[], str] = lambda: "") -> None:
    """Poll ``condition`` until it holds; fail with ``explain()`` after ``seconds``
    (a bound on a slow machine, not a measurement)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds:.0f} s. {explain()}")
        time.sleep(0.1)


@contextmanager
def database_interrupted() -> Iterator[None]:
    """While inside, other processes cannot use the database: SQLite's write
    lock is held by another connection; PostgreSQL cuts every other
    connection to the test database as soon as it appears."""
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    import psycopg

    stop = threading.Event()
    db = connection.settings_dict

    def cut() -> None:
        with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                             password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as admin:
            while not stop.is_set():
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND pid <> %s", [test_backend])
                stop.wait(0.1)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        test_backend = cursor.fetchone()[0]
    cutter = threading.Thread(target=cut, daemon=True)
    cutter.start()
    try:
        yield
    finally:
        stop.set()
        cutter.join(30)
