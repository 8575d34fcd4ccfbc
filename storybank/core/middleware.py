"""Language handling for a site whose pages are language-prefixed but whose
machine endpoints (API, feeds, press downloads, admin) are not."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern


def unprefixed_url_prefixes(urlconf: str | None = None) -> tuple[str, ...]:
    """Paths of the root URLconf's patterns that live outside the language
    prefix, e.g. ``("/admin/", "/api/v1/", "/feeds/", "/press/", …)``."""
    prefixes = []
    for pattern in get_resolver(urlconf or settings.ROOT_URLCONF).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            continue
        route = str(pattern.pattern)
        if route and not route.startswith("^"):
            prefixes.append("/" + route)
    return tuple(prefixes)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's ``LocaleMiddleware``, except that a 404 under a machine
    endpoint stays a 404.

    Django answers any 404 outside ``/vi/…`` with a redirect to
    ``/<language>/<same path>`` whenever that path resolves, and Wagtail's
    catch-all page pattern resolves every path. A partner asking
    ``/feeds/unknown.json`` or ``/press/images/999/web/`` would get a 302 to a
    page instead of a 404 (or a JSON error).
    """

    def __init__(self, get_response):  # noqa: ANN001 (Django middleware signature)
        super().__init__(get_response)
        self._unprefixed: tuple[str, ...] | None = None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 404 and getattr(request, "urlconf", None) is None:
            if self._unprefixed is None:
                self._unprefixed = unprefixed_url_prefixes()
            if request.path_info.startswith(self._unprefixed):
                response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
                return response
        return super().process_response(request, response)
