"""Press downloads over HTTP (Django's test client), local storage."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image
from wagtail.models import Locale

from media_pipeline.press import asset_slug
from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def a_story(language: str = "vi") -> StoryPage:
    return StoryPage.objects.live().filter(locale__language_code=language).order_by("pk").first()


def test_url_contracts():
    assert reverse("press:rendition", args=[7, "facebook"]) == "/press/images/7/facebook/"
    assert reverse("press:original", args=[7]) == "/press/images/7/original/"
    assert reverse("press:credit", args=[7]) == "/press/images/7/credit.txt"
    assert reverse("press:kit", args=[3]) == "/press/kit/3.zip"


def test_rendition_download_is_an_attachment_of_the_right_size(demo, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    response = client.get(reverse("press:rendition", args=[image.pk, "youtube"]), {"format": "webp"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"lao-cai-{image.pk}-" in response["Content-Disposition"]
    picture = Image.open(io.BytesIO(body(response)))
    assert picture.format == "WEBP" and picture.size == (1280, 720)
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' or (
        image.licence_url == "" and "Link" not in response)


def test_branded_download(demo, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    response = client.get(reverse("press:rendition", args=[image.pk, "facebook"]), {"branded": "1"})
    assert response.status_code == 200 and "facebook-branded" in response["Content-Disposition"]


def test_original_is_the_sanitised_master(demo, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    response = client.get(reverse("press:original", args=[image.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(body(response)))
    assert picture.size == (image.width, image.height)


def test_credit_text_in_the_chosen_language(demo, client):
    image = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    text = client.get(reverse("press:credit", args=[image.pk]), {"locale": "en"}).content.decode()
    assert image.credit in text
    assert "CC BY 4.0" in text and "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Flooded terraces in Y Ty reflecting the sky" in text  # the English alt text
    vietnamese = client.get(reverse("press:credit", args=[image.pk])).content.decode()
    assert "Ruộng bậc thang Y Tý ngập nước phản chiếu bầu trời" in vietnamese


def test_rendition_zip_holds_picture_and_credit(demo, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    response = client.get(reverse("press:rendition_zip", args=[image.pk, "web"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "CREDIT.txt" in names and any(name.endswith("-web.jpg") for name in names)
    assert image.credit in archive.read("CREDIT.txt").decode()


@pytest.mark.parametrize("withdraw", ["rights", "consent"])
def test_withdrawn_images_answer_410(demo, client, withdraw):
    image = LaoCaiImage.objects.order_by("pk").first()
    if withdraw == "rights":
        image.rights_expire_on = datetime.date.today() - datetime.timedelta(days=1)
    else:
        image.consent_status = ConsentStatus.MISSING
    image.save()
    for url in (
        reverse("press:rendition", args=[image.pk, "web"]),
        reverse("press:original", args=[image.pk]),
        reverse("press:credit", args=[image.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410, url
        assert "withdrawn" in response.content.decode()
    as_json = client.get(reverse("press:original", args=[image.pk]), HTTP_ACCEPT="application/json")
    assert as_json.status_code == 410 and as_json.json()["error"] == "withdrawn"


def test_unknown_things_answer_404_and_bad_format_400(demo, client):
    image = LaoCaiImage.objects.order_by("pk").first()
    assert client.get(reverse("press:rendition", args=[999_999, "web"])).status_code == 404
    assert client.get(reverse("press:rendition", args=[image.pk, "poster"])).status_code == 404
    assert client.get(reverse("press:original", args=[999_999])).status_code == 404
    assert client.get(reverse("press:kit", args=[999_999])).status_code == 404
    bad = client.get(reverse("press:rendition", args=[image.pk, "web"]), {"format": "tiff"},
                     HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and bad.json()["error"] == "unknown-format"


def test_press_kit_in_english(demo, client):
    story = a_story("vi")
    english = story.get_translation(Locale.objects.get(language_code="en"))
    response = client.get(reverse("press:kit", args=[story.pk]), {"locale": "en"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    text = archive.read("TEXT.txt").decode()
    assert english.title in text and english.lede in text
    assert f"/en/{english.get_parent().slug}/{english.slug}/" in text  # the page's address
    images = [image for image in story.get_images()]
    assert len([name for name in names if name.endswith("-web.jpg")]) == len(images)
    assert len([name for name in names if name.endswith("-facebook.jpg")]) == len(images)
    credits = archive.read("CREDITS.txt").decode()
    for image in images:
        assert image.credit in credits
    facebook = Image.open(io.BytesIO(archive.read(next(n for n in names if n.endswith("-facebook.jpg")))))
    assert facebook.size == (1200, 630)


def test_press_kit_leaves_out_withdrawn_images_and_refuses_unpublished_pages(demo, client):
    story = a_story("vi")
    hidden = story.get_images()[0]
    hidden.consent_status = ConsentStatus.MISSING
    hidden.save()
    kit = client.get(reverse("press:kit", args=[story.pk]), {"locale": "en"})
    archive = zipfile.ZipFile(io.BytesIO(body(kit)))
    assert f"Title: {hidden.title}\n" not in archive.read("CREDITS.txt").decode()
    assert not any(asset_slug(hidden) in name for name in archive.namelist())
    assert len([n for n in archive.namelist() if n.endswith("-web.jpg")]) == len(story.get_images()) - 1

    story.unpublish()
    assert client.get(reverse("press:kit", args=[story.pk])).status_code == 404
    assert client.get(reverse("press:kit", args=[story.get_parent().pk])).status_code == 404  # an index page


def test_press_kit_in_a_language_without_translation_is_404(demo, client):
    story = a_story("vi")
    locales = {page.locale.language_code for page in story.get_translations(inclusive=True).live()}
    missing = next((code for code in ("hmn", "ko", "ja", "fr", "zh-hans") if code not in locales), None)
    if missing is None:  # the demo translates this story into every language: take one translation away
        missing = "ko"
        story.get_translations().get(locale__language_code=missing).unpublish()
    response = client.get(reverse("press:kit", args=[story.pk]), {"locale": missing})
    assert response.status_code == 404
