"""Keeping a worker alive through transient failures.

A locked SQLite file, a PostgreSQL restart or a network hiccup must cost a
worker a pause, never its life: ``keep_running`` calls one step of work in a
loop, and on a transient error logs it, drops the database connection (a new
one is opened on the next query) and waits with exponential backoff (with
jitter, capped) before trying again. Anything else is a bug and ends the
process, which docker-compose then restarts.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, connections

from .heartbeat import beat

logger = logging.getLogger(__name__)

#: Failures a worker waits out: the database (locked, gone, restarting) and the network.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, InterfaceError, OSError)


class Backoff:
    """Exponential delays: ``base``, 2 × ``base``… up to ``cap``, each ±25 % so that
    several workers that failed together do not retry together."""

    def __init__(self, base: float = 0.5, cap: float = 30.0) -> None:
        self.base, self.cap = base, cap
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        delay = min(self.base * 2 ** (self.failures - 1), self.cap)
        return delay * random.uniform(0.75, 1.25)  # noqa: S311 (jitter, not security)

    def reset(self) -> None:
        self.failures = 0


def close_connections() -> None:
    """Drop every database connection of this thread: a broken one is never reused."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass


def keep_running(
    step: Callable[[], bool], *, name: str, stop: threading.Event, idle_seconds: float, backoff: Backoff | None = None
) -> None:
    """Call ``step`` until ``stop`` is set. ``step`` returns True when it did
    some work (it is called again at once) and False when there was nothing
    to do (the loop waits ``idle_seconds``). The heartbeat ``name`` beats
    every round, waiting included."""
    backoff = backoff or Backoff()
    while not stop.is_set():
        beat(name)
        try:
            busy = step()
        except TRANSIENT_ERRORS as error:
            delay = backoff.next_delay()
            logger.warning("%s: %s: %s; trying again in %.1f s (failure %s in a row)",
                           name, type(error).__name__, error, delay, backoff.failures)
            close_connections()
            stop.wait(delay)
            continue
        backoff.reset()
        if not busy:
            stop.wait(idle_seconds)
