"""Push deliveries counted as the delivery worker records their outcomes,
against a real webhook receiver on loopback (the feeds tests' fixtures)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from storybank.analytics.models import Metric
from storybank.feeds.models import Delivery, DeliveryStatus, PushDestination
from storybank.feeds.push import Worker
from storybank.feeds.sync import reconcile_feed
from tests.feeds.conftest import (  # noqa: F401 (fixtures)
    _feeds_settings,
    make_feed,
    new_story,
    partner,
    quiet_demo_feeds,
    receiver,
)

from .conftest import today_count

pytestmark = pytest.mark.django_db


def test_failed_attempts_and_deliveries_are_counted_with_the_items_dimensions(
    quiet_demo_feeds, make_feed, partner, receiver  # noqa: F811 (fixtures)
):
    feed = make_feed(slug="pushed", kinds=["story"], is_public=False, readers=[partner])
    reconcile_feed(feed)
    server = receiver(statuses=[503])
    PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=server.url)
    story = new_story("Chợ phiên Cán Cấu", pillar="culture")
    dimensions = {"kind": "story", "locale": "vi", "pillar": "culture", "unit_id": None, "detail": "pushed"}

    assert Worker().run_once() == 1  # the receiver answers 503
    assert today_count(Metric.PUSH_FAILURE, **dimensions) == 1
    assert today_count(Metric.PUSH_DELIVERY, **dimensions) == 0

    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())
    assert Worker().run_once() == 1  # delivered
    assert len(server.requests) == 2 and server.requests[-1].json["id"].endswith(f"page:{story.pk}")
    assert today_count(Metric.PUSH_DELIVERY, **dimensions) == 1
    assert today_count(Metric.PUSH_FAILURE, **dimensions) == 1
    assert Worker().run_once() == 0  # nothing due: nothing more counted
    assert today_count(Metric.PUSH_DELIVERY, **dimensions) == 1
