"""The acceptance of issue 16's lightboxes in a real browser (headless Chromium): a
signed-in press account gathers three photos from their photo pages into a new
lightbox, downloads it as a ZIP, and the credits file lists all three; one file's
embedded credit is read back with exiftool. axe-core checks the lightbox pages."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import PRESS_GROUP_NAME, usable_assets
from tests.exiftool import read_back
from tests.site import test_browser
from tests.site.browser import assert_accessible, keep_local

site = test_browser.site  # the live demo site (browser comes from conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in_press_page(browser, site: str):
    """A browser page with the session of a new press account (signed in as the sign-in form would)."""
    user = User.objects.create_user("phong-vien", "phongvien@example.com", "not-used")
    user.groups.add(Group.objects.get_or_create(name=PRESS_GROUP_NAME)[0])
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": site,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    keep_local(page)
    return page


def test_gather_three_photos_download_the_zip_and_read_the_credits(site, browser, tmp_path: Path):
    photos = list(usable_assets(LaoCaiImage.objects.all()).order_by("pk")[:3])
    page = signed_in_press_page(browser, site)
    for number, photo in enumerate(photos):
        page.goto(f"{site}/vi/photos/{photo.pk}/")
        picker = page.locator("form.lightbox-picker")
        if number == 0:  # the first one makes the lightbox
            picker.get_by_label("Tên hộp ảnh mới").fill("Bài Y Tý")
        else:
            picker.locator("select").select_option(label="Bài Y Tý")
        picker.get_by_role("button", name="Thêm").click()
        page.wait_for_url(f"**/vi/photos/{photo.pk}/#lightbox-picker-image-{photo.pk}")  # back at the picker
        assert f"Đã thêm “{photo.title}” vào “Bài Y Tý”." in page.locator(".lightbox-messages").inner_text()
    assert_accessible(page, "photo page with the lightbox picker (vi)")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hộp ảnh của tôi").click()
    page.wait_for_url("**/vi/lightboxes/")
    assert_accessible(page, "my lightboxes (vi)")
    page.get_by_role("link", name="Bài Y Tý").click()
    assert page.locator(".lightbox-entry").count() == 3
    assert_accessible(page, "a lightbox (vi)")

    page.locator("#id_size").select_option("web")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải ZIP").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        credits = archive.read("CREDITS.txt").decode()
        pictures = [name for name in archive.namelist() if name.endswith("-web.jpg")]
        first = archive.read(pictures[0])
    assert len(pictures) == 3
    for photo, name in zip(photos, pictures, strict=True):
        assert name.startswith(f"{photos.index(photo) + 1:02d}-lao-cai-{photo.pk}-")
        assert name in credits and f"Ghi nguồn: {photo.credit}" in credits and f"/vi/photos/{photo.pk}/" in credits
    tags = read_back(first)
    assert tags["XMP-photoshop:Credit"] == photos[0].credit == tags["IPTC:Credit"]
    assert tags["XMP-plus:Licensor"][0]["LicensorURL"].endswith(f"/vi/photos/{photos[0].pk}/")
