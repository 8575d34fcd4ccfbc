"""Renditions: presets and formats, focal point, cache, brand frame."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media_pipeline.ingest import ingest_image
from media_pipeline.renditions import PRESETS, filter_spec, render
from storybank.assets.models import LaoCaiImage, LaoCaiRendition

from . import files

pytestmark = pytest.mark.django_db

SIZES = {
    "thumbnail": (400, 300), "web": (1600, 1066), "facebook": (1200, 630), "instagram": (1080, 1350),
    "stories": (1080, 1920), "youtube": (1280, 720),
}


@pytest.fixture
def photo():
    return ingest_image(files.jpeg(files.photo((3000, 2000))), filename="y-ty.jpg", title="Y Tý",
                        credit="Ảnh: Nguyễn Thị Hà / Báo Lào Cai", licence="cc-by-4.0").asset


def opened(rendition) -> Image.Image:
    with rendition.file.open("rb") as handle:
        picture = Image.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_every_preset_in_both_formats_has_its_size(photo, preset, fmt):
    picture = opened(render(photo, preset, fmt))
    assert picture.format == fmt.upper()
    assert picture.size == SIZES[preset]


def test_presets_are_the_documented_wagtail_specs():
    assert {name: preset.spec for name, preset in PRESETS.items()} == {
        "thumbnail": "fill-400x300", "web": "max-1600x1600", "facebook": "fill-1200x630",
        "instagram": "fill-1080x1350", "stories": "fill-1080x1920", "youtube": "fill-1280x720",
    }
    assert filter_spec("facebook", "webp", branded=True) == (
        "fill-1200x630|format-webp|webpquality-80|brandframe|credits")
    assert "brandframe" not in filter_spec("web", branded=True)  # the frame is for social presets


def test_renditions_are_made_once_and_cached(photo):
    first = render(photo, "facebook")
    again = render(LaoCaiImage.objects.get(pk=photo.pk), "facebook")
    assert again.pk == first.pk and again.file.name == first.file.name
    assert LaoCaiRendition.objects.filter(image=photo).count() == 1


def test_crop_follows_the_focal_point():
    # Left half blue, right half red; the focal point is on the red half.
    picture = Image.new("RGB", (3000, 1000), (0, 0, 255))
    picture.paste((255, 0, 0), (1500, 0, 3000, 1000))
    image = ingest_image(files.jpeg(picture), filename="split.jpg", credit="A", licence="cc-by-4.0").asset
    centred = opened(render(image, "thumbnail"))  # 4:3 out of 3:1: the middle third, half blue, half red
    assert centred.getpixel((40, 150))[2] > 200 and centred.getpixel((360, 150))[0] > 200

    image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 2600, 500, 200, 200
    image.save()
    cropped = opened(render(image, "thumbnail"))
    assert cropped.getpixel((200, 150))[0] > 200 and cropped.getpixel((380, 150))[0] > 200  # all red


def test_brand_frame_draws_a_band_and_varies_with_the_credit(photo):
    plain = opened(render(photo, "instagram"))
    branded_rendition = render(photo, "instagram", branded=True)
    branded = opened(branded_rendition)
    assert branded.size == plain.size
    # The band darkens the bottom rows; the top of the picture is untouched.
    bottom_plain = sum(plain.convert("L").crop((0, 1300, 1080, 1350)).tobytes())
    bottom_branded = sum(branded.convert("L").crop((0, 1300, 1080, 1350)).tobytes())
    assert bottom_branded < bottom_plain * 0.8
    top_plain = plain.convert("L").crop((0, 0, 1080, 1000)).tobytes()
    top_branded = branded.convert("L").crop((0, 0, 1080, 1000)).tobytes()
    assert sum(abs(a - b) for a, b in zip(top_plain, top_branded, strict=True)) / len(top_plain) < 1.5

    photo.credit = "Ảnh: Lê Văn Bình / Sở Văn hóa"
    photo.save()
    renamed = render(LaoCaiImage.objects.get(pk=photo.pk), "instagram", branded=True)
    assert renamed.pk != branded_rendition.pk  # a new credit makes a new rendition


def test_only_social_presets_take_the_brand_frame():
    branded = {name for name in PRESETS if "brandframe" in filter_spec(name, branded=True)}
    assert branded == {"facebook", "instagram", "stories", "youtube"}


def test_images_stored_before_the_pipeline_lose_their_exif_in_renditions():
    """A legacy image saved straight to the model, GPS and all."""
    from django.core.files.base import ContentFile

    legacy = LaoCaiImage(title="cũ", credit="A", licence="cc-by-4.0",
                         file=ContentFile(files.jpeg(files.photo((2000, 1500)), exif=files.camera_exif(gps=True)),
                                          name="old.jpg"))
    legacy.save()
    for preset in ("thumbnail", "web"):
        with render(legacy, preset).file.open("rb") as handle:
            data = handle.read()
        assert len(Image.open(io.BytesIO(data)).getexif()) == 0 and b"SERIAL-0042" not in data


def test_draft_decoding_keeps_quality_on_small_crops():
    """A tiny preset from a big picture is decoded at a reduced DCT scale but
    must still show the same content as a full decode."""
    big = files.photo((6000, 4000))
    image = ingest_image(files.jpeg(big), filename="big.jpg", credit="A", licence="cc-by-4.0").asset
    thumbnail = opened(render(image, "thumbnail")).convert("RGB")
    reference = big.crop((333, 0, 5667, 4000)).resize((400, 300), Image.Resampling.LANCZOS)
    difference = sum(abs(a - b) for a, b in zip(thumbnail.tobytes(), reference.tobytes(), strict=True))
    assert difference / (400 * 300 * 3) < 6  # mean error per channel, out of 255
