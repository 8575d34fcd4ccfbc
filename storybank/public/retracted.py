"""A retracted page's address answers 410 Gone with its notice, in the
page's language, instead of a bare 404: readers following an old link or a
partner's copy learn the item was withdrawn on purpose, and search engines
drop it for good."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from storybank.governance.retractions import notice_at

from .views import view_meta


class RetractedPageMiddleware:
    """Turns the 404 of a retracted page's address into a 410 with its notice.
    It sits above Wagtail's redirects, so a redirect an editor sets up for
    the address wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        notice = notice_at(request.path)
        if notice is None:
            return response
        with translation.override(notice.language):
            context = {
                "notice": notice,
                "retracted_at": notice.retraction.decided_at,
                "meta": view_meta(request, _("This item has been retracted"), notice.text, noindex=True),
            }
            gone = render(request, "public/retracted.html", context, status=410)
        gone["Content-Language"] = notice.language
        return gone
