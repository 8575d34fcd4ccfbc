"""Editors manage partners and feeds in the Wagtail admin, preview a feed's
items, and the demo registers partners and feeds idempotently."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from storybank.feeds.models import ApiKey, Feed, FeedEntry, Partner, PushDestination
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]  # messages read in English


def formset(prefix: str, forms: list[dict[str, str]]) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(forms)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for number, form in enumerate(forms):
        data.update({f"{prefix}-{number}-{key}": value for key, value in form.items()})
        data[f"{prefix}-{number}-ORDER"] = str(number + 1)
        data[f"{prefix}-{number}-DELETE"] = ""
    return data


@pytest.mark.parametrize("name", ["partner", "feed"])
def test_snippet_listings_offer_preview_and_keys(demo, admin_client, name):
    response = admin_client.get(reverse(f"wagtailsnippets_feeds_{name}:list"))
    assert response.status_code == 200
    assert ("Preview items" if name == "feed" else "API keys") in response.content.decode()
    obj = (Feed if name == "feed" else Partner).objects.first()
    assert admin_client.get(reverse(f"wagtailsnippets_feeds_{name}:edit", args=[obj.pk])).status_code == 200


def test_creating_and_editing_a_feed_in_the_admin_recomputes_its_items(
    demo, admin_client, django_capture_on_commit_callbacks
):
    data = {"title": "Sa Pa bằng tiếng Anh", "slug": "sa-pa-en", "description": "", "active": "on",
            "is_public": "on", "kinds": ["story"], "pillars": ["sapa"], "locales": ["en"],
            **formset("pins", [])}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("wagtailsnippets_feeds_feed:add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    feed = Feed.objects.get(slug="sa-pa-en")
    expected = set(StoryPage.objects.live().public().filter(pillar="sapa", locale__language_code="en")
                   .values_list("pk", flat=True))
    present = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", flat=True))
    assert present == {f"page:{pk}" for pk in expected} and present

    data["locales"] = ["vi"]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("wagtailsnippets_feeds_feed:edit", args=[feed.pk]), data)
    removed = FeedEntry.objects.filter(feed=feed, present=False)
    assert {e.item_key for e in removed} == {f"page:{pk}" for pk in expected}
    assert set(removed.values_list("reason", flat=True)) == {"not-selected"}


def test_a_pinned_page_joins_the_feed_with_its_translations(demo, make_feed):
    from storybank.culture.models import CultureEntryPage
    from storybank.feeds.models import FeedPin

    feed = make_feed(slug="pinned", kinds=["product"])
    culture = CultureEntryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    FeedPin.objects.create(feed=feed, page=culture)
    reconcile_feed(feed)
    keys = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", flat=True))
    group = {f"page:{p.pk}" for p in culture.get_translations(inclusive=True).live()}
    assert group <= keys
    assert any(FeedEntry.objects.filter(feed=feed, kind="product"))


def test_a_push_destination_is_checked_before_it_is_saved(demo, admin_client):
    private = Feed.objects.get(slug="vietnam-vn")
    stranger = Partner.objects.create(name="Người lạ", slug="nguoi-la")
    data = {"name": stranger.name, "slug": stranger.slug, "kind": "other", "requests_per_minute": "120",
            "active": "on", "contact_name": "", "contact_email": "", "contact_phone": "", "notes": "",
            **formset("push_destinations", [{"name": "hook", "feed": str(private.pk), "kind": "webhook",
                                             "active": "on", "url": "", "signing_secret": "", "bucket": "",
                                             "prefix": "", "region": "", "endpoint_url": "", "access_key_id": "",
                                             "secret_access_key": ""}])}
    response = admin_client.post(reverse("wagtailsnippets_feeds_partner:edit", args=[stranger.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A webhook needs a URL." in html
    data["push_destinations-0-url"] = "https://doi-tac.example/hook"
    response = admin_client.post(reverse("wagtailsnippets_feeds_partner:edit", args=[stranger.pk]), data)
    assert "add the partner to the feed" in response.content.decode()
    assert not PushDestination.objects.filter(partner=stranger).exists()


def test_feed_preview_lists_the_current_items(demo, admin_client):
    feed = Feed.objects.get(slug="sa-pa")
    reconcile_feed(feed)
    url = reverse("feeds_admin:feed_preview", args=[feed.pk])
    html = admin_client.get(url).content.decode()
    story = StoryPage.objects.live().filter(pillar="sapa", locale__language_code="vi").first()
    assert story.title in html
    assert "/feeds/sa-pa.atom" in html
    StoryPage.objects.filter(pk=story.pk).update(live=False)  # e.g. changed behind the signals' back
    response = admin_client.post(url)
    assert response.status_code == 302
    assert story.title not in admin_client.get(url).content.decode()


def test_demo_feeds_answer_as_promised(demo, client):
    for feed in Feed.objects.all():
        reconcile_feed(feed)
        assert feed.entries.filter(present=True).exists(), feed.slug
    assert client.get("/feeds/sa-pa.json").status_code == 200
    assert client.get("/feeds/van-hoa-hmong.rss").status_code == 200
    assert client.get("/feeds/vietnam-vn.json").status_code == 401
    kinds = {p.kind for p in Partner.objects.all()}
    assert kinds == {"national-platform", "foreign-information-portal", "press"}
    assert not PushDestination.objects.filter(active=True).exists()  # the demo calls no one
    foreign = Feed.objects.get(slug="doi-ngoai")
    languages = set(foreign.entries.filter(present=True).values_list("locale", flat=True))
    assert languages <= {"en", "zh-hans", "fr", "ko", "ja"}


def test_demo_loader_is_idempotent_and_prints_only_the_one_key_an_operator_needs(demo):
    counts = (Partner.objects.count(), Feed.objects.count(), PushDestination.objects.count(), ApiKey.objects.count())
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert (Partner.objects.count(), Feed.objects.count(), PushDestination.objects.count(),
            ApiKey.objects.count()) == counts
    assert "lcs_" not in again.getvalue()

    ApiKey.objects.all().delete()  # as on a fresh install
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    keys = re.findall(r"lcs_[0-9a-f]{8}_[\w-]+", first.getvalue())
    assert len(set(keys)) == 1 and ApiKey.authenticate(keys[0]).partner.slug == "ttxvn"
    for destination in PushDestination.objects.all():
        assert destination.signing_secret not in first.getvalue()
