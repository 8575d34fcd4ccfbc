"""Counting requests and failures in fixed time windows, shared by every app
server through the Django cache (Redis in production).

Used by the feeds' pull limits (wrong keys included) and the admin sign-in
throttle. ``client_address`` is the one place that says who a request comes
from: ``REMOTE_ADDR``, or the header a trusted proxy sets
(``CLIENT_ADDRESS_HEADER``, e.g. ``HTTP_X_REAL_IP``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "unknown")


@dataclass(frozen=True)
class Window:
    """How many events ``key`` had in the current window, and when it ends."""

    count: int
    retry_after: int  # seconds until the window ends


def _window(seconds: int) -> tuple[int, float]:
    now = time.time()
    return int(now // seconds), now


def _retry_after(index: int, seconds: int, now: float) -> int:
    return max(1, math.ceil((index + 1) * seconds - now))


def record(key: str, seconds: int) -> Window:
    """Count one event of ``key`` in the current ``seconds``-long window."""
    index, now = _window(seconds)
    cache_key = f"ratelimit:{key}:{seconds}:{index}"
    cache.add(cache_key, 0, seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, seconds + 5)
        count = 1
    return Window(count, _retry_after(index, seconds, now))


def peek(key: str, seconds: int) -> Window:
    """The current window of ``key`` without counting anything."""
    index, now = _window(seconds)
    return Window(int(cache.get(f"ratelimit:{key}:{seconds}:{index}", 0)), _retry_after(index, seconds, now))


def forget(key: str, seconds: int) -> None:
    index, _now = _window(seconds)
    cache.delete(f"ratelimit:{key}:{seconds}:{index}")
