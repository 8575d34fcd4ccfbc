"""Freshness per language: a source published after its translation makes
the translation out of date, field by field and segment by segment; editors,
translators, visitors and partners are told, and the translation comes back
up to date through the translation editor and review."""

from __future__ import annotations

import re

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation
from wagtail.models import TaskState
from wagtail_localize.models import StringSegment, Translation

from storybank.feeds.models import Feed
from storybank.feeds.sync import reconcile_feed
from storybank.translations.freshness import source_page_of
from storybank.translations.models import TranslationMethod, TranslationState
from tests.i18n import shown

from .conftest import fresh, publish_change, story

pytestmark = pytest.mark.django_db

SLUG = "fansipan-noc-nha-dong-duong"
NEW_LEDE = "Ở độ cao 3.143 mét, Fansipan đón hơn một triệu du khách mỗi năm và là biểu tượng của Sa Pa."
NEW_ENGLISH_LEDE = "At 3,143 metres, Fansipan welcomes more than a million visitors a year and is the symbol of Sa Pa."


def state_of(page):
    return TranslationState.objects.get(page=page)


def feed_item(client, slug, page):
    """The page's item as a partner syncing the feed from the start holds it."""
    items = client.get(f"/feeds/{slug}.json", {"since": 0, "limit": 1000}).json()["items"]
    return [item for item in items if item["id"] == f"urn:laocai-story:page:{page.pk}"][-1]


def test_every_demo_translation_has_a_state_and_one_is_out_of_date(demo):
    revised = story("duong-sat-lao-cai-ha-noi-hai-phong", "en")
    assert state_of(revised).out_of_date and [c["field"] for c in state_of(revised).changes] == ["lede"]
    english = story(SLUG, "en")
    assert not state_of(english).out_of_date
    assert source_page_of(english).pk == story(SLUG).pk and source_page_of(story(SLUG)) is None


def test_publishing_the_source_marks_each_changed_segment_and_republishing_unchanged_text_does_not(demo):
    source = story(SLUG)
    publish_change(source, lede=NEW_LEDE)
    states = TranslationState.objects.filter(source=source).select_related("page__locale")
    assert {s.page.locale.language_code for s in states} == {"en", "zh-hans", "hmn", "fr", "ko", "ja"}
    for state in states:
        assert state.out_of_date
        assert state.changes == [{"key": "lede#0", "field": "lede", "before": source.lede, "after": NEW_LEDE}]
    since = state_of(story(SLUG, "en")).source_changed_at
    publish_change(source, title=source.title)  # nothing translated changes: still dated from the first change
    assert state_of(story(SLUG, "en")).source_changed_at == since
    publish_change(source, lede=source.lede)  # the change undone: up to date again
    assert not state_of(story(SLUG, "en")).out_of_date


def test_visitors_read_the_notice_in_the_page_language_with_a_link_to_the_original(demo, client):
    source = story(SLUG)
    english, chinese = story(SLUG, "en"), story(SLUG, "zh-hans")
    before = client.get(english.url).content.decode()
    assert "translation-notice" not in before
    publish_change(source, lede=NEW_LEDE)
    page = client.get(english.url).content.decode()  # the page cache was invalidated
    notice = re.search(r'<div class="translation-notice is-out-of-date" role="note">(.*?)</div>', page, re.S).group(1)
    assert "Translated from Vietnamese on" in notice and "the Vietnamese original has been updated since" in notice
    assert f'<a href="{source.get_full_url()}" hreflang="vi">Read the Vietnamese original</a>' in notice
    with translation.override("zh-hans"):
        expected = shown("Translated from %(source)s on %(date)s; the %(source)s original has been updated since.",
                         "zh-hans")
    assert expected in client.get(chinese.url).content.decode()
    assert "translation-notice" not in client.get(source.url).content.decode()


def test_editors_and_translators_see_it_in_the_page_editor_and_the_report(demo, signed_in):
    source = story(SLUG)
    publish_change(source, lede=NEW_LEDE)
    english = story(SLUG, "en")
    editor, translator = signed_in("editor"), signed_in("translator_en")

    source_editor = editor.get(reverse("wagtailadmin_pages:edit", args=[source.pk])).content.decode()
    assert 'class="translation-status-notice"' in source_editor
    assert reverse("translation_status_update", args=[source.pk]) in source_editor  # the one-step button
    translation_editor = translator.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).content.decode()
    assert NEW_LEDE in translation_editor  # what changed in the original, quoted
    assert reverse("translation_status_update", args=[english.pk]) in translation_editor

    report = editor.get(reverse("translation_status_report"), {"language": "en", "status": "out-of-date"})
    html = report.content.decode()
    assert english.title in html and story("duong-sat-lao-cai-ha-noi-hai-phong", "en").title in html
    assert story("homestay-ta-van", "en").title not in html  # up to date: filtered out
    # wagtail-localize's own report address answers with this report.
    assert editor.get("/admin/localize/reports/translations/").url == reverse("translation_status_report")

    dashboard = translator.get(reverse("wagtailadmin_home")).content.decode()
    panel = dashboard.split('id="translations-to-update', 1)[1].split("</section>", 1)[0]
    assert english.title in panel and story(SLUG, "zh-hans").title not in panel  # only their language


def test_update_review_and_approval_bring_the_translation_and_its_feed_item_up_to_date(demo, signed_in, client):
    source, english = story(SLUG), story(SLUG, "en")
    reconcile_feed(Feed.objects.get(slug="sa-pa"))  # the demo's feed as its worker leaves it
    before = feed_item(client, "sa-pa", english)
    assert before["_laocai"]["translation"]["original"] is False
    publish_change(source, lede=NEW_LEDE)
    stale = feed_item(client, "sa-pa", english)
    assert stale["_laocai"]["translation"]["source_changed"] is True
    assert stale["_laocai"]["sequence"] > before["_laocai"]["sequence"]  # partners got an update of that item

    # One step from the source's editor: every translation editor shows the new Vietnamese text.
    editor, translator = signed_in("editor"), signed_in("translator_en")
    editor.post(reverse("translation_status_update", args=[source.pk]))
    synced = Translation.objects.get(source__object_id=source.translation_key, target_locale=english.locale)
    total, translated = synced.get_progress()
    assert total - translated >= 1  # the changed lede (and the fact box the copy never had)

    # The translator translates the changed segment in wagtail-localize's editor (its own API)…
    lede = StringSegment.objects.get(source=synced.source, context__path="lede")
    url = reverse("wagtail_localize:edit_string_translation", args=[synced.pk, lede.pk])
    response = translator.put(url, encode_multipart("BoUnDaRy", {"value": NEW_ENGLISH_LEDE}),
                              content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"))
    assert response.status_code in (200, 201), response.content
    # … and submits it for review: the live page stays as it was.
    translator.post(reverse("translation_status_submit", args=[english.pk]))
    english = fresh(english)
    assert english.workflow_in_progress and NEW_ENGLISH_LEDE not in english.lede
    review = editor.get(reverse("translation_status_review", args=[english.pk])).content.decode()
    assert "<mark>" in review and NEW_ENGLISH_LEDE in review  # the changed segments, marked for the reviewer

    task_state = TaskState.objects.get(workflow_state__object_id=str(english.pk), status="in_progress")
    editor.post(reverse("wagtailadmin_pages:workflow_action", args=[english.pk, "approve", task_state.pk]),
                {"comment": ""})
    english = fresh(english)
    assert english.lede == NEW_ENGLISH_LEDE and not english.has_unpublished_changes
    state = state_of(english)
    assert not state.out_of_date and state.reviewed and state.method == TranslationMethod.HUMAN
    assert state.reviewed_by.username == "bientap"
    assert "translation-notice" not in client.get(english.url).content.decode()
    item = feed_item(client, "sa-pa", english)
    assert item["summary"] == NEW_ENGLISH_LEDE and item["_laocai"]["translation"]["source_changed"] is False
    assert item["_laocai"]["translation"]["reviewed"] is True
    assert item["_laocai"]["sequence"] > stale["_laocai"]["sequence"]


def test_translators_cannot_update_other_languages_or_submit_what_is_not_synced(demo, signed_in):
    source, chinese, english = story(SLUG), story(SLUG, "zh-hans"), story(SLUG, "en")
    translator = signed_in("translator_en")
    assert translator.post(reverse("translation_status_update", args=[chinese.pk])).status_code in (302, 403)
    assert not Translation.objects.filter(source__object_id=source.translation_key).exists()
    assert translator.post(reverse("translation_status_update", args=[source.pk])).status_code in (302, 403)
    response = translator.post(reverse("translation_status_submit", args=[english.pk]), follow=True)
    assert not fresh(english).workflow_in_progress
    assert any("not a synced translation" in str(m) or shown("This page is not a synced translation: submit it "
               "with the editor's own actions.") in str(m) for m in response.context["messages"])
