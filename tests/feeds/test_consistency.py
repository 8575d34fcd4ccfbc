"""Issue 15, item 4: feeds keep partners consistent.

* Narrowing a partner's languages sends its push destinations tombstones
  for what they hold in the dropped languages.
* An image whose rights end by the calendar leaves the story items that
  show it when ``reconcile_feeds`` runs (the scheduler's job), before the
  rights-expiry run withdraws it.

(Restoring an expired image: ``tests/operations/test_restored_renditions.py``.)
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from storybank.assets.models import LaoCaiImage
from storybank.feeds.models import DeliveryStatus, FeedEntry, PushDestination
from storybank.feeds.push import Worker
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage

from .test_push import expected_items


@pytest.mark.django_db
def test_narrowing_a_partner_s_languages_withdraws_what_it_holds_in_them(quiet_demo_feeds, make_feed, partner,
                                                                          receiver):
    feed = make_feed(slug="every-language", kinds=["story"])
    server = receiver()
    destination = PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=server.url)
    reconcile_feed(feed)
    Worker().run_once()
    languages = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("locale", flat=True))
    assert {"vi", "en"} <= languages
    assert {item_id: item["title"] for item_id, item in server.items().items()} == expected_items(feed)

    partner.allowed_locales = ["vi"]
    partner.save()
    Worker().run_once()
    vietnamese = FeedEntry.objects.filter(feed=feed, present=True, locale="vi")
    assert {item_id: item["title"] for item_id, item in server.items().items()} == {
        f"urn:laocai-story:{key}": title for key, title in vietnamese.values_list("item_key", "payload__title")
    }
    assert not destination.deliveries.exclude(status=DeliveryStatus.DELIVERED).exists()
    tombstones = [r.json for r in server.requests if r.json["change"] == "delete"]
    assert tombstones and {t["reason"] for t in tombstones} == {"not-selected"}
    assert min(t["sequence"] for t in tombstones) > max(
        r.json["sequence"] for r in server.requests if r.json["change"] == "upsert")

    partner.save()  # nothing more to withdraw
    assert not destination.deliveries.filter(status=DeliveryStatus.PENDING).exists()


@pytest.mark.django_db
def test_an_image_whose_rights_end_by_the_calendar_leaves_stories_at_the_next_reconcile(quiet_demo_feeds,
                                                                                         make_feed):
    feed = make_feed(slug="stories", kinds=["story"])
    reconcile_feed(feed)
    story = next(page for page in StoryPage.objects.live().filter(locale__language_code="vi")
                 if page.get_images() and FeedEntry.objects.filter(feed=feed, item_key=f"page:{page.pk}").exists())
    image = story.get_images()[0]
    entry = FeedEntry.objects.get(feed=feed, item_key=f"page:{story.pk}")
    built_as = entry.sequence
    image_id = f"urn:laocai-story:image:{image.pk}"
    assert image_id in [shown["id"] for shown in entry.payload["images"]]
    # Three days ago the rights still ran (the entry was built then); they ended yesterday.
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    FeedEntry.objects.filter(feed=feed).update(changed_at=three_days_ago)
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=timezone.localdate() - datetime.timedelta(days=1))

    call_command("reconcile_feeds", feed.slug, stdout=open("/dev/null", "w"))
    entry.refresh_from_db()
    assert entry.present and entry.changed_at > three_days_ago
    assert image_id not in [shown["id"] for shown in entry.payload["images"]]
    assert entry.sequence > built_as  # a change partners receive
