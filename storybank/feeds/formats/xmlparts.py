"""Elements Atom and RSS share: Media RSS, GeoRSS, our own fields and
RFC 6721 tombstones."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .base import LAOCAI_NS, Row, item_images, item_media, main_rendition, rfc3339, thumbnail, xml_text
from .notices import CHANGE_SCHEME, correction, correction_label, retraction

ATOM = "http://www.w3.org/2005/Atom"
MEDIA = "http://search.yahoo.com/mrss/"
GEORSS = "http://www.georss.org/georss"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
LC = LAOCAI_NS
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def sub(parent: etree._Element, tag: str, text: Any = None, **attributes: Any) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items() if v not in (None, "")})
    if text not in (None, ""):
        element.text = xml_text(text)
    return element


def media_content(parent: etree._Element, payload: dict[str, Any]) -> None:
    """``media:content`` for every image (with thumbnail, credit and licence)
    and every video, audio or document of the item."""
    for image in item_images(payload):
        main = main_rendition(image)
        if not main:
            continue
        content = sub(parent, q(MEDIA, "content"), url=main["url"], type=main["mime_type"], medium="image",
                      width=main["width"], height=main["height"])
        sub(content, q(MEDIA, "title"), image.get("title"), type="plain")
        if image.get("caption"):
            sub(content, q(MEDIA, "description"), image["caption"], type="plain")
        if thumb := thumbnail(image):
            sub(content, q(MEDIA, "thumbnail"), url=thumb["url"], width=thumb["width"], height=thumb["height"])
        credit(content, image)
    for media in item_media(payload):
        medium = {"video": "video", "audio": "audio"}.get(media["kind"], "document")
        content = sub(parent, q(MEDIA, "content"), url=media["url"], type=media["mime_type"], medium=medium,
                      fileSize=media.get("size_in_bytes"), duration=media.get("duration_seconds"))
        sub(content, q(MEDIA, "title"), media["title"], type="plain")
        if media.get("caption"):
            sub(content, q(MEDIA, "description"), media["caption"], type="plain")
        credit(content, media)


def credit(parent: etree._Element, asset: dict[str, Any]) -> None:
    if asset.get("credit"):
        sub(parent, q(MEDIA, "credit"), asset["credit"])
    if asset.get("credit_line"):
        sub(parent, q(MEDIA, "copyright"), asset["credit_line"])
    licence = asset.get("licence")
    if licence:
        sub(parent, q(MEDIA, "license"), licence["name"], type="text/html", href=licence["url"])


def laocai_fields(parent: etree._Element, row: Row) -> None:
    """Our fields that no standard element carries."""
    payload = row.payload
    sub(parent, q(LC, "sequence"), row.sequence)
    sub(parent, q(LC, "kind"), payload["kind"])
    for place in payload.get("places", []):
        sub(parent, q(LC, "place"), place["name"], id=place["id"], latitude=place["latitude"],
            longitude=place["longitude"])
    for group in payload.get("ethnic_groups", []):
        sub(parent, q(LC, "ethnicGroup"), group["name"], id=group["id"])
    for translation in payload.get("translations", []):
        sub(parent, q(LC, "translation"), translation["title"], ref=translation["id"], hreflang=translation["language"],
            href=translation["url"])
    licence = payload["licence"]
    sub(parent, q(LC, "licence"), licence["name"], id=licence["id"], href=licence["url"])
    for line in payload.get("credits", []):
        sub(parent, q(LC, "credit"), line)
    places = payload.get("places") or []
    if places:
        sub(parent, q(GEORSS, "point"), f"{places[0]['latitude']} {places[0]['longitude']}")


def tombstone(parent: etree._Element, row: Row) -> None:
    """RFC 6721 ``at:deleted-entry`` with the reason and our sequence."""
    deleted = sub(parent, q(TOMBSTONES, "deleted-entry"), ref=row.id, when=rfc3339(row.changed_at))
    sub(deleted, q(TOMBSTONES, "comment"), row.reason)
    sub(deleted, q(LC, "sequence"), row.sequence)
    retraction_notice(deleted, row)


def retraction_notice(deleted: etree._Element, row: Row) -> None:
    """``lc:notice``: what partners must show for a retracted item, in its language."""
    notice = retraction(row)
    if notice is not None:
        element = sub(deleted, q(LC, "notice"), notice["notice"], retractedAt=notice["retracted_at"])
        element.set(XML_LANG, notice["language"])


def corrections(parent: etree._Element, row: Row) -> None:
    """A version published as a correction: a ``category`` of the change
    scheme and ``lc:correction`` elements for every correction of the item
    (the one of this version marked ``current``)."""
    current = correction(row)
    if current is not None:
        label = correction_label(row.payload["language"])
        if parent.tag == q(ATOM, "entry"):
            sub(parent, q(ATOM, "category"), term="correction", scheme=CHANGE_SCHEME, label=label)
        else:
            sub(parent, "category", label, domain=f"{CHANGE_SCHEME}/correction")
    for note in row.payload.get("corrections") or []:
        sub(parent, q(LC, "correction"), note["note"], id=note["id"], date=note["date"],
            current="true" if current and current["id"] == note["id"] else None)


def paging(parent: etree._Element, page: Any, mime: str) -> None:
    """The ``next`` link and our cursor fields."""
    if page.next_url:
        sub(parent, q(ATOM, "link"), rel="next", type=mime, href=page.next_url)
    sub(parent, q(LC, "mode"), page.mode)
    sub(parent, q(LC, "nextCursor"), page.next_cursor)
    sub(parent, q(LC, "hasMore"), "true" if page.has_more else "false")


def fragment(root_tag: str, nsmap: dict[str | None, str], present: Any, row: Row) -> str:
    """One item (``present(parent, row)``) or its tombstone, serialised on its
    own with its namespace declarations, ready to be spliced into a document."""
    holder = etree.Element(root_tag, nsmap=nsmap)
    if row.present:
        present(holder, row)
    else:
        tombstone(holder, row)
    return etree.tostring(holder[0], encoding="unicode")


_MARKER = "laocai-items"


def splice(root: etree._Element, parent: etree._Element, fragments: list[str]) -> bytes:
    """``root`` serialised with ``fragments`` as the last children of ``parent``."""
    parent.append(etree.Comment(_MARKER))
    text = etree.tostring(root, encoding="unicode")
    document = text.replace(f"<!--{_MARKER}-->", "".join(fragments), 1)
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + document).encode()
