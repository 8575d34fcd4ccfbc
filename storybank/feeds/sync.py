"""Keeping every feed's change log equal to what the feed should hold.

``reconcile(feed, keys)`` is the one operation: for each item it compares
what the feed should hold now (selection rules + the core visibility rule +
the item's payload) with the feed's entry, and records a change only where
they differ: an upsert, or a tombstone with the reason the item left. It is
idempotent, so it is safe to run on every signal, after a rule change, and
from a periodic task that catches what no signal announces (an embargo that
passes, a page that expires).

Each recorded change takes the feed's next sequence number and writes the
outbox deliveries for the feed's push destinations in the same transaction.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django_tasks import task

from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.models import content_page_models
from storybank.core.signals import content_changed, is_term
from storybank.governance.models import WeeklyHighlight

from .formats import FRAGMENTS_VERSION, Row, formats, fragment_field, render_fragments
from .items import BuiltItem, ItemBuilder, item_id, key_for, term_ref, translation_group_keys
from .models import Delivery, DeliveryStatus, Feed, FeedEntry, FeedHead, Partner, PushDestination
from .push import send_soon
from .selection import selected_keys

logger = logging.getLogger(__name__)

UPSERT, DELETE = "upsert", "delete"
FRAGMENT_FIELDS = [fragment_field(fmt) for fmt in formats()]


@dataclass
class Recorded:
    """One change written to a feed's log."""

    key: str
    sequence: int
    present: bool
    reason: str


def reconcile(
    feed: Feed, keys: Iterable[str] | None = None, *, builder: ItemBuilder | None = None, rebuild: bool = False
) -> list[Recorded]:
    """Bring ``feed``'s entries for ``keys`` (all items when ``None``) in line
    with what it should hold. With ``keys=None`` only membership is checked
    unless ``rebuild`` (payloads are rebuilt then, e.g. after a rule change
    or a taxonomy rename)."""
    builder = builder or ItemBuilder()
    key_list = None if keys is None else sorted(set(keys))
    with transaction.atomic():
        # One reconciliation of a feed at a time (PostgreSQL row lock; SQLite
        # serialises writers anyway): each then reads what the last committed.
        FeedHead.objects.get_or_create(feed=feed)
        FeedHead.objects.select_for_update().filter(feed=feed).first()
        selected = selected_keys(feed, key_list)
        entries_qs = FeedEntry.objects.filter(feed=feed).only("item_key", "present", "content_hash", "kind", "locale")
        if key_list is None:
            entries = {e.item_key: e for e in entries_qs}
            candidates = sorted(selected | {key for key, entry in entries.items() if entry.present})
        else:
            entries = {e.item_key: e for e in entries_qs.filter(item_key__in=key_list)}
            candidates = key_list
        planned: list[BuiltItem] = []
        for key in candidates:
            entry = entries.get(key)
            was_present = entry is not None and entry.present
            if key in selected:
                if key_list is None and not rebuild and was_present:
                    continue
                built = builder.build(key)
                if built.present and was_present and entry.content_hash == built.content_hash:
                    continue
                if not built.present and not was_present:  # vanished between the query and the build
                    continue
            elif was_present:
                built = BuiltItem(key, reason=builder.absence_reason(key))
            else:
                continue
            if not built.present:
                # A tombstone keeps the kind and language of the item it
                # replaces, so partners filtering by language receive it.
                built.kind, built.locale = entry.kind, entry.locale
                built.reason = built.reason or "withdrawn"
            planned.append(built)
        if not planned:
            return []
        return _record(feed, planned)


def _record(feed: Feed, planned: list[BuiltItem]) -> list[Recorded]:
    """Write ``planned`` changes with consecutive sequence numbers, and their deliveries."""
    FeedHead.objects.filter(feed=feed).update(sequence=F("sequence") + len(planned))
    last = FeedHead.objects.values_list("sequence", flat=True).get(feed=feed)
    now = timezone.now()
    rows = []
    recorded = []
    for offset, built in enumerate(planned):
        sequence = last - len(planned) + 1 + offset
        reason = "" if built.present else built.reason
        fragments = render_fragments(Row(built.key, sequence, built.present, reason, now, built.payload))
        rows.append(
            FeedEntry(
                feed=feed, item_key=built.key, sequence=sequence, present=built.present, reason=reason,
                kind=built.kind, locale=built.locale, payload=built.payload, content_hash=built.content_hash,
                refs=built.refs_text, changed_at=now, fragments_version=FRAGMENTS_VERSION, **fragments,
            )
        )
        recorded.append(Recorded(built.key, sequence, built.present, built.reason))
    FeedEntry.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["feed", "item_key"],
        update_fields=["sequence", "present", "reason", "kind", "locale", "payload", "content_hash", "refs",
                       "changed_at", "fragments_version", *FRAGMENT_FIELDS],
    )
    _enqueue_deliveries(feed, rows)
    return recorded


# --- the outbox -----------------------------------------------------------------


def change_body(feed: Feed, entry: FeedEntry) -> str:
    """The JSON pushed for one change: the item itself, or its tombstone."""
    body: dict[str, Any] = {
        "feed": feed.slug,
        "sequence": entry.sequence,
        "change": UPSERT if entry.present else DELETE,
        "id": item_id(entry.item_key),
        "changed_at": entry.changed_at.isoformat(),
    }
    if entry.present:
        body["item"] = entry.payload
    else:
        body["reason"] = entry.reason
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _enqueue_deliveries(feed: Feed, rows: list[FeedEntry]) -> None:
    destinations = list(
        PushDestination.objects.filter(feed=feed, active=True, partner__active=True).select_related("partner")
    )
    destinations = [d for d in destinations if feed.is_public or feed.readers.filter(pk=d.partner_id).exists()]
    if not destinations:
        return
    now = timezone.now()
    # A newer change of the same item makes waiting older deliveries pointless:
    # every delivery carries the item's full state.
    Delivery.objects.filter(
        destination__in=destinations, item_key__in=[row.item_key for row in rows], status=DeliveryStatus.PENDING,
    ).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).update(status=DeliveryStatus.SUPERSEDED)
    deliveries = [
        Delivery(
            destination=destination, feed=feed, sequence=row.sequence, item_key=row.item_key,
            change=UPSERT if row.present else DELETE, body=change_body(feed, row), next_attempt_at=now,
        )
        for row in rows
        for destination in destinations
        if destination.partner.receives_locale(row.locale)
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    if deliveries and getattr(settings, "FEEDS_PUSH_ON_COMMIT", True):
        transaction.on_commit(send_soon)


# --- what to reconcile when something changes -------------------------------------


def affected_keys(instance: Any) -> list[str]:
    """Items whose state may change with ``instance``: a page and its
    translations; an asset and every item that shows it."""
    key = key_for(instance)
    if isinstance(instance, LaoCaiImage | MediaAsset):
        return sorted({key, *keys_showing(key)})
    return translation_group_keys(instance)


def keys_showing(ref: str) -> list[str]:
    """Items present in any feed that show ``ref`` (an asset or a term)."""
    users = FeedEntry.objects.filter(present=True, refs__contains=f" {ref} ").values_list("item_key", flat=True)
    return sorted(set(users))


def reconcile_everywhere(keys: Iterable[str]) -> None:
    """Reconcile ``keys`` in every active feed, building each item once."""
    keys = list(keys)
    if not keys:
        return
    builder = ItemBuilder()
    for feed in Feed.objects.filter(active=True).order_by("pk"):
        reconcile(feed, keys, builder=builder)


def on_content_changed(sender: type, instance: Any, change: str, **kwargs: Any) -> None:
    """``content_changed`` receiver: runs inside the changing transaction, so
    the feed log and outbox commit or roll back with the change itself."""
    if is_term(sender):
        on_term_changed(instance)
    elif isinstance(instance, LaoCaiImage | MediaAsset) or type(instance) in content_page_models():
        reconcile_everywhere(affected_keys(instance))  # the home page and listings are no feed items


def on_term_changed(instance: Any) -> None:
    """A renamed place (new coordinates, a new translation of a group's
    name…) changes every item that shows it; the items are rebuilt by a task
    once the edit commits, since a place may appear in thousands of items."""
    ref = term_ref(instance)
    transaction.on_commit(lambda: refresh_items_showing_task.enqueue(ref))


def on_highlights_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Editors changed this week's highlights: feeds that hold only them
    are recomputed once the change commits (the weekly change of the
    highlights themselves is caught by ``reconcile_feeds``)."""
    if raw:
        return
    for feed_id in Feed.objects.filter(active=True, weekly_highlights_only=True).values_list("pk", flat=True):
        transaction.on_commit(lambda feed_id=feed_id: reconcile_feed_task.enqueue(feed_id))


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="feeds.content_changed")
    pre_save.connect(on_partner_saving, sender=Partner, dispatch_uid="feeds.partner_saving")
    post_save.connect(on_partner_saved, sender=Partner, dispatch_uid="feeds.partner_saved")
    post_save.connect(on_highlights_changed, sender=WeeklyHighlight, dispatch_uid="feeds.highlight_saved")
    post_delete.connect(on_highlights_changed, sender=WeeklyHighlight, dispatch_uid="feeds.highlight_deleted")



def reconcile_feed(feed: Feed, *, rebuild: bool = False) -> list[Recorded]:
    """Reconcile every item of ``feed`` (membership; payloads too with
    ``rebuild``, else those the calendar made stale), and render again
    fragments of an older format version."""
    with transaction.atomic():
        recorded = reconcile(feed, rebuild=rebuild)
        FeedHead.objects.filter(feed=feed).update(reconciled_at=timezone.now())
    if not rebuild:  # found outside the transaction: on SQLite it holds the write lock
        stale = stale_by_calendar(feed)
        if stale:
            recorded += reconcile(feed, stale)
    rerender_fragments(feed)
    return recorded


def divergent_keys(feed: Feed) -> set[str]:
    """Items whose presence in ``feed`` differs from what its rules and the
    visibility rule say now (empty when the feed is right; a check for
    operators, the soak test and the concurrency tests)."""
    present = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", flat=True))
    return present ^ selected_keys(feed)


def stale_by_calendar(feed: Feed, today: datetime.date | None = None) -> set[str]:
    """Items present in ``feed`` that were built while an asset they show was
    still usable, and whose asset's rights have ended since. Nothing in the
    database changes when a date passes, so no signal announces it: a story
    would go on showing the image until the rights-expiry run withdraws it."""
    today = today or timezone.localdate()
    present = FeedEntry.objects.filter(feed=feed, present=True)
    oldest = present.order_by("changed_at").values_list("changed_at", flat=True).first()
    if oldest is None:
        return set()
    ended: dict[str, datetime.date] = {}
    for model, space in ((LaoCaiImage, "image"), (MediaAsset, "media")):
        for pk, last_day in model.objects.filter(
            rights_expire_on__lt=today, rights_expire_on__gte=timezone.localdate(oldest)
        ).values_list("pk", "rights_expire_on"):
            ended[f"{space}:{pk}"] = last_day
    if not ended:
        return set()
    stale = set()
    for key, refs, changed_at in present.values_list("item_key", "refs", "changed_at"):
        built_on = timezone.localdate(changed_at)
        if any(built_on <= ended.get(ref, datetime.date.min) for ref in refs.split()):
            stale.add(key)
    return stale


# --- a partner's languages narrowed -------------------------------------------------


def withdraw_dropped_languages(partner: Partner, dropped: set[str]) -> int:
    """Send each of ``partner``'s push destinations a tombstone for every item
    it holds in the ``dropped`` languages (its last delivery of the item was
    an upsert); otherwise the partner keeps them, and never hears of their
    later removal (deliveries follow the partner's languages). Tombstones
    take new sequence numbers, so they apply after everything sent before.
    Returns the number of tombstones."""
    if not dropped:
        return 0
    now = timezone.now()
    created = 0
    for destination in PushDestination.objects.filter(partner=partner).select_related("feed"):
        feed = destination.feed
        keys = set(FeedEntry.objects.filter(feed=feed, locale__in=dropped).values_list("item_key", flat=True))
        latest: dict[str, str] = {}
        for key, change in (
            Delivery.objects.filter(destination=destination, item_key__in=keys)
            .exclude(status=DeliveryStatus.SUPERSEDED).order_by("pk").values_list("item_key", "change")
        ):
            latest[key] = change
        held = sorted(key for key, change in latest.items() if change == UPSERT)
        if not held:
            continue
        FeedHead.objects.get_or_create(feed=feed)
        FeedHead.objects.select_for_update().filter(feed=feed).first()
        FeedHead.objects.filter(feed=feed).update(sequence=F("sequence") + len(held))
        last = FeedHead.objects.values_list("sequence", flat=True).get(feed=feed)
        Delivery.objects.filter(
            destination=destination, item_key__in=held, status=DeliveryStatus.PENDING,
        ).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).update(status=DeliveryStatus.SUPERSEDED)
        deliveries = []
        for offset, key in enumerate(held):
            tombstone = FeedEntry(sequence=last - len(held) + 1 + offset, item_key=key, present=False,
                                  reason="not-selected", changed_at=now)
            deliveries.append(Delivery(
                destination=destination, feed=feed, sequence=tombstone.sequence, item_key=key, change=DELETE,
                body=change_body(feed, tombstone), next_attempt_at=now,
            ))
        Delivery.objects.bulk_create(deliveries)
        created += len(deliveries)
    if created and getattr(settings, "FEEDS_PUSH_ON_COMMIT", True):
        transaction.on_commit(send_soon)
    return created


def effective_locales(allowed: Iterable[str]) -> set[str]:
    """The languages a partner receives: those ticked, or every language."""
    return set(allowed) or {code for code, _name in settings.LANGUAGES}


def on_partner_saving(sender: type, instance: Partner, raw: bool = False, **kwargs: Any) -> None:
    """Remember the languages the partner had, to compare after the save."""
    if raw or instance.pk is None:
        return
    before = Partner.objects.filter(pk=instance.pk).values_list("allowed_locales", flat=True).first()
    instance._locales_before = effective_locales(before or [])


def on_partner_saved(sender: type, instance: Partner, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_locales_before", None)
    if raw or before is None:
        return
    del instance._locales_before
    withdraw_dropped_languages(instance, before - effective_locales(instance.allowed_locales))


def rerender_fragments(feed: Feed, batch: int = 500) -> int:
    """Render stored fragments again in place after a format changed (the
    items themselves did not change, so no new sequence numbers)."""
    stale = FeedEntry.objects.filter(feed=feed).exclude(fragments_version=FRAGMENTS_VERSION)
    done = 0
    while entries := list(stale.order_by("pk")[:batch]):
        for entry in entries:
            row = Row(entry.item_key, entry.sequence, entry.present, entry.reason, entry.changed_at, entry.payload)
            for field, text in render_fragments(row).items():
                setattr(entry, field, text)
            entry.fragments_version = FRAGMENTS_VERSION
        FeedEntry.objects.bulk_update(entries, ["fragments_version", *FRAGMENT_FIELDS])
        done += len(entries)
    return done


# --- background work (Django's task framework: immediate in development and tests,
# the database queue with ``manage.py db_worker`` in production) ---------------------


def on_feed_saved(sender: type, feed: Feed, **kwargs: Any) -> None:
    """``feed_saved`` receiver: new rules change which items belong; recompute once the edit is committed."""
    feed_id = feed.pk
    transaction.on_commit(lambda: reconcile_feed_task.enqueue(feed_id))


@task()
def reconcile_feed_task(feed_id: int) -> int:
    """Bring one feed in line with its rules (after an edit); returns the number of changes."""
    feed = Feed.objects.filter(pk=feed_id).first()
    return len(reconcile_feed(feed)) if feed else 0


@task()
def reconcile_all_feeds_task() -> int:
    """Catch what no signal announces (an embargo passing, a page expiring):
    run it every few minutes, e.g. from cron with ``manage.py reconcile_feeds``."""
    return sum(len(reconcile_feed(feed)) for feed in Feed.objects.filter(active=True).order_by("pk"))


@task()
def refresh_items_showing_task(ref: str) -> int:
    """Rebuild, in every feed, the items that show ``ref`` (a renamed place…)."""
    keys = keys_showing(ref)
    reconcile_everywhere(keys)
    return len(keys)
