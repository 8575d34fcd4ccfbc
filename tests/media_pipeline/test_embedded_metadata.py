"""Credit, caption and rights inside downloaded files, read back by exiftool
(Debian's ``libimage-exiftool-perl``, a different reader than exiv2, which writes them)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from media_pipeline.ingest import ingest_image
from media_pipeline.renditions import render, rendition_bytes
from tests.exiftool import read_back

from . import files

pytestmark = pytest.mark.django_db

def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def photo():
    data = files.jpeg(files.photo((1800, 1200)), exif=files.camera_exif(gps=True))
    image = ingest_image(data, filename="y-ty.jpg", title="Ruộng bậc thang Y Tý",
                         credit="Ảnh: Nguyễn Thị Hà / Báo Lào Cai", licence="cc-by-4.0").asset
    image.caption = "Ruộng bậc thang Y Tý mùa nước đổ"
    image.localized_text = {"en": {"caption": "Flooded terraces in Y Ty"}}
    image.save()
    return image


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_a_downloaded_rendition_carries_credit_caption_and_rights(photo, client, fmt):
    response = client.get(reverse("press:rendition", args=[photo.pk, "web"]), {"format": fmt})
    assert response.status_code == 200
    tags = read_back(body(response))
    assert tags["XMP-photoshop:Credit"] == "Nguyễn Thị Hà / Báo Lào Cai"  # the name, without the typed label
    assert tags["XMP-dc:Creator"] == ["Nguyễn Thị Hà"]
    assert tags["XMP-dc:Rights"].startswith("© ") and tags["XMP-dc:Rights"].endswith("Báo Lào Cai")
    assert tags["XMP-dc:Description"] == "Ruộng bậc thang Y Tý mùa nước đổ"
    assert tags["XMP-dc:Description-en"] == "Flooded terraces in Y Ty"
    assert tags["XMP-xmpRights:WebStatement"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tags["XMP-cc:License"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tags["XMP-dc:Identifier"] == f"urn:laocai-story:image:{photo.pk}"
    assert tags["XMP-plus:Licensor"][0]["LicensorURL"].endswith(f"/vi/photos/{photo.pk}/")
    if fmt == "jpeg":  # IPTC IIM lives in JPEG's APP13; WebP has no place for it
        assert tags["IPTC:Credit"] == "Nguyễn Thị Hà / Báo Lào Cai"
        assert tags["IPTC:By-line"] == "Nguyễn Thị Hà"
        assert tags["IPTC:Caption-Abstract"] == "Ruộng bậc thang Y Tý mùa nước đổ"
        assert "CC BY 4.0" in tags["IPTC:SpecialInstructions"] and "IPTC:CodedCharacterSet" in tags
    assert not [tag for tag in tags if "GPS" in tag], "GPS must stay stripped"
    assert "IFD0:Model" not in tags  # nor the camera


def test_changing_the_credit_makes_a_new_rendition_with_the_new_credit(photo):
    first = render(photo, "thumbnail")
    photo.credit = "Ảnh: Lò Văn Sơn"
    photo.save()
    again = render(photo, "thumbnail")
    assert again.pk != first.pk
    tags = read_back(rendition_bytes(again))
    assert tags["XMP-photoshop:Credit"] == "Lò Văn Sơn" and tags["XMP-dc:Creator"] == ["Lò Văn Sơn"]


def test_press_kit_pictures_carry_their_credit(demo, client):
    from storybank.stories.models import StoryPage

    story = next(page for page in StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk")
                 if page.get_images())
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(reverse("press:kit", args=[story.pk])))))
    pictures = [name for name in archive.namelist() if name.startswith("images/")]
    assert pictures
    for name in pictures:
        tags = read_back(archive.read(name))
        assert tags["XMP-photoshop:Credit"] and tags["XMP-dc:Identifier"].startswith("urn:laocai-story:image:")


def test_a_downloaded_original_carries_credit_and_rights_and_follows_a_new_credit(photo, client):
    from django.core.files.storage import default_storage

    from media_pipeline.credited_originals import FOLDER

    response = client.get(reverse("press:original", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    tags = read_back(body(response))
    assert tags["XMP-photoshop:Credit"] == "Nguyễn Thị Hà / Báo Lào Cai"
    assert tags["XMP-cc:License"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tags["IPTC:Caption-Abstract"] == "Ruộng bậc thang Y Tý mùa nước đổ"
    assert (tags["File:ImageWidth"], tags["File:ImageHeight"]) == (photo.width, photo.height)  # the full master
    assert not [tag for tag in tags if "GPS" in tag] and "IFD0:Model" not in tags
    with photo.file.open("rb") as master:
        assert b"photoshop:Credit" not in master.read()  # the stored master is left as ingested

    photo.credit = "Ảnh: Lò Văn Sơn"
    photo.save()
    tags = read_back(body(client.get(reverse("press:original", args=[photo.pk]))))
    assert tags["XMP-photoshop:Credit"] == "Lò Văn Sơn"
    assert len(default_storage.listdir(f"{FOLDER}/{photo.pk}")[1]) == 1  # the copy with the old credit is gone
    copy = f"{FOLDER}/{photo.pk}/" + default_storage.listdir(f"{FOLDER}/{photo.pk}")[1][0]
    assert client.get(f"/media/{copy}").status_code == 404  # handed out by the press route only
