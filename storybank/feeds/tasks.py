"""Background work of the feeds (Django's task framework: immediate in
development and tests, the database queue with ``manage.py db_worker`` in
production)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_feeds_task() -> int:
    """Send every push delivery that is due now; returns how many were attempted."""
    from .push import Worker

    return Worker().run_once()


@task()
def reconcile_feed_task(feed_id: int) -> int:
    """Bring one feed in line with its rules (after an edit); returns the number of changes."""
    from .models import Feed
    from .sync import reconcile_feed

    feed = Feed.objects.filter(pk=feed_id).first()
    return len(reconcile_feed(feed)) if feed else 0


@task()
def reconcile_all_feeds_task() -> int:
    """Catch what no signal announces (an embargo passing, a page expiring):
    run it every few minutes, e.g. from cron with ``manage.py reconcile_feeds``."""
    from .models import Feed
    from .sync import reconcile_feed

    return sum(len(reconcile_feed(feed)) for feed in Feed.objects.filter(active=True).order_by("pk"))


@task()
def refresh_items_showing_task(ref: str) -> int:
    """Rebuild, in every feed, the items that show ``ref`` (a renamed place…)."""
    from .sync import keys_showing, reconcile_everywhere

    keys = keys_showing(ref)
    reconcile_everywhere(keys)
    return len(keys)
