"""Bring feeds in line with their rules and the core visibility rule.

Signals keep feeds current as content changes; this catches what no signal
announces (an embargo that passes, a page that expires) and, with
``--rebuild``, refreshes every item's payload (e.g. after renaming a place).
It also marks the retractions every partner has now acted on, and says how
many still wait. Run it from cron every few minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from storybank.feeds.models import Feed
from storybank.feeds.retractions import unacknowledged_retractions
from storybank.feeds.sync import reconcile_feed


class Command(BaseCommand):
    help = "Recompute which items every active feed holds; --rebuild also rebuilds every item."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="Only these feeds (default: every active feed).")
        parser.add_argument("--rebuild", action="store_true", help="Rebuild every item's payload too.")

    def handle(self, *args: Any, **options: Any) -> None:
        feeds = Feed.objects.filter(active=True).order_by("pk")
        if options["slugs"]:
            feeds = Feed.objects.filter(slug__in=options["slugs"]).order_by("pk")
            missing = set(options["slugs"]) - set(feeds.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown feed(s): {', '.join(sorted(missing))}")
        for feed in feeds:
            changes = reconcile_feed(feed, rebuild=options["rebuild"])
            self.stdout.write(f"{feed.slug}: {len(changes)} change(s), head {feed.head_sequence}")
        waiting = unacknowledged_retractions()
        if waiting:
            self.stdout.write(f"{len(waiting)} retraction(s) not yet acknowledged by every partner")
