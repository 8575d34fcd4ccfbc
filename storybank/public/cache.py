"""The public page cache.

Whole responses (status, headers, body) of anonymous GET requests to the
public pages are kept in Django's cache (Redis when ``REDIS_URL`` is set) under
a key made of the page cache generation, the local date, the host and the full
path. :func:`invalidate` writes a new generation in the changing transaction,
so every app server stops serving old pages as soon as the change commits.

The middleware sits below every middleware that must see cached pages
(``MIDDLEWARE`` says why each sits where it does): those listed before it
(analytics, security headers, language, sessions) still see every request
and every response, hits included, and a hit replays the headers the view
and the middleware after it had set. Only the export audit comes after it,
and exports are never cached.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from storybank.public.models import PageCacheGeneration

GENERATION_PK = 1
CACHE_HEADER = "X-Page-Cache"
#: Response headers that make a response personal: such responses are never stored.
PERSONAL_HEADERS = ("Set-Cookie",)


def current_generation() -> str:
    """The generation in force (one primary-key read)."""
    value = PageCacheGeneration.objects.filter(pk=GENERATION_PK).values_list("value", flat=True).first()
    return value or "initial"


def invalidate() -> str:
    """Make every cached page stale (call inside the changing transaction)."""
    value = uuid.uuid4().hex
    PageCacheGeneration.objects.update_or_create(pk=GENERATION_PK, defaults={"value": value})
    return value


def language_prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


class PageCacheMiddleware:
    """Serve anonymous visitors' public pages from the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = language_prefixes() + tuple(settings.PUBLIC_PAGE_CACHE_EXTRA_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            return self.get_response(request)
        try:
            key = self.key(request)
        except DatabaseError:  # no generation table yet (e.g. before migrate): serve uncached
            return self.get_response(request)
        store = caches[settings.PUBLIC_PAGE_CACHE_ALIAS]
        stored = store.get(key)
        if stored is not None:
            return self.replay(stored)
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            store.set(key, self.freeze(response), self.timeout(request))
            response[CACHE_HEADER] = "miss"
        return response

    # --- what may be cached ---------------------------------------------------
    def cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.PUBLIC_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        if not request.path.startswith(self.prefixes):
            return False
        # Editors (and anyone with a session or a CSRF-protected form open) always get a fresh page.
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies:
            return False
        return not getattr(request, "is_preview", False)

    @staticmethod
    def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or getattr(request, "is_preview", False):
            return False
        if any(header in response for header in PERSONAL_HEADERS) or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        return "cookie" not in response.get("Vary", "").lower()

    def timeout(self, request: HttpRequest) -> int:
        search_path = settings.PUBLIC_SEARCH_PATH_SUFFIX
        if any(request.path == prefix + search_path for prefix in language_prefixes()):
            return settings.PUBLIC_SEARCH_CACHE_SECONDS
        return settings.PUBLIC_PAGE_CACHE_SECONDS

    @staticmethod
    def key(request: HttpRequest) -> str:
        # The local date: an asset whose rights end today leaves every page at midnight.
        address = f"{request.method}|{request.get_host()}|{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"public-page:{current_generation()}:{timezone.localdate().isoformat()}:{digest}"

    # --- storing and replaying ----------------------------------------------------
    @staticmethod
    def freeze(response: HttpResponse) -> dict[str, Any]:
        return {
            "status": response.status_code,
            "headers": [(name, value) for name, value in response.items() if name != CACHE_HEADER],
            "content": response.content,
        }

    @staticmethod
    def replay(stored: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        response[CACHE_HEADER] = "hit"
        return response
