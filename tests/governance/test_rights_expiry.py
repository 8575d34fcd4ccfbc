"""When an asset's rights expire it leaves the public site at once (request
time), and the daily task withdraws what is left behind: renditions (rows
and files), the original's public address, search, partner feeds (as a
tombstone), and it tells the editors which pages used it."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from storybank.assets.models import LaoCaiImage, LaoCaiRendition, MediaAsset
from storybank.feeds.models import Feed
from storybank.feeds.sync import reconcile_feed
from storybank.governance.models import RightsWithdrawal
from storybank.public.cache import invalidate
from storybank.stories.models import StoryPage

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.governance.media_urls")]

IMAGE_TITLE = "Đỉnh Fansipan trong mây"  # hero of the Fansipan story, and of the home page's Sa Pa pillar
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def image(demo, db):
    """The demo image, with its files put back after the test: the database
    rolls back between tests, the media folder does not."""
    cache.clear()  # Wagtail caches renditions by image id; earlier modules' ids come back on SQLite
    image = LaoCaiImage.objects.get(title=IMAGE_TITLE)
    names = [image.file.name, *(rendition.file.name for rendition in image.renditions.all())]
    saved = {name: Path(settings.MEDIA_ROOT, name).read_bytes() for name in names}
    yield image
    for name, data in saved.items():
        path = Path(settings.MEDIA_ROOT, name)
        if not path.exists():
            path.write_bytes(data)


@pytest.fixture
def public_feed(demo, db) -> Feed:
    feed = Feed(slug="anh-va-cau-chuyen", title="Ảnh và câu chuyện", is_public=True, kinds=["story", "image"])
    feed.save()
    reconcile_feed(feed)
    return feed


def pull(client: Client, feed: Feed, since: int) -> tuple[list[dict], int]:
    """Every change of ``feed`` after ``since``, as a partner pulls it."""
    items = []
    while True:
        document = client.get(f"/feeds/{feed.slug}.json", {"since": since}).json()
        items += document["items"]
        since = document["_laocai"]["next_cursor"]
        if not document["_laocai"]["has_more"]:
            return items, since


def media_addresses(html: str, image: LaoCaiImage) -> list[str]:
    """Addresses of ``image``'s renditions that the page shows."""
    shown = set(re.findall(r"/media/images/[^\"' ]+", html))
    return sorted(shown & {rendition.url for rendition in image.renditions.all()})


def search_api(client: Client, text: str, **params: str) -> list[dict]:
    response = client.get("/api/v1/search", {"q": text, **params})
    assert response.status_code == 200
    return response.json()["results"]


def test_an_expired_image_is_withdrawn_everywhere_and_the_editors_are_told(
    image, public_feed, client, as_role, mailoutbox, django_capture_on_commit_callbacks
):
    story = StoryPage.objects.get(slug="fansipan-noc-nha-dong-duong", locale__language_code="vi")
    assert story.hero_image_id == image.pk

    # Before: the story shows the image through renditions served from /media/.
    page_html = client.get(story.url).content.decode()
    renditions = media_addresses(page_html, image)
    assert renditions, "the story shows its hero image"
    assert all(client.get(address).status_code == 200 for address in renditions)
    original = image.file.url
    assert client.get(original).status_code == 200
    press = reverse("press:rendition", args=[image.pk, "web"])
    assert client.get(press).status_code == 200
    assert any(hit["kind"] == "image" and hit["title"] == IMAGE_TITLE
               for hit in search_api(client, "Fansipan", kind="image"))
    _items, cursor = pull(client, public_feed, 0)
    image_id = f"urn:laocai-story:image:{image.pk}"
    assert image_id in {item["id"] for item in _items}

    # The rights run out (time passes: nothing is announced).
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=YESTERDAY)
    invalidate()  # the page cache's key changes with the date: cached pages of "yesterday" are not served today

    # At request time the page already leaves it out; the files are still there.
    assert not media_addresses(client.get(story.url).content.decode(), image)
    assert client.get(press).status_code == 410

    # The daily task.
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=out)
    assert f"“{IMAGE_TITLE}”" in out.getvalue()

    # Renditions: rows and files gone, their addresses answer 404.
    assert not LaoCaiRendition.objects.filter(image=image).exists()
    assert all(client.get(address).status_code == 404 for address in renditions)
    assert client.get(press).status_code == 410
    # The original's public address answers 404; the file lives on under a name nobody knows.
    assert client.get(original).status_code == 404
    image.refresh_from_db()
    assert image.file.url != original and Path(settings.MEDIA_ROOT, image.file.name).exists()

    # Search no longer finds it, nor shows it as a page's thumbnail.
    hits = search_api(client, "Fansipan")
    assert not any(hit["kind"] == "image" and hit["title"] == IMAGE_TITLE for hit in hits)
    assert any(hit["kind"] == "story" for hit in hits)  # the story itself stays
    stem = Path(original).stem
    assert not any(f"/press/images/{image.pk}/" in hit["thumbnail_url"] or stem in hit["thumbnail_url"]
                   for hit in hits)

    # The feed tells partners to delete it, and sends the story again without it.
    changes, _cursor = pull(client, public_feed, cursor)
    tombstones = [item for item in changes if item["id"] == image_id]
    assert tombstones and tombstones[-1]["_laocai"] == {**tombstones[-1]["_laocai"], "deleted": True,
                                                        "reason": "rights-expired"}
    story_item = next(item for item in changes if item["id"] == f"urn:laocai-story:page:{story.pk}")
    assert image_id not in str(story_item)

    # The editors are told which pages used it, by email and in the admin.
    withdrawal = RightsWithdrawal.objects.get(asset_kind="image", asset_id=image.pk)
    used_by = {page["id"] for page in withdrawal.pages}
    assert story.pk in used_by
    assert {translation.pk for translation in story.get_translations()} <= used_by
    recipients = {address for message in mailoutbox for address in message.to}
    assert {"bientap@laocai.example", "quantri@laocai.example"} <= recipients
    email = next(message for message in mailoutbox if "bientap@laocai.example" in message.to)
    assert IMAGE_TITLE in email.subject and story.title in email.body
    assert reverse("wagtailadmin_pages:edit", args=[story.pk]) in email.body

    editor = as_role("editor")
    dashboard = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert IMAGE_TITLE in dashboard and reverse("wagtailadmin_pages:edit", args=[story.pk]) in dashboard
    report = editor.get(reverse("governance_withdrawals"))
    assert report.status_code == 200 and story.title in report.content.decode()
    exported = editor.get(reverse("governance_withdrawals"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(exported.getvalue().decode("utf-8-sig"))))
    assert any(IMAGE_TITLE in row for row in rows[1:])
    assert ModelLogEntry.objects.filter(action="storybank.rights_withdrawn", object_id=str(image.pk)).exists()

    # A second run withdraws nothing twice and tells nobody again.
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=io.StringIO())
    assert len(mailoutbox) == sent and RightsWithdrawal.objects.filter(asset_id=image.pk).count() == 1


def test_the_task_deletes_renditions_made_after_the_withdrawal(image, client, django_capture_on_commit_callbacks):
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=YESTERDAY)
    invalidate()  # the page cache's key changes with the date: cached pages of "yesterday" are not served today
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=io.StringIO())
    image.refresh_from_db()
    thumbnail = image.get_rendition("max-165x165")  # e.g. the admin listing's thumbnail
    assert client.get(thumbnail.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=io.StringIO())
    assert client.get(thumbnail.url).status_code == 404
    assert RightsWithdrawal.objects.get(asset_id=image.pk).renditions_deleted >= 1


def test_restored_rights_bring_the_image_back(image, client, django_capture_on_commit_callbacks):
    story = StoryPage.objects.get(slug="fansipan-noc-nha-dong-duong", locale__language_code="vi")
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=YESTERDAY)
    invalidate()  # the page cache's key changes with the date: cached pages of "yesterday" are not served today
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=io.StringIO())
    image.refresh_from_db()
    image.rights_expire_on = timezone.localdate() + datetime.timedelta(days=365)  # the licence was renewed
    image.save()
    renditions = media_addresses(client.get(story.url).content.decode(), image)
    assert renditions and all(client.get(address).status_code == 200 for address in renditions)
    assert client.get(reverse("press:rendition", args=[image.pk, "web"])).status_code == 200


def test_expired_media_answer_410_at_once_and_their_file_moves(demo, client, as_role,
                                                               django_capture_on_commit_callbacks):
    video = MediaAsset(title="Phim: Chợ phiên", media_kind="document", credit="Báo Lào Cai", licence="cc-by-4.0")
    video.file.save("cho-phien.txt", ContentFile("Kịch bản phim chợ phiên.".encode()), save=False)
    video.save()
    address = video.url
    assert client.get(address).status_code == 200
    MediaAsset.objects.filter(pk=video.pk).update(rights_expire_on=YESTERDAY)
    assert client.get(address).status_code == 410  # at request time
    assert as_role("editor").get(address).status_code == 200  # editors can still open it
    original = f"{settings.MEDIA_URL}{video.file.name}"
    assert client.get(original).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        call_command("withdraw_expired_assets", stdout=io.StringIO())
    video.refresh_from_db()
    assert client.get(original).status_code == 404
    assert client.get(address).status_code == 404  # the file name in the old address changed
    assert client.get(video.url).status_code == 410
    assert RightsWithdrawal.objects.filter(asset_kind="media", asset_id=video.pk).exists()


def test_the_task_runs_through_the_task_queue(image, django_capture_on_commit_callbacks):
    from storybank.governance.tasks import withdraw_expired_assets_task

    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=YESTERDAY)
    invalidate()  # the page cache's key changes with the date: cached pages of "yesterday" are not served today
    with django_capture_on_commit_callbacks(execute=True):
        result = withdraw_expired_assets_task.enqueue()
    assert result.return_value == 1
    assert RightsWithdrawal.objects.filter(asset_id=image.pk).exists()
