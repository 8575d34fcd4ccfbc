"""Machine text stays labelled machine until a person edits or approves it
(#14 item 3), on the page, in the JSON Feed's ``_laocai``, in ninjs and in
NewsML-G2.

These tests commit for real (``transaction=True``): wagtail-localize
publishes a translation "on commit", which outside a test's transaction
happens *before* it logs what the revision was made from, the order in which
the label used to fall back to "human". The machine is a small local HTTP
server speaking LibreTranslate's API (``conftest.libretranslate``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from lxml import etree
from wagtail.models import TaskState
from wagtail_localize.models import StringSegment, Translation

from storybank.feeds.models import Feed
from storybank.feeds.sync import reconcile_feed
from storybank.translations.models import TranslationMethod, TranslationState
from tests.demo_replay import load_demo
from tests.i18n import shown

from .conftest import PEOPLE, fresh, publish_change, story

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLUG = "fansipan-noc-nha-dong-duong"
NEW_LEDE = "Ở độ cao 3.143 mét, Fansipan đón hơn một triệu du khách mỗi năm và là biểu tượng của Sa Pa."
EDITED_LEDE = "At 3,143 metres, Fansipan welcomes more than a million visitors a year and is the symbol of Sa Pa."
MACHINE_NOTICE = "This page was translated by machine and has not yet been checked by a person."
REVIEWED_NOTICE = "This page was translated by machine and checked by a person."
NEWSML = {"n": "http://iptc.org/std/nar/2006-10-01/"}


def person(role: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=PEOPLE[role]))
    return client


def item_id(page) -> str:
    return f"urn:laocai-story:page:{page.pk}"


def partner_views(page) -> dict[str, Any]:
    """The page's item as a partner of the demo's feed holds it, in each format."""
    partner = Client()
    params = {"since": 0, "limit": 1000}
    json_item = [item for item in partner.get("/feeds/sa-pa.json", params).json()["items"]
                 if item["id"] == item_id(page)][-1]
    ninjs_item = [item for item in json.loads(partner.get("/feeds/sa-pa.ninjs", params).content)["items"]
                  if item["uri"] == item_id(page)][-1]
    newsml = etree.fromstring(partner.get("/feeds/sa-pa.newsml", params).content)
    newsml_item = newsml.xpath(f"//n:newsItem[@guid='{item_id(page)}']", namespaces=NEWSML)[-1]
    return {"json": json_item["_laocai"]["translation"], "ninjs": ninjs_item, "newsml": newsml_item}


def machine_translate(translation: Translation, role: str) -> None:
    response = person(role).post(reverse("translation_status_machine_translate", args=[translation.pk]),
                                 {"next": reverse("wagtailadmin_home")})
    assert response.status_code == 302


def synced(source, page) -> Translation:
    return Translation.objects.get(source__object_id=source.translation_key, target_locale=page.locale)


def assert_labelled(page, method: str, *, reviewed: bool) -> None:
    state = TranslationState.objects.get(page=page)
    assert (state.method, state.reviewed) == (method, reviewed)
    assert state.machine_tool == "LibreTranslate"
    html = Client().get(fresh(page).url).content.decode()
    seen = partner_views(page)
    assert seen["json"]["method"] == method and seen["json"]["reviewed"] is reviewed
    assert seen["json"]["machine_tool"] == "LibreTranslate"
    ninjs_codes = {a["value"] for a in seen["ninjs"]["altids"] if a["role"] == "translation-status"}
    newsml_codes = set(seen["newsml"].xpath("n:itemMeta/n:signal/@qcode", namespaces=NEWSML))
    machine = "n:contentMeta/n:contributor[@role='lctrans:machine-translation']/n:name/text()"
    contributors = seen["newsml"].xpath(machine, namespaces=NEWSML)
    assert contributors == ["LibreTranslate"]
    assert any(s.get("name") == "LibreTranslate" for s in seen["ninjs"].get("infosources", []))
    if method == TranslationMethod.MACHINE:
        assert shown(MACHINE_NOTICE, page.locale.language_code) in html
        assert "machine-unreviewed" in ninjs_codes and "lctrans:machine-unreviewed" in newsml_codes
    else:
        assert shown(REVIEWED_NOTICE, page.locale.language_code) in html
        assert "machine-unreviewed" not in ninjs_codes and "lctrans:machine-unreviewed" not in newsml_codes


@pytest.fixture
def translations_to_update(libretranslate):
    """The demo, its Vietnamese story changed and its translations synced with the new text."""
    load_demo()
    reconcile_feed(Feed.objects.get(slug="sa-pa"))
    source = publish_change(story(SLUG), lede=NEW_LEDE)
    person("editor").post(reverse("translation_status_update", args=[source.pk]))
    return source


def test_published_machine_text_is_machine_until_a_translator_edits_it_or_a_reviewer_approves_it(
        translations_to_update):
    source, english, chinese = translations_to_update, story(SLUG, "en"), story(SLUG, "zh-hans")

    # English: the machine translates, an editor publishes from the translation editor.
    machine_translate(synced(source, english), "translator_en")
    editor = person("editor")
    editor.post(reverse("wagtailadmin_pages:edit", args=[english.pk]), {"action": "publish"})
    english = fresh(english)
    assert english.lede == f"[en] {NEW_LEDE}" and english.slug == SLUG  # the slug stays as it is
    assert_labelled(english, TranslationMethod.MACHINE, reviewed=False)

    # Republishing is not reviewing: still machine.
    editor.post(reverse("wagtailadmin_pages:edit", args=[english.pk]), {"action": "publish"})
    assert_labelled(english, TranslationMethod.MACHINE, reviewed=False)

    # The translator edits one machine segment in wagtail-localize's editor; published, it is machine reviewed
    # by a person (no review step approved it, so it is not "reviewed").
    lede = StringSegment.objects.get(source=synced(source, english).source, context__path="lede")
    response = person("translator_en").put(
        reverse("wagtail_localize:edit_string_translation", args=[synced(source, english).pk, lede.pk]),
        encode_multipart("BoUnDaRy", {"value": EDITED_LEDE}),
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"))
    assert response.status_code in (200, 201), response.content
    editor.post(reverse("wagtailadmin_pages:edit", args=[english.pk]), {"action": "publish"})
    assert fresh(english).lede == EDITED_LEDE
    assert_labelled(english, TranslationMethod.MACHINE_REVIEWED, reviewed=False)

    # Chinese: the machine translates, the translator submits it unchanged, the editor approves it in review.
    machine_translate(synced(source, chinese), "translator_zh")
    person("translator_zh").post(reverse("translation_status_submit", args=[chinese.pk]))
    task_state = TaskState.objects.get(workflow_state__object_id=str(chinese.pk), status="in_progress")
    editor.post(reverse("wagtailadmin_pages:workflow_action", args=[chinese.pk, "approve", task_state.pk]),
                {"comment": ""})
    chinese = fresh(chinese)
    assert chinese.lede == f"[zh] {NEW_LEDE}"  # LibreTranslate calls it zh and not chinese.has_unpublished_changes
    assert_labelled(chinese, TranslationMethod.MACHINE_REVIEWED, reviewed=True)
    assert TranslationState.objects.get(page=chinese).reviewed_by.username == PEOPLE["editor"]


def test_a_translation_published_outside_a_request_keeps_its_machine_label(translations_to_update):
    """A command or a task: wagtail-localize's on-commit publication then runs before it logs the revision."""
    source, french = translations_to_update, story(SLUG, "fr")
    machine_translate(synced(source, french), "editor")
    synced(source, french).save_target(user=get_user_model().objects.get(username=PEOPLE["editor"]), publish=True)
    assert fresh(french).lede == f"[fr] {NEW_LEDE}"
    assert_labelled(french, TranslationMethod.MACHINE, reviewed=False)
