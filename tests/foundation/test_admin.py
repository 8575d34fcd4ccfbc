"""Editors can open every editing screen of the content model."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.images.forms import get_image_form
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage
from storybank.culture.models import CultureEntryPage
from storybank.home.models import HomePage
from storybank.products.models import OCOPProductPage
from storybank.stories.models import StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [HomePage, StoryIndexPage, StoryPage, OCOPProductPage, CultureEntryPage])
def test_edit_view_of_each_page_type_renders(demo, admin_client, model):
    page = model.objects.filter(locale__language_code="vi").first()
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_image_edit_form_has_one_alt_text_box_per_language(demo, admin_client):
    image = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    response = admin_client.get(reverse("wagtailimages:edit", args=[image.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("en", "zh-hans", "fr", "ko", "ja", "hmn"):
        assert f'name="alt_{code}"' in html
    assert "Flooded terraces in Y Ty reflecting the sky" in html


def test_saving_the_image_form_stores_alt_text_per_language(demo, admin_client):
    image = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    form_class = get_image_form(LaoCaiImage)
    data = {
        "title": image.title, "description": image.description, "credit": image.credit, "licence": image.licence,
        "consent_status": image.consent_status, "collection": image.collection_id, "tags": "",
        "focal_point_x": "", "focal_point_y": "", "focal_point_width": "", "focal_point_height": "",
        "alt_en": "Terraces in Y Ty", "caption_fr": "Rizières en terrasses d'Y Tý", "alt_ko": "",
    }
    form = form_class(data=data, instance=image, user=None)
    assert form.is_valid(), form.errors
    form.save()
    image.refresh_from_db()
    assert image.localized_text == {
        "en": {"alt": "Terraces in Y Ty"},
        "fr": {"caption": "Rizières en terrasses d'Y Tý"},
    }
    assert image.alt_for("en") == "Terraces in Y Ty"
    assert image.alt_for("ko") == image.description  # falls back to Vietnamese


@pytest.mark.parametrize("model_name", ["ethnicgroup", "place", "topic", "contributingunit"])
def test_taxonomy_snippet_listings_render(demo, admin_client, model_name):
    response = admin_client.get(reverse(f"wagtailsnippets_taxonomy_{model_name}:list"))
    assert response.status_code == 200


def test_page_explorer_lists_every_locale(demo, admin_client):
    home = Page.objects.get(depth=2, locale__language_code="vi")
    response = admin_client.get(reverse("wagtailadmin_explore", args=[home.pk]))
    assert response.status_code == 200
