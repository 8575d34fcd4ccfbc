"""A lightbox as one ZIP: each file in the chosen size, with ``CREDITS.txt``.

Pictures are the media pipeline's preset renditions, so each carries its
credit, caption and licence inside (``media_pipeline.embedded_metadata``);
media assets travel as stored; stories as their text (the press kit's
``page_text``). ``CREDITS.txt`` lists every file with its credit, licence,
caption and permanent address in the page's language (the press kit's
``credit_text``), then the items left out and why. Built in a spooled
temporary file, never whole in memory for large media.
"""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO, Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from media_pipeline.embedded_metadata import photo_page_url, site_root_url
from media_pipeline.press import asset_slug, credit_text, download_name, page_text
from media_pipeline.renditions import EXTENSIONS, rendition_bytes, rendition_if_ready

from .entries import Entry

CREDITS_NAME = "CREDITS.txt"


class NotReady(Exception):
    """A large picture's rendition is being made by the worker: try again shortly."""


def renditions_ready(entries: list[Entry], preset: str, fmt: str) -> dict[int, Any]:
    """The rendition of every available picture, by image id; :class:`NotReady` while one is queued."""
    made = {}
    for entry in entries:
        if entry.available and entry.kind == "image":
            rendition = rendition_if_ready(entry.target, preset, fmt)
            if rendition is None:
                raise NotReady(entry.target.pk)
            made[entry.target.pk] = rendition
    return made


def media_extension(media: Any) -> str:
    return media.file.name.rsplit(".", 1)[-1].lower() if "." in media.file.name else "bin"


def build_lightbox_zip(entries: list[Entry], preset: str, fmt: str, language: str, request: Any = None) -> IO[bytes]:
    """The ZIP of the available ``entries`` (rewound); left-out items are named in the credits."""
    renditions = renditions_ready(entries, preset, fmt)
    archive_file = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned open
    credits, left_out = [], []
    with translation.override(language), zipfile.ZipFile(archive_file, "w") as archive:
        for number, entry in enumerate(entries, start=1):
            if not entry.available:
                left_out.append(f"{number:02d}. {entry.title} ({entry.status_label})")
                continue
            target = entry.target
            if entry.kind == "image":
                name = f"{number:02d}-{download_name(target, preset, EXTENSIONS[fmt])}"
                archive.writestr(name, rendition_bytes(renditions[target.pk]), compress_type=zipfile.ZIP_STORED)
                about = credit_text(target, language) + f"{_('Address')}: {photo_page_url(target, language)}\n"
            elif entry.kind == "media":
                name = f"{number:02d}-{download_name(target, '', media_extension(target))}"
                with target.file.open("rb") as source, archive.open(name, "w") as copy:
                    while chunk := source.read(1024 * 1024):
                        copy.write(chunk)
                about = credit_text(target, language) + f"{_('Address')}: {site_root_url()}{target.url}\n"
            else:
                name = f"{number:02d}-{slugify(target.slug)[:60] or asset_slug(target)}.txt"
                archive.writestr(name, page_text(target, request), compress_type=zipfile.ZIP_DEFLATED)
                about = f"{_('Title')}: {target.title}\n{_('Address')}: {target.get_full_url(request)}\n"
            if entry.item.note:
                about += f"{_('Note')}: {entry.item.note}\n"
            credits.append(f"{name}\n{about}")
        if left_out:
            credits.append(_("Not included:") + "\n" + "\n".join(left_out) + "\n")
        archive.writestr(CREDITS_NAME, "\n".join(credits), compress_type=zipfile.ZIP_DEFLATED)
    archive_file.seek(0)
    return archive_file
