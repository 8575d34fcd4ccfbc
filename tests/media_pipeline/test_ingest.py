"""Safe ingest: one test per hostile or odd file, each with its expected outcome.

Refused files leave nothing behind (no row, no stored file); accepted files
are stored as a sanitised master with no EXIF, upright and in sRGB.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media_pipeline.errors import IngestError
from media_pipeline.ingest import ingest_image
from media_pipeline.renditions import render
from storybank.assets.models import LaoCaiImage
from storybank.taxonomy.models import EthnicGroup

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in English

METADATA = {"credit": "Ảnh: Nguyễn Văn A / Báo Lào Cai", "licence": "cc-by-4.0"}


def stored_picture(image: LaoCaiImage) -> Image.Image:
    with image.open_file() as handle:
        picture = Image.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


def assert_refused(data: bytes, filename: str, code: str, stored_files) -> IngestError:
    before = stored_files()
    with pytest.raises(IngestError) as refused:
        ingest_image(data, filename=filename, **METADATA)
    assert refused.value.code == code
    assert refused.value.message  # a sentence for people
    assert LaoCaiImage.objects.count() == 0
    assert stored_files() == before
    return refused.value


def test_zero_bytes_is_refused_as_empty(stored_files):
    assert_refused(b"", "empty.jpg", "empty", stored_files)


def test_text_renamed_jpg_is_refused_whatever_its_name(stored_files):
    error = assert_refused(files.text_renamed_jpg(), "anh-sa-pa.jpg", "unrecognised", stored_files)
    assert "not a picture" in error.message


def test_truncated_jpeg_is_refused_as_corrupt(stored_files):
    error = assert_refused(files.truncated_jpeg(), "cut.jpg", "corrupt", stored_files)
    assert "truncated" in error.message


def test_png_declaring_50000_by_50000_pixels_is_refused_before_decoding(stored_files):
    data = files.png_declaring(50_000, 50_000)
    assert len(data) < 200  # a tiny file that would need 7.5 GB to decode
    error = assert_refused(data, "bomb.png", "too-many-pixels", stored_files)
    assert "2500 megapixels" in error.message


def test_picture_just_over_the_pixel_limit_is_refused(settings, stored_files):
    settings.MEDIA_MAX_IMAGE_PIXELS = 1_000_000
    assert_refused(files.png(files.photo((1200, 1000))), "big.png", "too-many-pixels", stored_files)


def test_file_over_the_byte_limit_is_refused(settings, stored_files):
    settings.MEDIA_MAX_IMAGE_BYTES = 1_000
    assert_refused(files.png(files.photo((800, 600))), "big.png", "too-large", stored_files)


def test_svg_with_script_is_refused_even_when_named_png(stored_files):
    for name in ("logo.svg", "logo.png"):
        error = assert_refused(files.svg_with_script(), name, "svg-refused", stored_files)
        assert "script" in error.message


def test_cmyk_jpeg_is_converted_to_srgb():
    image = ingest_image(files.cmyk_jpeg(), filename="in-an.jpg", **METADATA).asset
    picture = stored_picture(image)
    assert picture.mode == "RGB"
    red, green, blue = picture.getpixel((160, 100))
    assert red > 230 and green < 40 and blue < 40  # still red, not inverted
    assert image.file.name.endswith(".jpg")


def test_16_bit_png_is_scaled_to_8_bits_not_clipped():
    image = ingest_image(files.png_16bit(), filename="scan.png", **METADATA).asset
    picture = stored_picture(image)
    assert picture.mode == "L"
    assert picture.format == "PNG"
    left, middle, right = (picture.getpixel((x, 10)) for x in (0, 128, 255))
    assert left < 3 and 120 < middle < 136 and right > 252  # a gradient, not a white block


def test_animated_gif_keeps_its_frames_and_renditions_are_stills():
    image = ingest_image(files.animated_gif(frames=4), filename="fan.gif", **METADATA).asset
    master = stored_picture(image)
    assert master.format == "GIF" and master.n_frames == 4
    assert "comment" not in master.info  # the phone's IMEI comment is gone
    rendition = render(image, "thumbnail")
    with rendition.file.open("rb") as handle:
        still = Image.open(io.BytesIO(handle.read()))
    assert still.format == "JPEG" and still.size == (400, 300)


def test_heic_from_a_phone_becomes_a_jpeg_master_without_its_exif():
    data = files.heic(files.photo((640, 480)), exif=files.camera_exif(gps=True))
    image = ingest_image(data, filename="IMG_0042.HEIC", **METADATA).asset
    picture = stored_picture(image)
    assert picture.format == "JPEG" and picture.size == (640, 480)
    assert len(picture.getexif()) == 0
    assert image.camera == "Canon EOS R6"
    assert image.file.name.endswith(".jpg")


def test_gps_exif_is_read_then_gone_from_the_master_and_public_renditions():
    data = files.jpeg(files.photo((1600, 1200)), exif=files.camera_exif(gps=True))
    assert b"SERIAL-0042" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    image = ingest_image(data, filename="sapa.jpg", **METADATA).asset
    assert image.camera == "Canon EOS R6"
    assert image.captured_at.isoformat() == "2025-09-14T07:30:15+07:00"

    with image.open_file() as handle:
        master_bytes = handle.read()
    assert b"SERIAL-0042" not in master_bytes and "Nguyễn".encode() not in master_bytes
    assert len(Image.open(io.BytesIO(master_bytes)).getexif()) == 0
    for preset in ("thumbnail", "web", "facebook"):
        for fmt in ("jpeg", "webp"):
            with render(image, preset, fmt).file.open("rb") as handle:
                rendition_bytes = handle.read()
            assert len(Image.open(io.BytesIO(rendition_bytes)).getexif()) == 0
            assert b"SERIAL-0042" not in rendition_bytes


def test_rotated_exif_is_stored_upright():
    # A portrait shot stored sideways: 300×200 pixels with "rotate 90° clockwise" (orientation 6).
    sideways = files.photo((300, 200))
    sideways.paste((0, 255, 0), (0, 0, 30, 30))  # green marker at the top left of the stored pixels
    image = ingest_image(files.jpeg(sideways, exif=files.camera_exif(orientation=6)), filename="p.jpg",
                         **METADATA).asset
    assert (image.width, image.height) == (200, 300)
    picture = stored_picture(image)
    assert picture.size == (200, 300)
    assert 0x0112 not in picture.getexif()
    red, green, blue = picture.getpixel((185, 15))  # rotated clockwise, the marker is now top right
    assert green > 200 and red < 60


def test_unsupported_but_recognised_format_names_what_is_accepted(stored_files):
    buffer = io.BytesIO()
    files.photo((50, 50)).save(buffer, "BMP")
    error = assert_refused(buffer.getvalue(), "scan.bmp", "unsupported-format", stored_files)
    assert "BMP" in error.message and "JPEG" in error.message


def test_invalid_metadata_is_refused_and_leaves_no_file(stored_files):
    before = stored_files()
    with pytest.raises(IngestError) as refused:
        ingest_image(files.jpeg(), filename="x.jpg", credit="", licence="cc-by-4.0")
    assert refused.value.code == "invalid-metadata" and "credit" in refused.value.message
    assert LaoCaiImage.objects.count() == 0 and stored_files() == before


def test_failure_after_the_file_was_written_removes_row_and_file(stored_files):
    """The tags are set after the row and file are saved; an unsaved group makes that fail."""
    before = stored_files()
    with pytest.raises(ValueError):
        ingest_image(files.jpeg(), filename="x.jpg", ethnic_groups=[EthnicGroup(name="?", slug="unsaved")],
                     **METADATA)
    assert LaoCaiImage.objects.count() == 0
    assert stored_files() == before
