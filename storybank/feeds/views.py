"""Pulling feeds: ``/feeds/<slug>.<format>``.

Without ``since`` a feed answers its newest items (what a feed reader
wants). With ``since=<cursor>`` it answers every change after the cursor in
sequence order, removals included as tombstones, in bounded pages with a
``next`` cursor; ``since=0`` starts a full sync. Every answer has an ETag
derived from the feed's head sequence, so a poll that finds nothing new is
a 304 costing one query.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from storybank.analytics.models import Metric
from storybank.analytics.recording import Hit, label
from storybank.governance.audit import log_export

from .access import Caller, Denied, authorize, identify, json_error, throttle
from .formats import FRAGMENTS_VERSION, FeedPage, Row, formats, fragment_field
from .items import base_url
from .models import Feed, FeedEntry

logger = logging.getLogger(__name__)


def page_size(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _parse_int(request: HttpRequest, name: str, minimum: int, maximum: int | None = None) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):  # int() would take " 5", "1_000" and "١٢٣"
        message = _("“%(name)s” must be a whole number.") % {"name": name}
        raise Denied(json_error(400, f"invalid_{name}", message))
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}–{maximum}" if maximum is not None else f"≥ {minimum}"
        message = _("“%(name)s” must be %(bounds)s.") % {"name": name, "bounds": bounds}
        raise Denied(json_error(400, f"invalid_{name}", message))
    return value


def _languages(request: HttpRequest, caller: Caller) -> list[str] | None:
    """Languages to answer: the partner's allowed ones, narrowed by ``?locale=``."""
    allowed = list(caller.partner.allowed_locales) if caller.partner and caller.partner.allowed_locales else None
    requested = [code for code in request.GET.get("locale", "").split(",") if code]
    known = {code for code, _name in settings.LANGUAGES}
    unknown = [code for code in requested if code not in known]
    if unknown:
        message = _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise Denied(json_error(400, "invalid_locale", message))
    if requested and allowed is not None:
        outside = [code for code in requested if code not in allowed]
        if outside:
            raise Denied(json_error(403, "locale_not_allowed",
                                    _("Your key does not cover: %(codes)s.") % {"codes": ", ".join(outside)}))
    return requested or allowed


def _etag(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags or etag in [tag.removeprefix("W/") for tag in tags]


def _url(base: str, **query: Any) -> str:
    query = {key: value for key, value in query.items() if value is not None}
    return f"{base}?{urlencode(query)}" if query else base


def _fragments(feed: Feed, fmt: str, fetched: list[tuple]) -> list[str]:
    """The stored fragments of ``fetched`` entries; any of an older format
    version (not yet rendered again) is rendered now from its payload."""
    stale = {key for key, _seq, _at, version, text in fetched if version != FRAGMENTS_VERSION or not text}
    rendered: dict[str, str] = {}
    if stale:
        module = formats()[fmt]
        for key, sequence, present, reason, changed_at, payload in FeedEntry.objects.filter(
            feed=feed, item_key__in=stale
        ).values_list("item_key", "sequence", "present", "reason", "changed_at", "payload"):
            rendered[key] = module.fragment(Row(key, sequence, present, reason, changed_at, payload))
    return [rendered.get(key, text) for key, _seq, _at, _version, text in fetched]


@csrf_exempt  # nothing to forge: only GET and HEAD are answered (405 as JSON otherwise)
@require_safe
def feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    renderers = formats()
    if fmt not in renderers:
        return json_error(404, "unknown_format", _("Unknown format “%(fmt)s”; use one of: %(all)s.")
                          % {"fmt": fmt, "all": ", ".join(renderers)})
    feed_obj = Feed.objects.filter(slug=slug, active=True).first()
    if feed_obj is None:
        return json_error(404, "unknown_feed", _("There is no feed “%(slug)s”.") % {"slug": slug})
    try:
        caller = identify(request)
        authorize(caller, feed_obj)
        throttle(request, caller)
        since = _parse_int(request, "since", 0)
        maximum = page_size("FEEDS_MAX_PAGE_SIZE", 1000)
        limit = _parse_int(request, "limit", 1, maximum)
        languages = _languages(request, caller)
        head = feed_obj.head_sequence
        if since is not None and since > head:
            raise Denied(json_error(400, "cursor_ahead", _("This cursor is ahead of the feed (last change %(head)s).")
                                    % {"head": head}))
    except Denied as denied:
        return denied.response

    mode = "latest" if since is None else "changes"
    if limit is None:
        limit = page_size("FEEDS_LATEST_PAGE_SIZE", 50) if mode == "latest" else page_size("FEEDS_PAGE_SIZE", 500)
    language_key = ",".join(sorted(languages)) if languages else "*"
    etag = _etag(FRAGMENTS_VERSION, feed_obj.pk, head, feed_obj.updated_at.isoformat(), fmt, mode, since, limit,
                 language_key, request.get_host())
    visibility = "public" if feed_obj.is_public else "private"
    headers = {"ETag": etag, "Vary": "Authorization", "Cache-Control": f"{visibility}, no-cache"}
    if _matches(request, etag):
        response = HttpResponseNotModified()
        for name, value in headers.items():
            response[name] = value
        return response

    entries = FeedEntry.objects.filter(feed=feed_obj)
    if languages:
        entries = entries.filter(Q(locale__in=languages) | Q(locale=""))
    if mode == "latest":
        entries = entries.filter(present=True).order_by("-sequence")
    else:
        entries = entries.filter(sequence__gt=since).order_by("sequence")
        if since == 0:  # a partner starting from nothing has nothing to delete
            entries = entries.filter(present=True)
    columns = ("item_key", "sequence", "changed_at", "fragments_version", fragment_field(fmt))
    fetched = list(entries.values_list(*columns)[: limit + 1])
    has_more = mode == "changes" and len(fetched) > limit
    fetched = fetched[:limit]
    fragments = _fragments(feed_obj, fmt, fetched)
    sequences = [values[1] for values in fetched]
    if has_more:
        next_cursor = sequences[-1]
    else:
        next_cursor = max([head, *sequences]) if mode == "changes" else head

    feed_url = request.build_absolute_uri(reverse("feeds:feed", args=(slug, fmt)))
    locale_param = request.GET.get("locale") or None
    next_url = None
    if has_more:
        next_url = _url(feed_url, since=next_cursor, limit=request.GET.get("limit"), locale=locale_param)
    updated = max((values[2] for values in fetched), default=feed_obj.updated_at)
    page = FeedPage(
        slug=feed_obj.slug, title=feed_obj.title, description=feed_obj.description, fragments=fragments, mode=mode,
        since=since, next_cursor=next_cursor, has_more=has_more, self_url=request.build_absolute_uri(),
        feed_url=feed_url, next_url=next_url, home_url=f"{base_url()}/",
        sync_url=_url(feed_url, since=0, locale=locale_param), updated=updated,
    )
    renderer = renderers[fmt]
    response = HttpResponse(renderer.render(page), content_type=renderer.CONTENT_TYPE)
    for name, value in headers.items():
        response[name] = value
    response["X-LaoCai-Next-Cursor"] = str(next_cursor)
    response["X-LaoCai-Has-More"] = "true" if has_more else "false"
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    if caller.key is not None and request.method == "GET" and request.GET.get("since") == "0":
        audit_full_sync(request, feed_obj, caller, fmt)
    return label(response, Hit(Metric.FEED_PULL, detail=feed_obj.slug))


def audit_full_sync(request: HttpRequest, feed: Feed, caller: Caller, fmt: str) -> None:
    """A partner's key took the whole feed (``since=0``): an identified export
    for the audit trail. Anonymous reads of public feeds are not."""
    try:
        log_export("feed-sync", feed.title, instance=feed, format=fmt, path=request.get_full_path(),
                   partner=f"{caller.key.partner.name} ({caller.key.prefix}…)")
    except Exception:  # the audit must never break a download
        logger.exception("Could not audit a full sync of feed %s", feed.slug)


@csrf_exempt
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The feeds the caller may read, with the address of every format."""
    try:
        caller = identify(request)
        throttle(request, caller)
    except Denied as denied:
        return denied.response
    feeds = Feed.objects.filter(active=True)
    if caller.partner is not None and caller.partner.active:
        feeds = feeds.filter(Q(is_public=True) | Q(readers=caller.partner)).distinct()
    else:
        feeds = feeds.filter(is_public=True)
    listing = [
        {
            "slug": item.slug, "title": item.title, "description": item.description, "public": item.is_public,
            "formats": {
                fmt: request.build_absolute_uri(reverse("feeds:feed", args=(item.slug, fmt))) for fmt in formats()
            },
        }
        for item in feeds.order_by("slug")
    ]
    partner = caller.partner.name if caller.partner else None
    return JsonResponse({"partner": partner, "feeds": listing}, json_dumps_params={"ensure_ascii": False})
