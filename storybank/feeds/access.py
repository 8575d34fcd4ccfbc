"""Who may pull a feed, and how often.

Public feeds need no key; the others need ``Authorization: Bearer <key>``.
A key that is sent must be valid even for a public feed (a partner with a
broken key should find out). Rate limits count requests per partner (or per
client address without a key) in one-minute windows in the Django cache,
which is Redis in production, so every app server shares the count.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from .models import ApiKey, Feed, Partner

WINDOW_SECONDS = 60


def json_error(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@dataclass
class Caller:
    key: ApiKey | None

    @property
    def partner(self) -> Partner | None:
        return self.key.partner if self.key else None


class Denied(Exception):
    def __init__(self, response: JsonResponse) -> None:
        self.response = response


def identify(request: HttpRequest) -> Caller:
    """The caller's key, if any. Raises ``Denied`` (401) for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return Caller(None)
    scheme, _space, token = header.partition(" ")
    challenge = 'Bearer realm="feeds", error="invalid_token"'
    if scheme.lower() != "bearer" or not token.strip():
        raise Denied(json_error(401, "invalid_authorization", _("Send the key as “Authorization: Bearer <key>”."),
                                WWW_Authenticate=challenge))
    key = ApiKey.authenticate(token.strip())
    if key is None:
        raise Denied(json_error(401, "invalid_key", _("This API key is unknown or has been revoked."),
                                WWW_Authenticate=challenge))
    key.touch()
    return Caller(key)


def authorize(caller: Caller, feed: Feed) -> None:
    """Raises ``Denied`` unless the caller may read ``feed``."""
    if caller.partner is not None and not caller.partner.active:
        raise Denied(json_error(403, "partner_inactive", _("This partner's access is suspended.")))
    if feed.is_public:
        return
    if caller.key is None:
        raise Denied(json_error(401, "key_required", _("This feed needs an API key: “Authorization: Bearer <key>”."),
                                WWW_Authenticate='Bearer realm="feeds"'))
    if not feed.readers.filter(pk=caller.partner.pk).exists():
        raise Denied(json_error(403, "not_allowed", _("Your key does not give access to this feed.")))


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def throttle(request: HttpRequest, caller: Caller) -> None:
    """Raises ``Denied`` (429 with ``Retry-After``) over the caller's limit."""
    if caller.partner is not None:
        identity, limit = f"partner:{caller.partner.pk}", caller.partner.requests_per_minute
    else:
        identity = f"ip:{client_address(request)}"
        limit = int(getattr(settings, "FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE", 60))
    if limit <= 0:
        return
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    cache_key = f"feeds:rate:{identity}:{window}"
    cache.add(cache_key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise Denied(json_error(429, "rate_limited",
                                _("Too many requests: at most %(limit)s a minute.") % {"limit": limit},
                                Retry_After=str(retry_after)))
