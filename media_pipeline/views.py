"""Public press downloads: renditions, originals, credit texts and press kits.

No login: anything the public site may show, a journalist may download with
its credit (``storybank.core.visibility.may_download`` decides). Assets whose
rights expired or whose consent is missing answer 410 Gone; unknown assets,
assets not for the asker (awaiting review, press-only), presets and
non-public pages 404. Errors are JSON
when the client asks for JSON, a plain sentence otherwise.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page

from storybank.analytics.models import DownloadType, Metric
from storybank.analytics.recording import asset_hit, label, page_hit
from storybank.assets.models import LaoCaiImage
from storybank.core.models import content_page_models
from storybank.core.visibility import WITHDRAWN_REASONS, is_page_public, may_download, withheld_reason

from .credited_originals import credited_original, extension_of
from .downloads import download_response
from .press import KIT_PRESETS, build_press_kit, credit_text, download_name
from .renditions import EXTENSIONS, FORMATS, MIME_TYPES, PRESETS, rendition_bytes, rendition_if_ready

MASTER_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
#: What a download of a picture still being prepared tells the client to wait.
RETRY_AFTER_SECONDS = 30


class PressError(Exception):
    def __init__(self, status: int, code: str, message: str, **headers: str) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(request: HttpRequest, error: PressError) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"error": error.code, "message": error.message}, status=error.status)
    else:
        response = HttpResponse(error.message + "\n", status=error.status, content_type="text/plain; charset=utf-8")
    for name, value in error.headers.items():
        response[name.replace("_", "-")] = value
    return response


def ready(image: LaoCaiImage, preset: str, fmt: str = "jpeg", branded: bool = False) -> Any:
    """The rendition, or 503 with ``Retry-After`` while the worker makes it."""
    made = rendition_if_ready(image, preset, fmt, branded)
    if made is None:
        raise PressError(503, "being-prepared", _("This picture is being prepared. Try again in a minute."),
                         Retry_After=str(RETRY_AFTER_SECONDS))
    return made


def press_view(view):
    """Turn :class:`PressError` into its response."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PressError as error:
            return error_response(request, error)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return require_safe(wrapper)


def public_image(request: HttpRequest, image_id: int) -> LaoCaiImage:
    """The image, if the asker may download it (:func:`may_download`): 410 when it
    was withdrawn, 404 when it does not exist or is not theirs to see."""
    image = LaoCaiImage.objects.select_related("source_unit", "place").filter(pk=image_id).first()
    if image is not None and may_download(request.user, image):
        return image
    if image is not None and withheld_reason(image) in WITHDRAWN_REASONS:
        raise PressError(410, "withdrawn", _(
            "This image has been withdrawn: its rights have expired or the consent of the people in it is missing."
        ))
    raise PressError(404, "not-found", _("There is no image with this number."))


def requested_language(request: HttpRequest) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("locale") or settings.LANGUAGE_CODE
    if language not in codes:
        raise PressError(404, "unknown-locale", _("Unknown language. Use one of: %(codes)s.") % {
            "codes": ", ".join(codes)})
    return language


def check_preset(preset: str) -> None:
    if preset not in PRESETS:
        raise PressError(404, "unknown-preset", _("Unknown size. Use one of: %(presets)s.") % {
            "presets": ", ".join(PRESETS)})


def with_licence_link(response: HttpResponse, image: LaoCaiImage) -> HttpResponse:
    if image.licence_url:
        response["Link"] = f'<{image.licence_url}>; rel="license"'
    return response


@press_view
def rendition(request: HttpRequest, image_id: int, preset: str) -> HttpResponse:
    """``/press/images/<id>/<preset>/?format=jpeg|webp&branded=1``: one rendition."""
    check_preset(preset)
    fmt = request.GET.get("format", "jpeg")
    if fmt not in FORMATS:
        raise PressError(400, "unknown-format", _("Unknown format. Use jpeg or webp."))
    image = public_image(request, image_id)
    branded = request.GET.get("branded") in ("1", "true", "yes")
    made = ready(image, preset, fmt, branded)
    name = download_name(image, preset + ("-branded" if branded else ""), EXTENSIONS[fmt])
    response = with_licence_link(download_response(made.file, name, MIME_TYPES[fmt]), image)
    return label(response, asset_hit(image, detail=DownloadType.RENDITION))


@press_view
def original(request: HttpRequest, image_id: int) -> HttpResponse:
    """``/press/images/<id>/original/``: the sanitised master (no camera EXIF,
    no GPS) with its credit, caption and rights written in."""
    image = public_image(request, image_id)
    extension = extension_of(image)
    extension = "jpg" if extension == "jpeg" else extension
    content_type = MASTER_TYPES.get(extension, "application/octet-stream")
    response = download_response(credited_original(image), download_name(image, "", extension), content_type)
    return label(with_licence_link(response, image), asset_hit(image, detail=DownloadType.ORIGINAL))


@press_view
def credit(request: HttpRequest, image_id: int) -> HttpResponse:
    """``/press/images/<id>/credit.txt?locale=en``: credit, licence, caption."""
    image = public_image(request, image_id)
    response = HttpResponse(credit_text(image, requested_language(request)), content_type="text/plain; charset=utf-8")
    return with_licence_link(response, image)


@press_view
def rendition_zip(request: HttpRequest, image_id: int, preset: str) -> HttpResponse:
    """``/press/images/<id>/<preset>.zip``: the rendition and CREDIT.txt together."""
    check_preset(preset)
    image = public_image(request, image_id)
    language = requested_language(request)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(download_name(image, preset, "jpg"), rendition_bytes(ready(image, preset)))
        archive.writestr("CREDIT.txt", credit_text(image, language), compress_type=zipfile.ZIP_DEFLATED)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{download_name(image, preset, "zip")}"'
    return label(with_licence_link(response, image), asset_hit(image, detail=DownloadType.RENDITION))


@press_view
def kit(request: HttpRequest, page_id: int) -> HttpResponse:
    """``/press/kit/<page_id>.zip?locale=en``: press kit of a public content page."""
    page = Page.objects.filter(pk=page_id).specific().first()
    if page is None or not isinstance(page, tuple(content_page_models())):
        raise PressError(404, "not-found", _("There is no story, product or culture entry with this number."))
    language = requested_language(request) if request.GET.get("locale") else page.locale.language_code
    if language != page.locale.language_code:
        locale = Locale.objects.filter(language_code=language).first()
        page = page.get_translation_or_none(locale) if locale else None
        if page is None:
            raise PressError(404, "no-translation", _("This item has no published version in that language."))
    if not is_page_public(page):
        raise PressError(404, "not-found", _("There is no story, product or culture entry with this number."))
    for image in page.get_images():
        if may_download(request.user, image):
            for preset, branded in KIT_PRESETS:
                ready(image, preset, "jpeg", branded)
    archive = build_press_kit(page, language, request)
    name = f"lao-cai-{page.pk}-{page.slug}-{language}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    return label(response, page_hit(page, Metric.DOWNLOAD, detail=DownloadType.PRESS_KIT))
