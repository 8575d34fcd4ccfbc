"""Fixtures of the analytics tests: a browser's User-Agent, and today's
counters read straight from the database."""

from __future__ import annotations

import pytest
from django.core.cache import cache

#: What Firefox on Windows sends: a person, as far as the counters are concerned.
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Feed rate limits (and any page cache) start empty in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor(client):
    """A test client that looks like a person's browser navigating."""
    client.defaults.update(HTTP_USER_AGENT=BROWSER, HTTP_SEC_FETCH_MODE="navigate", REMOTE_ADDR="203.0.113.77")
    return client


def today_count(metric: str, **dimensions) -> int:
    """Sum of today's counters of ``metric`` with ``dimensions`` (Django lookups)."""
    from django.db.models import Sum
    from django.utils import timezone

    from storybank.analytics.models import DailyCount

    rows = DailyCount.objects.filter(day=timezone.localdate(), metric=metric, **dimensions)
    return rows.aggregate(total=Sum("count"))["total"] or 0
