"""Correcting and retracting in a real browser (Debian's headless Chromium
through Playwright): the demo's editor corrects a story in Vietnamese and
its English translation with its own note, readers see each correction
under the text; then the editor retracts the story and both addresses
answer 410 Gone with the notice in their language. axe-core checks the
pages readers see; screenshots are kept under ``var/test-artifacts/``."""

from __future__ import annotations

import os

import pytest

from tests.demo_replay import load_demo
from tests.site.browser import assert_accessible, keep_local, screenshot

# serialized_rollback: an earlier transactional test may have flushed the database (Wagtail's root
# page and collection included); this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOTE_VI = "Bản trước ghi đỉnh Fansipan cao 3.134 m; đúng là 3.147,3 m."
NOTE_EN = "An earlier version gave Fansipan's height as 3,134 m; it is 3,147.3 m."
NOTICE_VI = "Bài viết này đã được thu hồi theo yêu cầu của Sở Văn hóa, Thể thao và Du lịch."
NOTICE_EN = "This story was retracted at the request of the provincial Department of Culture, Sports and Tourism."


def test_correct_then_retract_a_story_in_a_browser(live_server, browser):
    from storybank.stories.models import StoryPage

    load_demo()
    story = StoryPage.objects.get(slug="fansipan-noc-nha-dong-duong", locale__language_code="vi")
    english = StoryPage.objects.get(slug="fansipan-noc-nha-dong-duong", locale__language_code="en")
    addresses = {"vi": live_server.url + story.url, "en": live_server.url + english.url}

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    keep_local(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "bientap")
    page.fill("#id_password", os.environ.get("DEMO_ADMIN_PASSWORD", "laocai-demo-2026"))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")

    # Correct each language from its own page's correction screen.
    for target, note in ((story, NOTE_VI), (english, NOTE_EN)):
        page.goto(f"{live_server.url}/admin/corrections/pages/{target.pk}/")
        page.fill("textarea[name=note]", note)
        page.locator("button[name=publish]").click()
        page.wait_for_url(f"**/admin/pages/{target.pk}/edit/")

    reader = browser.new_page(viewport={"width": 1280, "height": 900})
    keep_local(reader)
    for language, note, other in (("vi", NOTE_VI, NOTE_EN), ("en", NOTE_EN, NOTE_VI)):
        reader.goto(addresses[language])
        corrections = reader.locator("#corrections")
        assert corrections.is_visible()
        assert note in corrections.inner_text() and other not in corrections.inner_text()
        assert reader.locator("html").get_attribute("lang") == language
        assert_accessible(reader, f"corrected story ({language})")
        screenshot(reader, f"corrected-story-{language}")

    # Retract: every language, each with its notice.
    page.goto(f"{live_server.url}/admin/retractions/new/page/{story.pk}/")
    page.fill("textarea[name=reason]", "Yêu cầu của Sở: gỡ bài và đăng thông báo thu hồi.")
    page.fill("textarea[name=notice_vi]", NOTICE_VI)
    page.fill("textarea[name=notice_en]", NOTICE_EN)
    page.locator("form button[type=submit].no").click()
    page.wait_for_url("**/admin/retractions/*/")
    assert page.locator("[data-retraction-status=retracted]").is_visible()

    for language, notice in (("vi", NOTICE_VI), ("en", NOTICE_EN)):
        response = reader.goto(addresses[language])
        assert response.status == 410
        assert reader.locator(".retraction-notice").inner_text() == notice
        assert reader.locator("html").get_attribute("lang") == language
        assert_accessible(reader, f"retracted story ({language})")
        screenshot(reader, f"retracted-story-{language}")
