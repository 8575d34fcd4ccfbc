"""Restricted means restricted on every file route (issue 15, item 6): the
app's own ``/media/``, press downloads and kits, documents and S3 signed
URLs all ask ``storybank.core.visibility``; parked uploads are never served
and do not stay."""

from __future__ import annotations

import datetime
import io
import os
import time
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Collection, UploadedFile

from media_pipeline.ingest import ingest_image
from media_pipeline.renditions import render
from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus, Licence
from storybank.stories.models import StoryPage

from . import files

pytestmark = pytest.mark.django_db


def media_url(name: str) -> str:
    return f"/media/{name}"


def image_titled(title: str) -> LaoCaiImage:
    return LaoCaiImage.objects.get(title=title)


def test_press_only_image_is_served_on_no_path(demo, client):
    press_only = image_titled("Băng tuyết Sa Pa")
    assert press_only.licence == Licence.PRESS_ONLY
    rendition = render(press_only, "web")
    for url in (
        reverse("press:rendition", args=[press_only.pk, "web"]),
        reverse("press:original", args=[press_only.pk]),
        reverse("press:rendition_zip", args=[press_only.pk, "web"]),
        reverse("press:credit", args=[press_only.pk]),
        media_url(rendition.file.name),
        media_url(press_only.file.name),
    ):
        assert client.get(url).status_code == 404, url

    # The story that uses it is public; it goes without the picture, and its press kit too.
    story = StoryPage.objects.live().get(slug="sa-pa-mua-dong-tuyet-roi", locale__language_code="vi")
    page = client.get(story.url).content.decode()
    assert f"/press/images/{press_only.pk}/" not in page and "demo-05" not in page
    kit = zipfile.ZipFile(io.BytesIO(b"".join(client.get(reverse("press:kit", args=[story.pk])).streaming_content)))
    assert press_only.credit not in kit.read("CREDITS.txt").decode()


def test_withdrawn_consent_takes_renditions_and_original_off_media(demo, client):
    image = image_titled("Ruộng bậc thang Y Tý mùa nước đổ")
    rendition = render(image, "web", "webp")
    original = client.get(media_url(image.file.name))
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    assert original["Cache-Control"].startswith("public")
    assert client.get(media_url(rendition.file.name)).status_code == 200

    image.consent_status = ConsentStatus.MISSING
    image.save()
    assert client.get(media_url(rendition.file.name)).status_code == 404
    assert client.get(media_url(image.file.name)).status_code == 404
    assert client.get(reverse("press:rendition", args=[image.pk, "web"])).status_code == 410


def test_editors_still_see_what_the_public_may_not(demo, client, admin_client):
    press_only = image_titled("Lễ cấp sắc")
    response = admin_client.get(media_url(press_only.file.name))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert client.get(media_url(press_only.file.name)).status_code == 404


def test_only_files_of_assets_are_served(demo, client):
    default_storage.save("original_images/not-an-asset.jpg", io.BytesIO(files.jpeg()))
    assert client.get("/media/original_images/not-an-asset.jpg").status_code == 404
    assert client.get("/media/../storybank.sqlite3").status_code == 404


@pytest.mark.usefixtures("english_admin")
def test_parked_upload_is_never_served_and_stale_ones_are_deleted(admin_client, django_capture_on_commit_callbacks):
    def park(name: str) -> UploadedFile:
        photo = files.jpeg(files.photo((640, 480), seed=len(name)), exif=files.camera_exif(gps=True))
        response = admin_client.post(reverse("wagtailimages:add_multiple"), {
            "collection": Collection.get_first_root_node().pk,
            "files[]": SimpleUploadedFile(name, photo, content_type="image/jpeg"),
        })
        return UploadedFile.objects.get(pk=response.json()["uploaded_file_id"])

    first = park("IMG_0100.jpg")
    assert admin_client.get(media_url(first.file.name)).status_code == 404  # raw, GPS included: never served

    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(first.file.path, (two_days_ago, two_days_ago))
    with django_capture_on_commit_callbacks(execute=True):
        second = park("IMG_0101.jpg")
    assert not UploadedFile.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(first.file.name)
    assert UploadedFile.objects.filter(pk=second.pk).exists()


def test_s3_signed_urls_are_minted_only_for_who_may_have_the_file(s3, client):
    public = ingest_image(files.jpeg(seed=1), filename="cong.jpg", credit="Ảnh: A", licence="cc-by-4.0").asset
    press_only = ingest_image(files.jpeg(files.photo(seed=7)), filename="bao.jpg", credit="Ảnh: B",
                              licence="press-only").asset
    response = client.get(media_url(render(public, "web").file.name))
    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    for url in (media_url(render(press_only, "web").file.name), media_url(press_only.file.name),
                reverse("press:rendition", args=[press_only.pk, "web"])):
        answer = client.get(url)
        assert answer.status_code == 404 and "Location" not in answer, url
    expired = datetime.date.today() - datetime.timedelta(days=1)
    LaoCaiImage.objects.filter(pk=public.pk).update(rights_expire_on=expired)
    assert client.get(reverse("press:original", args=[public.pk])).status_code == 410
