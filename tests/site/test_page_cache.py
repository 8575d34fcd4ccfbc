"""The public page cache: whole responses replayed with their headers, seen by
every middleware listed before it, invalidated by whatever changes a page,
never used for editors or requests carrying a session or CSRF cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from wagtail.models import Page

from storybank.home.models import HomePage
from storybank.public.cache import CACHE_HEADER
from storybank.stories.models import StoryIndexPage, StoryPage
from storybank.taxonomy.models import Place

pytestmark = pytest.mark.django_db

SEEN: list[str] = []
RENDERED: list[str] = []


class OuterMiddleware:
    """Stands for the analytics middleware: listed before the cache, it must see every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        SEEN.append(request.path)
        response = self.get_response(request)
        response["X-Outer-Saw"] = response.get("X-Rendered-Page", "missing")
        return response


class InnerMiddleware:
    """Listed after the cache: runs only when the page is really rendered, and sets a header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        RENDERED.append(request.path)
        response = self.get_response(request)
        response["X-Rendered-Page"] = request.path
        return response


CACHE = "storybank.public.cache.PageCacheMiddleware"
WRAPPED = [*(m for m in settings.MIDDLEWARE if m != CACHE)]
WRAPPED.insert(WRAPPED.index("django.contrib.sessions.middleware.SessionMiddleware"), f"{__name__}.OuterMiddleware")
WRAPPED += [CACHE, f"{__name__}.InnerMiddleware"]


@pytest.fixture
def story(demo):
    stories = StoryPage.objects.live().filter(locale__language_code="vi", hero_image__isnull=False)
    return stories.order_by("-first_published_at").first()


def test_a_hit_replays_the_whole_response_and_outer_middleware_sees_every_request(story, client):
    SEEN.clear()
    RENDERED.clear()
    with override_settings(MIDDLEWARE=WRAPPED):
        first = client.get(story.url)
        second = client.get(story.url)
    assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
    assert SEEN == [story.url, story.url]  # the analytics position sees hits too
    assert RENDERED == [story.url]  # the second answer came from the cache
    assert second["X-Rendered-Page"] == story.url  # headers set while rendering are replayed
    assert second["X-Outer-Saw"] == story.url
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
    assert second["Content-Language"] == "vi"


def test_publishing_a_story_refreshes_its_page_its_listing_and_the_home_page(story, client):
    index = story.get_parent()
    home = HomePage.objects.get(locale__language_code="vi")
    for url in (story.url, index.url, home.url):
        client.get(url)
        assert client.get(url)[CACHE_HEADER] == "hit"
    story.title = "Tiêu đề mới về Fansipan"
    story.save_revision().publish()
    for url in (story.url, index.url, home.url):
        response = client.get(url)
        assert response[CACHE_HEADER] == "miss", url
        assert "Tiêu đề mới về Fansipan" in response.content.decode(), url


def test_unpublishing_removes_the_page_at_once(story, client):
    assert client.get(story.url).status_code == 200
    assert client.get(story.url)[CACHE_HEADER] == "hit"
    story.unpublish()
    assert client.get(story.url).status_code == 404
    assert story.title not in client.get(story.get_parent().url).content.decode()


def test_a_new_story_appears_in_its_listing(story, client):
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    client.get(index.url)
    new = StoryPage(title="Mùa hoa mận Bắc Hà", slug="mua-hoa-man-bac-ha", lede="Hoa mận nở trắng.",
                    pillar="sapa", body=[], live=False)
    index.add_child(instance=new)
    assert "Mùa hoa mận Bắc Hà" not in client.get(index.url).content.decode()  # a draft is not shown
    new.save_revision().publish()
    assert "Mùa hoa mận Bắc Hà" in client.get(index.url).content.decode()


def test_renaming_a_place_refreshes_the_pages_that_name_it(demo, client):
    place = Place.objects.get(slug="bac-ha", locale__language_code="vi")
    path = "/vi/places/bac-ha/"
    client.get(path)
    assert client.get(path)[CACHE_HEADER] == "hit"
    place.name = "Bắc Hà (thị trấn)"
    place.save()
    assert "Bắc Hà (thị trấn)" in client.get(path).content.decode()


def test_editing_the_home_page_refreshes_it(demo, client):
    home = HomePage.objects.get(locale__language_code="vi")
    client.get(home.url)
    home.hero_title = "Lào Cai – miền biên viễn"
    home.save_revision().publish()
    assert "Lào Cai – miền biên viễn" in client.get(home.url).content.decode()


def test_saving_a_draft_keeps_the_cache(story, client):
    client.get(story.url)
    story.title = "Bản nháp chưa duyệt"
    story.save_revision()
    response = client.get(story.url)
    assert response[CACHE_HEADER] == "hit"
    assert "Bản nháp chưa duyệt" not in response.content.decode()


def test_a_rolled_back_change_keeps_the_generation(story, client):
    from django.db import transaction

    from storybank.public.cache import current_generation

    before = current_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        story.save_revision().publish()
        assert current_generation() != before
        raise RuntimeError("the editor's request failed")
    assert current_generation() == before


def test_withdrawn_image_leaves_cached_pages(story, client):
    image = story.hero_image
    assert image is not None
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert stem in client.get(story.url).content.decode()
    image.consent_status = "missing"
    image.save()
    assert stem not in client.get(story.url).content.decode()


def test_editors_and_visitors_with_a_session_or_csrf_cookie_always_get_a_fresh_page(story, client, admin_user):
    client.get(story.url)
    assert client.get(story.url)[CACHE_HEADER] == "hit"
    client.force_login(admin_user)
    response = client.get(story.url)
    assert CACHE_HEADER not in response
    client.logout()
    client.cookies.clear()
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert CACHE_HEADER not in client.get(story.url)


def test_errors_redirects_and_machine_endpoints_are_not_cached(demo, client):
    assert CACHE_HEADER not in client.get("/vi/no-such-page/")
    assert CACHE_HEADER not in client.get("/vi/cau-chuyen/", {"pillar": "nonsense"})  # 400
    assert CACHE_HEADER not in client.get("/api/v1/search", {"q": "Fansipan"})
    assert CACHE_HEADER not in client.post("/vi/search/", {"q": "x"})


def test_search_pages_are_cached_briefly(demo, client):
    client.get("/vi/search/", {"q": "ruou ngo"})
    assert client.get("/vi/search/", {"q": "ruou ngo"})[CACHE_HEADER] == "hit"


def test_cache_can_be_turned_off(demo, client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    page = Page.objects.get(locale__language_code="vi", depth=2)
    client.get(page.url)
    assert CACHE_HEADER not in client.get(page.url)
