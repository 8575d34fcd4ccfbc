"""The photo page's facts: the download box, the stories that use a picture,
and its schema.org ``ImageObject``.

A photo page is shown to whoever may have the picture's files
(``storybank.core.visibility.may_download``): the public for public images,
approved press accounts (and accounts with a live access grant) also for
``press-only`` ones; others get the restricted page and its access request form. Everything here reads
the same rule, so the page never offers a file its download refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.images.models import Filter
from wagtail.models import Page, ReferenceIndex

from media_pipeline.embedded_metadata import permanent_id
from media_pipeline.renditions import FORMATS, PRESETS, rendition_if_ready
from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import public_pages

#: Licences without a Creative Commons deed get the RightsStatements.org statement that says what they are.
RIGHTS_STATEMENTS = {"press-only": "https://rightsstatements.org/vocab/InC/1.0/"}


@dataclass
class DownloadFile:
    """One file the download box offers: its address and, once made, its size in bytes."""

    url: str
    size: int | None


@dataclass
class DownloadRow:
    """One preset of the download box: its label, pixel size and files per format."""

    name: str
    label: str
    width: int
    height: int
    files: dict[str, DownloadFile]  # "jpeg", "webp", and "branded" for social presets


def licence_link(image: LaoCaiImage) -> str:
    """The licence's URI: its Creative Commons deed, else its RightsStatements.org statement."""
    return image.licence_url or RIGHTS_STATEMENTS.get(image.licence, "")


def preset_pixels(image: LaoCaiImage, preset: str) -> tuple[int, int]:
    """Width and height the preset gives this picture (Wagtail's transform of its filter, as the feeds say)."""
    return tuple(Filter(PRESETS[preset].spec).get_transform(image).size)


def file_size(image: LaoCaiImage, preset: str, fmt: str, branded: bool = False) -> int | None:
    """Bytes of the rendition (made now when cheap); None while the worker makes a large one."""
    made = rendition_if_ready(image, preset, fmt, branded)
    return made.file.size if made is not None else None


def download_rows(image: LaoCaiImage) -> list[DownloadRow]:
    rows = []
    for name, preset in PRESETS.items():
        address = reverse("press:rendition", args=[image.pk, name])
        files = {fmt: DownloadFile(f"{address}?format={fmt}", file_size(image, name, fmt)) for fmt in FORMATS}
        if preset.social:
            files["branded"] = DownloadFile(f"{address}?format=jpeg&branded=1",
                                            file_size(image, name, "jpeg", branded=True))
        width, height = preset_pixels(image, name)
        rows.append(DownloadRow(name, str(preset.label), width, height, files))
    return rows


def original_download(image: LaoCaiImage) -> DownloadFile | None:
    """The original, offered when the licence lets the picture travel on (not for press-only pictures)."""
    if not image.is_redistributable:
        return None
    return DownloadFile(reverse("press:original", args=[image.pk]), image.get_file_size())


def stories_using(image: LaoCaiImage) -> QuerySet:
    """Public pages of the current language that show the picture (Wagtail's reference index)."""
    page_ids = ReferenceIndex.get_references_to(image).filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page",
    ).values_list("object_id", flat=True)
    return public_pages(Page.objects.filter(
        pk__in=[int(pk) for pk in page_ids], locale__language_code=get_language(),
    )).specific().order_by("-first_published_at")


def image_object(image: LaoCaiImage, request: HttpRequest, canonical: str, content_url: str) -> dict[str, Any]:
    """schema.org ``ImageObject`` with what Google Images reads for the "Licensable" badge."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "@id": permanent_id(image),
        "name": image.title,
        "url": canonical,
        "contentUrl": request.build_absolute_uri(content_url),
        "caption": image.caption_for(get_language()) or image.alt_for(get_language()),
        "creator": {"@type": "Person", "name": image.creator},
        "creditText": image.credit_name,
        "copyrightNotice": image.copyright_notice,
        "acquireLicensePage": canonical + "#download",
        "width": image.width,
        "height": image.height,
    }
    if licence_link(image):
        data["license"] = licence_link(image)
    if image.captured_at:
        data["dateCreated"] = image.captured_at.isoformat()
    if image.place_id:
        data["contentLocation"] = {"@type": "Place", "name": image.place.localized_name}
    return data
