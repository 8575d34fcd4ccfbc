"""RSS 2.0 with Media RSS, GeoRSS, ``content:encoded`` and RFC 6721 tombstones."""

from __future__ import annotations

from lxml import etree

from . import xmlparts
from .base import LAOCAI_NS, SITE_NAME, FeedPage, Row, categories, item_media, parse_iso, rfc822
from .notices import summary_with_correction
from .xmlparts import (
    ATOM,
    CONTENT,
    DC,
    GEORSS,
    LC,
    MEDIA,
    TOMBSTONES,
    corrections,
    laocai_fields,
    media_content,
    q,
    sub,
)

CONTENT_TYPE = "application/rss+xml; charset=utf-8"
NSMAP = {"atom": ATOM, "media": MEDIA, "georss": GEORSS, "at": TOMBSTONES, "lc": LC, "dc": DC, "content": CONTENT}


def item(channel: etree._Element, row: Row) -> None:
    payload = row.payload
    element = sub(channel, "item")
    sub(element, "title", payload["title"])
    sub(element, "link", payload["url"])
    sub(element, "description", summary_with_correction(row) or payload["title"])
    sub(element, q(CONTENT, "encoded"), payload.get("content_html") or "")
    sub(element, "guid", row.id, isPermaLink="false")
    sub(element, "pubDate", rfc822(parse_iso(payload.get("published"), row.changed_at)))
    for scheme, term, label in categories(payload):
        sub(element, "category", label, domain=f"{LAOCAI_NS}{scheme}/{term}")
    corrections(element, row)
    sub(element, q(DC, "language"), payload["language"])
    sub(element, q(DC, "creator"), payload.get("contributor") or SITE_NAME)
    sub(element, q(DC, "rights"), payload["licence"]["name"])
    for translation in payload.get("translations", []):
        sub(element, q(ATOM, "link"), rel="alternate", type="text/html", hreflang=translation["language"],
            href=translation["url"], title=translation["title"])
    media = [m for m in item_media(payload) if m.get("size_in_bytes")]
    if media:  # RSS allows one enclosure per item
        sub(element, "enclosure", url=media[0]["url"], length=media[0]["size_in_bytes"], type=media[0]["mime_type"])
    laocai_fields(element, row)
    media_content(element, payload)


def fragment(row: Row) -> str:
    return xmlparts.fragment("rss", NSMAP, item, row)


def render(page: FeedPage) -> bytes:
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = sub(rss, "channel")
    sub(channel, "title", page.title)
    sub(channel, "link", page.home_url)
    sub(channel, "description", page.description or page.title)
    sub(channel, "lastBuildDate", rfc822(page.updated))
    sub(channel, "generator", SITE_NAME)
    sub(channel, q(ATOM, "link"), rel="self", type="application/rss+xml", href=page.self_url)
    xmlparts.paging(channel, page, "application/rss+xml")
    return xmlparts.splice(rss, channel, page.fragments)
