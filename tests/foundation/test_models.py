"""The content model: OCOP ratings, NFC text, taxonomy translations."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from storybank.products.models import OCOPProductPage
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import EthnicGroup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("stars", [0, 1, 2, 6, 7])
def test_ocop_rating_outside_three_to_five_is_refused_with_a_clear_message(demo, db, stars):
    product = OCOPProductPage.objects.filter(locale__language_code="vi").first()
    product.star_rating = stars
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            product.full_clean()
        messages = error.value.message_dict["star_rating"]
        assert any("An OCOP rating is 3, 4 or 5 stars" in message for message in messages), messages
    with translation.override("vi"):  # the default language says it too
        messages = error.value.message_dict["star_rating"]
        assert any("OCOP" in message and "3, 4" in message for message in messages), messages


@pytest.mark.parametrize("stars", [3, 4, 5])
def test_ocop_rating_three_to_five_is_accepted(demo, db, stars):
    product = OCOPProductPage.objects.filter(locale__language_code="vi").first()
    product.star_rating = stars
    product.full_clean()


def test_admin_form_refuses_a_six_star_rating_with_the_clear_message(demo, admin_client):
    product = OCOPProductPage.objects.filter(locale__language_code="vi").first()
    form_class = OCOPProductPage.get_edit_handler().get_form_class()
    form = form_class(instance=product, for_user=None)
    field = form.fields["star_rating"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            field.clean("6")
        assert "An OCOP rating is 3, 4 or 5 stars" in " ".join(error.value.messages)


def test_text_is_stored_nfc_normalised(demo):
    story = StoryPage.objects.filter(locale__language_code="vi").first()
    decomposed = unicodedata.normalize("NFD", "Rượu ngô Bắc Hà")
    assert decomposed != "Rượu ngô Bắc Hà"
    story.title = decomposed
    story.lede = decomposed
    story.save()
    story.refresh_from_db()
    assert story.title == "Rượu ngô Bắc Hà"
    assert unicodedata.is_normalized("NFC", story.lede)


def test_stream_field_text_is_nfc_normalised(demo):
    story = StoryPage.objects.filter(locale__language_code="vi").first()
    story.body = [{"type": "quote", "value": {"text": unicodedata.normalize("NFD", "Lào Cai"), "attribution": ""}}]
    story.save()
    story.refresh_from_db()
    assert story.body[0].value["text"] == "Lào Cai"


def test_taxonomy_terms_are_translated_and_localized_at_display_time(demo):
    hmong = EthnicGroup.objects.get(slug="hmong", locale__language_code="vi")
    assert hmong.name == "H'Mông"
    with translation.override("en"):
        assert hmong.localized_name == "Hmong"
    with translation.override("zh-hans"):
        assert hmong.localized_name == "赫蒙族"
    with translation.override("ko"):  # no Korean translation: Vietnamese
        assert hmong.localized_name == "H'Mông"
