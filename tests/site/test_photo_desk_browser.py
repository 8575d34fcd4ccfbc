"""The journalists' photo desk in a real browser (headless Chromium): search →
photo page → pick a size → download → the file's embedded credit and licence
read back with exiftool; on a phone the results come before the filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from storybank.assets.models import LaoCaiImage
from tests.exiftool import read_back

from . import test_browser
from .browser import assert_accessible, keep_local

# The live demo site and Chromium, shared with the site's other browser tests.
site = test_browser.site  # (browser comes from tests/site/conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TERRACES = "Ruộng bậc thang Y Tý mùa nước đổ"


def test_search_photo_page_pick_a_size_download_and_read_the_credit_back(site, browser, tmp_path: Path):
    image = LaoCaiImage.objects.get(title=TERRACES)
    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    keep_local(page)
    page.goto(f"{site}/vi/search/?q=ruong+bac+thang+y+ty&kind=image")  # typed without diacritics
    # On a phone the results come first; the filters wait in a drawer below them.
    results = page.locator(".search-results").bounding_box()
    filters = page.locator(".search-facets").bounding_box()
    assert results["y"] < filters["y"]
    assert not page.locator(".search-facets .facet").first.is_visible()
    page.get_by_role("link", name=TERRACES).first.click()
    page.wait_for_url(f"**/vi/photos/{image.pk}/")
    assert page.locator("h1").inner_text() == TERRACES
    assert_accessible(page, "photo page (vi, phone)")

    with page.expect_download() as download_info:
        page.locator('tr[data-preset="web"] a', has_text="JPEG").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.name.endswith("-web.jpg")
    tags = read_back(saved.read_bytes())
    assert tags["XMP-photoshop:Credit"] == image.credit == tags["IPTC:Credit"]
    assert tags["XMP-xmpRights:WebStatement"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tags["XMP-plus:Licensor"][0]["LicensorURL"].endswith(f"/vi/photos/{image.pk}/")
