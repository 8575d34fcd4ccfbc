"""What travels with a download: credit and licence texts, and press kits.

A press kit is a zip of one public story, product or culture entry in the
journalist's language: ``TEXT.txt`` (title, lede, body, address), for every
image the journalist may download its ``web`` rendition and its branded ``facebook``
rendition, and ``CREDITS.txt`` with each picture's credit and licence.
"""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO, Any

from anyascii import anyascii
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from storybank.core.visibility import may_download

from .renditions import EXTENSIONS, render, rendition_bytes

KIT_PRESETS = (("web", False), ("facebook", True))


def asset_slug(asset: Any) -> str:
    return slugify(anyascii(asset.title))[:50] or "asset"


def download_name(asset: Any, suffix: str, extension: str) -> str:
    """``lao-cai-12-ruong-bac-thang-y-ty-web.jpg``: ASCII, says what it is."""
    parts = ["lao-cai", str(asset.pk), asset_slug(asset)] + ([suffix] if suffix else [])
    return f"{'-'.join(parts)}.{extension}"


def credit_text(image: Any, language: str) -> str:
    """Credit, licence and description of ``image`` in ``language``."""
    with translation.override(language):
        lines = [
            f"{_('Title')}: {image.title}",
            f"{_('Credit')}: {image.credit_name}",
            f"{_('Licence')}: {image.get_licence_display()}" + (f" ({image.licence_url})" if image.licence_url else ""),
        ]
        if image.source_unit_id:
            lines.append(f"{_('Source')}: {image.source_unit.name}")
        caption = image.caption_for(language)
        if caption:
            lines.append(f"{_('Caption')}: {caption}")
        alt = image.alt_for(language) if hasattr(image, "alt_for") else ""
        if alt:
            lines.append(f"{_('Alt text')}: {alt}")
        if image.captured_at:
            lines.append(f"{_('Captured')}: {image.captured_at.date().isoformat()}")
        if image.place_id:
            lines.append(f"{_('Place')}: {image.place.localized.name}")
        lines.append(_("Print the credit with every use: “%(credit)s”.") % {"credit": image.credit_line(language)})
        if not image.is_redistributable:
            lines.append(_("This licence allows press use only: do not resell or redistribute the picture."))
    return "\n".join(lines) + "\n"


def block_text(value: Any) -> list[str]:
    """Readable text of a StreamField block value (images and media left out)."""
    if isinstance(value, RichText):
        return [strip_tags(value.source.replace("</p>", "</p>\n")).strip()]
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if hasattr(value, "items"):  # StructValue
        return [text for key, item in value.items() if key not in ("url",) for text in block_text(item)]
    if hasattr(value, "__iter__") and not isinstance(value, bytes):  # ListValue, StreamValue
        return [text for item in value for text in block_text(getattr(item, "value", item))]
    return []


def page_text(page: Any, request: Any = None) -> str:
    parts = [page.title, "=" * len(page.title), "", page.lede, ""]
    for block in getattr(page, "body", None) or []:
        parts.extend(text for text in block_text(block.value) if text)
        parts.append("")
    description = getattr(page, "description", "")
    if description:
        parts.extend([strip_tags(str(description)).strip(), ""])
    if page.contributing_unit_id:
        parts.append(f"{_('Contributed by')}: {page.contributing_unit.name}")
    if page.first_published_at:
        parts.append(f"{_('Published')}: {page.first_published_at.date().isoformat()}")
    url = page.get_full_url(request)
    if url:
        parts.append(f"{_('Address')}: {url}")
    return "\n".join(parts).strip() + "\n"


def build_press_kit(page: Any, language: str, request: Any = None) -> IO[bytes]:
    """The zip of ``page`` (already checked public) in ``language``, rewound."""
    archive_file = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned open
    with translation.override(language), zipfile.ZipFile(archive_file, "w") as archive:
        archive.writestr("TEXT.txt", page_text(page, request), compress_type=zipfile.ZIP_DEFLATED)
        credits = []
        user = getattr(request, "user", None)
        public_images = [image for image in page.get_images() if may_download(user, image)]
        for number, image in enumerate(public_images, start=1):
            names = []
            for preset, branded in KIT_PRESETS:
                rendition = render(image, preset, "jpeg", branded=branded)
                name = f"images/{number:02d}-{asset_slug(image)}-{preset}.{EXTENSIONS['jpeg']}"
                archive.writestr(name, rendition_bytes(rendition), compress_type=zipfile.ZIP_STORED)
                names.append(name)
            credits.append("\n".join(names) + "\n" + credit_text(image, language))
        archive.writestr("CREDITS.txt", "\n".join(credits) or _("No pictures.") + "\n",
                         compress_type=zipfile.ZIP_DEFLATED)
    archive_file.seek(0)
    return archive_file
