"""Video, audio and documents: the real type from the content, the checks a
press office needs, and ffmpeg's help when it is installed.

With ``ffmpeg`` on the PATH, video and audio are remuxed without their
metadata (``-map_metadata -1``: GPS of phone videos, device names), the
duration is read and a poster frame is grabbed from the video. Without it the
file is stored as it is and the editor supplies the poster.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import pikepdf

from storybank.core.choices import MediaKind

from .errors import IngestError
from .inspection import limit, sniff_image_format

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class MediaType:
    kind: str  # MediaKind value
    extension: str
    mime: str


def sniff_media(head: bytes, file: IO[bytes] | None = None) -> MediaType:
    """What ``head`` (the first 4 KB) is, or :class:`IngestError`.

    ``file`` (seekable) lets containers such as ZIP-based office files be
    looked into.
    """
    if not head:
        raise IngestError("empty")
    image_format = sniff_image_format(head[:64])
    if image_format == "svg":
        raise IngestError("svg-refused")
    if image_format is not None:
        raise IngestError("wrong-kind")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return MediaType(MediaKind.AUDIO, "m4a", "audio/mp4")
        if brand == b"qt  ":
            return MediaType(MediaKind.VIDEO, "mov", "video/quicktime")
        return MediaType(MediaKind.VIDEO, "mp4", "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MediaType(MediaKind.VIDEO, "webm", "video/webm")
    if head.startswith(b"OggS"):
        return MediaType(MediaKind.AUDIO, "ogg", "audio/ogg")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MediaType(MediaKind.AUDIO, "mp3", "audio/mpeg")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return MediaType(MediaKind.AUDIO, "wav", "audio/wav")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        raise IngestError("unsupported-format", format="AVI", accepted=accepted_names())
    if head.startswith(b"%PDF-"):
        return MediaType(MediaKind.DOCUMENT, "pdf", "application/pdf")
    if head.startswith(b"PK\x03\x04") and file is not None:
        return sniff_office(file)
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        raise IngestError("unrecognised")
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the 4 KB boundary
                raise IngestError("unrecognised") from None
        return MediaType(MediaKind.DOCUMENT, "txt", "text/plain")
    raise IngestError("unrecognised")


def accepted_names() -> str:
    return "MP4, MOV, WebM, MP3, M4A, OGG, WAV, PDF, DOCX, XLSX, ODT, TXT"


def sniff_office(file: IO[bytes]) -> MediaType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise IngestError("active-content", detail="VBA macros")
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return MediaType(MediaKind.DOCUMENT, "odt", "application/vnd.oasis.opendocument.text")
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return MediaType(
                        MediaKind.DOCUMENT, "docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                if any(name.startswith("xl/") for name in names):
                    return MediaType(
                        MediaKind.DOCUMENT, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    )
    except zipfile.BadZipFile as exc:
        raise IngestError("corrupt", detail=str(exc)[:120]) from None
    finally:
        file.seek(0)
    raise IngestError("unsupported-format", format="ZIP", accepted=accepted_names())


#: Dictionary keys that carry scripts, programs, forms that submit or run, or files.
ACTIVE_PDF_KEYS = {
    "/JS": "JavaScript", "/JavaScript": "JavaScript", "/Launch": "Launch", "/XFA": "XFA forms",
    "/RichMedia": "RichMedia", "/EmbeddedFiles": "embedded files", "/EmbeddedFile": "embedded files",
}
#: Action types (``/S``) a reader runs when the document is opened or clicked.
ACTIVE_PDF_ACTIONS = {
    "/JavaScript": "JavaScript", "/Launch": "Launch", "/SubmitForm": "SubmitForm", "/ImportData": "ImportData",
    "/GoToE": "GoToE", "/RichMediaExecute": "RichMedia", "/Rendition": "Rendition",
}
#: Objects read before a PDF is refused as too complex to check.
MAX_PDF_OBJECTS = 500_000


def check_pdf(file: IO[bytes]) -> None:
    """Refuse PDFs that run JavaScript, launch programs, submit forms or carry
    files when opened, however the name is written (``/Java#53cript``) and
    wherever it hides (compressed object streams): the document is parsed
    with qpdf (pikepdf), which decodes names and streams as a reader would.
    A PDF that cannot be parsed, or needs a password, is refused too."""
    plain = plain_pdf_marker(file)  # the plain spelling, even in a file too broken to parse
    if plain:
        raise IngestError("active-content", detail=plain)
    try:
        with pikepdf.open(file) as document:
            found = active_pdf_content(document)
    except pikepdf.PasswordError:
        raise IngestError("encrypted") from None
    except pikepdf.PdfError as exc:
        raise IngestError("corrupt", detail=str(exc)[:120]) from None
    finally:
        file.seek(0)
    if found:
        raise IngestError("active-content", detail=found)


def plain_pdf_marker(file: IO[bytes]) -> str:
    """An active-content name written plainly anywhere in the bytes, or ""."""
    file.seek(0)
    tail = b""
    try:
        while chunk := file.read(CHUNK):
            window = tail + chunk
            for marker in (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch"):
                if marker in window:
                    return marker.decode().strip("/ (<")
            tail = chunk[-16:]
    finally:
        file.seek(0)
    return ""


def active_pdf_content(document: Any) -> str:
    """The first active feature of ``document`` (a pikepdf ``Pdf``), or ""."""
    seen: set[tuple[int, int]] = set()
    pending: list[Any] = [document.trailer, *document.objects]
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Object) and item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return "too many objects to check"
        if isinstance(item, pikepdf.Stream):
            item = item.stream_dict
        if isinstance(item, pikepdf.Dictionary):
            for key in item.keys():
                if key in ACTIVE_PDF_KEYS:
                    return ACTIVE_PDF_KEYS[key]
            action = item.get("/S")
            if isinstance(action, pikepdf.Name) and str(action) in ACTIVE_PDF_ACTIONS:
                return ACTIVE_PDF_ACTIONS[str(action)]
            pending.extend(item.values())
        elif isinstance(item, pikepdf.Array):
            pending.extend(item)
    return ""


def check_text(file: IO[bytes]) -> None:
    file.seek(0)
    try:
        file.read().decode("utf-8")
    except UnicodeDecodeError:
        raise IngestError("unrecognised") from None
    finally:
        file.seek(0)


def file_size(file: IO[bytes]) -> int:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def digest_of(file: IO[bytes], algorithm: str = "sha256") -> str:
    file.seek(0)
    digest = hashlib.new(algorithm)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def sha1_of(file: IO[bytes]) -> str:
    return digest_of(file, "sha1")


@dataclass
class InspectedMedia:
    media_type: MediaType
    sha256: str
    size: int


def inspect_media(file: IO[bytes]) -> InspectedMedia:
    """Check a video, audio file or document (seekable ``file``)."""
    size = file_size(file)
    if size == 0:
        raise IngestError("empty")
    max_bytes = limit("MEDIA_MAX_MEDIA_BYTES", 2 * 1024**3)
    if size > max_bytes:
        raise IngestError("too-large", limit=max_bytes // (1024 * 1024))
    head = file.read(4096)
    file.seek(0)
    media_type = sniff_media(head, file)
    if media_type.extension == "pdf":
        check_pdf(file)
    elif media_type.extension == "txt":
        check_text(file)
    return InspectedMedia(media_type=media_type, sha256=digest_of(file), size=size)


# --- ffmpeg ------------------------------------------------------------------


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, timeout=timeout, check=False)  # noqa: S603


def probe_duration(path: str) -> int | None:
    """Duration in whole seconds, from ffprobe."""
    result = _run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
    try:
        return round(float(result.stdout.decode().strip()))
    except ValueError:
        return None


def strip_metadata(path: str, extension: str) -> str | None:
    """Remux ``path`` without container metadata (no re-encoding); a new temp path or None."""
    fd, output = tempfile.mkstemp(suffix=f".{extension}")
    os.close(fd)
    result = _run(["ffmpeg", "-y", "-v", "error", "-i", path, "-map", "0", "-map_metadata", "-1",
                   "-c", "copy", output])
    if result.returncode != 0 or os.path.getsize(output) == 0:
        os.unlink(output)
        return None
    return output


def poster_frame(path: str, duration: int | None) -> bytes | None:
    """A JPEG of the video's frame at 10% of its length (at most 3 s in), or None."""
    at = min(3.0, (duration or 0) * 0.1)
    result = _run(["ffmpeg", "-v", "error", "-ss", f"{at:.2f}", "-i", path, "-frames:v", "1",
                   "-f", "image2", "-c:v", "mjpeg", "-q:v", "2", "pipe:1"])
    return result.stdout if result.returncode == 0 and result.stdout else None
