"""Who has what: which version of every item each partner holds.

A partner holds what it pulled with its API key (:func:`record_pull`, called
as a pull is served: one row per item version, however often it is pulled
again) and what was pushed to it and acknowledged with a 2xx (the delivered
``Delivery`` rows). Anonymous readers of public feeds cannot be named and
are not counted.

Sequences are per feed, so every comparison is made within one feed: a
partner holds the latest version when its newest version is the feed
entry's; it has a correction once it holds the sequence at which the
correction reached the feed (``ItemNotice``, written by :func:`record_notices`
as the feed log records it); it has acknowledged a retraction once a push
of the notice was answered 2xx or it pulled from a cursor at or past it.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage, MediaAsset

from .corrections import correction_of
from .items import IMAGE, MEDIA, PAGE, split_key
from .models import (
    Delivery,
    DeliveryStatus,
    Feed,
    FeedEntry,
    ItemNotice,
    NoticeKind,
    Partner,
    PullCursor,
    PulledVersion,
    PushDestination,
)

logger = logging.getLogger(__name__)

PULL, PUSH = "pull", "push"


# --- recording --------------------------------------------------------------------------------


def record_pull(feed: Feed, partner: Partner | None, key_prefix: str, fmt: str, since: int | None,
                pulled: Iterable[tuple[str, int]]) -> None:
    """A partner was sent ``pulled`` (item key, sequence) from ``feed`` in
    ``fmt``, asked from cursor ``since``. Never breaks the pull."""
    if partner is None:
        return
    pulled = list(pulled)
    now = timezone.now()
    try:
        with transaction.atomic():
            PulledVersion.objects.bulk_create(
                [PulledVersion(partner=partner, feed=feed, item_key=key, sequence=sequence, format=fmt,
                               api_key_prefix=key_prefix, first_pulled_at=now, last_pulled_at=now)
                 for key, sequence in pulled],
                batch_size=500, update_conflicts=True, unique_fields=["partner", "feed", "item_key", "sequence"],
                update_fields=["format", "api_key_prefix", "last_pulled_at"],
            )
            if since is not None:
                cursor, created = PullCursor.objects.get_or_create(
                    partner=partner, feed=feed, defaults={"cursor": since, "pulled_at": now})
                if not created:
                    PullCursor.objects.filter(pk=cursor.pk, cursor__lt=since).update(cursor=since, pulled_at=now)
    except Exception:  # knowing who has what must never cost a partner its pull
        logger.exception("Could not record a pull of feed %s by partner %s", feed.slug, partner.pk)


def record_notices(feed: Feed, entries: Iterable[FeedEntry]) -> None:
    """Note the sequence at which a correction or a retraction first reaches
    ``feed`` (called as the feed log records ``entries``)."""
    notices = []
    for entry in entries:
        payload = entry.payload or {}
        if entry.present and (correction := correction_of(payload)):
            notices.append((entry, NoticeKind.CORRECTION, correction["id"]))
        elif not entry.present and (retraction := payload.get("retraction")):
            notices.append((entry, NoticeKind.RETRACTION, retraction["id"]))
    ItemNotice.objects.bulk_create(
        [ItemNotice(feed=feed, item_key=entry.item_key, kind=kind, reference=reference, sequence=entry.sequence)
         for entry, kind, reference in notices],
        ignore_conflicts=True,
    )


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Version:
    """One version of an item a partner received."""

    at: datetime.datetime
    sequence: int
    channel: str  # PULL or PUSH
    format: str
    via: str  # the API key's prefix, or the push destination


@dataclass
class Holding:
    """What one partner holds of one item through one feed."""

    partner: Partner
    feed: Feed
    item_key: str
    versions: list[Version] = field(default_factory=list)
    current_sequence: int | None = None
    current_present: bool = True
    current_reason: str = ""
    correction_sequence: int | None = None
    retraction_sequence: int | None = None
    cursor: int = 0
    can_push: bool = False
    title: str = ""  # the item's title, where a screen lists several items

    @property
    def held(self) -> int:
        return max((version.sequence for version in self.versions), default=0)

    @property
    def is_latest(self) -> bool:
        return self.current_sequence is None or self.held >= self.current_sequence

    @property
    def has_correction(self) -> bool | None:
        """``None`` when the item has no correction in this feed."""
        return None if self.correction_sequence is None else self.held >= self.correction_sequence

    @property
    def retraction_acknowledged(self) -> bool | None:
        """``None`` when no retraction notice reached this feed."""
        if self.retraction_sequence is None:
            return None
        pushed = max((v.sequence for v in self.versions if v.channel == PUSH), default=0)
        return max(pushed, self.cursor) >= self.retraction_sequence

    @property
    def had_item(self) -> bool:
        """Received a version before the retraction (or any, when none reached the feed)."""
        limit = self.retraction_sequence
        return any(limit is None or version.sequence < limit for version in self.versions)


def holdings(keys: Iterable[str], pairs: set[tuple[int, int, str]] | None = None) -> list[Holding]:
    """What every partner holds of ``keys`` (only the (partner, feed, key)
    triples in ``pairs`` when given), newest version first in each."""
    keys = sorted(set(keys))
    found: dict[tuple[int, int, str], Holding] = {}

    def holding(partner: Partner, feed: Feed, key: str) -> Holding | None:
        triple = (partner.pk, feed.pk, key)
        if pairs is not None and triple not in pairs:
            return None
        if triple not in found:
            found[triple] = Holding(partner=partner, feed=feed, item_key=key)
        return found[triple]

    for pulled in PulledVersion.objects.filter(item_key__in=keys).select_related("partner", "feed"):
        if (target := holding(pulled.partner, pulled.feed, pulled.item_key)) is not None:
            target.versions.append(Version(pulled.last_pulled_at, pulled.sequence, PULL, pulled.format,
                                           f"{pulled.api_key_prefix}…" if pulled.api_key_prefix else ""))
    delivered = Delivery.objects.filter(item_key__in=keys, status=DeliveryStatus.DELIVERED).select_related(
        "destination", "destination__partner", "feed")
    for delivery in delivered:
        destination = delivery.destination
        if (target := holding(destination.partner, delivery.feed, delivery.item_key)) is not None:
            target.versions.append(Version(delivery.delivered_at or delivery.created_at, delivery.sequence, PUSH,
                                           destination.get_kind_display(), destination.name))
    if not found:
        return []
    _add_feed_state(found, keys)
    return sorted(found.values(), key=lambda h: (h.item_key, h.partner.name, h.feed.slug))


def _add_feed_state(found: dict[tuple[int, int, str], Holding], keys: list[str]) -> None:
    feed_ids = {feed_id for _partner, feed_id, _key in found}
    partner_ids = {partner_id for partner_id, _feed, _key in found}
    entries = FeedEntry.objects.filter(feed_id__in=feed_ids, item_key__in=keys).values_list(
        "feed_id", "item_key", "sequence", "present", "reason")
    current = {(feed_id, key): (sequence, present, reason) for feed_id, key, sequence, present, reason in entries}
    notices: dict[tuple[int, str, str], int] = {}
    for feed_id, key, kind, sequence in ItemNotice.objects.filter(
        feed_id__in=feed_ids, item_key__in=keys
    ).order_by("sequence").values_list("feed_id", "item_key", "kind", "sequence"):
        notices[(feed_id, key, kind)] = sequence  # the latest of each kind
    cursors = {(p, f): c for p, f, c in PullCursor.objects.filter(
        partner_id__in=partner_ids, feed_id__in=feed_ids).values_list("partner_id", "feed_id", "cursor")}
    pushable = set(PushDestination.objects.filter(
        partner_id__in=partner_ids, feed_id__in=feed_ids, active=True, partner__active=True,
    ).values_list("partner_id", "feed_id"))
    for (partner_id, feed_id, key), holding in found.items():
        holding.versions.sort(key=lambda version: (version.sequence, version.at), reverse=True)
        if (feed_id, key) in current:
            holding.current_sequence, holding.current_present, holding.current_reason = current[(feed_id, key)]
        holding.correction_sequence = notices.get((feed_id, key, NoticeKind.CORRECTION))
        holding.retraction_sequence = notices.get((feed_id, key, NoticeKind.RETRACTION))
        holding.cursor = cursors.get((partner_id, feed_id), 0)
        holding.can_push = (partner_id, feed_id) in pushable


def stale_holdings(*, notices_only: bool = True) -> list[Holding]:
    """Partners holding an out-of-date version or a retracted item whose
    notice they have not acknowledged. ``notices_only``: only items with a
    correction or a retraction; otherwise every out-of-date version."""
    pulls = PulledVersion.objects.all()
    pushes = Delivery.objects.filter(status=DeliveryStatus.DELIVERED)
    if notices_only:
        noticed = ItemNotice.objects.values("item_key")
        pulls, pushes = pulls.filter(item_key__in=noticed), pushes.filter(item_key__in=noticed)
    held: dict[tuple[int, int, str], int] = defaultdict(int)
    for partner_id, feed_id, key, sequence in pulls.values_list("partner_id", "feed_id", "item_key").annotate(
        newest=Max("sequence")).values_list("partner_id", "feed_id", "item_key", "newest"):
        held[(partner_id, feed_id, key)] = max(held[(partner_id, feed_id, key)], sequence)
    for partner_id, feed_id, key, sequence in pushes.values_list(
        "destination__partner_id", "feed_id", "item_key").annotate(newest=Max("sequence")).values_list(
            "destination__partner_id", "feed_id", "item_key", "newest"):
        held[(partner_id, feed_id, key)] = max(held[(partner_id, feed_id, key)], sequence)
    if not held:
        return []
    keys = {key for _partner, _feed, key in held}
    current = dict(((feed_id, key), sequence) for feed_id, key, sequence in FeedEntry.objects.filter(
        Q(item_key__in=keys) if notices_only else Q()).values_list("feed_id", "item_key", "sequence"))
    behind = {triple for triple, sequence in held.items()
              if current.get((triple[1], triple[2]), 0) > sequence}
    if not behind:
        return []
    found = holdings({key for _partner, _feed, key in behind}, pairs=behind)
    # A partner that pulled past a retraction has acted on it, even without holding the tombstone itself.
    return [holding for holding in found if not holding.retraction_acknowledged]


def item_title(key: str) -> str:
    """The title of the page or asset ``key`` names ("" once it is gone)."""
    space, pk = split_key(key)
    model = {PAGE: Page, IMAGE: LaoCaiImage, MEDIA: MediaAsset}.get(space)
    if model is None:
        return ""
    return model.objects.filter(pk=pk).values_list("title", flat=True).first() or ""
