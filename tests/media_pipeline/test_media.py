"""Video, audio and documents: real type from content, same metadata, posters."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from media_pipeline.errors import IngestError
from media_pipeline.ingest import ingest_image, ingest_media
from media_pipeline.media import ffmpeg_available
from storybank.assets.models import LaoCaiImage, MediaAsset

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in English

METADATA = {"credit": "Video: Đài PT-TH Lào Cai", "licence": "cc-by-4.0"}


@pytest.mark.parametrize(
    ("data", "name", "kind", "extension"),
    [
        (files.mp4_header(), "clip.mp4", "video", "mp4"),
        (files.mp4_header(b"qt  "), "clip.mov", "video", "mov"),
        (files.mp4_header(b"M4A "), "song.m4a", "audio", "m4a"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64, "hat-then.mp3", "audio", "mp3"),
        (b"OggS\x00\x02" + b"\x00" * 64, "khen.ogg", "audio", "ogg"),
        (files.pdf(), "bao-cao.PDF", "document", "pdf"),
        ("Lời bài hát Then\n".encode(), "loi.txt", "document", "txt"),
    ],
)
def test_media_kind_and_extension_come_from_the_content(data, name, kind, extension, unit):
    result = ingest_media(data, filename=name, source_unit=unit, **METADATA)
    asset = result.asset
    assert result.created and asset.media_kind == kind and asset.file.name.endswith(f".{extension}")
    assert asset.credit == METADATA["credit"] and asset.source_unit == unit and len(asset.sha256) == 64


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + b"\x00" * 100, "unrecognised"),  # a Windows program renamed .mp4
        (files.jpeg(), "wrong-kind"),
        (files.svg_with_script(), "svg-refused"),
        (b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF",
         "active-content"),
    ],
)
def test_refused_media(data, code, stored_files):
    before = stored_files()
    with pytest.raises(IngestError) as refused:
        ingest_media(data, filename="x.mp4", **METADATA)
    assert refused.value.code == code and refused.value.message
    assert MediaAsset.objects.count() == 0 and stored_files() == before


def test_same_media_twice_yields_the_existing_asset():
    first = ingest_media(files.pdf(), filename="a.pdf", **METADATA)
    again = ingest_media(files.pdf(), filename="b.pdf", title="Other", **METADATA)
    assert not again.created and again.asset == first.asset and "already in the bank" in again.notice
    assert MediaAsset.objects.count() == 1


def test_editor_supplied_poster_file_is_ingested_with_the_videos_rights():
    poster_bytes = files.jpeg(files.photo((1280, 720)), exif=files.camera_exif(gps=True))
    video = ingest_media(files.mp4_header(), filename="le-hoi.mp4", title="Lễ hội Gầu Tào",
                         poster=poster_bytes, poster_filename="poster.jpg", **METADATA).asset
    poster = video.poster
    assert isinstance(poster, LaoCaiImage) and poster.title == "Lễ hội Gầu Tào (poster)"
    assert poster.credit == video.credit and poster.licence == video.licence
    assert (poster.width, poster.height) == (1280, 720) and b"SERIAL-0042" not in poster.file.read()


def test_editor_supplied_poster_from_the_bank():
    image = ingest_image(files.jpeg(), filename="p.jpg", **METADATA).asset
    video = ingest_media(files.mp4_header(), filename="v.mp4", poster=image, **METADATA).asset
    assert video.poster == image and LaoCaiImage.objects.count() == 1


def test_refused_poster_leaves_no_video_behind(stored_files):
    before = stored_files()
    with pytest.raises(IngestError):
        ingest_media(files.mp4_header(), filename="v.mp4", poster=files.truncated_jpeg(), **METADATA)
    assert MediaAsset.objects.count() == 0 and LaoCaiImage.objects.count() == 0 and stored_files() == before


def test_without_ffmpeg_a_video_is_stored_without_poster(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without ffmpeg
    assert not ffmpeg_available()
    video = ingest_media(files.mp4_header(), filename="v.mp4", **METADATA).asset
    assert video.poster is None and video.duration_seconds is None


@pytest.mark.skipif(not ffmpeg_available(), reason="ffmpeg is not installed (apt-get install ffmpeg)")
def test_ffmpeg_makes_a_poster_reads_duration_and_strips_location(tmp_path):
    source = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=10:duration=4",
         "-metadata", "location=+22.3364+103.8438/", "-metadata", "title=Phone clip", "-pix_fmt", "yuv420p",
         str(source)],
        check=True,
    )
    probe = ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json"]
    assert "22.3364" in subprocess.run([*probe, str(source)], capture_output=True, text=True).stdout

    video = ingest_media(source, title="Test", **METADATA).asset
    assert video.media_kind == "video" and video.duration_seconds == 4
    assert video.poster is not None and (video.poster.width, video.poster.height) == (640, 360)
    stored = tmp_path / "stored.mp4"
    with video.file.open("rb") as handle:
        stored.write_bytes(handle.read())
    assert "22.3364" not in subprocess.run([*probe, str(stored)], capture_output=True, text=True).stdout
    assert shutil.which("ffmpeg")
