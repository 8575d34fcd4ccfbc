"""Issue 15, item 1: the recurring work runs with nobody watching.

The real processes of docker-compose run as subprocesses against the test
database: the push worker retries a failed push when it falls due and
outlives a locked (SQLite) or cut (PostgreSQL) database; the scheduler
publishes an embargoed page when its time comes, runs every job of
``OPERATIONS_SCHEDULE``, outlives the same interruption and stops cleanly.
"""

from __future__ import annotations

import datetime
import json
import signal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from storybank.feeds.models import Delivery, DeliveryStatus, Feed, FeedEntry, Partner, PushDestination
from storybank.operations.heartbeat import age

from .processes import database_interrupted, manage, wait_for
from .site import build_small_site

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INTERRUPTED = "trying again"  # what a process logs when it waits out a database failure


def test_the_push_worker_retries_on_time_through_a_database_outage(receiver, tmp_path):
    server = receiver(statuses=[500])  # the partner fails once, then accepts
    partner = Partner.objects.create(name="Đối tác thử", slug="doi-tac-thu")
    feed = Feed.objects.create(slug="retry-test", title="Retry test", is_public=True)
    destination = PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=server.url)
    body = {"feed": feed.slug, "sequence": 1, "change": "upsert", "id": "urn:laocai-story:page:1", "item": {}}
    delivery = Delivery.objects.create(destination=destination, feed=feed, sequence=1, item_key="page:1",
                                       change="upsert", body=json.dumps(body))
    worker = manage("deliver_feeds", "--poll", "0.2", log=tmp_path / "deliver.log",
                    FEEDS_PUSH_BACKOFF_SECONDS="2", SQLITE_BUSY_TIMEOUT_SECONDS="0.5")
    try:
        def failure_recorded() -> bool:
            delivery.refresh_from_db()
            return delivery.last_status_code == 500

        wait_for(failure_recorded, 90, lambda: worker.output[-3000:])
        assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at > delivery.created_at

        # The retry falls due while the database is unusable: the worker waits it out.
        with database_interrupted():
            wait_for(lambda: INTERRUPTED in worker.output or not worker.alive, 90, lambda: worker.output[-3000:])
            assert worker.alive, worker.output[-3000:]

        def delivered() -> bool:
            delivery.refresh_from_db()
            return delivery.status == DeliveryStatus.DELIVERED

        wait_for(delivered, 90, lambda: worker.output[-3000:])
        assert worker.alive, worker.output[-3000:]
        assert age("deliver_feeds") is not None and age("deliver_feeds") < 60
    finally:
        code = worker.stop()
    assert code == 0, worker.output[-3000:]
    assert delivery.attempts == 2
    keys = [request.headers["Idempotency-Key"] for request in server.requests]
    assert keys == [str(delivery.idempotency_key)] * 2  # the retry is recognisable as one


def test_the_task_worker_runs_queued_tasks_through_a_database_outage(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from storybank.feeds.sync import reconcile_all_feeds_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = reconcile_all_feeds_task.enqueue()
    with database_interrupted():
        worker = manage("task_worker", "--interval", "0.2", log=tmp_path / "tasks.log", TASKS_BACKEND="database",
                        SQLITE_BUSY_TIMEOUT_SECONDS="0.5")
        try:
            wait_for(lambda: "Running background tasks" in worker.output or not worker.alive, 90,
                     lambda: worker.output[-3000:])
            if connection.vendor == "postgresql":  # cut connections: the worker waits them out
                wait_for(lambda: INTERRUPTED in worker.output or not worker.alive, 90, lambda: worker.output[-3000:])
        except BaseException:
            worker.stop()
            raise
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL" or not worker.alive, 90,
                 lambda: worker.output[-3000:])
        assert worker.alive, worker.output[-3000:]
        assert DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL"
    finally:
        code = worker.stop()
    assert code == 0, worker.output[-3000:]


def test_the_scheduler_runs_every_job_and_lifts_an_embargo(tmp_path):
    site = build_small_site(stories=1)
    embargoed = site.stories[0].copy(update_attrs={"slug": "le-hoi-gau-tao", "title": "Lễ hội Gầu Tào"},
                                     keep_live=False)
    embargoed.go_live_at = timezone.now() + datetime.timedelta(seconds=2)
    embargoed.save_revision().publish()
    embargoed.refresh_from_db()
    assert not embargoed.live  # scheduled, not published
    every_second = {f"SCHEDULE_{name}_SECONDS": "1" for name in ("PUBLISH", "RECONCILE", "RIGHTS_EXPIRY")}
    scheduler = manage("run_scheduler", log=tmp_path / "scheduler.log", SQLITE_BUSY_TIMEOUT_SECONDS="0.5",
                       **every_second)
    try:
        def published_and_in_the_feed() -> bool:
            embargoed.refresh_from_db()
            return embargoed.live and FeedEntry.objects.filter(
                feed=site.feed, item_key=f"page:{embargoed.pk}", present=True).exists()

        wait_for(published_and_in_the_feed, 120, lambda: scheduler.output[-3000:])
        interval_jobs = [name for name, job in settings.OPERATIONS_SCHEDULE.items() if job.get("every")]
        wait_for(lambda: all(age(f"scheduler.{name}") is not None for name in interval_jobs), 120,
                 lambda: scheduler.output[-3000:])

        with database_interrupted():
            wait_for(lambda: INTERRUPTED in scheduler.output or not scheduler.alive, 90,
                     lambda: scheduler.output[-3000:])
        assert scheduler.alive, scheduler.output[-3000:]
        # Every job succeeds again once the database is back.
        wait_for(lambda: all(age(f"scheduler.{name}") < 1.5 for name in interval_jobs), 120,
                 lambda: scheduler.output[-3000:])
        assert age("scheduler") < 60
    finally:
        code = scheduler.stop(signal.SIGTERM)
    assert code == 0, scheduler.output[-3000:]
