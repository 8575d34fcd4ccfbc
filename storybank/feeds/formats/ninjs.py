"""IPTC ninjs 2.2 (News in JSON). A page of the feed is an envelope
``{"feed": {...}, "items": [ninjs, ...]}``; each item validates against the
ninjs 2.2 schema. Removals are items with ``pubstatus: canceled``."""

from __future__ import annotations

from typing import Any

from . import translation_status
from .base import LAOCAI_NS, FeedPage, Row, item_images, item_media, json_document, json_fragment, rfc3339
from .notices import IPTC_CORRECTION_SIGNAL, correction, correction_label, correction_line, retraction

CONTENT_TYPE = "application/json; charset=utf-8"
STANDARD = {"name": "ninjs", "version": "2.2", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"}
NINJS_TYPES = {"image": "picture", "video": "video", "audio": "audio", "document": "text"}


def rights(target: dict[str, Any], licence: dict[str, Any], credit_line: str) -> None:
    target["usageterms"] = licence["name"]
    if credit_line:
        target["copyrightnotice"] = credit_line
    if licence.get("url"):
        target["rightsinfo"] = {"linkedrights": licence["url"]}


def image_renditions(image: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": r["preset"], "href": r["url"], "contenttype": r["mime_type"],
         "width": r["width"], "height": r["height"]}
        for r in image.get("renditions") or []
    ]


def picture(name: str, image: dict[str, Any]) -> dict[str, Any]:
    association: dict[str, Any] = {
        "name": name, "uri": image["id"], "type": "picture",
        "headlines": [{"value": image.get("title") or image["id"]}],
        "renditions": image_renditions(image),
    }
    if image.get("caption"):
        association["descriptions"] = [{"role": "caption", "contenttype": "text/plain", "value": image["caption"]}]
    if image.get("credit"):
        association["by"] = image["credit"]
    rights(association, image["licence"], image.get("credit_line", ""))
    return association


def media_rendition(media: dict[str, Any]) -> dict[str, Any]:
    rendition: dict[str, Any] = {"name": "original", "href": media["url"], "contenttype": media["mime_type"]}
    if media.get("size_in_bytes") is not None:
        rendition["sizeinbytes"] = media["size_in_bytes"]
    if media.get("duration_seconds"):
        rendition["duration"] = media["duration_seconds"]
    return rendition


def item(row: Row) -> dict[str, Any]:
    if not row.present:
        canceled = {
            "uri": row.id, "standard": STANDARD, "version": str(row.sequence),
            "versioncreated": rfc3339(row.changed_at), "pubstatus": "canceled", "ednote": row.reason,
        }
        return {**canceled, **retraction_fields(row)}
    payload = row.payload
    kind = payload["kind"]
    data: dict[str, Any] = {
        "uri": row.id,
        "standard": STANDARD,
        "type": NINJS_TYPES.get(kind, "text"),
        "profile": f"laocai-story-{kind}",
        "version": str(row.sequence),
        "versioncreated": payload.get("modified") or rfc3339(row.changed_at),
        "pubstatus": "usable",
        "language": payload["language"],
        "headlines": [{"value": payload["title"]}],
        "altids": [
            {"role": "canonical-url", "value": payload["url"]},
            {"role": "feed-sequence", "value": str(row.sequence)},
        ],
        "genres": [{"name": kind, "literal": kind, "uri": f"{LAOCAI_NS}kind/{kind}"}],
    }
    if payload.get("published"):
        data["firstcreated"] = payload["published"]
    if payload.get("summary"):
        data["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": payload["summary"]}]
    if payload.get("content_html"):
        data["bodies"] = [{"role": "main", "contenttype": "text/html", "value": payload["content_html"]}]
    if payload.get("contributor"):
        data["by"] = payload["contributor"]
        data["copyrightholder"] = payload["contributor"]
    rights(data, payload["licence"], "; ".join(payload.get("credits", [])))
    places = payload.get("places") or []
    if places:
        data["located"] = places[0]["name"]
        data["places"] = [
            {"name": p["name"], "rel": "about", "literal": p["id"], "uri": f"geo:{p['latitude']},{p['longitude']}"}
            for p in places
        ]
    subjects = []
    if payload.get("pillar"):
        pillar = payload["pillar"]
        subjects.append({"name": pillar["name"], "rel": "pillar", "literal": pillar["id"],
                         "uri": f"{LAOCAI_NS}pillar/{pillar['id']}"})
    for rel, terms in (("ethnic-group", payload.get("ethnic_groups", [])), ("topic", payload.get("topics", []))):
        subjects += [{"name": t["name"], "rel": rel, "literal": t["id"], "uri": f"{LAOCAI_NS}{rel}/{t['id']}"}
                     for t in terms]
    if subjects:
        data["subjects"] = subjects
    associations = []
    if kind == "image":
        data["renditions"] = image_renditions(payload)
    elif kind in ("video", "audio", "document"):
        data["renditions"] = [media_rendition(m) for m in item_media(payload)]
        if payload.get("poster"):
            associations.append(picture("poster", payload["poster"]))
    else:
        associations += [picture(f"image-{n}", image) for n, image in enumerate(item_images(payload), 1)]
        for n, media in enumerate(item_media(payload), 1):
            association = {"name": f"{media['kind']}-{n}", "uri": media["id"], "type": NINJS_TYPES[media["kind"]],
                           "headlines": [{"value": media["title"]}], "renditions": [media_rendition(media)]}
            rights(association, media["licence"], media.get("credit_line", ""))
            associations.append(association)
    translation_status_fields(data, payload)
    for translation in payload.get("translations", []):
        associations.append({
            "name": f"translation-{translation['language']}", "uri": translation["id"], "type": "text",
            "language": translation["language"], "headlines": [{"value": translation["title"]}],
            "altids": [{"role": "canonical-url", "value": translation["url"]}],
        })
    if associations:
        data["associations"] = associations
        if data["type"] == "text":
            data["type"] = "composite"
    correction_notice = correction_fields(row)
    if "ednote" in correction_notice and data.get("ednote"):  # a corrected translation: both notes, correction first
        correction_notice["ednote"] = f"{correction_notice['ednote']}\n{data['ednote']}"
    data.update(correction_notice)
    return data


def correction_fields(row: Row) -> dict[str, Any]:
    """A version published as a correction: the note as ``ednote`` and the
    IPTC correction signal as a trust indicator pointing at the corrections
    under the text (ninjs 2.2 has no signal of its own)."""
    note = correction(row)
    if note is None:
        return {}
    payload = row.payload
    return {
        "ednote": correction_line(payload, note),
        "trustindicators": [{"role": IPTC_CORRECTION_SIGNAL, "title": correction_label(payload["language"]),
                             "href": f"{payload['url']}#corrections"}],
    }


def retraction_fields(row: Row) -> dict[str, Any]:
    """A retraction's tombstone: the notice as ``ednote``, in its language."""
    notice = retraction(row)
    if notice is None:
        return {}
    return {"ednote": notice["notice"], "language": notice["language"]}


def translation_status_fields(data: dict[str, Any], payload: dict[str, Any]) -> None:
    """A translation's status in ninjs's own fields: an editorial note, the
    source item as an info source (and alternative id), the machine as one."""
    status = translation_status.translation_of(payload)
    if status is None:
        return
    data["ednote"] = translation_status.note(payload)
    sources: list[dict[str, Any]] = []
    if status.get("source_id"):  # empty when the source may not leave the office
        sources.append({"name": f"{payload['title']} ({status['source_language']})",
                        "role": f"{LAOCAI_NS}role/translated-from", "literal": status["source_id"],
                        **({"uri": status["source_url"]} if status.get("source_url") else {})})
        data["altids"].append({"role": "translation-of", "value": status["source_id"]})
    if status.get("method") in ("machine", "machine-reviewed"):
        sources.append({"name": status.get("machine_tool") or "machine translation",
                        "role": f"{LAOCAI_NS}role/machine-translation"})
    if sources:
        data["infosources"] = sources
    data["altids"] += [{"role": "translation-status", "value": code} for code in translation_status.signals(payload)]


def fragment(row: Row) -> str:
    return json_fragment(item(row))


def render(page: FeedPage) -> bytes:
    header = {
        "feed": {
            "slug": page.slug, "title": page.title, "self": page.self_url, "next": page.next_url,
            "mode": page.mode, "since": page.since, "next_cursor": page.next_cursor, "has_more": page.has_more,
            "sync_url": page.sync_url,
        },
    }
    return json_document(header, page.fragments)
