"""Counting through real HTTP (Django's test client): page views, downloads,
feed pulls; bots, prefetches, HEAD requests and editors left out; nothing
about the visitor stored; a failure to count never breaks a page."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from storybank.analytics.models import OTHER_PAGE_KIND, DailyCount, DownloadType, Metric
from storybank.assets.models import LaoCaiImage
from storybank.home.models import HomePage
from storybank.stories.models import StoryPage

from .conftest import BROWSER, today_count

pytestmark = pytest.mark.django_db

BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "",
]


def a_story(language: str = "vi") -> StoryPage:
    return StoryPage.objects.live().filter(locale__language_code=language).order_by("pk").first()


def story_views(story: StoryPage) -> int:
    return today_count(
        Metric.PAGE_VIEW, kind="story", locale=story.locale.language_code, pillar=story.pillar,
        unit_id=story.contributing_unit_id,
    )


def test_a_page_view_is_counted_with_its_dimensions(demo, visitor):
    story = a_story("en")
    assert story.contributing_unit_id is not None
    before = story_views(story)
    for _ in range(3):
        assert visitor.get(story.url).status_code == 200
    assert story_views(story) == before + 3
    # The label is an ordinary response header, so any cache keeps it.
    assert "m=page-view" in visitor.get(story.url)["X-LaoCai-Count"]


def test_home_and_section_pages_count_as_other_pages(demo, visitor):
    home = HomePage.objects.get(locale__language_code="fr")
    before = today_count(Metric.PAGE_VIEW, kind=OTHER_PAGE_KIND, locale="fr", unit__isnull=True)
    assert visitor.get(home.url).status_code == 200
    assert visitor.get(home.get_children().live().first().url).status_code == 200
    assert today_count(Metric.PAGE_VIEW, kind=OTHER_PAGE_KIND, locale="fr", unit__isnull=True) == before + 2


@pytest.mark.parametrize("user_agent", BOTS)
def test_bots_are_not_counted(demo, client, user_agent):
    story = a_story()
    before = story_views(story)
    assert client.get(story.url, HTTP_USER_AGENT=user_agent).status_code == 200
    assert story_views(story) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
        {"HTTP_SEC_FETCH_MODE": "cors"},  # a script fetching the page, not a visit
    ],
)
def test_prefetches_and_scripted_fetches_are_not_counted(demo, visitor, headers):
    story = a_story()
    before = story_views(story)
    assert visitor.get(story.url, **headers).status_code == 200
    assert story_views(story) == before


def test_head_requests_are_not_counted(demo, visitor):
    story = a_story()
    before = story_views(story)
    assert visitor.head(story.url).status_code == 200
    assert story_views(story) == before


def test_editors_looking_at_their_site_are_not_counted(demo, visitor, admin_user):
    story = a_story()
    before = story_views(story)
    visitor.force_login(admin_user)
    assert visitor.get(story.url).status_code == 200
    assert story_views(story) == before


def test_unknown_pages_and_admin_previews_are_not_counted(demo, visitor, admin_user):
    total_before = DailyCount.objects.filter(metric=Metric.PAGE_VIEW).count()
    assert visitor.get("/vi/khong-co-trang-nay/").status_code == 404
    story = a_story()
    visitor.force_login(admin_user)
    preview = visitor.get(reverse("wagtailadmin_pages:view_draft", args=[story.pk]))
    assert preview.status_code == 200 and "X-LaoCai-Count" not in preview
    assert DailyCount.objects.filter(metric=Metric.PAGE_VIEW).count() == total_before


@pytest.mark.parametrize("analytics_position", ["outermost", "between the cache middlewares"])
def test_pages_served_from_the_page_cache_are_still_counted(demo, visitor, settings, analytics_position):
    """Django's two-part page cache: a hit never reaches the page's code, but
    its stored response carries the label it was rendered with."""
    analytics = "storybank.analytics.middleware.AnalyticsMiddleware"
    others = [name for name in settings.MIDDLEWARE if name != analytics]
    update, fetch = "django.middleware.cache.UpdateCacheMiddleware", "django.middleware.cache.FetchFromCacheMiddleware"
    if analytics_position == "outermost":
        settings.MIDDLEWARE = [analytics, update, *others, fetch]
    else:
        settings.MIDDLEWARE = [update, analytics, *others, fetch]
    settings.CACHE_MIDDLEWARE_SECONDS = 300
    story = a_story()
    before = story_views(story)
    assert visitor.get(story.url).status_code == 200  # rendered, stored in the cache
    with CaptureQueriesContext(connection) as queries:
        cached = visitor.get(story.url)
    assert cached.status_code == 200 and story.title in cached.content.decode()
    assert not any("wagtailcore_page" in query["sql"] for query in queries), "the page was rendered again"
    assert story_views(story) == before + 2


def test_press_downloads_are_counted_by_type(demo, visitor):
    image = LaoCaiImage.objects.exclude(source_unit=None).order_by("pk").first() or LaoCaiImage.objects.first()
    dims = {"kind": "image", "unit_id": image.source_unit_id, "locale": "", "pillar": ""}

    def downloads(detail: str) -> int:
        return today_count(Metric.DOWNLOAD, detail=detail, **dims)

    renditions, originals = downloads(DownloadType.RENDITION), downloads(DownloadType.ORIGINAL)
    assert visitor.get(reverse("press:rendition", args=[image.pk, "web"])).status_code == 200
    assert visitor.get(reverse("press:rendition_zip", args=[image.pk, "thumbnail"])).status_code == 200
    assert visitor.get(reverse("press:original", args=[image.pk])).status_code == 200
    assert downloads(DownloadType.RENDITION) == renditions + 2
    assert downloads(DownloadType.ORIGINAL) == originals + 1

    story = a_story()
    kits = today_count(Metric.DOWNLOAD, detail=DownloadType.PRESS_KIT, kind="story", locale="en",
                       unit_id=story.contributing_unit_id, pillar=story.pillar)
    response = visitor.get(reverse("press:kit", args=[story.pk]), {"locale": "en"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert today_count(Metric.DOWNLOAD, detail=DownloadType.PRESS_KIT, kind="story", locale="en",
                       unit_id=story.contributing_unit_id, pillar=story.pillar) == kits + 1


def test_failed_and_automated_downloads_are_not_counted(demo, visitor, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    before = DailyCount.objects.filter(metric=Metric.DOWNLOAD).count()
    assert visitor.get(reverse("press:rendition", args=[image.pk, "no-such-size"])).status_code == 404
    assert visitor.get(reverse("press:original", args=[999_999])).status_code == 404
    assert visitor.get(reverse("press:credit", args=[image.pk])).status_code == 200  # a text, not a download
    assert client.get(reverse("press:original", args=[image.pk]), HTTP_USER_AGENT="Wget/1.21").status_code == 200
    assert DailyCount.objects.filter(metric=Metric.DOWNLOAD).count() == before


def test_feed_pulls_are_counted_per_feed_whatever_the_client(demo, client):
    pulls_before = today_count(Metric.FEED_PULL, detail="sa-pa")
    first = client.get("/feeds/sa-pa.json", HTTP_USER_AGENT="python-requests/2.32.3")
    assert first.status_code == 200
    assert client.get("/feeds/sa-pa.atom", HTTP_USER_AGENT="Vietnam.vn importer/3.1").status_code == 200
    assert today_count(Metric.FEED_PULL, detail="sa-pa") == pulls_before + 2
    # A poll answered "nothing new", an unknown feed and a HEAD request are not pulls.
    assert client.get("/feeds/sa-pa.json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/feeds/no-such-feed.json").status_code == 404
    assert client.head("/feeds/sa-pa.json").status_code == 200
    assert today_count(Metric.FEED_PULL, detail="sa-pa") == pulls_before + 2
    row = DailyCount.objects.get(day=timezone.localdate(), metric=Metric.FEED_PULL, detail="sa-pa")
    assert (row.kind, row.locale, row.pillar, row.unit_id) == ("", "", "", None)


def test_no_visitor_data_is_stored_anywhere(demo, client):
    """No model of the app can hold an address, a browser or a cookie, and
    after counted requests the whole database holds none of them."""
    forbidden = ("ip", "address", "agent", "cookie", "session", "referer", "referrer", "user")
    for field in DailyCount._meta.get_fields():
        assert field.get_internal_type() != "GenericIPAddressField"
        assert not any(word in field.name.lower() for word in forbidden), field.name
    marker = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 LaoCaiMarker/7.7"
    request = {"HTTP_USER_AGENT": marker, "REMOTE_ADDR": "203.0.113.77", "HTTP_X_FORWARDED_FOR": "198.51.100.23",
               "HTTP_REFERER": "https://referrer.example/secret-path"}
    image = LaoCaiImage.objects.order_by("pk").first()
    before = DailyCount.objects.count()
    responses = [
        client.get(a_story().url, **request),
        client.get(reverse("press:original", args=[image.pk]), **request),
        client.get("/feeds/sa-pa.json", **request),
    ]
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert not any(response.cookies for response in responses), "counting needs no cookie"
    assert DailyCount.objects.count() >= before  # counted (new rows or increments)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)  # every table of every app
    everything = dump.getvalue()
    for secret in ("203.0.113.77", "198.51.100.23", "LaoCaiMarker", "referrer.example"):
        assert secret not in everything


def test_a_failure_to_count_is_logged_and_the_page_still_served(demo, visitor, caplog):
    story = a_story()
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO analytics_away")
    try:
        with caplog.at_level(logging.ERROR, logger="storybank.analytics"):
            response = visitor.get(story.url)
        assert response.status_code == 200 and story.title in response.content.decode()
        assert any("Could not count" in record.getMessage() for record in caplog.records)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE analytics_away RENAME TO {table}")
    assert visitor.get(story.url).status_code == 200
    assert story_views(story) >= 1


def test_an_unreadable_label_is_ignored(demo, rf, caplog):
    from django.http import HttpResponse

    from storybank.analytics.middleware import AnalyticsMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["X-LaoCai-Count"] = "m=nonsense&k=" + "x" * 500
        return response

    before = DailyCount.objects.count()
    request = rf.get("/", HTTP_USER_AGENT=BROWSER)
    with caplog.at_level(logging.ERROR, logger="storybank.analytics"):
        assert AnalyticsMiddleware(view)(request).status_code == 200
    assert DailyCount.objects.count() == before
    assert any("Unreadable" in record.getMessage() for record in caplog.records)


def test_a_label_of_many_files_stays_short_and_counts_each():
    """A lightbox ZIP of 300 photos: identical hits travel as one with their number, so the header
    stays far below a proxy's buffer (nginx: 4–8 KB) and 300 are counted."""
    from django.http import HttpResponse

    from storybank.analytics.recording import COUNT_HEADER, Hit, label

    photo = Hit(Metric.DOWNLOAD, kind="image", unit_id=3, detail=DownloadType.LIGHTBOX)
    video = Hit(Metric.DOWNLOAD, kind="video", detail=DownloadType.LIGHTBOX)
    response = label(HttpResponse(), *[photo] * 300, video)
    assert len(response[COUNT_HEADER]) < 120
    assert Hit.counted_from_header(response[COUNT_HEADER]) == [(photo, 300), (video, 1)]
    assert COUNT_HEADER not in label(HttpResponse())  # nothing to count, no label
    for bad in ("m=download&n=0", "m=download&n=x", "m=download&n=99999999"):
        with pytest.raises(ValueError):
            Hit.counted_from_header(bad)
