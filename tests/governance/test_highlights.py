"""Weekly highlights: editors feature one or two items per unit and week; the
home page shows them in each language, and a partner feed can hold only them."""

from __future__ import annotations

import datetime
import re
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from storybank.feeds.models import Feed, FeedEntry
from storybank.feeds.sync import reconcile_feed
from storybank.governance.highlights import highlighted_translation_keys, weekly_highlights
from storybank.governance.models import WeeklyHighlight, week_start
from storybank.stories.models import StoryPage
from tests.governance.helpers import denied, story, unit, user
from tests.i18n import shown

TOO_MANY = "%(unit)s already features %(count)s items in the week of %(week)s."

pytestmark = pytest.mark.django_db

THIS_WEEK = week_start()
LAST_WEEK = THIS_WEEK - datetime.timedelta(weeks=1)


def highlight(slug: str, unit_slug: str, week: datetime.date = THIS_WEEK) -> WeeklyHighlight:
    item = WeeklyHighlight(unit=unit(unit_slug), week=week, page=story(slug))
    item.full_clean()
    item.save()
    return item


def test_the_demo_features_items_this_week(demo):
    titles = {page.title for page in weekly_highlights("vi")}
    assert story("homestay-ta-van").title in titles and story("hat-then-tay-van-ban").title in titles


def test_any_day_is_stored_as_its_monday(demo):
    WeeklyHighlight.objects.all().delete()
    item = highlight("homestay-ta-van", "phuong-sa-pa", week=THIS_WEEK + datetime.timedelta(days=4))
    assert item.week == THIS_WEEK and item.week.weekday() == 0


def test_at_most_two_items_per_unit_and_week(demo):
    WeeklyHighlight.objects.filter(unit__slug="so-vhttdl").delete()
    highlight("fansipan-noc-nha-dong-duong", "so-vhttdl")
    highlight("le-hoi-gau-tao", "so-vhttdl")
    third = StoryPage.objects.live().filter(contributing_unit__slug="so-vhttdl", locale__language_code="vi")
    extra = third.exclude(slug__in=["fansipan-noc-nha-dong-duong", "le-hoi-gau-tao"]).first()
    if extra is None:  # the demo's third item of that unit is a culture entry
        from storybank.culture.models import CultureEntryPage

        extra = CultureEntryPage.objects.live().filter(contributing_unit__slug="so-vhttdl",
                                                       locale__language_code="vi").first()
    with pytest.raises(ValidationError, match=re.escape(shown(TOO_MANY))):
        WeeklyHighlight(unit=unit("so-vhttdl"), week=THIS_WEEK, page=extra).full_clean()
    # Another week is another quota.
    WeeklyHighlight(unit=unit("so-vhttdl"), week=LAST_WEEK, page=extra).full_clean()


def test_only_public_content_of_the_unit_can_be_featured(demo):
    draft = story("homestay-ta-van")
    draft.unpublish()
    with pytest.raises(ValidationError, match=re.escape(shown("Only published, public items can be featured."))):
        WeeklyHighlight(unit=unit("phuong-sa-pa"), week=LAST_WEEK, page=draft).full_clean()
    with pytest.raises(ValidationError, match=re.escape(shown("“%(title)s” belongs to another unit (%(unit)s)."))):
        WeeklyHighlight(unit=unit("xa-bac-ha"), week=LAST_WEEK, page=story("fansipan-noc-nha-dong-duong")).full_clean()
    index = story("fansipan-noc-nha-dong-duong").get_parent()
    only_content = shown("Only stories, OCOP products and culture entries can be featured.")
    with pytest.raises(ValidationError, match=re.escape(only_content)):
        WeeklyHighlight(unit=unit("so-vhttdl"), week=LAST_WEEK, page=index).full_clean()


def test_each_language_gets_its_own_translations_public_only(demo):
    english = weekly_highlights("en")
    assert english and all(page.locale.language_code == "en" for page in english)
    assert story("homestay-ta-van", "en").pk in {page.pk for page in english}
    story("homestay-ta-van", "en").unpublish()
    assert story("homestay-ta-van", "en").pk not in {page.pk for page in weekly_highlights("en")}
    assert weekly_highlights("xx") == []


def test_last_weeks_highlights_stand_in_until_editors_choose(demo):
    WeeklyHighlight.objects.update(week=LAST_WEEK)
    assert {page.slug for page in weekly_highlights("vi")} >= {"homestay-ta-van", "sa-pa-mua-dong-tuyet-roi"}
    WeeklyHighlight.objects.update(week=THIS_WEEK - datetime.timedelta(weeks=10))
    assert weekly_highlights("vi") == [] and highlighted_translation_keys() == []


def test_the_home_page_shows_this_weeks_highlights(demo, client):
    WeeklyHighlight.objects.exclude(unit__slug="xa-y-ty").delete()
    featured = story("ruong-bac-thang-y-ty-mua-nuoc-do", "en")
    html = client.get("/en/").content.decode()
    section = html.split('aria-labelledby="featured-heading"', 1)[1].split("</section>", 1)[0]
    assert escape(featured.title) in section and featured.url in section
    assert escape(story("homestay-ta-van", "en").title) not in section


def test_editors_mark_highlights_in_the_admin_and_contributors_cannot(as_role):
    WeeklyHighlight.objects.filter(unit__slug="xa-bac-ha").delete()
    page = story("cho-bac-ha-phien-cho-vung-cao")
    data = {"week": timezone.localdate().isoformat(), "unit": unit("xa-bac-ha").pk, "page": page.pk}
    assert denied(as_role("contributor_sapa").post(reverse("wagtailsnippets_governance_weeklyhighlight:add"), data))
    response = as_role("editor").post(reverse("wagtailsnippets_governance_weeklyhighlight:add"), data)
    assert response.status_code == 302
    item = WeeklyHighlight.objects.get(unit__slug="xa-bac-ha")
    assert item.week == THIS_WEEK and item.created_by == user("editor")
    # A third item for a unit is refused with the reason, in the form.
    for slug in ("sa-pa-mua-dong-tuyet-roi", "hat-then-tay-van-ban"):
        assert WeeklyHighlight.objects.filter(unit__slug="bao-lao-cai", page__slug=slug).exists()
    from storybank.culture.models import CultureEntryPage

    third = CultureEntryPage.objects.get(slug="khen-hmong", locale__language_code="vi")
    response = as_role("editor").post(reverse("wagtailsnippets_governance_weeklyhighlight:add"),
                                      {**data, "unit": unit("bao-lao-cai").pk, "page": third.pk})
    assert response.status_code == 200 and shown(TOO_MANY) in response.content.decode()


def test_a_highlights_feed_holds_only_this_weeks_items(demo, client, django_capture_on_commit_callbacks):
    feed = Feed(slug="noi-bat-tuan", title="Nổi bật trong tuần", is_public=True, weekly_highlights_only=True,
                locales=["vi", "en"])
    feed.save()
    reconcile_feed(feed)
    present = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", flat=True))
    expected = {f"page:{page.pk}" for language in ("vi", "en") for page in weekly_highlights(language)}
    assert present == expected and present

    # Editors feature another item: the feed takes it in once the change commits.
    WeeklyHighlight.objects.filter(unit__slug="xa-bac-ha").delete()
    with django_capture_on_commit_callbacks(execute=True):
        added = highlight("cho-bac-ha-phien-cho-vung-cao", "xa-bac-ha")
    assert FeedEntry.objects.filter(feed=feed, present=True, item_key=f"page:{added.page_id}").exists()
    # And un-featuring it sends partners a removal.
    with django_capture_on_commit_callbacks(execute=True):
        added.delete()
    removed = FeedEntry.objects.get(feed=feed, item_key=f"page:{added.page_id}")
    assert not removed.present and removed.reason == "not-selected"
    items = Client().get(f"/feeds/{feed.slug}.json").json()["items"]
    assert {item["id"] for item in items} == {f"urn:laocai-story:{key}" for key in expected}
