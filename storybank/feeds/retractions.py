"""Retractions in partner feeds: the tombstone partners must act on, and
knowing when every partner has.

A retracted item leaves every feed as a tombstone with ``reason:
retracted`` and the notice in its language (stored as the entry's payload
``{"retraction": {...}}``; each format renders it in its own terms). An item
that had already left a feed for another reason gets the retraction
tombstone too, so partners that republished it learn they must act.

A retraction is complete when every partner that ever received the item
(pulled it with its key, or was pushed it and answered 2xx) has
acknowledged the notice: its push was answered 2xx, or the partner pulled
the feed from a cursor at or past it. Until then it stays on the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.governance.models import Retraction, RetractionStatus
from storybank.governance.retractions import notice_for

from .holdings import Holding, holdings
from .items import IMAGE, MEDIA, PAGE, BuiltItem, ItemBuilder, iso, key_for, page_key, split_key
from .models import FeedEntry, Partner

RETRACTED = "retracted"
ITEM_MODELS = {PAGE: Page, IMAGE: LaoCaiImage, MEDIA: MediaAsset}


# --- tombstones ------------------------------------------------------------------------------------


def retraction_fields(key: str) -> dict[str, Any] | None:
    """``{"retraction": {...}}`` for the tombstone of a retracted item, else ``None``."""
    space, pk = split_key(key)
    model = ITEM_MODELS.get(space)
    notice = notice_for(model(pk=pk)) if model is not None else None
    if notice is None:
        return None
    retraction = notice.retraction
    return {"retraction": {
        "id": retraction.pk, "notice": notice.text, "language": notice.language,
        "retracted_at": iso(retraction.decided_at), "reason": retraction.reason,
    }}


def tombstone(builder: ItemBuilder, key: str) -> BuiltItem:
    """The tombstone of an item that left a feed: with the retraction notice
    when it was retracted, else with the reason it left."""
    fields = retraction_fields(key)
    if fields is not None:
        return BuiltItem(key, reason=RETRACTED, retraction=fields)
    return BuiltItem(key, reason=builder.absence_reason(key))


def owes_retraction_notice(entry: FeedEntry | None) -> bool:
    """Did ``entry``'s item leave the feed for another reason before it was retracted?"""
    return entry is not None and not entry.present and entry.reason != RETRACTED and (
        retraction_fields(entry.item_key) is not None)


def notice_of(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The retraction notice stored with a tombstone, if it is one."""
    return (payload or {}).get("retraction")


# --- has every partner acted on it? ----------------------------------------------------------------


def item_keys(retraction: Retraction) -> list[str]:
    """The feed items a retraction covers: every page of the translation group, or the asset."""
    if retraction.translation_key is not None:
        pks = Page.objects.filter(translation_key=retraction.translation_key).values_list("pk", flat=True)
        return sorted(page_key(pk) for pk in pks)
    item = retraction.item
    return [key_for(item)] if item is not None else []


@dataclass
class Acknowledgement:
    """Where one partner stands with one retraction."""

    partner: Partner
    holdings: list[Holding]

    @property
    def acknowledged(self) -> bool:
        return all(h.retraction_acknowledged for h in self.holdings)

    @property
    def can_push(self) -> bool:
        return any(h.can_push and not h.retraction_acknowledged for h in self.holdings)


def acknowledgements(retraction: Retraction) -> list[Acknowledgement]:
    """Every partner that received the item before its retraction, and whether it has acted on the notice."""
    by_partner: dict[int, Acknowledgement] = {}
    for holding in holdings(item_keys(retraction)):
        if holding.had_item:
            by_partner.setdefault(holding.partner.pk, Acknowledgement(holding.partner, [])).holdings.append(holding)
    return sorted(by_partner.values(), key=lambda ack: ack.partner.name)


def check_acknowledged(retraction: Retraction) -> list[Acknowledgement]:
    """Mark ``retraction`` complete once every partner has acted on it; returns where each stands."""
    standing = acknowledgements(retraction)
    if retraction.acknowledged_at is None and all(ack.acknowledged for ack in standing):
        retraction.acknowledged_at = timezone.now()
        Retraction.objects.filter(pk=retraction.pk).update(acknowledged_at=retraction.acknowledged_at)
    return standing


def unacknowledged_retractions() -> list[tuple[Retraction, list[Acknowledgement]]]:
    """Retractions some partner has not acted on yet (checked now; the complete ones are marked)."""
    waiting = Retraction.objects.filter(status=RetractionStatus.RETRACTED, acknowledged_at__isnull=True)
    found = []
    for retraction in waiting.order_by("decided_at"):
        standing = check_acknowledged(retraction)
        if retraction.acknowledged_at is None:
            found.append((retraction, standing))
    return found
