"""Language handling for a site whose pages are language-prefixed but whose
machine endpoints (API, feeds, press downloads, admin) are not; JSON errors
on machine endpoints; the security policy headers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import gettext as _


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
                self._unprefixed = unprefixed_url_prefixes() + tuple(settings.MACHINE_URL_PREFIXES)
            if request.path_info.startswith(self._unprefixed):
                response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
                return response
        return super().process_response(request, response)


class MachineErrorsMiddleware:
    """Errors on machine URLs (``MACHINE_URL_PREFIXES``: the API and the
    feeds) are JSON, whatever produced them: an unknown address, a method the
    view does not answer, a server error. Views' own JSON errors pass as
    they are."""

    def __init__(self, get_response):  # noqa: ANN001 (Django middleware signature)
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(tuple(settings.MACHINE_URL_PREFIXES)):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return json_error_for(response)


def json_error_for(response: HttpResponse) -> JsonResponse:
    status = response.status_code
    code, message = {
        400: ("bad_request", _("The request is not valid.")),
        403: ("forbidden", _("You may not do this here.")),
        404: ("not_found", _("There is nothing at this address.")),
        405: ("method_not_allowed", _("This address answers %(methods)s only.")
              % {"methods": response.get("Allow", "GET, HEAD")}),
    }.get(status, ("server_error" if status >= 500 else "error",
                   _("Something went wrong on our side. Please try again later.") if status >= 500
                   else str(response.reason_phrase)))
    converted = JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status,
                             json_dumps_params={"ensure_ascii": False})
    for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language"):
        if header in response:
            converted[header] = response[header]
    return converted


class SecurityPolicyMiddleware:
    """``Content-Security-Policy`` and ``Permissions-Policy`` on every
    response when ``SECURITY_POLICY_HEADERS`` is on (production). The
    content policy is the public site's; the Wagtail admin, which needs
    inline scripts, is left without it. A response that set its own policy
    (documents: ``sandbox``) keeps it."""

    def __init__(self, get_response):  # noqa: ANN001 (Django middleware signature)
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(settings, "SECURITY_POLICY_HEADERS", False):
            return response
        if not request.path_info.startswith(settings.SECURITY_POLICY_EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
