"""What a lightbox shows one viewer: each item with what that viewer may have of it.

The owner and the people holding a share link see the same list, but every
file is asked of ``storybank.core.visibility`` for the person looking: a
``press-only`` photo is "press only" to an anonymous link viewer, and an
item whose asset was withdrawn (retracted, rights expired, consent missing)
or whose story is no longer published is "withdrawn" for everyone, staff
included, with no picture made from its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from storybank.core.models import content_page_models
from storybank.core.visibility import PRESS_ONLY, WITHDRAWN_REASONS, is_page_public, may_download, withheld_reason

from .models import Lightbox, LightboxItem

AVAILABLE = "available"
WITHDRAWN = "withdrawn"
PRESS_ONLY_STATUS = "press-only"
UNAVAILABLE = "unavailable"

STATUS_LABELS = {
    AVAILABLE: "",
    WITHDRAWN: _("Withdrawn"),
    PRESS_ONLY_STATUS: _("Press only"),
    UNAVAILABLE: _("Not available"),
}
KIND_LABELS = {"image": _("Photo"), "media": _("Media"), "page": _("Story")}


@dataclass
class Entry:
    """One item of a lightbox as a viewer sees it."""

    item: LightboxItem
    kind: str  # "image", "media" or "page"
    target: Any
    status: str

    @property
    def available(self) -> bool:
        return self.status == AVAILABLE

    @property
    def title(self) -> str:
        return self.target.title

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def url(self) -> str:
        """Where the item opens: the photo page, the media file or the story; nothing when not available."""
        if not self.available:
            return ""
        if self.kind == "image":
            return reverse("public:photo", args=[self.target.pk])
        return self.target.url or ""

    @property
    def picture(self) -> Any:
        """The image a thumbnail may be made from (never from a file the viewer may not have)."""
        if not self.available:
            return None
        if self.kind == "image":
            return self.target
        if self.kind == "page":
            hero = getattr(self.target, "hero_image", None)
            return hero if hero is not None and withheld_reason(hero) is None else None
        return None


def asset_status(viewer: Any, asset: Any) -> str:
    reason = withheld_reason(asset)
    if reason in WITHDRAWN_REASONS:
        return WITHDRAWN  # never served, whoever asks (managers of the asset included)
    if may_download(viewer, asset):
        return AVAILABLE
    return PRESS_ONLY_STATUS if reason == PRESS_ONLY else UNAVAILABLE


def entry_for(item: LightboxItem, viewer: Any) -> Entry:
    if item.image_id:
        return Entry(item, "image", item.image, asset_status(viewer, item.image))
    if item.media_id:
        return Entry(item, "media", item.media, asset_status(viewer, item.media))
    page = item.page.specific
    if not is_page_public(page):
        return Entry(item, "page", page, WITHDRAWN)
    translation = page.localized.specific  # the viewer's language when that version is public
    return Entry(item, "page", translation if is_page_public(translation) else page, AVAILABLE)


def entries(lightbox: Lightbox, viewer: Any) -> list[Entry]:
    """The lightbox's items, oldest first, as ``viewer`` (the owner, or whoever holds the link) sees them."""
    items = lightbox.items.select_related("image__source_unit", "image__place", "media__source_unit", "page")
    return [entry_for(item, viewer) for item in items]


def may_gather(user: Any, kind: str, target: Any) -> bool:
    """May ``user`` put ``target`` into a lightbox? What they may download, and published stories,
    OCOP products and culture entries (not home or index pages): nothing whose existence is hidden from them."""
    if kind == "page":
        page = target.specific
        return isinstance(page, tuple(content_page_models())) and is_page_public(page)
    return may_download(user, target)
