"""Bytes of an uploaded picture in, a sanitised master out. No database here.

The real type is read from the content (magic bytes), never from the name;
size and pixel limits stop decompression bombs before anything is decoded,
and the process's decoding budget (``storybank.assets.rendering``) keeps
several large uploads from being decoded at once; the whole file is decoded
so truncated or corrupt files are refused; EXIF orientation is applied;
capture date and camera are read, then every piece of metadata (EXIF with
GPS and serial numbers, XMP, IPTC, comments) is dropped;
colour is converted to sRGB. The master is what Wagtail stores as the
image's file, so originals and renditions served to the public carry no
personal metadata.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from storybank.assets.rendering import DecoderBusy, decode_budget

from .errors import IngestError

try:  # HEIC (iPhone photos); installed with Wagtail's Willow[heif] and declared in pyproject.
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - the dependency is declared
    pillow_heif = None

#: Sniffed format -> Pillow's format name. These are accepted.
ACCEPTED_FORMATS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
    "heic": "HEIF",
    "avif": "AVIF",
}
#: Recognised but refused, with the name shown to people.
REFUSED_FORMATS = {"tiff": "TIFF", "bmp": "BMP", "psd": "Photoshop (PSD)", "ico": "ICO"}

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}

# EXIF tags we read before dropping the rest.
TAG_MAKE, TAG_MODEL, TAG_DATETIME = 0x010F, 0x0110, 0x0132
TAG_EXIF_IFD, TAG_GPS_IFD = 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL = 0x9003, 0x9011

SRGB_PROFILE = ImageCms.createProfile("sRGB")
SRGB_ICC = ImageCms.ImageCmsProfile(SRGB_PROFILE).tobytes()


@dataclass
class InspectedImage:
    """A picture that passed every check, and its sanitised master."""

    content: bytes  # the sanitised master, ready to store
    extension: str  # "jpg", "png" or "gif"
    width: int
    height: int
    source_format: str  # sniffed: "jpeg", "heic"…
    sha256: str  # of the file as uploaded: the same upload is found again
    perceptual_hash: str  # 64-bit difference hash, 16 hex digits
    camera: str = ""
    captured_at: datetime.datetime | None = None
    frames: int = 1
    removed_metadata: list[str] = field(default_factory=list)  # e.g. ["exif", "gps"]


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sniff_image_format(head: bytes) -> str | None:
    """The picture format the first bytes announce, ``"svg"``, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), 64), 4)}
        if brands & AVIF_BRANDS and head[8:12] != b"heic":
            return "avif"
        if brands & HEIF_BRANDS:
            return "heic"
        return None
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] == b"8BPS":
        return "psd"
    if head[:4] == b"\x00\x00\x01\x00":
        return "ico"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) and b"<svg" in head.lower():
        return "svg"
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Refuse truncated files even if some other code relaxed Pillow globally."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def inspect_image(data: bytes, filename: str = "") -> InspectedImage:
    """Check ``data`` and return its sanitised master, or raise :class:`IngestError`."""
    max_bytes = limit("MEDIA_MAX_IMAGE_BYTES", 80 * 1024 * 1024)
    max_pixels = limit("MEDIA_MAX_IMAGE_PIXELS", 100_000_000)
    if not data:
        raise IngestError("empty")
    if len(data) > max_bytes:
        raise IngestError("too-large", limit=max_bytes // (1024 * 1024))

    kind = sniff_image_format(data[:64])
    if kind is None:
        raise IngestError("unrecognised")
    if kind == "svg":
        raise IngestError("svg-refused")
    if kind in REFUSED_FORMATS:
        raise IngestError("unsupported-format", format=REFUSED_FORMATS[kind], accepted=accepted_names())

    with strict_decoding():
        try:
            image = Image.open(io.BytesIO(data), formats=[ACCEPTED_FORMATS[kind]])
        except Image.DecompressionBombError as exc:
            declared = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = round(int(declared.group(1)) / 1e6) if declared else "> 178"
            raise IngestError("too-many-pixels", pixels=pixels, limit=max_pixels // 1_000_000) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise IngestError("corrupt", detail=str(exc)[:120]) from None

        width, height = image.size
        if width * height > max_pixels:
            raise IngestError("too-many-pixels", pixels=round(width * height / 1e6), limit=max_pixels // 1_000_000)
        frames = getattr(image, "n_frames", 1) if kind == "gif" else 1
        if frames * width * height > 4 * max_pixels:
            raise IngestError("too-many-pixels", pixels=round(frames * width * height / 1e6),
                              limit=4 * max_pixels // 1_000_000)

        try:
            with decode_budget().reserve(frames * width * height, timeout=limit("MEDIA_DECODE_WAIT_SECONDS", 60)):
                return sanitise(image, data, kind, frames)
        except DecoderBusy:
            raise IngestError("busy") from None


def sanitise(image: Image.Image, data: bytes, kind: str, frames: int) -> InspectedImage:
    """Decode ``image`` completely and make its master (within the decoding budget)."""
    with strict_decoding():
        try:
            exif = image.getexif()
            image.load()
            if frames > 1:  # decode every frame: a broken later frame is still a broken file
                for frame in ImageSequence.Iterator(image):
                    frame.load()
                image.seek(0)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise IngestError("corrupt", detail=str(exc)[:120]) from None

    removed = metadata_present(image, exif)
    camera, captured_at = read_camera_and_date(exif)
    if frames > 1:
        content, extension, size = animated_gif_master(image)
        first = image.convert("RGBA")
    else:
        first = to_srgb(ImageOps.exif_transpose(image))
        content, extension = still_master(first, lossless_source=kind in ("png", "gif"))
        size = first.size
    return InspectedImage(
        content=content,
        extension=extension,
        width=size[0],
        height=size[1],
        source_format=kind,
        sha256=sha256_hex(data),
        perceptual_hash=difference_hash(first),
        camera=camera,
        captured_at=captured_at,
        frames=frames,
        removed_metadata=removed,
    )


def accepted_names() -> str:
    return "JPEG, PNG, GIF, WebP, HEIC, AVIF"


# --- metadata -------------------------------------------------------------


def metadata_present(image: Image.Image, exif: Image.Exif) -> list[str]:
    """Which kinds of metadata the upload carried (all of it is dropped)."""
    found = []
    if len(exif):
        found.append("exif")
    if TAG_GPS_IFD in exif:
        found.append("gps")
    for key in ("xmp", "XML:com.adobe.xmp", "photoshop", "comment", "iptc"):
        if image.info.get(key):
            found.append(key.split(":")[0].lower())
    return found


def read_camera_and_date(exif: Image.Exif) -> tuple[str, datetime.datetime | None]:
    make = str(exif.get(TAG_MAKE, "") or "").strip(" \x00")
    model = str(exif.get(TAG_MODEL, "") or "").strip(" \x00")
    camera = model if model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    sub = exif.get_ifd(TAG_EXIF_IFD) if TAG_EXIF_IFD in exif else {}
    raw = sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
    return camera[:120], parse_exif_datetime(raw, sub.get(TAG_OFFSET_TIME_ORIGINAL))


def parse_exif_datetime(raw: object, offset: object = None) -> datetime.datetime | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (+ optional "+07:00") as an aware datetime.

    Without an offset the camera's clock is taken to be in the site's time
    zone (Asia/Ho_Chi_Minh), which is where the province's photos are taken.
    """
    if not raw:
        return None
    text = str(raw).strip(" \x00")
    try:
        value = datetime.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if offset:
        try:
            return datetime.datetime.fromisoformat(f"{value.isoformat()}{str(offset).strip(chr(0))}")
        except ValueError:
            pass
    return timezone.make_aware(value)


# --- colour and the master -------------------------------------------------


def to_srgb(image: Image.Image) -> Image.Image:
    """An 8-bit RGB, RGBA, L or LA image in sRGB."""
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit greyscale: scale to 8 bits instead of clipping at 255.
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P" or image.mode == "PA":
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")

    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            description = ImageCms.getProfileDescription(source) or ""
            if image.mode == "CMYK" or "srgb" not in description.lower().replace(" ", ""):
                output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
                image = ImageCms.profileToProfile(image, source, SRGB_PROFILE, outputMode=output_mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to Pillow's plain conversion below
    if image.mode == "CMYK":
        image = image.convert("RGB")
    image.info = {}
    return image


def still_master(image: Image.Image, *, lossless_source: bool) -> tuple[bytes, str]:
    """Encode the master: PNG for lossless sources or transparency, JPEG otherwise."""
    buffer = io.BytesIO()
    if lossless_source or image.mode in ("RGBA", "LA"):
        image.save(buffer, "PNG", icc_profile=SRGB_ICC, compress_level=6)
        return buffer.getvalue(), "png"
    quality = limit("MEDIA_MASTER_JPEG_QUALITY", 95)
    image.save(buffer, "JPEG", quality=quality, subsampling=0, icc_profile=SRGB_ICC)
    return buffer.getvalue(), "jpg"


def animated_gif_master(image: Image.Image) -> tuple[bytes, str, tuple[int, int]]:
    """Keep an animation's frames and timing; drop its comments and extensions."""
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        copy = frame.convert("RGBA")
        copy.info = {}
        frames.append(copy)
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=durations,
        loop=image.info.get("loop", 0), disposal=2,
    )
    return buffer.getvalue(), "gif", frames[0].size


def difference_hash(image: Image.Image) -> str:
    """64-bit dHash: survives resizing, recompression and small colour changes."""
    small = image.copy()
    small.thumbnail((256, 256))
    grey = small.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()  # one byte per pixel in mode L
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def hash_distance(first: str, second: str) -> int:
    """Number of differing bits between two hex hashes."""
    return (int(first, 16) ^ int(second, 16)).bit_count()
