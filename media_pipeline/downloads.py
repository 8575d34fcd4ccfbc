"""Handing a stored file to a downloader.

With S3-compatible storage the answer is a redirect to a time-limited signed
URL (``S3_SIGNED_URL_SECONDS``, 900 s by default) that also tells the store
to send the file as an attachment with our file name, so the bytes never pass
through the application. With local storage the file is streamed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage


def is_remote(storage: Storage) -> bool:
    """Is ``storage`` an S3-compatible store (django-storages' S3 backend)?"""
    return isinstance(storage, S3Storage)


def signed_url_seconds() -> int:
    return int(getattr(settings, "AWS_QUERYSTRING_EXPIRE", 900))


def signed_url(file: FieldFile, download_name: str, content_type: str) -> str:
    """A signed GET URL that makes the store answer with our file name and type."""
    return file.storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, download_name),
            "ResponseContentType": content_type,
        },
        expire=signed_url_seconds(),
    )


def download_response(file: FieldFile, download_name: str, content_type: str) -> HttpResponse:
    if is_remote(file.storage):
        response: HttpResponse = HttpResponseRedirect(signed_url(file, download_name, content_type))
        # The signed URL expires: never let a cache keep the redirect longer.
        response["Cache-Control"] = "private, max-age=60"
        return response
    return FileResponse(file.storage.open(file.name, "rb"), as_attachment=True, filename=download_name,
                        content_type=content_type)
