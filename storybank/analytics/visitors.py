"""Which requests are people: the rules that keep bots, prefetches and the
editorial office out of the public's figures.

Decided from the request alone (method, a few headers, whether the user is
signed in to the admin); nothing about the visitor is stored.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

#: Words that only automated clients put in their User-Agent: crawlers, link
#: previews, monitors, headless browsers, HTTP libraries and command-line tools.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|scrap|archiv|fetch|preview|monitor|uptime|pingdom|statuscake|"
    r"lighthouse|pagespeed|gtmetrix|headless|phantomjs|selenium|puppeteer|playwright|webdriver|"
    r"python|curl|wget|httpclient|http-client|okhttp|java/|go-http|libwww|axios|node|ruby|perl|php/|"
    r"facebookexternalhit|whatsapp|embedly|quora link|validator|feed|rss|scan|probe|check|"
    r"yandex|baidu|bingpreview|google-|mediapartners|adsbot|apis-google|petal|semrush|ahrefs|mj12|dotbot",
    re.IGNORECASE,
)

#: Browsers announce speculative loads (prefetch, prerender, Safari's preview)
#: in one of these headers; such a load is not (yet) a visit.
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def is_bot(user_agent: str) -> bool:
    """Every browser a person uses sends a User-Agent starting with
    ``Mozilla/`` (or ``Opera/``); anything else, or one naming a robot, is not a person."""
    user_agent = user_agent.strip()
    if not user_agent.startswith(("Mozilla/", "Opera/")):
        return True
    return bool(BOT_USER_AGENT.search(user_agent))


def is_prefetch(request: HttpRequest) -> bool:
    for header in PREFETCH_HEADERS:
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    return False


def is_editorial_staff(request: HttpRequest) -> bool:
    """Someone signed in to the admin looking at their own site."""
    user: Any = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def is_person(request: HttpRequest, *, navigation: bool) -> bool:
    """Should this request count as a member of the public?

    ``navigation``: a page view must be a top-level navigation (browsers send
    ``Sec-Fetch-Mode: navigate``); a script fetching the page is not a view.
    """
    if request.method != "GET":  # HEAD is a check, not a visit
        return False
    if is_bot(request.headers.get("User-Agent", "")) or is_prefetch(request):
        return False
    if navigation and request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return False
    return not is_editorial_staff(request)
