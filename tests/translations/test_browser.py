"""#14's acceptance walk in a real browser (headless Chromium): a Vietnamese
source changes, the English page and the page editor say so, the editor
updates the translations, the translator's work is approved, the notice is
gone and the feed item updated; axe-core finds nothing serious on the notice
and on the switcher's untranslated languages.

The translator's segment is written through wagtail-localize's own string API
and the approval posted as Wagtail's workflow action (both with Django's test
client against the same live database): their React editor and modal are
Wagtail's, not ours."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from wagtail.models import TaskState
from wagtail_localize.models import StringSegment, Translation

from storybank.governance.demo_content import DEFAULT_PASSWORD
from tests.site import test_browser as site_browser_tests
from tests.site.browser import assert_accessible, keep_local

from .conftest import PEOPLE, fresh, publish_change, story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: The live demo and Chromium, as the site's browser tests have them.
site = site_browser_tests.site

SLUG = "fansipan-noc-nha-dong-duong"
NEW_LEDE = "Ở độ cao 3.143 mét, Fansipan đón hơn một triệu du khách mỗi năm và là biểu tượng của Sa Pa."
NEW_ENGLISH_LEDE = "At 3,143 metres, Fansipan welcomes more than a million visitors a year and is the symbol of Sa Pa."


def signed_in_client(role: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=PEOPLE[role]))
    return client


def feed_item(site_client: Client, page) -> dict:
    items = site_client.get("/feeds/sa-pa.json", {"since": 0, "limit": 1000}).json()["items"]
    return [item for item in items if item["id"] == f"urn:laocai-story:page:{page.pk}"][-1]


def test_an_out_of_date_translation_from_notice_to_approval(site, browser):
    from storybank.feeds.models import Feed
    from storybank.feeds.sync import reconcile_feed

    reconcile_feed(Feed.objects.get(slug="sa-pa"))
    source, english = story(SLUG), story(SLUG, "en")
    publish_change(source, lede=NEW_LEDE)
    visitor = browser.new_page(locale="en-GB")
    keep_local(visitor)

    # The visitor reads the notice in English, with the original one click away.
    visitor.goto(site + urlsplit(english.get_full_url()).path)
    notice = visitor.locator(".translation-notice.is-out-of-date")
    assert "the Vietnamese original has been updated since" in notice.inner_text()
    assert notice.locator('a[hreflang="vi"]').get_attribute("href") == source.get_full_url()
    assert_accessible(visitor, "out-of-date notice")

    # The editor sees it in the page editor of the source and updates every translation in one step.
    editor = browser.new_page(locale="en-GB")
    keep_local(editor)
    editor.goto(f"{site}/admin/login/")
    editor.fill("#id_username", PEOPLE["editor"])
    editor.fill("#id_password", DEFAULT_PASSWORD)
    editor.locator("form button[type=submit]").first.click()
    editor.wait_for_url(f"{site}/admin/")
    editor.goto(site + reverse("wagtailadmin_pages:edit", args=[source.pk]))
    admin_notice = editor.locator(".translation-status-notice").first
    assert admin_notice.is_visible()
    with editor.expect_navigation():
        admin_notice.locator(f'form[action="{reverse("translation_status_update", args=[source.pk])}"] button').click()
    synced = Translation.objects.get(source__object_id=source.translation_key, target_locale=english.locale)

    # The translator translates the changed segment and submits; the editor approves.
    translator = signed_in_client("translator_en")
    lede = StringSegment.objects.get(source=synced.source, context__path="lede")
    response = translator.put(reverse("wagtail_localize:edit_string_translation", args=[synced.pk, lede.pk]),
                              encode_multipart("BoUnDaRy", {"value": NEW_ENGLISH_LEDE}),
                              content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"))
    assert response.status_code in (200, 201)
    translator.post(reverse("translation_status_submit", args=[english.pk]))
    editor.goto(site + reverse("translation_status_review", args=[english.pk]))
    assert editor.locator("mark").count() > 0  # the changed segments, marked for the reviewer
    task_state = TaskState.objects.get(workflow_state__object_id=str(english.pk), status="in_progress")
    signed_in_client("editor").post(
        reverse("wagtailadmin_pages:workflow_action", args=[english.pk, "approve", task_state.pk]), {"comment": ""}
    )
    assert fresh(english).lede == NEW_ENGLISH_LEDE

    # The notice is gone and partners hold the updated item.
    visitor.goto(site + urlsplit(english.get_full_url()).path)
    assert visitor.locator(".translation-notice").count() == 0
    assert NEW_ENGLISH_LEDE in visitor.locator(".lede").inner_text()
    item = feed_item(Client(), english)
    assert item["summary"] == NEW_ENGLISH_LEDE and item["_laocai"]["translation"]["source_changed"] is False


def test_the_switcher_marks_untranslated_languages_accessibly(site, browser):
    from storybank.core.visibility import public_pages
    from storybank.stories.models import StoryPage

    korean = StoryPage.objects.filter(locale__language_code="ko").values("translation_key")
    page_without_korean = public_pages(StoryPage.objects.filter(locale__language_code="vi")).exclude(
        translation_key__in=korean).first()
    visitor = browser.new_page(locale="vi-VN")
    keep_local(visitor)
    visitor.goto(site + urlsplit(page_without_korean.get_full_url()).path)
    visitor.locator(".language-switcher summary").click()
    untranslated = visitor.locator(".language-switcher li.untranslated")
    assert untranslated.count() >= 1 and untranslated.first.is_visible()
    assert visitor.locator('.language-switcher li.untranslated span[lang="ko"]').count() == 1
    assert_accessible(visitor, "language switcher with untranslated languages")
