"""Killing the delivery worker mid-delivery loses nothing.

A real ``manage.py deliver_feeds`` runs in a subprocess against the test
database (committed data: ``transactional_db``; SQLite's test database is a
file, see storybank/settings/test.py). The receiver holds the first request
open, the test kills the worker with SIGKILL while it waits, and a restarted
worker, once the dead worker's lease has expired, completes every delivery.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from storybank.feeds.models import Delivery, DeliveryStatus, Feed, Partner, PushDestination
from tests.subprocesses import database_url

from .conftest import verify_signature

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 3


def worker(*args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "storybank.settings.test",
        "DATABASE_URL": database_url(),
        "FEEDS_PUSH_LEASE_SECONDS": str(LEASE_SECONDS),
        "FEEDS_PUSH_BACKOFF_SECONDS": "0",
        "FEEDS_PUSH_TIMEOUT_SECONDS": "60",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "deliver_feeds", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # restores what earlier flushes removed
def test_a_killed_worker_loses_nothing(receiver):
    if connection.vendor == "sqlite":
        assert "memory" not in connection.settings_dict["NAME"], "the worker subprocess needs a file database"
    hold = threading.Event()
    server = receiver(hold=hold)
    partner = Partner.objects.create(name="Đối tác thử", slug="doi-tac-thu")
    feed = Feed.objects.create(slug="kill-test", title="Kill test", is_public=True)
    destination = PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=server.url)
    for sequence in range(1, 6):
        body = {"feed": feed.slug, "sequence": sequence, "change": "upsert", "id": f"urn:laocai-story:page:{sequence}",
                "item": {"title": f"Mục {sequence}"}}
        Delivery.objects.create(destination=destination, feed=feed, sequence=sequence, item_key=f"page:{sequence}",
                                change="upsert", body=json.dumps(body, ensure_ascii=False))

    first = worker("--poll", "0.2")
    try:
        assert server.got_request.wait(90), first.stdout.read().decode() if first.poll() is not None else "no request"
        leased = Delivery.objects.filter(status=DeliveryStatus.PENDING, lease_until__isnull=False)
        assert leased.count() == 5  # mid-delivery: the batch is leased, nothing recorded yet
        first.kill()  # SIGKILL: no chance to clean up
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
        hold.set()  # let the receiver answer the dead connection
    assert not Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()  # the batch died with the worker

    # A restarted worker takes over once the dead worker's lease has expired.
    wait = max((d.lease_until - timezone.now()).total_seconds() for d in Delivery.objects.all())
    time.sleep(max(wait, 0) + 0.5)
    second = worker("--once")
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 0, output.decode()

    deliveries = list(Delivery.objects.order_by("sequence"))
    assert [d.status for d in deliveries] == [DeliveryStatus.DELIVERED] * 5
    # The killed worker had leased the whole batch: each was sent again once.
    assert [d.attempts for d in deliveries] == [2] * 5
    keys = [r.headers["Idempotency-Key"] for r in server.requests]
    held = keys[0]  # the request the receiver held open while the worker died
    assert keys.count(held) == 2  # the duplicate is recognisable by its key
    assert set(keys) == {str(d.idempotency_key) for d in deliveries}
    assert all(verify_signature(destination.signing_secret, r.headers, r.body) for r in server.requests)
    assert {item_id: item["title"] for item_id, item in server.items().items()} == {
        f"urn:laocai-story:page:{n}": f"Mục {n}" for n in range(1, 6)
    }
