"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) with an ``_laocai`` extension."""

from __future__ import annotations

from typing import Any

from .base import (
    SITE_NAME,
    FeedPage,
    Row,
    item_images,
    item_media,
    json_document,
    json_fragment,
    main_rendition,
    rfc3339,
)
from .notices import correction, retraction, summary_with_correction

CONTENT_TYPE = "application/feed+json; charset=utf-8"
EXTENSION_DOC = "https://laocai-story.vn/docs/feeds#json-feed"

#: Payload fields that map to JSON Feed's own; everything else goes to ``_laocai``.
STANDARD_FIELDS = {"id", "title", "summary", "content_html", "url", "published", "modified", "language"}


def item(row: Row) -> dict[str, Any]:
    if not row.present:
        return retraction_item(row) or {
            "id": row.id,
            "content_text": "",
            "date_modified": rfc3339(row.changed_at),
            "_laocai": {"sequence": row.sequence, "deleted": True, "reason": row.reason},
        }
    payload = row.payload
    data: dict[str, Any] = {
        "id": row.id,
        "url": payload["url"],
        "title": payload["title"],
        "content_html": payload.get("content_html") or "",
        "summary": payload.get("summary") or "",
        "language": payload["language"],
        "date_published": payload.get("published") or rfc3339(row.changed_at),
        "date_modified": payload.get("modified") or rfc3339(row.changed_at),
        "tags": [entry["name"] for group in ("places", "ethnic_groups", "topics") for entry in payload.get(group, [])],
    }
    if payload.get("pillar"):
        data["tags"].insert(0, payload["pillar"]["name"])
    images = item_images(payload)
    if images and (main := main_rendition(images[0])):
        data["image"] = main["url"]
    if payload.get("contributor"):
        data["authors"] = [{"name": payload["contributor"]}]
    attachments = [
        {"url": media["url"], "mime_type": media["mime_type"] or "application/octet-stream", "title": media["title"],
         **({"size_in_bytes": media["size_in_bytes"]} if media.get("size_in_bytes") is not None else {}),
         **({"duration_in_seconds": media["duration_seconds"]} if media.get("duration_seconds") else {})}
        for media in item_media(payload)
    ]
    if attachments:
        data["attachments"] = attachments
    extension = {key: value for key, value in payload.items() if key not in STANDARD_FIELDS}
    data["_laocai"] = {"sequence": row.sequence, **extension}
    if correction(row):
        data["summary"] = summary_with_correction(row)
    return data


def retraction_item(row: Row) -> dict[str, Any] | None:
    """A retracted item's tombstone: the notice as its text and in ``_laocai.notice``."""
    notice = retraction(row)
    if notice is None:
        return None
    return {
        "id": row.id,
        "content_text": notice["notice"],
        "language": notice["language"],
        "date_modified": rfc3339(row.changed_at),
        "_laocai": {"sequence": row.sequence, "deleted": True, "reason": row.reason, "notice": notice},
    }


def fragment(row: Row) -> str:
    return json_fragment(item(row))


def render(page: FeedPage) -> bytes:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": page.title,
        "home_page_url": page.home_url,
        "feed_url": page.feed_url,
        "description": page.description or page.title,
        "authors": [{"name": SITE_NAME, "url": page.home_url}],
    }
    if page.next_url:
        feed["next_url"] = page.next_url
    feed["_laocai"] = {
        "about": EXTENSION_DOC,
        "mode": page.mode,
        "since": page.since,
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
        "sync_url": page.sync_url,
    }
    return json_document(feed, page.fragments)
