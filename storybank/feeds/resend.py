"""Pushing an item again to one partner ("push again" in the who-has-what
screens): its current state, or its tombstone with the retraction notice."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Feed, FeedEntry, Partner, PushDestination
from .push import deliver_feeds_task
from .sync import change_body, change_name


def push_again(partner: Partner, feed: Feed, key: str) -> int:
    """Queue the item's current entry in ``feed`` for the partner's active
    destinations of that feed (a waiting older delivery of it is superseded);
    returns how many deliveries were queued."""
    entry = FeedEntry.objects.filter(feed=feed, item_key=key).first()
    if entry is None:
        return 0
    destinations = [
        destination
        for destination in PushDestination.objects.filter(
            partner=partner, feed=feed, active=True, partner__active=True).select_related("partner")
        if destination.partner.receives_locale(entry.locale)
    ]
    if not destinations:
        return 0
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(destination__in=destinations, item_key=key, status=DeliveryStatus.PENDING).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)).update(status=DeliveryStatus.SUPERSEDED)
        Delivery.objects.bulk_create([
            Delivery(destination=destination, feed=feed, sequence=entry.sequence, item_key=key,
                     change=change_name(entry), body=change_body(feed, entry), next_attempt_at=now)
            for destination in destinations
        ])
        if getattr(settings, "FEEDS_PUSH_ON_COMMIT", True):
            transaction.on_commit(lambda: deliver_feeds_task.enqueue())
    return len(destinations)
