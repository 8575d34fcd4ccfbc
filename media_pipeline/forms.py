"""Wagtail admin forms that run the media pipeline's ingest.

``WAGTAILIMAGES_IMAGE_FORM_BASE`` and ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` point
here, so single upload, multiple upload and "replace file" all check the file
the same way ``ingest_image()`` / ``ingest_media()`` do and store the same
sanitised master. They extend the per-language alt text and caption forms of
``storybank.assets.forms``.

Wagtail's multiple uploader has one more path: when a required field such as
``credit`` is missing, it parks the upload as an ``UploadedFile`` and later
saves it onto a new asset through the edit form (which has no file field).
The upload was already checked by ``clean_file`` then; ``save()`` notices the
parked file and replaces it with the sanitised master.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from wagtail.images.fields import WagtailImageField

from storybank.assets.forms import LaoCaiImageForm, MediaAssetForm
from storybank.core.choices import MediaKind

from . import media
from .errors import IngestError
from .ingest import (
    NearDuplicate,
    apply_inspected_image,
    apply_media_file,
    existing_image,
    existing_media,
    near_duplicates,
    poster_image,
    prepare_media,
    read_limited,
)
from .inspection import InspectedImage, inspect_image, limit


def duplicate_message(asset: Any) -> str:
    return _("This file is already in the bank as “%(title)s” (#%(id)s). Use that one instead.") % {
        "title": asset.title, "id": asset.pk,
    }


def is_parked_upload(form: Any) -> bool:
    """The multiple uploader saves a parked upload through a form with no file field."""
    return form.instance.pk is None and "file" not in form.fields and bool(form.instance.file)


class SafeImageField(WagtailImageField):
    """Wagtail's image field, with the pipeline's checks run first.

    Wagtail's own checks decode the whole file with Willow and let Pillow's
    errors escape (a truncated JPEG or a decompression bomb is a server
    error); ours refuse such files with a message before Willow sees them.
    The inspected result travels on the upload as ``inspected``.
    """

    def to_python(self, data: Any) -> Any:
        if isinstance(data, UploadedFile):
            try:
                upload_bytes = read_limited(data, limit("MEDIA_MAX_IMAGE_BYTES", 80 * 1024 * 1024))
                inspected = inspect_image(upload_bytes, data.name)
            except IngestError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
            data.seek(0)
            upload = super().to_python(data)
            upload.inspected = inspected
            return upload
        return super().to_python(data)


class SafeImageForm(LaoCaiImageForm):
    inspected: InspectedImage | None = None
    near_duplicates: list[NearDuplicate]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.near_duplicates = []
        if "file" in self.fields:
            # get_image_form() builds the field with Wagtail's own callback; give it our checks.
            self.fields["file"].__class__ = SafeImageField

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # editing the details only
        self.inspected = upload.inspected
        duplicate = existing_image(self.inspected.sha256, exclude_pk=self.instance.pk)
        if duplicate is not None:
            raise ValidationError(duplicate_message(duplicate), code="duplicate")
        self.near_duplicates = near_duplicates(self.inspected.perceptual_hash, self.instance.pk)
        self.upload_name = upload.name
        return upload

    def save(self, commit: bool = True) -> Any:
        if self.inspected is not None:
            apply_inspected_image(self.instance, self.inspected, self.upload_name)
        elif is_parked_upload(self):
            self.ingest_parked_upload()
        return super().save(commit=commit)

    def ingest_parked_upload(self) -> None:
        parked = self.instance.file
        name = parked.name
        with parked.open("rb") as file:
            data = file.read()
        apply_inspected_image(self.instance, inspect_image(data, name), name)
        parked.storage.delete(name)


class SafeMediaAssetForm(MediaAssetForm):
    inspected: media.InspectedMedia | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload
        try:
            self.inspected = media.inspect_media(upload)
        except IngestError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        duplicate = existing_media(self.inspected.sha256, exclude_pk=self.instance.pk)
        if duplicate is not None:
            raise ValidationError(duplicate_message(duplicate), code="duplicate")
        self.upload = upload
        return upload

    def save(self, commit: bool = True) -> Any:
        if self.inspected is not None:
            self.apply_media(self.upload, self.inspected, self.upload.name)
        elif is_parked_upload(self):
            parked = self.instance.file
            name = parked.name
            file = parked.storage.open(name, "rb")
            inspected = media.inspect_media(file)
            self.apply_media(file, inspected, name)
            parked.storage.delete(name)
        return super().save(commit=commit)

    def apply_media(self, file: Any, inspected: media.InspectedMedia, filename: str) -> None:
        """Store the checked (and, with ffmpeg, metadata-stripped) file; make a
        poster frame for a video when the editor chose none."""
        asset = self.instance
        wants_poster = inspected.media_type.kind == MediaKind.VIDEO and not asset.poster_id
        prepared = prepare_media(file, inspected, want_poster=wants_poster)
        apply_media_file(asset, prepared, filename)
        asset.sha256 = inspected.sha256
        if prepared.duration is not None:
            asset.duration_seconds = prepared.duration
        if prepared.poster_jpeg and wants_poster:
            asset.poster, _created = poster_image(asset, None, "", prepared.poster_jpeg, asset.uploaded_by_user)
