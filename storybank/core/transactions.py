"""Every request that may write runs in one database transaction.

Publishing a page writes the page, its revision bookkeeping, the search
index, every feed's change log and push outbox and the page-cache generation
(the ``content_changed`` receivers run inside the change). Wagtail's publish
and unpublish actions do not open a transaction of their own, so without
this a failure half-way (a locked SQLite file, a deadlock) would leave a live
page with stale feed entries. A write request now commits whole or not at
all. Safe methods (GET, HEAD, OPTIONS) are left alone: on SQLite every
transaction takes the write lock at once (``transaction_mode: IMMEDIATE``),
and readers must never queue behind it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class WriteRequestTransactionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            # Django turns a view's exception into a 500 response before it
            # reaches us: roll back instead of committing half of the work.
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
