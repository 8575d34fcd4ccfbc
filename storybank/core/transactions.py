"""Every write is one database transaction, tried again when it loses a
deadlock.

Publishing a page writes the page, its revision bookkeeping, the search
index, every feed's change log and push outbox and the page-cache generation
(the ``content_changed`` receivers run inside the change). Wagtail's publish
and unpublish actions open no transaction of their own, so without one a
failure half-way (a locked SQLite file, a deadlock) would leave a live page
with stale feed entries. Two ways in:

* ``WriteRequestTransactionMiddleware``: a request that may write (POST,
  PUT, PATCH, DELETE) commits whole or not at all. Safe methods are left
  alone: on SQLite every transaction takes the write lock when it begins
  (``transaction_mode: IMMEDIATE``), and readers must never queue behind it.
* ``in_transaction(work)``: for writes outside a request (the scheduler's
  ``publish_scheduled``, commands, code), e.g. ``ContentPage.publish``.

Concurrent writers take the shared rows (feed heads, the search and page
cache generations) in whatever order their receivers run, so PostgreSQL may
pick one as a deadlock victim (or fail a serializable read): the whole
transaction is then run again, up to ``ATTEMPTS`` times, from its start.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ATTEMPTS = 4
#: PostgreSQL's SQLSTATEs for "run the transaction again": deadlock detected, serialization failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})

T = TypeVar("T")


def lost_a_conflict(error: BaseException) -> bool:
    """Did the database abort this transaction only because of another one?"""
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def pause_before(attempt: int) -> None:
    time.sleep(random.uniform(0.05, 0.2) * attempt)  # noqa: S311 (jitter, not security)


def in_transaction(work: Callable[[], T]) -> T:
    """Run ``work`` in a transaction, again from the start if it loses a
    deadlock. Inside an outer transaction it simply joins it (the outer one
    is what can be retried)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if attempt == ATTEMPTS or not lost_a_conflict(error):
                raise
            pause_before(attempt)
    raise AssertionError("unreachable")


class WriteRequestTransactionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        for attempt in range(1, ATTEMPTS + 1):
            request.lost_write_conflict = False
            with transaction.atomic():
                response = self.get_response(request)
                # Django turns a view's exception into a 500 response before it
                # reaches us: roll back instead of committing half of the work.
                if response.status_code >= 500 or request.lost_write_conflict:
                    transaction.set_rollback(True)
            if not request.lost_write_conflict:
                return response
            if attempt < ATTEMPTS:
                pause_before(attempt)
        response = HttpResponse(status=503, headers={"Retry-After": "1"})
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A lost deadlock is not an error of the view: answer for now and try again."""
        if lost_a_conflict(exception):
            request.lost_write_conflict = True
            return HttpResponse(status=409)
        return None
