"""Uploads cannot take the server down (issue 15, item 7): decoding waits for
the process's budget, a rendition is made once while others wait for it,
large renditions are made by the worker, and documents never run or open
inside the site."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection

from media_pipeline.ingest import ingest_image, ingest_media
from storybank.assets.models import LaoCaiImage, MediaAsset
from tests.subprocesses import database_url

from . import files

ROOT = Path(__file__).resolve().parents[2]
METADATA = {"credit": "Ảnh: Nguyễn Văn A / Báo Lào Cai", "licence": "cc-by-4.0"}


def rendition_files(settings, image: LaoCaiImage) -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "images"
    stem = Path(image.file.name).stem
    return sorted(path.name for path in folder.glob(f"{stem}*") if "max-1600x1600" in path.name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_concurrent_requests_render_a_rendition_once(settings):
    # A lossless 12-megapixel master: no draft decoding, every request would decode it in full.
    image = ingest_image(files.png(files.photo((4000, 3000))), filename="lon.png", **METADATA).asset
    url = reverse("press:rendition", args=[image.pk, "web"])
    start, answers = threading.Barrier(4), []

    def download() -> None:
        client = Client()
        start.wait()
        answers.append(client.get(url).status_code)

    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4
    assert image.renditions.count() == 1
    assert len(rendition_files(settings, image)) == 1  # rendered once: no discarded duplicates in storage


def run_worker(settings) -> str:
    """``manage.py db_worker --batch`` in its own process, on this test's database and media."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "storybank.settings.test", "DATABASE_URL": database_url(),
           "TASKS_BACKEND": "database", "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    done = subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_large_renditions_are_made_by_the_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_RENDER_INLINE_MAX_PIXELS = 100_000  # 0.1 megapixels counts as large here
    from django_tasks_db.models import DBTaskResult

    image = ingest_image(files.jpeg(files.photo((800, 600))), filename="lon.jpg", **METADATA).asset
    url = reverse("press:rendition", args=[image.pk, "facebook"])
    for _ in range(3):
        waiting = client.get(url, HTTP_ACCEPT="application/json")
        assert waiting.status_code == 503 and int(waiting["Retry-After"]) > 0
        assert waiting.json()["error"] == "being-prepared"
    assert DBTaskResult.objects.filter(task_path__endswith="make_rendition_task").count() == 1  # once, not per asker
    assert image.renditions.count() == 0

    run_worker(settings)
    made = client.get(url)
    assert made.status_code == 200 and made["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
@pytest.mark.usefixtures("english", "english_admin")
def test_uploads_wait_for_the_process_decoding_budget(admin_client, settings):
    from storybank.assets.rendering import decode_budget

    settings.MEDIA_DECODE_WAIT_SECONDS = 0
    budget = decode_budget()

    def upload(name: str):
        data = files.jpeg(files.photo((900, 600), seed=len(name)))
        return admin_client.post(reverse("wagtailimages:add"), {
            "title": name, "credit": "Ảnh: Báo Lào Cai", "licence": "cc-by-4.0", "consent_status": "not-applicable",
            "collection": Collection.get_first_root_node().pk, "tags": "",
            "file": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        })

    with budget.reserve(budget.capacity):  # other requests of this process are decoding large pictures
        busy = upload("ban.jpg")
    assert busy.status_code == 200 and "The server is busy" in busy.content.decode()
    assert LaoCaiImage.objects.count() == 0
    assert upload("ranh.jpg").status_code == 302  # once the budget is free again


@pytest.mark.django_db
@pytest.mark.usefixtures("english", "english_admin")
@pytest.mark.parametrize("data", [
    files.pdf_with_hex_escaped_javascript(),
    files.pdf(open_action={"/S": "/Launch", "/F": "cmd.exe"}, object_streams=True),
], ids=["hex-escaped-javascript", "launch-in-object-stream"])
def test_pdfs_with_active_content_are_refused(admin_client, data):
    response = admin_client.post(reverse("wagtaildocs:add"), {
        "title": "Báo cáo", "credit": "Sở VHTTDL", "licence": "cc-by-4.0", "consent_status": "not-applicable",
        "media_kind": "document", "collection": Collection.get_first_root_node().pk, "tags": "",
        "file": SimpleUploadedFile("bao-cao.pdf", data, content_type="application/pdf"),
    })
    assert response.status_code == 200 and "contains macros or scripts" in response.content.decode()
    assert MediaAsset.objects.count() == 0


@pytest.mark.django_db
def test_documents_are_downloaded_never_opened_in_the_site(client):
    document = ingest_media(files.pdf(), filename="bao-cao.pdf", title="Báo cáo", **METADATA).asset
    for response in (client.get(document.url), client.get(f"/media/{document.file.name}")):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
