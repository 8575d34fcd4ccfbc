"""Atom 1.0 (RFC 4287) with Media RSS, GeoRSS, RFC 5005 paging and RFC 6721 tombstones."""

from __future__ import annotations

from lxml import etree

from . import xmlparts
from .base import LAOCAI_NS, SITE_NAME, FeedPage, Row, categories, parse_iso, rfc3339
from .notices import summary_with_correction
from .xmlparts import ATOM, GEORSS, LC, MEDIA, TOMBSTONES, corrections, laocai_fields, media_content, q, sub

CONTENT_TYPE = "application/atom+xml; charset=utf-8"
NSMAP = {None: ATOM, "media": MEDIA, "georss": GEORSS, "at": TOMBSTONES, "lc": LC}


def entry(feed: etree._Element, row: Row) -> None:
    payload = row.payload
    element = sub(feed, q(ATOM, "entry"))
    element.set("{http://www.w3.org/XML/1998/namespace}lang", payload["language"])
    sub(element, q(ATOM, "id"), row.id)
    sub(element, q(ATOM, "title"), payload["title"], type="text")
    sub(element, q(ATOM, "updated"), rfc3339(parse_iso(payload.get("modified"), row.changed_at)))
    if payload.get("published"):
        sub(element, q(ATOM, "published"), rfc3339(parse_iso(payload["published"], row.changed_at)))
    author = sub(element, q(ATOM, "author"))
    sub(author, q(ATOM, "name"), payload.get("contributor") or SITE_NAME)
    sub(element, q(ATOM, "link"), rel="alternate", type="text/html", hreflang=payload["language"], href=payload["url"])
    for translation in payload.get("translations", []):
        sub(element, q(ATOM, "link"), rel="alternate", type="text/html", hreflang=translation["language"],
            href=translation["url"], title=translation["title"])
    for scheme, term, label in categories(payload):
        sub(element, q(ATOM, "category"), term=term, scheme=f"{LAOCAI_NS}{scheme}", label=label)
    corrections(element, row)
    if summary := summary_with_correction(row):
        sub(element, q(ATOM, "summary"), summary, type="text")
    sub(element, q(ATOM, "content"), payload.get("content_html") or "", type="html")
    licence = payload["licence"]
    sub(element, q(ATOM, "rights"), " — ".join(filter(None, [licence["name"], licence["url"]])), type="text")
    laocai_fields(element, row)
    media_content(element, payload)


def fragment(row: Row) -> str:
    return xmlparts.fragment(q(ATOM, "feed"), NSMAP, entry, row)


def render(page: FeedPage) -> bytes:
    feed = etree.Element(q(ATOM, "feed"), nsmap=NSMAP)
    sub(feed, q(ATOM, "id"), f"urn:laocai-story:feed:{page.slug}")
    sub(feed, q(ATOM, "title"), page.title, type="text")
    if page.description:
        sub(feed, q(ATOM, "subtitle"), page.description, type="text")
    sub(feed, q(ATOM, "updated"), rfc3339(page.updated))
    author = sub(feed, q(ATOM, "author"))
    sub(author, q(ATOM, "name"), SITE_NAME)
    sub(author, q(ATOM, "uri"), page.home_url)
    sub(feed, q(ATOM, "link"), rel="self", type="application/atom+xml", href=page.self_url)
    sub(feed, q(ATOM, "link"), rel="alternate", type="text/html", href=page.home_url)
    sub(feed, q(ATOM, "generator"), SITE_NAME)
    xmlparts.paging(feed, page, "application/atom+xml")
    return xmlparts.splice(feed, feed, page.fragments)
