"""``/media/<name>``: every stored file, served only to whoever may have it.

The app serves its media itself (no web server in front has to know the
rule): a name is looked up as a rendition, an image's original or a media
asset's file, and :func:`storybank.core.visibility.may_download` decides.
Anything else in storage (uploads parked by the multiple uploader, files
left by a withdrawal, names nobody stored) answers 404, as does a file the
asker may not have, so a guessed name reveals nothing. With S3 the answer is
a redirect to a short-lived signed URL, minted only after the same check.
Documents are always attachments, never opened inside the site's origin.
"""

from __future__ import annotations

import posixpath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from django.views.static import serve

from storybank.assets.models import LaoCaiImage, LaoCaiRendition, MediaAsset
from storybank.core.visibility import is_asset_public, may_download

from .downloads import is_remote, signed_url, signed_url_seconds


def asset_of(name: str) -> LaoCaiImage | MediaAsset | None:
    """The image (for a rendition or an original) or media asset stored as ``name``."""
    rendition = LaoCaiRendition.objects.select_related("image").filter(file=name).first()
    if rendition is not None:
        return rendition.image
    return LaoCaiImage.objects.filter(file=name).first() or MediaAsset.objects.filter(file=name).first()


def cache_control(asset: Any) -> str:
    """Public files may be kept a while by browsers and proxies; others never."""
    if is_asset_public(asset):
        return f"public, max-age={int(getattr(settings, 'MEDIA_CACHE_SECONDS', 600))}"
    return "private, no-store"


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    name = posixpath.normpath(path)
    if name != path or name.startswith(("/", "..")):
        raise Http404
    asset = asset_of(name)
    if asset is None or not may_download(request.user, asset):
        raise Http404
    is_document = isinstance(asset, MediaAsset)
    if is_remote(default_storage):
        if is_document:
            url = signed_url(asset.file, asset.filename, asset.content_type)
        else:
            url = default_storage.url(name, expire=signed_url_seconds())
        response: HttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, max-age=60"  # never longer than the signature
        return response
    response = serve(request, name, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = cache_control(asset)
    if is_document:
        response["Content-Disposition"] = content_disposition_header(True, asset.filename)
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
