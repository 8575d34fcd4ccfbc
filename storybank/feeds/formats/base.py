"""What every pull format shares: the entry and page they render, and helpers
that read an item's payload and write dates and text."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

from ..items import item_id

#: Bump when the output of any format changes: stored fragments are then
#: rendered again (``reconcile_feeds``) and ETags change.
FRAGMENTS_VERSION = 1

#: Namespace of our own elements and category schemes in the XML formats.
LAOCAI_NS = "https://laocai-story.vn/ns/feeds/1.0/"
SITE_NAME = "Câu chuyện Lào Cai"


@dataclass
class Row:
    """One feed entry as a format sees it."""

    key: str
    sequence: int
    present: bool
    reason: str
    changed_at: datetime.datetime
    payload: dict[str, Any] | None

    @property
    def id(self) -> str:
        return item_id(self.key)


@dataclass
class FeedPage:
    """One answer of a feed: its header data and the items, each already
    serialised in the answer's format (see ``fragment()`` in each module)."""

    slug: str
    title: str
    description: str
    fragments: list[str]
    #: "latest" (newest items, for feed readers) or "changes" (``?since=``).
    mode: str
    since: int | None
    next_cursor: int
    has_more: bool
    self_url: str
    feed_url: str
    next_url: str | None
    home_url: str
    sync_url: str
    updated: datetime.datetime
    extra: dict[str, Any] = field(default_factory=dict)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """Text safe for an XML document (control characters removed)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def rfc3339(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def rfc822(moment: datetime.datetime) -> str:
    return format_datetime(moment.astimezone(datetime.UTC), usegmt=True)


def parse_iso(value: str | None, default: datetime.datetime) -> datetime.datetime:
    if not value:
        return default
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def main_rendition(image: dict[str, Any], preferred: str = "web") -> dict[str, Any] | None:
    renditions = image.get("renditions") or []
    for rendition in renditions:
        if rendition["preset"] == preferred:
            return rendition
    return renditions[-1] if renditions else None


def thumbnail(image: dict[str, Any]) -> dict[str, Any] | None:
    return main_rendition(image, "thumbnail")


def item_images(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Images of an item: a page's images, or an image item itself."""
    if payload["kind"] == "image":
        return [{**payload, "caption": payload.get("summary", ""), "credit_line": (payload.get("credits") or [""])[0],
                 "alt": (payload.get("alt_texts") or {}).get(payload["language"], "")}]
    images = list(payload.get("images") or [])
    if payload.get("poster"):
        images.append(payload["poster"])
    return images


def item_media(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Video, audio and documents of an item (a media item is its own file)."""
    if payload["kind"] in ("video", "audio", "document"):
        return [{
            "id": payload["id"], "kind": payload["kind"], "title": payload["title"], "url": payload["url"],
            "mime_type": payload.get("mime_type", ""), "size_in_bytes": payload.get("size_in_bytes"),
            "duration_seconds": payload.get("duration_seconds"), "credit": payload.get("credit", ""),
            "credit_line": (payload.get("credits") or [""])[0], "licence": payload["licence"],
            "caption": payload.get("summary", ""),
        }]
    return list(payload.get("media") or [])


def categories(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(scheme, term, label) of the item's kind, pillar, places, groups and topics."""
    found = [("kind", payload["kind"], payload["kind"])]
    if payload.get("pillar"):
        found.append(("pillar", payload["pillar"]["id"], payload["pillar"]["name"]))
    found += [("place", p["id"], p["name"]) for p in payload.get("places", [])]
    found += [("ethnic-group", g["id"], g["name"]) for g in payload.get("ethnic_groups", [])]
    found += [("topic", t["id"], t["name"]) for t in payload.get("topics", [])]
    return found


def json_document(header: dict[str, Any], fragments: list[str], key: str = "items") -> bytes:
    """``header`` as JSON with ``key`` holding the already serialised items."""
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"{key}":[{",".join(fragments)}]}}'.encode()


def json_fragment(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
