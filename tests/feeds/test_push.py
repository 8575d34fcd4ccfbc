"""Push delivery to real receivers: an HTTP server on loopback and moto's S3
server over HTTP. Signatures verify, duplicates carry the same idempotency
key, a receiver that fails and recovers gets the item, the last failure is
dead-lettered and "retry now" in the admin sends it again."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from django.urls import reverse
from django.utils import timezone

from storybank.feeds.models import Delivery, DeliveryStatus, DestinationKind, FeedEntry, PushDestination
from storybank.feeds.push import Worker, backoff_seconds
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage

from .conftest import new_story, verify_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_feed(quiet_demo_feeds, make_feed, partner):
    feed = make_feed(slug="pushed", kinds=["story"], is_public=False, readers=[partner])
    reconcile_feed(feed)
    return feed


def hook(partner, feed, receiver) -> PushDestination:
    return PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=receiver.url)


def expected_items(feed) -> dict[str, str]:
    return {f"urn:laocai-story:{key}": title for key, title in
            FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", "payload__title")}


def make_due() -> None:
    """Jump the clock of waiting deliveries (backoff elapsed)."""
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_published_item_is_posted_signed_with_an_idempotency_key(push_feed, partner, receiver):
    server = receiver()
    destination = hook(partner, push_feed, server)
    story = new_story("Mùa lúa chín Mù Cang Chải")
    assert Delivery.objects.filter(destination=destination, status=DeliveryStatus.PENDING).count() == 1

    assert Worker().run_once() == 1
    [request] = server.requests
    assert verify_signature(destination.signing_secret, request.headers, request.body)
    assert not verify_signature("another secret", request.headers, request.body)
    assert not verify_signature(destination.signing_secret, request.headers, request.body + b" ")
    body = request.json
    assert body["change"] == "upsert" and body["id"] == f"urn:laocai-story:page:{story.pk}"
    assert body["item"]["title"] == "Mùa lúa chín Mù Cang Chải"
    assert request.headers["X-LaoCai-Sequence"] == str(body["sequence"])
    delivery = Delivery.objects.get(destination=destination)
    assert request.headers["Idempotency-Key"] == str(delivery.idempotency_key)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_a_receiver_that_fails_then_recovers_gets_the_item_after_backoff(push_feed, partner, receiver, settings):
    settings.FEEDS_PUSH_BACKOFF_SECONDS = 10
    server = receiver(statuses=[500])
    destination = hook(partner, push_feed, server)
    story = new_story("Chợ phiên Bắc Hà")

    Worker().run_once()
    delivery = Delivery.objects.get(destination=destination)
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=8)
    assert Worker().run_once() == 0  # not before the backoff has passed

    make_due()
    Worker().run_once()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    first, second = server.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]  # a duplicate, recognisable
    assert f"urn:laocai-story:page:{story.pk}" in server.items()


def test_backoff_doubles_up_to_its_cap(settings):
    settings.FEEDS_PUSH_BACKOFF_SECONDS = 30
    settings.FEEDS_PUSH_MAX_BACKOFF_SECONDS = 600
    assert [backoff_seconds(n) for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]


def test_after_the_last_attempt_a_delivery_is_dead_lettered_and_retry_now_sends_it(
    push_feed, partner, receiver, settings, english_admin, admin_client, django_capture_on_commit_callbacks
):
    settings.FEEDS_PUSH_MAX_ATTEMPTS = 3
    server = receiver(statuses=[500, 503, 502])
    destination = hook(partner, push_feed, server)
    new_story("Lễ hội Gầu Tào")
    for _attempt in range(3):
        make_due()
        Worker().run_once()
    delivery = Delivery.objects.get(destination=destination)
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 3
    make_due()
    assert Worker().run_once() == 0  # dead letters wait for a person

    listing = admin_client.get(reverse("feeds_admin:deliveries"))
    assert listing.status_code == 200 and "Retry now" in listing.content.decode()
    assert "HTTP 502" in listing.content.decode()
    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(reverse("feeds_admin:deliveries"), {"retry": delivery.pk})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert len(after_commit) == 1  # handed to the sender once committed, not sent inside the request
    Worker().run_once()  # what that sender does
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(server.requests) == 4


def test_retry_now_never_resends_an_older_state_over_a_newer_one(push_feed, partner, receiver, settings):
    settings.FEEDS_PUSH_MAX_ATTEMPTS = 1
    server = receiver(statuses=[500])
    destination = hook(partner, push_feed, server)
    story = new_story("Hoa tam giác mạch")
    Worker().run_once()
    dead = Delivery.objects.get(destination=destination, status=DeliveryStatus.DEAD)
    StoryPage.objects.get(pk=story.pk).unpublish()
    Worker().run_once()
    from storybank.feeds.push import retry_now

    assert retry_now(dead) is False
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.SUPERSEDED
    assert server.items() == {}


def test_waiting_deliveries_of_an_item_are_superseded_by_its_newer_change(push_feed, partner, receiver):
    server = receiver()
    destination = hook(partner, push_feed, server)
    story = new_story("Sản phẩm mới")
    story.title = "Sản phẩm mới (sửa)"
    story.save_revision().publish()
    StoryPage.objects.get(pk=story.pk).unpublish()
    statuses = list(Delivery.objects.filter(destination=destination).order_by("pk").values_list("status", "change"))
    assert statuses == [("superseded", "upsert"), ("superseded", "upsert"), ("pending", "delete")]
    Worker().run_once()
    assert [r.json["change"] for r in server.requests] == ["delete"]
    assert server.items() == {}


def test_the_receivers_copy_equals_the_feed_after_many_changes(quiet_demo_feeds, make_feed, partner, receiver):
    feed = make_feed(slug="pushed-from-start", kinds=["story", "culture"], is_public=False, readers=[partner])
    server = receiver()
    hook(partner, feed, server)
    reconcile_feed(feed)  # the first fill is pushed too
    for page in StoryPage.objects.live().filter(locale__language_code="en").order_by("pk")[:3]:
        page.unpublish()
    for number in range(3):
        new_story(f"Câu chuyện số {number}")
    edited = StoryPage.objects.live().filter(locale__language_code="vi").order_by("-pk").first()
    edited.title = "Tiêu đề đã sửa"
    edited.save_revision().publish()
    Worker().run_once()
    copy = {item_id: item["title"] for item_id, item in server.items().items()}
    assert copy == expected_items(feed)
    assert "Tiêu đề đã sửa" in copy.values()


def test_pushes_respect_the_partners_languages(push_feed, partner, receiver):
    partner.allowed_locales = ["en"]
    partner.save()
    server = receiver()
    hook(partner, push_feed, server)
    story = new_story("Chỉ tiếng Việt")
    english = StoryPage.objects.live().filter(locale__language_code="en").order_by("pk").first()
    english.title = "English only"
    english.save_revision().publish()
    Worker().run_once()
    pushed = set(server.items())
    assert f"urn:laocai-story:page:{english.pk}" in pushed
    assert f"urn:laocai-story:page:{story.pk}" not in pushed


def test_an_item_is_written_to_the_partners_s3_bucket(push_feed, partner, s3_server):
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                      aws_access_key_id="partner", aws_secret_access_key="partner-secret")
    s3.create_bucket(Bucket="doi-tac")
    destination = PushDestination.objects.create(
        partner=partner, feed=push_feed, name="bucket", kind=DestinationKind.S3, bucket="doi-tac",
        prefix="laocai/", endpoint_url=s3_server, region="us-east-1", access_key_id="partner",
        secret_access_key="partner-secret",
    )
    story = new_story("Thổ cẩm Tả Van")
    StoryPage.objects.get(pk=story.pk).unpublish()
    assert Worker().run_once() == 1  # the upsert was superseded by the removal before any push

    [listed] = s3.list_objects_v2(Bucket="doi-tac", Prefix="laocai/pushed/")["Contents"]
    obj = s3.get_object(Bucket="doi-tac", Key=listed["Key"])
    body = obj["Body"].read()
    change = json.loads(body)
    assert change["change"] == "delete" and change["id"] == f"urn:laocai-story:page:{story.pk}"
    assert listed["Key"] == f"laocai/pushed/{change['sequence']:012d}-page-{story.pk}.json"
    metadata = obj["Metadata"]
    headers = {"X-LaoCai-Timestamp": metadata["timestamp"], "X-LaoCai-Signature": metadata["signature"]}
    assert verify_signature(destination.signing_secret, headers, body)
    delivery = Delivery.objects.get(destination=destination, status=DeliveryStatus.DELIVERED)
    assert metadata["idempotency-key"] == str(delivery.idempotency_key)


def test_s3_failures_are_retried_like_webhooks(push_feed, partner, s3_server):
    PushDestination.objects.create(
        partner=partner, feed=push_feed, name="bucket", kind=DestinationKind.S3, bucket="not-created-yet",
        endpoint_url=s3_server, region="us-east-1", access_key_id="a", secret_access_key="b",
    )
    new_story("Gạo Séng Cù")
    Worker().run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "NoSuchBucket" in delivery.last_error
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="a",
                 aws_secret_access_key="b").create_bucket(Bucket="not-created-yet")
    make_due()
    Worker().run_once()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
