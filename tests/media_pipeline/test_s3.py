"""Originals and renditions in an S3-compatible store, over real HTTP.

moto's S3 server runs on a free loopback port; django-storages and boto3 talk
to it over HTTP exactly as they talk to MinIO in docker-compose, and the
signed download URLs are fetched over HTTP too.
"""

from __future__ import annotations

import io
import urllib.request
import zipfile
from email.message import Message

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from media_pipeline.ingest import ingest_image, ingest_media
from media_pipeline.renditions import render

from . import files

pytestmark = pytest.mark.django_db

METADATA = {"credit": "Ảnh: Nguyễn Văn A / Báo Lào Cai", "licence": "cc-by-4.0"}


def keys(s3) -> set[str]:
    listing = s3.list_objects_v2(Bucket=s3.bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def fetch(url: str) -> tuple[bytes, Message]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
        return response.read(), response.headers  # case-insensitive header lookup


def test_storage_is_the_s3_backend(s3):
    from media_pipeline.downloads import is_remote
    from media_pipeline.storage import S3Storage

    default_storage._setup()
    assert isinstance(default_storage._wrapped, S3Storage) and is_remote(default_storage._wrapped)


def test_originals_and_renditions_live_in_the_bucket(s3):
    data = files.jpeg(files.photo((2400, 1600)), exif=files.camera_exif(gps=True))
    image = ingest_image(data, filename="sa-pa.jpg", **METADATA).asset
    assert image.file.name in keys(s3)
    stored = s3.get_object(Bucket=s3.bucket, Key=image.file.name)["Body"].read()
    assert len(Image.open(io.BytesIO(stored)).getexif()) == 0 and b"SERIAL-0042" not in stored

    rendition = render(image, "facebook", "webp", branded=True)
    assert rendition.file.name in keys(s3)
    again = render(image, "facebook", "webp", branded=True)
    assert again.pk == rendition.pk


def test_press_download_redirects_to_a_signed_url_that_works_over_http(s3, client):
    image = ingest_image(files.jpeg(files.photo((2400, 1600))), filename="y-ty.jpg", **METADATA).asset
    response = client.get(reverse("press:rendition", args=[image.pk, "instagram"]))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(s3.meta.endpoint_url) and "X-Amz-Signature=" in url and "X-Amz-Expires=900" in url

    content, headers = fetch(url)
    picture = Image.open(io.BytesIO(content))
    assert picture.size == (1080, 1350) and picture.format == "JPEG"
    assert headers.get("Content-Type") == "image/jpeg"
    assert headers.get("Content-Disposition", "").startswith("attachment;")
    assert f"lao-cai-{image.pk}-y-ty-instagram.jpg" in headers.get("Content-Disposition", "")


def test_original_download_is_signed_too(s3, client):
    image = ingest_image(files.jpeg(files.photo((800, 600)), exif=files.camera_exif()), filename="o.jpg",
                         **METADATA).asset
    response = client.get(reverse("press:original", args=[image.pk]))
    assert response.status_code == 302
    content, _headers = fetch(response["Location"])
    assert Image.open(io.BytesIO(content)).size == (800, 600)
    assert len(Image.open(io.BytesIO(content)).getexif()) == 0


def test_media_assets_and_rendition_zip_from_s3(s3, client):
    document = ingest_media(files.pdf(), filename="bao-cao.pdf", title="Báo cáo", **METADATA).asset
    assert document.file.name in keys(s3)
    image = ingest_image(files.jpeg(files.photo((1600, 1200))), filename="z.jpg", **METADATA).asset
    response = client.get(reverse("press:rendition_zip", args=[image.pk, "thumbnail"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    picture = Image.open(io.BytesIO(archive.read(next(n for n in archive.namelist() if n.endswith(".jpg")))))
    assert picture.size == (400, 300)


def test_signed_urls_use_the_public_endpoint_when_the_store_is_internal(s3, client, settings):
    """docker-compose: the app writes to http://minio:9000, browsers fetch from the public address."""
    public = s3.meta.endpoint_url.replace("127.0.0.1", "localhost")
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = public
    image = ingest_image(files.jpeg(files.photo((1600, 1200))), filename="pub.jpg", **METADATA).asset
    response = client.get(reverse("press:rendition", args=[image.pk, "thumbnail"]))
    location = response["Location"]
    assert location.startswith(f"{public}/{s3.bucket}/images/") and "X-Amz-Signature=" in location
    content, headers = fetch(location)
    assert Image.open(io.BytesIO(content)).size == (400, 300)
    assert "pub-thumbnail.jpg" in headers.get("Content-Disposition", "")

