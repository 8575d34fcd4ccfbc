"""The demo loader makes a realistic site and is idempotent."""

from __future__ import annotations

import io
import os

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from storybank.assets.models import LaoCaiImage
from storybank.core.choices import Pillar
from storybank.culture.models import CultureEntryPage
from storybank.products.models import OCOPProductPage
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    counts["revisions"] = list(Revision.objects.order_by("pk").values_list("pk", flat=True))
    counts["pages"] = list(Page.objects.order_by("path").values_list("path", "title", "live"))
    return counts


def test_demo_has_the_promised_content(demo):
    vi = {"locale__language_code": "vi"}
    assert StoryPage.objects.filter(**vi).count() >= 12
    assert set(StoryPage.objects.filter(**vi).values_list("pillar", flat=True)) == set(Pillar.values)
    assert OCOPProductPage.objects.filter(**vi).count() >= 8
    assert CultureEntryPage.objects.filter(**vi).count() >= 10
    assert LaoCaiImage.objects.count() >= 30
    models = (StoryPage, OCOPProductPage, CultureEntryPage)
    items = sum(m.objects.filter(**vi).count() for m in models)
    english = sum(m.objects.filter(locale__language_code="en").count() for m in models)
    assert english * 2 >= items
    assert StoryPage.objects.filter(locale__language_code="zh-hans").exists()
    assert Page.objects.filter(locale__language_code="hmn").type(*models).exists()
    titles = set(Page.objects.values_list("title", flat=True))
    for place in ("Sa Pa", "Bắc Hà", "Y Tý", "Bát Xát"):
        assert any(place in title for title in titles), place
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


def test_images_are_real_generated_files_with_asset_metadata(demo):
    from PIL import Image

    image = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    with image.open_file() as handle, Image.open(handle) as picture:
        assert picture.size == (1600, 1067)
    assert image.credit and image.licence and image.place.slug == "y-ty"
    assert image.alt_for("en") == "Flooded terraces in Y Ty reflecting the sky"
    assert image.alt_for("vi") == "Ruộng bậc thang Y Tý ngập nước phản chiếu bầu trời"
    assert [group.slug for group in image.ethnic_groups.all()] == ["ha-nhi"]


def test_running_the_demo_loader_twice_changes_nothing(demo):
    before = snapshot()
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert snapshot() == before
    assert "nothing changed" in output.getvalue()
    assert "password" in output.getvalue()


def test_demo_loader_prints_the_admin_credentials(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    password = os.environ.get("DEMO_ADMIN_PASSWORD", "laocai-demo-2026")
    assert f"username 'admin' and password '{password}'" in output.getvalue()
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(password)
