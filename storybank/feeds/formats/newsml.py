"""IPTC NewsML-G2 2.35 (power conformance): a ``newsMessage`` whose
``itemSet`` holds one ``newsItem`` per item. Removals are news items with
``pubStatus stat:canceled``; paging information is in the header."""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from . import translation_status
from .base import LAOCAI_NS, SITE_NAME, FeedPage, Row, item_images, item_media, main_rendition, rfc3339, xml_text
from .notices import correction, correction_line, retraction
from .xmlparts import splice

CONTENT_TYPE = "application/vnd.iptc.g2.newsmessage+xml; charset=utf-8"
NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_32.xml"
#: Our controlled vocabularies, declared in every item's inline catalog.
SCHEMES = {
    "lckind": "kind", "lcpillar": "pillar", "lcplace": "place", "lcgroup": "ethnic-group", "lctopic": "topic",
    "lcrel": "relation", "lcfeed": "feed", "lcpreset": "rendition", "lctrans": "translation",
}
ITEM_CLASSES = {"image": "ninat:picture", "video": "ninat:video", "audio": "ninat:audio"}


def el(parent: etree._Element, name: str, text: Any = None, **attributes: Any) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAR}}}{name}",
                               {k: xml_text(v) for k, v in attributes.items() if v not in (None, "")})
    if text not in (None, ""):
        element.text = xml_text(text)
    return element


def catalog(item: etree._Element) -> None:
    el(item, "catalogRef", href=IPTC_CATALOG)
    declared = el(item, "catalog")
    for alias, name in SCHEMES.items():
        el(declared, "scheme", alias=alias, uri=f"{LAOCAI_NS}{name}/")


def news_item(row: Row, **attributes: Any) -> etree._Element:
    return etree.Element(
        f"{{{NAR}}}newsItem", nsmap={None: NAR}, guid=row.id, version=str(row.sequence), standard="NewsML-G2",
        standardversion="2.35", conformance="power", **attributes,
    )


def provider(meta: etree._Element) -> None:
    party = el(meta, "provider", literal="laocai-story")
    el(party, "name", SITE_NAME)


def xhtml_body(title: str, content_html: str, language: str) -> etree._Element:
    """The item's HTML as an XHTML document (NewsML-G2 carries well-formed XML)."""
    document = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    document.set(XML_LANG, language)
    head = etree.SubElement(document, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = xml_text(title)
    body = etree.SubElement(document, f"{{{XHTML}}}body")
    if content_html:
        fragment = html.fragment_fromstring(xml_text(content_html), create_parent="div")
        html.html_to_xhtml(fragment)
        body.append(fragment)
    return document


def rights(item: etree._Element, payload: dict[str, Any]) -> None:
    info = el(item, "rightsInfo")
    if payload.get("contributor"):
        holder = el(info, "copyrightHolder", literal="contributor")
        el(holder, "name", payload["contributor"])
    credits = "; ".join(payload.get("credits") or [])
    if credits:
        el(info, "copyrightNotice", credits)
    licence = payload["licence"]
    el(info, "usageTerms", licence["name"])
    if licence.get("url"):
        el(info, "link", href=licence["url"], rel="lcrel:licence")


def remote_rendition(content_set: etree._Element, rendition: dict[str, Any]) -> None:
    el(content_set, "remoteContent", href=rendition["url"], contenttype=rendition["mime_type"],
       width=rendition.get("width"), height=rendition.get("height"), rendition=f"lcpreset:{rendition['preset']}")


def present_item(row: Row) -> etree._Element:
    payload = row.payload
    language = payload["language"]
    item = news_item(row)
    item.set(XML_LANG, language)
    catalog(item)
    rights(item, payload)
    meta = el(item, "itemMeta")
    el(meta, "itemClass", qcode=ITEM_CLASSES.get(payload["kind"], "ninat:text"))
    provider(meta)
    el(meta, "versionCreated", payload.get("modified") or rfc3339(row.changed_at))
    if payload.get("published"):
        el(meta, "firstCreated", payload["published"])
    el(meta, "pubStatus", qcode="stat:usable")
    el(meta, "profile", f"laocai-story-{payload['kind']}")
    correction_meta(meta, row)
    translation_status_meta(meta, payload)
    notes_before_signals(meta)
    el(meta, "link", rel="irel:seeAlso", href=payload["url"], contenttype="text/html")
    for translation in payload.get("translations", []):
        link = el(meta, "link", rel="lcrel:translation", href=translation["url"], residref=translation["id"],
                  contenttype="text/html", title=translation["title"])
        link.set(XML_LANG, translation["language"])
    for image in item_images(payload) if payload["kind"] != "image" else []:
        main = main_rendition(image)
        if main:
            el(meta, "link", rel="lcrel:image", href=main["url"], residref=image["id"], contenttype=main["mime_type"],
               title=image.get("title"))
    for media in item_media(payload) if payload["kind"] in ("story", "product", "culture") else []:
        el(meta, "link", rel="lcrel:media", href=media["url"], residref=media["id"], contenttype=media["mime_type"],
           title=media["title"])

    content = el(item, "contentMeta")
    if payload.get("captured_at"):
        el(content, "contentCreated", payload["captured_at"])
    for place in payload.get("places", []):
        located = el(content, "located", qcode=f"lcplace:{place['id']}", type="cptype:city")
        el(located, "name", place["name"])
        details = el(located, "geoAreaDetails")
        el(details, "position", latitude=place["latitude"], longitude=place["longitude"])
    if payload.get("contributor"):
        creator = el(content, "creator", literal="contributor")
        el(creator, "name", payload["contributor"])
    translation_status_contributor(content, payload)
    el(content, "language", tag=language)
    el(content, "genre", qcode=f"lckind:{payload['kind']}")
    if payload.get("pillar"):
        subject = el(content, "subject", qcode=f"lcpillar:{payload['pillar']['id']}", type="cpnat:abstract")
        el(subject, "name", payload["pillar"]["name"])
    for group in payload.get("ethnic_groups", []):
        subject = el(content, "subject", qcode=f"lcgroup:{group['id']}", type="cpnat:abstract")
        el(subject, "name", group["name"])
    for topic in payload.get("topics", []):
        subject = el(content, "subject", qcode=f"lctopic:{topic['id']}", type="cpnat:abstract")
        el(subject, "name", topic["name"])
    el(content, "headline", payload["title"])
    if payload.get("summary"):
        el(content, "description", payload["summary"], role="drol:summary")

    content_set = el(item, "contentSet")
    if payload["kind"] == "image":
        for rendition in payload.get("renditions", []):
            remote_rendition(content_set, rendition)
    elif payload["kind"] in ("video", "audio", "document"):
        for media in item_media(payload):
            el(content_set, "remoteContent", href=media["url"], contenttype=media["mime_type"],
               size=media.get("size_in_bytes"), duration=media.get("duration_seconds"))
    else:
        inline = el(content_set, "inlineXML", contenttype="application/xhtml+xml")
        inline.append(xhtml_body(payload["title"], payload.get("content_html") or "", language))
    return item


def notes_before_signals(meta: etree._Element) -> None:
    """itemMeta lists every ``edNote`` before any ``signal`` (the schema's
    order): a corrected translation has a note and a signal of each kind."""
    signals = meta.findall(f"{{{NAR}}}signal")
    if not signals:
        return
    for note in meta.findall(f"{{{NAR}}}edNote"):
        signals[0].addprevious(note)


def translation_status_meta(meta: etree._Element, payload: dict[str, Any]) -> None:
    """A translation's status in the item's own metadata: an editorial note,
    signals (``lctrans:``), and a link to the item it was translated from."""
    status = translation_status.translation_of(payload)
    if status is None:
        return
    note = el(meta, "edNote", translation_status.note(payload))
    note.set(XML_LANG, payload["language"])
    for code in translation_status.signals(payload):
        el(meta, "signal", qcode=f"lctrans:{code}")
    if status.get("source_url"):
        link = el(meta, "link", rel="lcrel:translatedFrom", href=status["source_url"], residref=status["source_id"],
                  contenttype="text/html")
        link.set(XML_LANG, status["source_language"])


def translation_status_contributor(content: etree._Element, payload: dict[str, Any]) -> None:
    """A machine that translated the item is one of its contributors."""
    status = translation_status.translation_of(payload)
    if status is not None and status.get("method") in ("machine", "machine-reviewed"):
        machine = el(content, "contributor", role="lctrans:machine-translation")
        el(machine, "name", status.get("machine_tool") or "machine translation")


def canceled_item(row: Row) -> etree._Element:
    item = news_item(row)
    catalog(item)
    meta = el(item, "itemMeta")
    el(meta, "itemClass", qcode="ninat:text")
    provider(meta)
    el(meta, "versionCreated", rfc3339(row.changed_at))
    el(meta, "pubStatus", qcode="stat:canceled")
    el(meta, "edNote", row.reason)
    retraction_meta(meta, row)
    return item


def correction_meta(meta: etree._Element, row: Row) -> None:
    """A version published as a correction: its note for the editors
    receiving it and IPTC's correction signal (itemMeta's order: after the
    profile, before links)."""
    note = correction(row)
    if note is None:
        return
    ed_note = el(meta, "edNote", correction_line(row.payload, note))
    ed_note.set(XML_LANG, row.payload["language"])
    el(meta, "signal", qcode="sig:correction")


def retraction_meta(meta: etree._Element, row: Row) -> None:
    """A retraction's tombstone: the notice, in its language, after the reason."""
    notice = retraction(row)
    if notice is not None:
        el(meta, "edNote", notice["notice"]).set(XML_LANG, notice["language"])


def fragment(row: Row) -> str:
    element = present_item(row) if row.present else canceled_item(row)
    return etree.tostring(element, encoding="unicode")


def render(page: FeedPage) -> bytes:
    message = etree.Element(f"{{{NAR}}}newsMessage", nsmap={None: NAR})
    header = el(message, "header")
    el(header, "sent", rfc3339(page.updated))
    el(header, "catalogRef", href=IPTC_CATALOG)
    el(header, "sender", "laocai-story")
    el(header, "transmitId", f"{page.slug}:{page.mode}:{page.since if page.since is not None else 'latest'}:"
                             f"{page.next_cursor}")
    el(header, "origin", page.self_url)
    el(header, "channel", page.slug)
    el(header, "headerExtProperty", rel="lcfeed:nextCursor", value=page.next_cursor)
    el(header, "headerExtProperty", rel="lcfeed:hasMore", value="true" if page.has_more else "false")
    if page.next_url:
        el(header, "headerExtProperty", rel="lcfeed:next", value=page.next_url)
    items = el(message, "itemSet")
    return splice(message, items, page.fragments)
