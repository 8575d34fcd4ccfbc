"""Who may pull a feed, and how often.

Public feeds need no key; the others need ``Authorization: Bearer <key>``.
A key that is sent must be valid even for a public feed (a partner with a
broken key should find out), and a wrong key counts toward its address's
limit. Rate limits count requests per partner (or per client address
without a key) in one-minute windows (``storybank.core.ratelimit``, in the
Django cache, which is Redis in production, so every app server shares the
count).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from storybank.core import ratelimit
from storybank.core.ratelimit import client_address

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
        throttle(request, Caller(None))
        raise Denied(json_error(401, "invalid_authorization", _("Send the key as “Authorization: Bearer <key>”."),
                                WWW_Authenticate=challenge))
    key = ApiKey.authenticate(token.strip())
    if key is None:
        # A wrong key counts toward the address's limit, so keys cannot be guessed at leisure.
        throttle(request, Caller(None))
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


def throttle(request: HttpRequest, caller: Caller) -> None:
    """Raises ``Denied`` (429 with ``Retry-After``) over the caller's limit."""
    if caller.partner is not None:
        identity, limit = f"partner:{caller.partner.pk}", caller.partner.requests_per_minute
    else:
        identity = f"ip:{client_address(request)}"
        limit = int(getattr(settings, "FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE", 60))
    if limit <= 0:
        return
    window = ratelimit.record(f"feeds:{identity}", WINDOW_SECONDS)
    if window.count > limit:
        raise Denied(json_error(429, "rate_limited",
                                _("Too many requests: at most %(limit)s a minute.") % {"limit": limit},
                                Retry_After=str(window.retry_after)))
