"""Every Wagtail admin upload path runs the same ingest: single upload,
multiple upload (including Wagtail's "parked upload" path when a required
field is missing), "replace file", and documents/media."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import Collection

from media_pipeline.ingest import ingest_image
from storybank.assets.models import LaoCaiImage, MediaAsset

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "english_admin")]  # messages read in English

GPS_PHOTO = files.jpeg(files.photo((900, 600)), exif=files.camera_exif(gps=True))


def image_form_data(**extra):
    return {
        "title": "Ruộng bậc thang", "credit": "Ảnh: Báo Lào Cai", "licence": "cc-by-4.0",
        "consent_status": "not-applicable", "collection": Collection.get_first_root_node().pk, "tags": "",
        "alt_en": "Rice terraces", **extra,
    }


def master_of(image: LaoCaiImage) -> Image.Image:
    with image.open_file() as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_single_upload_stores_the_sanitised_master_and_alt_text(admin_client):
    upload = SimpleUploadedFile("IMG_0001.JPG", GPS_PHOTO, content_type="image/jpeg")
    response = admin_client.post(reverse("wagtailimages:add"), image_form_data(file=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    image = LaoCaiImage.objects.get()
    assert len(master_of(image).getexif()) == 0
    assert image.camera == "Canon EOS R6" and len(image.sha256) == 64 and len(image.perceptual_hash) == 16
    assert image.alt_for("en") == "Rice terraces"  # the foundation's per-language fields still work


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("anh.jpg", files.text_renamed_jpg(), "is not a picture"),
        ("cut.jpg", files.truncated_jpeg(), "truncated"),  # Wagtail alone answers 500 here
        ("bomb.png", files.png_declaring(50_000, 50_000), "declares 2500 megapixels"),
    ],
)
def test_single_upload_refuses_hostile_files_with_a_message(admin_client, name, data, expected):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = admin_client.post(reverse("wagtailimages:add"), image_form_data(file=upload))
    assert response.status_code == 200  # the form again, with the reason
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert LaoCaiImage.objects.count() == 0


def test_uploading_the_same_file_twice_names_the_existing_image(admin_client):
    first = ingest_image(GPS_PHOTO, filename="a.jpg", credit="Ảnh: A", licence="cc-by-4.0").asset
    upload = SimpleUploadedFile("copy.jpg", GPS_PHOTO, content_type="image/jpeg")
    response = admin_client.post(reverse("wagtailimages:add"), image_form_data(file=upload))
    assert response.status_code == 200
    assert f"already in the bank as “{first.title}” (#{first.pk})" in response.content.decode()
    assert LaoCaiImage.objects.count() == 1


def test_multiple_upload_runs_the_ingest(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"title": "x", "collection": Collection.get_first_root_node().pk,
         "files[]": SimpleUploadedFile("bad.svg.png", files.svg_with_script(), content_type="image/png")},
    )
    payload = response.json()
    assert payload["success"] is False
    assert LaoCaiImage.objects.count() == 0


def test_multiple_upload_parked_file_is_sanitised_when_the_editor_completes_it(admin_client):
    """Credit is required, so Wagtail parks the upload, then saves it through the edit form."""
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"collection": Collection.get_first_root_node().pk,
         "files[]": SimpleUploadedFile("IMG_0002.jpg", GPS_PHOTO, content_type="image/jpeg")},
    )
    payload = response.json()
    assert payload["success"] is True and "uploaded_file_id" in payload, payload
    upload_id = payload["uploaded_file_id"]
    prefix = f"uploaded-image-{upload_id}"
    fields = image_form_data()
    response = admin_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id]),
        {f"{prefix}-{key}": value for key, value in fields.items()},
    )
    assert response.json()["success"] is True, response.json()
    image = LaoCaiImage.objects.get()
    master = master_of(image)
    assert len(master.getexif()) == 0
    assert image.sha256 and image.camera == "Canon EOS R6"
    assert image.file.name.startswith("original_images/") and image.file.name.endswith(".jpg")


def test_replace_file_runs_the_ingest_and_refuses_svg(admin_client):
    image = ingest_image(files.jpeg(), filename="a.jpg", credit="Ảnh: A", licence="cc-by-4.0").asset
    url = reverse("wagtailimages:edit", args=[image.pk])
    data = image_form_data(title=image.title, credit=image.credit)
    data.update({"focal_point_x": "", "focal_point_y": "", "focal_point_width": "", "focal_point_height": ""})

    refused = admin_client.post(url, {**data, "file": SimpleUploadedFile("x.png", files.svg_with_script())})
    assert refused.status_code == 200 and "SVG" in refused.content.decode()

    replaced = admin_client.post(url, {**data, "file": SimpleUploadedFile("new.jpg", GPS_PHOTO)})
    assert replaced.status_code == 302
    image.refresh_from_db()
    assert image.sha256 == __import__("hashlib").sha256(GPS_PHOTO).hexdigest()
    assert (image.width, image.height) == (900, 600)
    assert len(master_of(image).getexif()) == 0


def test_image_editor_flags_near_duplicates(admin_client):
    original = ingest_image(files.jpeg(files.photo((1200, 800))), filename="a.jpg", credit="A",
                            licence="cc-by-4.0").asset
    # The same picture, smaller and recompressed: different bytes, same look.
    resized = files.jpeg(files.photo((1200, 800)).resize((600, 400)), quality=60)
    result = ingest_image(resized, filename="b.jpg", credit="B", licence="cc-by-4.0")
    assert result.created and [item.image for item in result.near_duplicates] == [original]
    assert "looks very like" in result.notice

    page = admin_client.get(reverse("wagtailimages:edit", args=[result.asset.pk])).content.decode()
    assert "data-near-duplicates" in page and f"(#{original.pk})" in page
    different = ingest_image(files.jpeg(files.photo((1200, 800)).rotate(90, expand=True)), filename="c.jpg",
                             credit="C", licence="cc-by-4.0")
    assert different.near_duplicates == []


def test_document_upload_checks_content_and_refuses_macros(admin_client):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    data = {
        "title": "Báo cáo", "credit": "Sở VHTTDL", "licence": "gov-reuse", "consent_status": "not-applicable",
        "media_kind": "document", "collection": Collection.get_first_root_node().pk, "tags": "",
    }
    refused = admin_client.post(reverse("wagtaildocs:add"),
                                {**data, "file": SimpleUploadedFile("bao-cao.docx", buffer.getvalue())})
    assert refused.status_code == 200 and "macros" in refused.content.decode()

    stored = admin_client.post(reverse("wagtaildocs:add"),
                               {**data, "media_kind": "document",
                                "file": SimpleUploadedFile("clip.pdf", files.mp4_header())})
    assert stored.status_code == 302
    asset = MediaAsset.objects.get()
    assert asset.media_kind == "video"  # the content decides, not the name or the menu
    assert asset.file.name.endswith(".mp4") and len(asset.sha256) == 64
