"""Retracting over HTTP: a story leaves the site, search and every feed at
once, in every language; its addresses answer 410 Gone with the notice in
their language; partners receive the notice in every format (each valid
against its standard) and by push; it can never be published again; the
site history records who, when, why and who approved. A story flagged
sensitive waits for a sensitive-content reviewer; an image is retracted the
same way; an item that had already left a feed still gets the notice."""

from __future__ import annotations

import json

import feedparser
import pytest
from django.urls import reverse
from lxml import etree
from wagtail.models import PageLogEntry

from storybank.assets.models import LaoCaiImage
from storybank.feeds.models import FeedEntry
from storybank.feeds.push import Worker
from storybank.feeds.sync import reconcile_feed
from storybank.governance.models import Retraction, RetractionStatus
from storybank.governance.publishing import PublishingRefused
from storybank.stories.models import StoryPage
from tests.governance.helpers import denied, post_edit

from .conftest import NAR, fresh, new_story, schema_errors, translate

pytestmark = pytest.mark.django_db

REASON = "Thông tin về lũ quét chưa được kiểm chứng: gỡ bài và đăng thông báo thu hồi."
NOTICE_VI = "Bài viết đã được thu hồi vì chứa thông tin chưa được kiểm chứng về lũ quét ở Bát Xát."
NOTICE_EN = "This story was retracted: it contained unverified information about flash floods in Bat Xat."
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
LC = "https://laocai-story.vn/ns/feeds/1.0/"


def retract(client, kind: str, pk: int, reason: str = REASON, **notices: str):
    data = {"reason": reason, **{f"notice_{language}": text for language, text in notices.items()}}
    return client.post(reverse("governance_retract", args=[kind, pk]), data)


@pytest.fixture
def retracted(syndication, as_role, client):
    """A story and its English translation that the partner pulled and was
    pushed, then retracted by the editor; returns them with their old addresses
    and the cursor the partner had."""
    story = new_story("Lũ quét ở Bát Xát")
    english = translate(story, "en", "Flash floods in Bat Xat", "What the storm did.")
    cursor = syndication.pull_json(client, since=0)["_laocai"]["next_cursor"]
    Worker().run_once()
    urls = {"vi": story.url, "en": english.url}
    response = retract(as_role("editor"), "page", story.pk, vi=NOTICE_VI, en=NOTICE_EN)
    assert response.status_code == 302, response.content[:500]
    return story, english, urls, cursor


def test_the_story_leaves_the_site_and_search_and_its_addresses_answer_410(retracted, client):
    story, english, urls, _cursor = retracted
    assert not fresh(story).live and not fresh(english).live
    for language, notice in (("vi", NOTICE_VI), ("en", NOTICE_EN)):
        response = client.get(urls[language])
        assert response.status_code == 410
        html = response.content.decode()
        assert notice in html and f'<html lang="{language}">' in html
        assert response["Content-Language"] == language
    assert client.get("/vi/khong-co-trang-nay/").status_code == 404  # other 404s stay 404s
    found = client.get("/api/v1/search", {"q": "Bát Xát lũ quét"}).json()["results"]
    assert story.title not in [hit["title"] for hit in found]
    assert urls["vi"] not in client.get("/sitemap-vi.xml").content.decode()


def test_partners_receive_the_notice_in_every_format(retracted, syndication, client, newsml_schema):
    story, english, _urls, cursor = retracted
    ids = {f"urn:laocai-story:page:{page.pk}": notice for page, notice in ((story, NOTICE_VI), (english, NOTICE_EN))}

    changes = syndication.pull_json(client, since=cursor)
    assert schema_errors("jsonfeed-1.1.schema.json", changes) == []
    tombstones = {item["id"]: item for item in changes["items"] if item["_laocai"].get("deleted")}
    assert set(tombstones) == set(ids)
    for key, notice in ids.items():
        assert tombstones[key]["_laocai"]["reason"] == "retracted"
        assert tombstones[key]["_laocai"]["notice"]["notice"] == notice == tombstones[key]["content_text"]

    ninjs = {item["uri"]: item for item in json.loads(syndication.pull(client, "ninjs", since=cursor))["items"]}
    for key, notice in ids.items():
        assert schema_errors("ninjs/ninjs-schema_2.2.json", ninjs[key]) == []
        assert ninjs[key]["pubstatus"] == "canceled" and ninjs[key]["ednote"] == notice

    newsml = etree.fromstring(syndication.pull(client, "newsml", since=cursor))
    assert newsml_schema.validate(newsml), [e.message for e in newsml_schema.error_log][:5]
    for key, notice in ids.items():
        [meta] = newsml.xpath(f"//n:newsItem[@guid='{key}']/n:itemMeta", namespaces=NAR)
        assert meta.xpath("n:pubStatus/@qcode", namespaces=NAR) == ["stat:canceled"]
        assert meta.xpath("n:edNote/text()", namespaces=NAR) == ["retracted", notice]

    for fmt in ("atom", "rss"):
        document = syndication.pull(client, fmt, since=cursor)
        assert not feedparser.parse(document).bozo
        xml = etree.fromstring(document)
        for key, notice in ids.items():
            [deleted] = xml.xpath(f"//at:deleted-entry[@ref='{key}']", namespaces={"at": TOMBSTONES})
            assert deleted.xpath("string(at:comment)", namespaces={"at": TOMBSTONES}) == "retracted"
            assert deleted.xpath("string(lc:notice)", namespaces={"lc": LC}) == notice

    Worker().run_once()
    pushed = {r.json["id"]: r for r in syndication.server.requests if r.json["change"] == "delete"}
    assert set(pushed) == set(ids)
    for key, notice in ids.items():
        assert pushed[key].json["reason"] == "retracted" and pushed[key].json["notice"]["notice"] == notice


def test_the_site_history_records_the_retraction_and_it_is_never_published_again(retracted, as_role):
    story, english, _urls, _cursor = retracted
    for page in (story, english):
        entry = PageLogEntry.objects.get(page=page, action="storybank.retraction")
        assert entry.user.username == "bientap" and entry.data["reason"] == REASON
    assert PageLogEntry.objects.filter(page=story, action="storybank.retraction_requested").count() == 1

    with pytest.raises(PublishingRefused):
        fresh(story).get_latest_revision().publish()
    post_edit(as_role("editor"), story, "publish")  # the editor's Publish is refused with the reason
    assert not fresh(story).live


def test_a_sensitive_story_is_retracted_only_when_a_reviewer_approves(syndication, as_role, client):
    story = new_story("Đường tuần tra biên giới")
    StoryPage.objects.filter(pk=story.pk).update(sensitive_border=True)
    editor, reviewer = as_role("editor"), as_role("reviewer")
    assert retract(editor, "page", story.pk, vi=NOTICE_VI).status_code == 302
    retraction = Retraction.objects.get(object_id=story.pk)
    assert retraction.status == RetractionStatus.AWAITING_APPROVAL and fresh(story).live
    assert client.get(story.url).status_code == 200
    assert story.title in reviewer.get(reverse("wagtailadmin_home")).content.decode()  # on the dashboard

    url = reverse("governance_retraction", args=[retraction.pk])
    assert denied(editor.post(url, {"approve": "1"}))  # an editor is no sensitive-content reviewer
    assert Retraction.objects.get(pk=retraction.pk).status == RetractionStatus.AWAITING_APPROVAL
    assert reviewer.post(url, {"approve": "1"}).status_code == 302
    retraction.refresh_from_db()
    assert retraction.status == RetractionStatus.RETRACTED and retraction.approved_by.username == "kiemduyet"
    assert client.get(story.url).status_code == 410
    entry = PageLogEntry.objects.get(page=story, action="storybank.retraction")
    assert entry.user.username == "kiemduyet" and entry.data["approved_by"] and entry.data["requested_by"]


def test_an_image_is_retracted_from_downloads_and_feeds(quiet_demo_feeds, make_feed, as_role, client):
    image = LaoCaiImage.objects.filter(licence="cc-by-4.0", consent_status="not-applicable").order_by("pk").first()
    feed = make_feed(slug="anh", kinds=["image"])
    reconcile_feed(feed)
    download = reverse("press:rendition", args=(image.pk, "web"))
    assert client.get(download).status_code == 200
    notice = "Ảnh bị thu hồi: sai chú thích nhân vật."
    editor = as_role("editor")
    # Images have no Retract button in Wagtail's screens: the report leads to the chooser, the chooser to the form.
    assert reverse("governance_retract_choose") in editor.get(reverse("governance_retractions")).content.decode()
    chosen = editor.get(reverse("governance_retract_choose"), {"image": image.pk})
    assert chosen.status_code == 302 and chosen["Location"] == reverse("governance_retract", args=["image", image.pk])
    assert retract(editor, "image", image.pk, vi=notice).status_code == 302
    assert client.get(download).status_code == 410
    entry = FeedEntry.objects.get(feed=feed, item_key=f"image:{image.pk}")
    assert not entry.present and entry.reason == "retracted"
    assert entry.payload["retraction"]["notice"] == notice


def test_a_story_withdrawn_before_its_retraction_still_sends_the_notice(syndication, as_role, client):
    story = new_story("Tin đã gỡ trước khi thu hồi")
    fresh(story).unpublish()
    entry = FeedEntry.objects.get(feed=syndication.feed, item_key=f"page:{story.pk}")
    assert entry.reason == "withdrawn"
    assert retract(as_role("editor"), "page", story.pk, vi=NOTICE_VI).status_code == 302
    entry.refresh_from_db()
    assert entry.reason == "retracted" and entry.payload["retraction"]["notice"] == NOTICE_VI
