"""Drafts stay with their unit (issue 15, item 9): the admin's bank search,
site history, page explorer and page search show another unit's draft to
nobody but its unit and the editors; a contributor's upload waits for an
editor before it is public anywhere."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Collection

from storybank.assets.models import LaoCaiImage
from storybank.governance.models import UnitWorkspace
from storybank.stories.models import StoryPage
from tests.governance.helpers import create_story, story_index, unit
from tests.media_pipeline import files

pytestmark = pytest.mark.django_db

TITLE = "Bản thảo riêng của Báo Lào Cai"
LEDE = "Tóm tắt chưa công bố"


@pytest.fixture
def press_draft(as_role):
    response = create_story(as_role("contributor_press"), TITLE, "ban-thao-rieng", unit("bao-lao-cai").pk)
    assert response.status_code == 302
    page = StoryPage.objects.get(slug="ban-thao-rieng")
    assert not page.live
    return page


def admin_pages(page: StoryPage) -> dict[str, str]:
    return {
        "bank search": reverse("search_admin") + "?q=" + "Bản thảo riêng",
        "site history": reverse("wagtailadmin_reports:site_history"),
        "explorer": reverse("wagtailadmin_explore", args=[story_index().pk]),
        "page search": reverse("wagtailadmin_pages:search") + "?q=" + "Bản thảo riêng",
    }


@pytest.mark.parametrize("role", ["contributor_sapa", "translator_en", "partner_manager"])
def test_other_units_drafts_are_not_shown_in_the_admin(as_role, press_draft, role):
    client = as_role(role)
    for name, url in admin_pages(press_draft).items():
        response = client.get(url)
        html = response.content.decode()
        assert TITLE not in html and LEDE not in html, f"{role} sees the draft in the {name}"


def test_the_unit_and_the_editors_still_see_it(as_role, press_draft):
    for role in ("contributor_press", "editor"):
        html = as_role(role).get(admin_pages(press_draft)["bank search"]).content.decode()
        assert TITLE in html, role
    assert TITLE in as_role("contributor_press").get(admin_pages(press_draft)["explorer"]).content.decode()


def test_a_contributors_upload_waits_for_an_editor(as_role, client):
    contributor = as_role("contributor_sapa")
    collection = UnitWorkspace.objects.get(unit=unit("phuong-sa-pa")).collection
    response = contributor.post(reverse("wagtailimages:add"), {
        "title": "Phiên chợ tình chưa duyệt", "credit": "Ảnh: Phường Sa Pa", "licence": "cc-by-4.0",
        "consent_status": "not-applicable", "collection": collection.pk, "tags": "",
        "file": SimpleUploadedFile("cho-tinh.jpg", files.jpeg(files.photo(seed=33)), content_type="image/jpeg"),
    })
    assert response.status_code == 302, response.content.decode()[:500]
    image = LaoCaiImage.objects.get(title="Phiên chợ tình chưa duyệt")
    search = reverse("search_api:search")

    assert client.get(reverse("press:rendition", args=[image.pk, "web"])).status_code == 404
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get(search, {"q": "Phiên chợ tình chưa duyệt", "kind": "image"}).json()["total"] == 0
    assert contributor.get(f"/media/{image.file.name}").status_code == 200  # the unit sees its upload

    editor = as_role("editor")
    edit_url = reverse("wagtailimages:edit", args=[image.pk])
    assert 'name="awaiting_review"' in editor.get(edit_url).content.decode()
    assert 'name="awaiting_review"' not in contributor.get(edit_url).content.decode()
    editor.post(edit_url, {
        "title": image.title, "credit": image.credit, "licence": image.licence, "consent_status": image.consent_status,
        "collection": collection.pk, "tags": "", "focal_point_x": "", "focal_point_y": "", "focal_point_width": "",
        "focal_point_height": "",  # "awaiting_review" left unticked: approved
    })
    image.refresh_from_db()
    assert not image.awaiting_review
    assert client.get(reverse("press:rendition", args=[image.pk, "web"])).status_code == 200
    assert client.get(search, {"q": "Phiên chợ tình chưa duyệt", "kind": "image"}).json()["total"] == 1
    assert Collection.objects.filter(pk=collection.pk).exists()
