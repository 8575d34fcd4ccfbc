"""Sending the outbox: webhooks signed with HMAC-SHA256, or objects in S3.

A worker claims a small batch of due deliveries, each with a lease (a
conditional UPDATE that only one worker can win), sends them concurrently
and records their outcomes in one transaction. A worker
that dies mid-delivery leaves its lease behind; once the lease expires any
worker claims the delivery again and re-sends it with the same idempotency
key, so nothing is lost and duplicates are recognisable. Failures are retried
with exponential backoff; after the last attempt the delivery is dead-lettered
and waits for an editor's "retry now" in the admin.

Deliveries of the same item to the same destination are sent in order: a
delivery waits while an older one of the same item is in flight. The lease
must outlast a batch: ``FEEDS_PUSH_LEASE_SECONDS`` ≥ timeout × batch ÷
concurrency (120 s ≥ 15 s × 16 ÷ 8 by default).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
import requests
from botocore.config import Config
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.models import Page

from storybank.analytics.models import Metric
from storybank.analytics.recording import Hit, asset_hit, count_safely, page_hit
from storybank.assets.models import LaoCaiImage, MediaAsset

from .items import IMAGE, MEDIA, PAGE, split_key
from .models import Delivery, DeliveryStatus, DestinationKind, FeedEntry, PushDestination

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-LaoCai-Signature"
TIMESTAMP_HEADER = "X-LaoCai-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, ``timestamp + "." + body``)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff_seconds(attempts: int) -> float:
    """Delay before attempt ``attempts + 1``: base × 2^(attempts − 1), capped."""
    base = float(setting("FEEDS_PUSH_BACKOFF_SECONDS", 30))
    cap = float(setting("FEEDS_PUSH_MAX_BACKOFF_SECONDS", 6 * 3600))
    return min(base * 2 ** max(attempts - 1, 0), cap)


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""


class Worker:
    """Claims due deliveries and sends them."""

    def __init__(self, worker_id: str | None = None) -> None:
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = datetime.timedelta(seconds=float(setting("FEEDS_PUSH_LEASE_SECONDS", 120)))
        self.timeout = float(setting("FEEDS_PUSH_TIMEOUT_SECONDS", 15))
        self.max_attempts = int(setting("FEEDS_PUSH_MAX_ATTEMPTS", 8))
        self.batch_size = int(setting("FEEDS_PUSH_BATCH", 16))
        self.concurrency = int(setting("FEEDS_PUSH_CONCURRENCY", 8))
        self._local = threading.local()
        self._lock = threading.Lock()
        self._s3_clients: dict[int, Any] = {}

    # --- claiming ---------------------------------------------------------------
    def due_ids(self, exclude: set[int], limit: int = 50) -> list[int]:
        now = timezone.now()
        older_in_flight = Delivery.objects.filter(
            destination=OuterRef("destination"), item_key=OuterRef("item_key"),
            status=DeliveryStatus.PENDING, pk__lt=OuterRef("pk"),
        )
        due = (
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .exclude(Exists(older_in_flight))
            .exclude(pk__in=exclude)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return list(due[:limit])

    def claim(self, pks: list[int]) -> list[Delivery]:
        """Lease those of ``pks`` no other worker holds (one transaction)."""
        now = timezone.now()
        won = []
        with transaction.atomic():
            for pk in pks:
                if (
                    Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING)
                    .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
                    .update(lease_until=now + self.lease, leased_by=self.id, attempts=F("attempts") + 1)
                ):
                    won.append(pk)
        related = ("destination", "destination__partner", "feed")
        return list(Delivery.objects.select_related(*related).filter(pk__in=won).order_by("pk"))

    # --- sending ----------------------------------------------------------------
    def send(self, delivery: Delivery) -> Outcome:
        destination = delivery.destination
        try:
            if destination.kind == DestinationKind.S3:
                return self.send_s3(delivery, destination)
            return self.send_webhook(delivery, destination)
        except Exception as error:  # any failure of the far side is a failed attempt
            return Outcome(False, None, f"{type(error).__name__}: {error}"[:2000])

    def headers(self, delivery: Delivery, secret: str, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "LaoCaiStory-Feeds/1.0",
            IDEMPOTENCY_HEADER: str(delivery.idempotency_key),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            "X-LaoCai-Feed": delivery.feed.slug,
            "X-LaoCai-Sequence": str(delivery.sequence),
            "X-LaoCai-Change": delivery.change,
        }

    @property
    def session(self) -> requests.Session:
        """One HTTP session (connection pool) per sending thread."""
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def send_webhook(self, delivery: Delivery, destination: PushDestination) -> Outcome:
        body = delivery.body.encode()
        response = self.session.post(
            destination.url, data=body, headers=self.headers(delivery, destination.signing_secret, body),
            timeout=self.timeout, allow_redirects=False,
        )
        if 200 <= response.status_code < 300:
            return Outcome(True, response.status_code)
        return Outcome(False, response.status_code, f"HTTP {response.status_code}: {response.text[:500]}")

    def s3_client(self, destination: PushDestination) -> Any:
        with self._lock:  # creating boto3 clients is not thread-safe; using them is
            return self._make_s3_client(destination)

    def _make_s3_client(self, destination: PushDestination) -> Any:
        if destination.pk not in self._s3_clients:
            self._s3_clients[destination.pk] = boto3.client(
                "s3",
                endpoint_url=destination.endpoint_url or None,
                region_name=destination.region or None,
                aws_access_key_id=destination.access_key_id or None,
                aws_secret_access_key=destination.secret_access_key or None,
                config=Config(connect_timeout=self.timeout, read_timeout=self.timeout, retries={"max_attempts": 1}),
            )
        return self._s3_clients[destination.pk]

    @staticmethod
    def s3_key(delivery: Delivery, destination: PushDestination) -> str:
        """One object per change, named so that a listing sorts in feed order."""
        item = delivery.item_key.replace(":", "-")
        return f"{destination.prefix}{delivery.feed.slug}/{delivery.sequence:012d}-{item}.json"

    def send_s3(self, delivery: Delivery, destination: PushDestination) -> Outcome:
        body = delivery.body.encode()
        headers = self.headers(delivery, destination.signing_secret, body)
        self.s3_client(destination).put_object(
            Bucket=destination.bucket, Key=self.s3_key(delivery, destination), Body=body,
            ContentType="application/json; charset=utf-8",
            Metadata={
                "idempotency-key": headers[IDEMPOTENCY_HEADER], "timestamp": headers[TIMESTAMP_HEADER],
                "signature": headers[SIGNATURE_HEADER], "feed": delivery.feed.slug,
                "sequence": str(delivery.sequence), "change": delivery.change,
            },
        )
        return Outcome(True, 200)

    # --- recording the outcome --------------------------------------------------
    def finish(self, delivery: Delivery, outcome: Outcome) -> None:
        now = timezone.now()
        mine = Delivery.objects.filter(pk=delivery.pk, leased_by=self.id, status=DeliveryStatus.PENDING)
        if outcome.ok:
            if mine.update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, lease_until=None,
                last_status_code=outcome.status_code, last_error="",
            ):
                count_outcome(delivery, delivered=True)
            return
        dead = delivery.attempts >= self.max_attempts
        if mine.update(
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
            next_attempt_at=now if dead else now + datetime.timedelta(seconds=backoff_seconds(delivery.attempts)),
            lease_until=None, last_status_code=outcome.status_code, last_error=outcome.error,
        ):
            count_outcome(delivery, delivered=False)
        logger.warning(
            "Delivery %s to %s failed (attempt %s%s): %s", delivery.pk, delivery.destination.target,
            delivery.attempts, ", dead-lettered" if dead else "", outcome.error,
        )

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Attempt every delivery due now once; return how many were attempted."""
        attempted: set[int] = set()
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="deliver") as pool:
            while not (stop and stop.is_set()):
                due = self.due_ids(exclude=attempted, limit=self.batch_size)
                if not due:
                    break
                attempted.update(due)
                batch = self.claim(due)
                outcomes = list(pool.map(self.send, batch))
                with transaction.atomic():  # one commit per batch; a crash before it means re-sends, not losses
                    for delivery, outcome in zip(batch, outcomes, strict=True):
                        self.finish(delivery, outcome)
        return len(attempted)


# --- after a commit: sending without holding up whoever made the change --------------

_kick_lock = threading.Lock()
_kick_state = {"pending": False, "running": False}


def send_soon() -> None:
    """Have the deliveries just committed sent, never inside the request or
    command that committed them (a partner answering in ten seconds must not
    make an editor wait ten seconds). With a task queue the delivery task is
    queued for ``task_worker``; with the immediate backend (no queue: ``make
    demo``, tests) one background thread per process sends them. Either way
    ``deliver_feeds`` sends whatever is still due and every retry."""
    if not isinstance(deliver_feeds_task.get_backend(), ImmediateBackend):
        deliver_feeds_task.enqueue()
        return
    with _kick_lock:
        _kick_state["pending"] = True
        if _kick_state["running"]:
            return  # the running thread takes this batch too
        _kick_state["running"] = True
    threading.Thread(target=_send_in_background, name="deliver-soon", daemon=True).start()


def _send_in_background() -> None:
    while True:
        with _kick_lock:
            if not _kick_state["pending"]:
                _kick_state["running"] = False
                return
            _kick_state["pending"] = False
        try:
            Worker().run_once()
        except Exception:  # what is left is sent by deliver_feeds once the leases expire
            logger.exception("Sending pushes in the background failed")
        finally:
            connection.close()


@task()
def deliver_feeds_task() -> int:
    """Send every push delivery that is due now; returns how many were attempted."""
    return Worker().run_once()


# --- telling analytics ------------------------------------------------------------


def count_outcome(delivery: Delivery, delivered: bool) -> None:
    """Tell analytics about one push attempt's outcome, with the dimensions
    of the item it carried (the page or asset if it still exists, else the
    feed entry's kind and language) and the feed as its detail. Runs in the
    worker's transaction; counting never stops a delivery."""
    metric = Metric.PUSH_DELIVERY if delivered else Metric.PUSH_FAILURE
    try:
        count_safely(item_hit(delivery.feed_id, delivery.item_key, metric).with_detail(delivery.feed.slug))
    except Exception:
        logger.exception("Could not count the outcome of delivery %s", getattr(delivery, "pk", None))


def item_hit(feed_id: int, item_key: str, metric: str) -> Hit:
    """The analytics dimensions of the item a feed entry names."""
    space, pk = split_key(item_key)
    if space == PAGE:
        page = Page.objects.filter(pk=pk).select_related("locale").specific().first()
        if page is not None:
            return page_hit(page, metric)
    models = {IMAGE: LaoCaiImage, MEDIA: MediaAsset}
    if space in models:
        asset = models[space].objects.filter(pk=pk).first()
        if asset is not None:
            return asset_hit(asset, metric)
    entry = FeedEntry.objects.filter(feed_id=feed_id, item_key=item_key).values("kind", "locale").first() or {}
    return Hit(metric=metric, kind=entry.get("kind", ""), locale=entry.get("locale", ""))


def retry_now(delivery: Delivery) -> bool:
    """Put a dead letter back in the queue. Returns False (and supersedes it)
    when a newer change of the same item to the same destination exists:
    sending the old state again would undo the newer one."""
    newer = Delivery.objects.filter(
        destination=delivery.destination_id, item_key=delivery.item_key, pk__gt=delivery.pk,
    ).exclude(status=DeliveryStatus.SUPERSEDED)
    if newer.exists():
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SUPERSEDED, lease_until=None)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None, leased_by="",
    )
    return True
