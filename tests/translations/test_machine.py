"""Machine translation (#14 item 3), switched on from the environment and
tested against a small local HTTP server speaking LibreTranslate's API (the
external service is the boundary; wagtail-localize's editor and our view
around it are what is tested)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from storybank.settings.machine_translation import machine_translator
from tests.i18n import shown

from .conftest import publish_change, story

pytestmark = pytest.mark.django_db

SLUG = "fansipan-noc-nha-dong-duong"
NEW_LEDE = "Ở độ cao 3.143 mét, Fansipan đón hơn một triệu du khách mỗi năm và là biểu tượng của Sa Pa."


def test_the_environment_switches_machine_translation_on():
    assert machine_translator({}) is None
    libre = machine_translator({"MACHINE_TRANSLATION_LIBRETRANSLATE_URL": "http://libretranslate:5000/"})
    assert libre["CLASS"] == "storybank.translations.machine.LibreTranslator"
    assert libre["OPTIONS"]["LIBRETRANSLATE_URL"] == "http://libretranslate:5000"
    assert "hmn" not in libre["OPTIONS"]["LANGUAGES"]
    deepl = machine_translator({"MACHINE_TRANSLATION_DEEPL_KEY": "abc:fx"})
    assert deepl["CLASS"] == "storybank.translations.machine.DeepLTranslator"
    assert deepl["OPTIONS"]["AUTH_KEY"] == "abc:fx"


def machine_translated(signed_in, libretranslate) -> tuple[Any, Translation]:
    """The Vietnamese original changed, its translations synced, the English one translated by the machine."""
    source, english = story(SLUG), story(SLUG, "en")
    publish_change(source, lede=NEW_LEDE)
    signed_in("editor").post(reverse("translation_status_update", args=[source.pk]))
    synced = Translation.objects.get(source__object_id=source.translation_key, target_locale=english.locale)
    signed_in("translator_en").post(reverse("translation_status_machine_translate", args=[synced.pk]),
                                    {"next": reverse("wagtailadmin_home")})
    return english, synced


def test_libretranslate_translates_the_segments_in_the_translation_editor(demo, signed_in, libretranslate):
    english, synced = machine_translated(signed_in, libretranslate)
    assert libretranslate.received, "the service was called"
    assert all(r["path"] == "/translate" and r["source"] == "vi" and r["target"] == "en" and r["api_key"] == "khoa-thu"
               for r in libretranslate.received)
    lede = StringSegment.objects.get(source=synced.source, context__path="lede")
    machine = StringTranslation.objects.get(translation_of=lede.string, context=lede.context, locale=english.locale)
    assert machine.data == f"[en] {NEW_LEDE}" and machine.translation_type == StringTranslation.TRANSLATION_TYPE_MACHINE


def test_a_failing_service_changes_nothing_and_says_so(demo, signed_in, libretranslate):
    libretranslate.failing = True
    source, english = story(SLUG), story(SLUG, "en")
    publish_change(source, lede=NEW_LEDE)
    signed_in("editor").post(reverse("translation_status_update", args=[source.pk]))
    synced = Translation.objects.get(source__object_id=source.translation_key, target_locale=english.locale)
    response = signed_in("translator_en").post(reverse("translation_status_machine_translate", args=[synced.pk]),
                                               {"next": reverse("wagtailadmin_home")}, follow=True)
    assert response.status_code == 200
    assert any(shown("%(service)s did not translate: %(error)s. Nothing was changed.") in str(message)
               for message in response.context["messages"])
    assert not StringTranslation.objects.filter(locale=english.locale,
                                                translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE).exists()
