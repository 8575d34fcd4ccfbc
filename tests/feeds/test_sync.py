"""Incremental sync: cursors, bounded pages, tombstones with reasons, ETags;
and the rule of what may leave (drafts, private pages, embargoed pages,
restricted assets never appear in any format or rendition URL)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus, Licence
from storybank.core.signals import Change, announce
from storybank.feeds.models import Delivery, FeedEntry, PushDestination
from storybank.feeds.sync import reconcile, reconcile_feed
from storybank.stories.models import StoryPage

from .conftest import Replica, fresh, new_story

pytestmark = pytest.mark.django_db

FORMATS = ("json", "atom", "rss", "ninjs", "newsml")


def page_id(page: Page) -> str:
    return f"urn:laocai-story:page:{page.pk}"


def current_ids(feed) -> set[str]:
    return {f"urn:laocai-story:{key}" for key in FeedEntry.objects.filter(feed=feed, present=True)
            .values_list("item_key", flat=True)}


@pytest.fixture
def story_feed(quiet_demo_feeds, make_feed):
    feed = make_feed(slug="stories", kinds=["story"])
    reconcile_feed(feed)
    return feed


def test_a_full_sync_in_small_pages_ends_with_exactly_the_current_items(client, story_feed):
    replica = Replica(story_feed.slug)
    replica.sync(client, limit=7)
    expected = {page_id(p) for p in StoryPage.objects.live().public()}
    assert set(replica.items) == expected == current_ids(story_feed)
    assert replica.pages == -(-len(expected) // 7)  # bounded pages, no empty extra page
    assert replica.cursor == story_feed.head_sequence


def test_pages_are_bounded_and_link_to_the_next_one(client, story_feed, settings):
    settings.FEEDS_MAX_PAGE_SIZE = 10
    response = client.get("/feeds/stories.json", {"since": 0, "limit": 5})
    document = response.json()
    assert len(document["items"]) == 5
    assert document["_laocai"]["has_more"] is True
    assert response["Link"] == f'<{document["next_url"]}>; rel="next"'
    assert client.get("/feeds/stories.json", {"since": 0, "limit": 11}).status_code == 400
    latest = client.get("/feeds/stories.json").json()  # no cursor: the newest items, for feed readers
    assert len(latest["items"]) == min(50, len(current_ids(story_feed)))
    assert latest["_laocai"]["mode"] == "latest" and "next_url" not in latest


def test_removals_arrive_as_tombstones_with_their_reason(client, story_feed):
    replica = Replica(story_feed.slug)
    replica.sync(client)
    stories = list(StoryPage.objects.live().filter(locale__language_code="en").order_by("pk")[:2])
    stories[0].unpublish()
    deleted_id = page_id(stories[1])
    Page.objects.get(pk=stories[1].pk).delete()

    changes = client.get("/feeds/stories.json", {"since": replica.cursor}).json()["items"]
    tombstones = {item["id"]: item["_laocai"]["reason"] for item in changes if item["_laocai"].get("deleted")}
    assert tombstones == {page_id(stories[0]): "withdrawn", deleted_id: "deleted"}
    replica.sync(client)
    assert set(replica.items) == current_ids(story_feed)
    assert page_id(stories[0]) not in replica.items and deleted_id not in replica.items


def test_changed_translations_re_emit_their_siblings(client, story_feed):
    replica = Replica(story_feed.slug)
    replica.sync(client)
    english = StoryPage.objects.live().filter(locale__language_code="en").order_by("pk").first()
    vietnamese = english.get_translation(english.locale.get_default())
    english.title = "A new English title"
    english.save_revision().publish()
    replica.sync(client)
    links = replica.items[page_id(vietnamese)]["_laocai"]["translations"]
    assert {"id": page_id(english), "language": "en", "title": "A new English title",
            "url": english.get_full_url()} in links
    assert replica.items[page_id(english)]["title"] == "A new English title"


def test_rule_changes_send_no_longer_selected_tombstones(client, story_feed):
    replica = Replica(story_feed.slug)
    replica.sync(client)
    story_feed.pillars = ["gateway"]
    story_feed.save()
    reconcile_feed(story_feed)  # what the task queued by save() does once the edit commits
    replica.sync(client)
    gateway = {page_id(p) for p in StoryPage.objects.live().filter(pillar="gateway")}
    assert set(replica.items) == gateway
    reasons = set(FeedEntry.objects.filter(feed=story_feed, present=False).values_list("reason", flat=True))
    assert reasons == {"not-selected"}


def test_rights_expiry_withdraws_the_image_and_re_emits_the_pages_that_show_it(client, quiet_demo_feeds, make_feed):
    feed = make_feed(slug="press", kinds=["story", "image"])
    reconcile_feed(feed)
    replica = Replica(feed.slug)
    replica.sync(client)
    story = StoryPage.objects.live().filter(locale__language_code="vi", hero_image__isnull=False).order_by("pk").first()
    image = story.hero_image
    image_id = f"urn:laocai-story:image:{image.pk}"
    assert image_id in replica.items
    assert image_id in {i["id"] for i in replica.items[page_id(story)]["_laocai"]["images"]}

    # What the governance engineer's daily task does: the date passes, then announce().
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=timezone.localdate() - datetime.timedelta(days=1))
    image.refresh_from_db()
    announce(image, Change.WITHDRAWN)

    changes = client.get(f"/feeds/{feed.slug}.json", {"since": replica.cursor}).json()["items"]
    assert {"id": image_id, "reason": "rights-expired"} in [
        {"id": i["id"], "reason": i["_laocai"]["reason"]} for i in changes if i["_laocai"].get("deleted")
    ]
    replica.sync(client)
    assert image_id not in replica.items
    re_emitted = replica.items[page_id(story)]
    assert image_id not in {i["id"] for i in re_emitted["_laocai"]["images"]}
    assert f"/press/images/{image.pk}/" not in re_emitted["content_html"]


def test_etag_answers_304_until_something_changes(client, story_feed):
    first = client.get("/feeds/stories.atom", {"since": 0})
    etag = first["ETag"]
    again = client.get("/feeds/stories.atom", {"since": 0}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert client.get("/feeds/stories.json", {"since": 0}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # per format

    story = StoryPage.objects.live().order_by("pk").first()
    story.title = story.title + " (cập nhật)"
    story.save_revision().publish()
    changed = client.get("/feeds/stories.atom", {"since": 0}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_bad_parameters_get_clear_json_errors(client, story_feed):
    head = story_feed.head_sequence
    cases = [
        ("/feeds/stories.json?since=abc", 400, "invalid_since"),
        ("/feeds/stories.json?since=-1", 400, "invalid_since"),
        (f"/feeds/stories.json?since={head + 1}", 400, "cursor_ahead"),
        ("/feeds/stories.json?limit=0", 400, "invalid_limit"),
        ("/feeds/stories.json?locale=xx", 400, "invalid_locale"),
        ("/feeds/stories.pdf", 404, "unknown_format"),
        ("/feeds/nothing-here.json", 404, "unknown_feed"),
    ]
    for url, status, code in cases:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.json()["error"]["code"] == code
    assert client.post("/feeds/stories.json").status_code == 405


def test_a_change_rolled_back_leaves_no_trace_in_the_log_or_outbox(story_feed, partner):
    PushDestination.objects.create(partner=partner, feed=story_feed, name="hook", url="http://127.0.0.1:9/hook")
    head = story_feed.head_sequence
    with pytest.raises(RuntimeError), transaction.atomic():
        new_story("Câu chuyện sẽ bị hủy")
        assert story_feed.head_sequence == head + 1 and Delivery.objects.count() == 1  # same transaction
        raise RuntimeError("the editor's save fails after publishing")
    assert story_feed.head_sequence == head
    assert Delivery.objects.count() == 0
    assert not FeedEntry.objects.filter(feed=story_feed, sequence__gt=head).exists()


def test_partner_languages_narrow_what_a_key_receives(client, quiet_demo_feeds, make_feed, partner):
    from storybank.feeds.models import ApiKey

    partner.allowed_locales = ["en"]
    partner.save()
    feed = make_feed(slug="private", is_public=False, kinds=["story", "image"], readers=[partner])
    reconcile_feed(feed)
    _key, raw = ApiKey.issue(partner, "test")
    replica = Replica(feed.slug, headers={"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    replica.sync(client)
    languages = {item.get("language") for item in replica.items.values() if item["_laocai"]["kind"] == "story"}
    assert languages == {"en"}
    assert any(item["_laocai"]["kind"] == "image" for item in replica.items.values())  # language-neutral
    response = client.get("/feeds/private.json", {"locale": "vi"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "locale_not_allowed"


# --- what may leave -----------------------------------------------------------


def everything_pulled(client, feed) -> str:
    """Every byte of every format, newest items and the full change log."""
    bodies = []
    for fmt in FORMATS:
        for params in ({}, {"since": 0, "limit": 1000}):
            response = client.get(f"/feeds/{feed.slug}.{fmt}", params)
            assert response.status_code == 200
            bodies.append(response.content.decode())
    return "\n".join(bodies)


def test_drafts_private_embargoed_and_restricted_items_never_leave(client, quiet_demo_feeds, make_feed):
    feed = make_feed(slug="all-kinds", kinds=["story", "product", "culture", "image"])
    draft = new_story("Bản nháp chưa duyệt", publish=False)
    embargoed = new_story("Tin giờ G chưa đến")
    StoryPage.objects.filter(pk=embargoed.pk).update(go_live_at=timezone.now() + datetime.timedelta(days=1))
    private = StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    images = list(LaoCaiImage.objects.order_by("pk"))
    press_only = images[0]
    press_only.licence = Licence.PRESS_ONLY
    press_only.save()
    no_consent = images[1]
    no_consent.consent_status = ConsentStatus.MISSING
    no_consent.save()
    expired = images[2]
    expired.rights_expire_on = timezone.localdate() - datetime.timedelta(days=1)
    expired.save()
    reconcile_feed(feed)

    pulled = everything_pulled(client, feed)
    for page in (draft, embargoed, private):
        assert page_id(page) not in pulled
        assert fresh(page).title not in pulled
    for image in (press_only, no_consent, expired):
        assert f"urn:laocai-story:image:{image.pk}\"" not in pulled and f"image:{image.pk}<" not in pulled
        assert f"/press/images/{image.pk}/" not in pulled, f"a rendition URL of {image} leaked"
    assert f"urn:laocai-story:image:{images[3].pk}" in pulled  # the others do leave

    # When the embargo passes, the periodic reconcile lets the page out.
    StoryPage.objects.filter(pk=embargoed.pk).update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    assert [change.key for change in reconcile(feed)] == [f"page:{embargoed.pk}"]
    assert page_id(embargoed) in everything_pulled(client, feed)


def test_a_view_restriction_on_a_section_withdraws_its_pages_at_once(client, story_feed):
    replica = Replica(story_feed.slug)
    replica.sync(client)
    index = StoryPage.objects.live().filter(locale__language_code="vi").first().get_parent()
    restriction = PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    replica.sync(client)
    assert not any(item["language"] == "vi" for item in replica.items.values())
    restriction.delete()
    replica.sync(client)
    assert set(replica.items) == current_ids(story_feed) == {page_id(p) for p in StoryPage.objects.live().public()}


def test_items_survive_a_round_trip_through_json_unchanged(client, story_feed):
    """The stored payload is what every pull returns (no drift between formats)."""
    entry = FeedEntry.objects.filter(feed=story_feed, present=True).order_by("sequence").first()
    item = next(i for i in client.get("/feeds/stories.json", {"since": 0, "limit": 1000}).json()["items"]
                if i["id"] == f"urn:laocai-story:{entry.item_key}")
    assert item["title"] == entry.payload["title"]
    assert item["_laocai"]["places"] == entry.payload["places"]
    assert json.dumps(item["content_html"]) == json.dumps(entry.payload["content_html"])


def test_renaming_a_place_or_its_translation_refreshes_every_item_that_shows_it(
    client, story_feed, django_capture_on_commit_callbacks
):
    from wagtail.models import Locale

    from storybank.taxonomy.models import Place

    replica = Replica(story_feed.slug)
    replica.sync(client)
    place = Place.objects.get(slug="sa-pa", locale__language_code="vi")
    english_place = place.get_translation(Locale.objects.get(language_code="en"))
    with django_capture_on_commit_callbacks(execute=True):
        place.name, place.latitude = "Thị xã Sa Pa", "22.340000"
        place.save()
    with django_capture_on_commit_callbacks(execute=True):
        english_place.name = "Sa Pa town"
        english_place.save()
    replica.sync(client)
    shown = {item["language"]: p for item in replica.items.values() for p in item["_laocai"]["places"]
             if p["id"] == "sa-pa"}
    assert shown["vi"] == {"id": "sa-pa", "name": "Thị xã Sa Pa", "kind": "ward", "latitude": 22.34,
                           "longitude": 103.8438}
    assert shown["en"]["name"] == "Sa Pa town" and shown["en"]["latitude"] == 22.34


def test_fragments_of_an_older_format_version_are_rendered_again_without_new_changes(client, story_feed):
    entry = FeedEntry.objects.filter(feed=story_feed, present=True).order_by("sequence").first()
    before = client.get("/feeds/stories.atom", {"since": 0, "limit": 1000}).content
    FeedEntry.objects.filter(pk=entry.pk).update(fragments_version=0, fragment_atom="", fragment_json="")
    assert client.get("/feeds/stories.atom", {"since": 0, "limit": 1000}).content == before  # rendered on the fly
    head = story_feed.head_sequence
    assert reconcile_feed(story_feed) == []
    entry.refresh_from_db()
    assert entry.fragment_atom and entry.fragments_version > 0 and story_feed.head_sequence == head
    assert client.get("/feeds/stories.atom", {"since": 0, "limit": 1000}).content == before
