"""Fixtures of the media pipeline tests: a contributing unit, places and
groups, and an S3-compatible server (moto) on a free loopback port."""

from __future__ import annotations

import pytest

from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Wagtail caches renditions by image id; SQLite reuses ids after a test's
    rollback, so a cached rendition of an earlier test could be returned."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(db):
    return ContributingUnit.objects.create(name="Báo Lào Cai", slug="bao-lao-cai", kind="press")


@pytest.fixture
def taxonomy(locales):
    vi = locales["vi"]
    place = Place.objects.create(name="Sa Pa", slug="sa-pa", locale=vi, latitude="22.3364", longitude="103.8438")
    hmong = EthnicGroup.objects.create(name="H'Mông", slug="hmong", locale=vi)
    dao = EthnicGroup.objects.create(name="Dao", slug="dao", locale=vi)
    return {"place": place, "hmong": hmong, "dao": dao}


@pytest.fixture
def stored_files(settings):
    """Every file under MEDIA_ROOT (to prove nothing half-stored remains)."""
    from pathlib import Path

    def listing() -> set[str]:
        root = Path(settings.MEDIA_ROOT)
        return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()

    return listing


S3_SETTINGS = {
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_QUERYSTRING_AUTH": True,
    "AWS_QUERYSTRING_EXPIRE": 900,
    "AWS_DEFAULT_ACL": None,
    "AWS_S3_FILE_OVERWRITE": False,
    "AWS_S3_ADDRESSING_STYLE": "path",
    "AWS_S3_SIGNATURE_VERSION": "s3v4",
}


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in a thread, on a port the OS chose, spoken to over HTTP."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log in the test output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """Media storage switched to the S3 server (a fresh bucket per test)."""
    import uuid

    import boto3

    bucket = f"storybank-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test-key", aws_secret_access_key="test-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    for name, value in S3_SETTINGS.items():
        setattr(settings, name, value)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "media_pipeline.storage.S3Storage"}}
    client.bucket = bucket
    return client
