"""``AnalyticsMiddleware``: counts responses that carry the ``X-LaoCai-Count`` label.

Place it **above** (before, in ``MIDDLEWARE``) any middleware that answers
from a cache, e.g. Django's ``FetchFromCacheMiddleware``: a cached response
comes back up through every middleware above the one that produced it, so
the label it was rendered with is read and counted again. The label is left
on the response on purpose: a middleware that stores responses in a cache
stores it with the label, wherever it sits relative to this one.

Responses served by a cache *in front of* Django (a CDN, nginx) never reach
it and are not counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from .models import Metric
from .recording import COUNT_HEADER, Hit, count_safely
from .visitors import is_person

logger = logging.getLogger(__name__)

#: Partners' machines pull feeds: those are counted whatever their User-Agent.
MACHINE_METRICS = frozenset({Metric.FEED_PULL})


def should_count(request: HttpRequest, response: HttpResponseBase, hit: Hit) -> bool:
    if not 200 <= response.status_code < 400:  # downloads may redirect to a signed S3 address
        return False
    if hit.metric in MACHINE_METRICS:
        return request.method == "GET"
    return is_person(request, navigation=hit.metric == Metric.PAGE_VIEW)


class AnalyticsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        value = response.headers.get(COUNT_HEADER)
        if value:
            self.count(request, response, value)
        return response

    @staticmethod
    def count(request: HttpRequest, response: HttpResponseBase, value: str) -> None:
        try:
            counted = [(hit, amount) for hit, amount in Hit.counted_from_header(value)
                       if should_count(request, response, hit)]
        except Exception:
            logger.exception("Unreadable %s header %r on %s", COUNT_HEADER, value, request.path)
            return
        for hit, amount in counted:
            count_safely(hit, amount)
