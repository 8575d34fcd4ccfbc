"""The one way files enter the bank: admin forms, bulk import and any API.

``ingest_image()`` and ``ingest_media()`` check the file (``inspection``,
``media``), return the existing asset when the same bytes are already in the
bank (SHA-256), store the sanitised file and the asset row in one
transaction, delete the stored file again if the transaction fails, and
report near-duplicates (perceptual hash) so an editor can look at them.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Collection

from storybank.assets.forms import may_review_assets
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.choices import MediaKind

from . import media
from .errors import IngestError
from .inspection import InspectedImage, hash_distance, inspect_image, limit

#: Fields an ingest call may set on the asset (everything else is computed).
METADATA_FIELDS = (
    "description", "caption", "credit", "source_unit", "licence", "rights_expire_on", "consent_status",
    "captured_at", "place", "localized_text", "transcript",
)


@dataclass
class NearDuplicate:
    image: LaoCaiImage
    distance: int  # differing bits of 64


@dataclass
class IngestResult:
    asset: LaoCaiImage | MediaAsset
    created: bool
    near_duplicates: list[NearDuplicate] = field(default_factory=list)

    @property
    def notice(self) -> str:
        if not self.created:
            return _("This file is already in the bank as “%(title)s” (#%(id)s); nothing was added.") % {
                "title": self.asset.title, "id": self.asset.pk,
            }
        if self.near_duplicates:
            return _("Stored. It looks very like: %(list)s.") % {"list": describe(self.near_duplicates)}
        return _("Stored.")


def describe(near: Iterable[NearDuplicate]) -> str:
    return ", ".join(f"“{item.image.title}” (#{item.image.pk})" for item in near)


# --- file names -------------------------------------------------------------


def stored_name(filename: str, extension: str) -> str:
    """ASCII file name with the extension of the real content."""
    stem = slugify(anyascii(Path(filename).stem))[:60] or "asset"
    return f"{stem}.{extension}"


def read_limited(source: bytes | IO[bytes] | str | os.PathLike, max_bytes: int) -> bytes:
    """All bytes of ``source``, refusing more than ``max_bytes`` before reading them."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        if os.path.getsize(source) > max_bytes:
            raise IngestError("too-large", limit=max_bytes // (1024 * 1024))
        data = Path(source).read_bytes()
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
        if hasattr(source, "seek"):
            source.seek(0)
    if len(data) > max_bytes:
        raise IngestError("too-large", limit=max_bytes // (1024 * 1024))
    return data


# --- duplicates ---------------------------------------------------------------


def existing_image(sha256: str, exclude_pk: int | None = None) -> LaoCaiImage | None:
    return LaoCaiImage.objects.filter(sha256=sha256).exclude(pk=exclude_pk).order_by("pk").first()


def near_duplicates(perceptual_hash: str, exclude_pk: int | None = None, limit_to: int = 5) -> list[NearDuplicate]:
    """Images whose perceptual hash differs in at most ``MEDIA_NEAR_DUPLICATE_BITS`` bits.

    Compared in Python over one ``(pk, hash)`` query: 100 000 images are a
    few megabytes and well under a second, and the rule is the same on every
    database.
    """
    if not perceptual_hash:
        return []
    threshold = limit("MEDIA_NEAR_DUPLICATE_BITS", 6)
    rows = LaoCaiImage.objects.exclude(perceptual_hash="").exclude(pk=exclude_pk).values_list("pk", "perceptual_hash")
    close = sorted(
        (distance, pk) for pk, other in rows if (distance := hash_distance(perceptual_hash, other)) <= threshold
    )[:limit_to]
    images = LaoCaiImage.objects.in_bulk([pk for _distance, pk in close])
    return [NearDuplicate(images[pk], distance) for distance, pk in close if pk in images]


# --- images -----------------------------------------------------------------


def apply_inspected_image(image: LaoCaiImage, inspected: InspectedImage, filename: str) -> None:
    """Put the sanitised master and what was read from the file on ``image``.

    Used by ``ingest_image`` and by the admin forms, so every path stores the
    same thing.
    """
    image.file = ContentFile(inspected.content, name=stored_name(filename, inspected.extension))
    image.width, image.height = inspected.width, inspected.height
    image.file_size = len(inspected.content)
    image.file_hash = hashlib.sha1(inspected.content).hexdigest()  # noqa: S324 - Wagtail's own duplicate hash
    image.sha256 = inspected.sha256
    image.perceptual_hash = inspected.perceptual_hash
    image.camera = inspected.camera
    if inspected.captured_at and not image.captured_at:
        image.captured_at = inspected.captured_at


def ingest_image(
    source: bytes | IO[bytes] | str | os.PathLike,
    *,
    filename: str = "",
    title: str = "",
    collection: Collection | None = None,
    ethnic_groups: Iterable[Any] = (),
    user: Any = None,
    **metadata: Any,
) -> IngestResult:
    """Store a picture as a ``LaoCaiImage`` (or find it already stored)."""
    if not filename and isinstance(source, str | os.PathLike):
        filename = os.fspath(source)
    data = read_limited(source, limit("MEDIA_MAX_IMAGE_BYTES", 80 * 1024 * 1024))
    sha256 = hashlib.sha256(data).hexdigest()
    found = existing_image(sha256)
    if found is not None:
        return IngestResult(found, created=False)
    inspected = inspect_image(data, filename)

    image = LaoCaiImage(
        title=title or Path(filename).stem or "image",
        collection=collection or Collection.get_first_root_node(),
        uploaded_by_user=user,
        awaiting_review=not may_review_assets(user),
    )
    set_metadata(image, metadata)
    apply_inspected_image(image, inspected, filename)
    save_asset(image, ethnic_groups)
    return IngestResult(image, created=True, near_duplicates=near_duplicates(image.perceptual_hash, image.pk))


def set_metadata(asset: LaoCaiImage | MediaAsset, metadata: dict[str, Any]) -> None:
    unknown = set(metadata) - set(METADATA_FIELDS) - {"media_kind", "duration_seconds", "poster"}
    if unknown:
        raise TypeError(f"unknown asset fields: {', '.join(sorted(unknown))}")
    for name, value in metadata.items():
        if value is not None:
            setattr(asset, name, value)


def save_asset(asset: LaoCaiImage | MediaAsset, ethnic_groups: Iterable[Any] = ()) -> None:
    """Validate and save ``asset`` with its file in one transaction; on any
    failure nothing is left behind, neither the row nor the stored file."""
    try:
        asset.full_clean(exclude=["file", "collection", "tags", "uploaded_by_user"])
    except ValidationError as exc:
        details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
        raise IngestError("invalid-metadata", detail=details) from None
    try:
        with transaction.atomic():
            asset.save()
            if ethnic_groups:
                asset.ethnic_groups.set(ethnic_groups)
    except BaseException:
        if asset.file and asset.file.name:
            asset.file.storage.delete(asset.file.name)
        raise


# --- video, audio, documents ------------------------------------------------


def open_source(source: bytes | IO[bytes] | str | os.PathLike) -> tuple[IO[bytes], bool]:
    """A seekable binary file for ``source`` and whether we must close it."""
    if isinstance(source, bytes):
        return io.BytesIO(source), True
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    source.seek(0)
    return source, False


def existing_media(sha256: str, exclude_pk: int | None = None) -> MediaAsset | None:
    return MediaAsset.objects.filter(sha256=sha256).exclude(pk=exclude_pk).order_by("pk").first()


@dataclass
class PreparedMedia:
    """A checked media file, metadata-stripped when ffmpeg could do it."""

    inspected: media.InspectedMedia
    file: IO[bytes]
    duration: int | None = None
    poster_jpeg: bytes | None = None

    def close(self, original: IO[bytes]) -> None:
        if self.file is not original:
            self.file.close()


def prepare_media(file: IO[bytes], inspected: media.InspectedMedia, *, want_poster: bool) -> PreparedMedia:
    """Strip container metadata, read the duration and grab a poster frame
    (video and audio, when ffmpeg is installed).

    Temporary files are unlinked as soon as they are open, so nothing is left
    in the temp folder whatever happens next.
    """
    prepared = PreparedMedia(inspected=inspected, file=file)
    kind = inspected.media_type.kind
    if kind == MediaKind.DOCUMENT or not media.ffmpeg_available():
        return prepared
    fd, path = tempfile.mkstemp(suffix=f".{inspected.media_type.extension}")
    try:
        with os.fdopen(fd, "wb") as copy:
            file.seek(0)
            while chunk := file.read(media.CHUNK):
                copy.write(chunk)
        file.seek(0)
        prepared.duration = media.probe_duration(path)
        stripped = media.strip_metadata(path, inspected.media_type.extension)
        if kind == MediaKind.VIDEO and want_poster:
            prepared.poster_jpeg = media.poster_frame(stripped or path, prepared.duration)
        if stripped:
            prepared.file = open(stripped, "rb")  # noqa: SIM115 - closed by PreparedMedia.close()
            os.unlink(stripped)
    finally:
        os.unlink(path)
    return prepared


def ingest_media(
    source: bytes | IO[bytes] | str | os.PathLike,
    *,
    filename: str = "",
    title: str = "",
    poster: LaoCaiImage | bytes | IO[bytes] | str | os.PathLike | None = None,
    poster_filename: str = "",
    collection: Collection | None = None,
    ethnic_groups: Iterable[Any] = (),
    user: Any = None,
    **metadata: Any,
) -> IngestResult:
    """Store a video, audio file or document as a ``MediaAsset`` (or find it).

    The poster of a video is ``poster`` when the editor gives one (an image
    of the bank or a picture file, ingested like any other), otherwise a
    frame grabbed with ffmpeg when it is installed, otherwise none.
    """
    if not filename and isinstance(source, str | os.PathLike):
        filename = os.fspath(source)
    file, close = open_source(source)
    prepared: PreparedMedia | None = None
    try:
        inspected = media.inspect_media(file)
        found = existing_media(inspected.sha256)
        if found is not None:
            return IngestResult(found, created=False)
        prepared = prepare_media(file, inspected, want_poster=poster is None)
        asset = MediaAsset(
            title=title or Path(filename).stem or "media",
            collection=collection or Collection.get_first_root_node(),
            uploaded_by_user=user,
            awaiting_review=not may_review_assets(user),
            media_kind=inspected.media_type.kind,
            sha256=inspected.sha256,
            duration_seconds=prepared.duration,
        )
        set_metadata(asset, metadata)
        new_poster = None
        try:
            with transaction.atomic():
                asset.poster, new_poster = poster_image(asset, poster, poster_filename, prepared.poster_jpeg, user)
                apply_media_file(asset, prepared, filename)
                save_asset(asset, ethnic_groups)
        except BaseException:
            if new_poster is not None:  # its row was rolled back with ours; its file must go too
                new_poster.file.storage.delete(new_poster.file.name)
            raise
        return IngestResult(asset, created=True)
    finally:
        if prepared is not None:
            prepared.close(file)
        if close:
            file.close()


def apply_media_file(asset: MediaAsset, prepared: PreparedMedia, filename: str) -> None:
    prepared.file.seek(0)
    name = stored_name(filename, prepared.inspected.media_type.extension)
    asset.file = File(prepared.file, name=name)
    asset.file_size = media.file_size(prepared.file)
    asset.file_hash = media.sha1_of(prepared.file)  # Wagtail's own duplicate hash
    asset.media_kind = prepared.inspected.media_type.kind


def poster_image(
    asset: MediaAsset,
    poster: LaoCaiImage | bytes | IO[bytes] | str | os.PathLike | None,
    poster_filename: str,
    grabbed: bytes | None,
    user: Any,
) -> tuple[LaoCaiImage | None, LaoCaiImage | None]:
    """The editor's poster (an image of the bank or a file), else the frame
    ffmpeg grabbed; and the image if this call created it."""
    if isinstance(poster, LaoCaiImage):
        return poster, None
    source = poster if poster is not None else grabbed
    if source is None:
        return None, None
    result = ingest_image(
        source,
        filename=poster_filename or f"{asset.title}-poster.jpg",
        title=_("%(title)s (poster)") % {"title": asset.title},
        collection=asset.collection,
        user=user,
        credit=asset.credit,
        licence=asset.licence,
        source_unit=asset.source_unit,
        rights_expire_on=asset.rights_expire_on,
        consent_status=asset.consent_status,
    )
    return result.asset, (result.asset if result.created else None)
