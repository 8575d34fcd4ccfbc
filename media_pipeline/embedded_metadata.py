"""The credit inside the file: IPTC and XMP written into every download.

A picture copied out of a newsroom's system keeps its credit only if the
credit is in the file. Every rendition a journalist downloads (press
downloads, press kits, zips) is made with the ``credits`` filter operation,
which writes, after encoding, with exiv2 (``pyexiv2``):

* XMP: ``dc:title``, ``dc:description`` (the caption in every language the
  image has, Vietnamese as ``x-default``), ``dc:creator``, ``dc:rights``
  (copyright notice), ``dc:identifier`` (the bank's permanent id),
  ``photoshop:Credit``, ``xmpRights:WebStatement`` and ``cc:license`` (the
  licence URL), ``xmpRights:UsageTerms``, ``plus:Licensor/LicensorURL`` (the
  photo page: where to ask about a licence), ``xmpRights:Marked``;
* IPTC IIM (UTF-8): object name, caption, by-line, credit, copyright notice,
  source, special instructions (licence and photo page). By-line, credit and
  source are kept whole (up to 255 bytes) rather than cut at IIM's 32: a
  truncated credit is a wrong credit, and readers take the longer values.

These are the fields Google Images reads for its "Licensable" badge and
that newsroom tools (Photo Mechanic, Lightroom, exiftool) show. Camera EXIF
and GPS stay stripped (``PipelineFilter``): only what we write is there.

The operation's cache key varies with every field written, so changing a
credit, caption or licence makes new renditions instead of serving stale
metadata. Site renditions (``storybank.public.images``) do not carry it: it
would add a few kilobytes to every thumbnail of every page.
"""

from __future__ import annotations

from typing import Any

import pyexiv2
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.images.image_operations import FilterOperation
from wagtail.models import Site

#: The bank's permanent ids (the same scheme as the partner feeds' item ids).
PERMANENT_ID_PREFIX = "urn:laocai-story:image:"
#: IPTC IIM's "coded character set" value for UTF-8 (ESC % G).
IPTC_UTF8 = "\x1b%G"

pyexiv2.set_log_level(4)  # mute exiv2's warnings on stderr; failures still raise
pyexiv2.registerNs("http://creativecommons.org/ns#", "cc")  # Creative Commons' cc:license


def permanent_id(image: Any) -> str:
    return f"{PERMANENT_ID_PREFIX}{image.pk}"


def site_root_url() -> str:
    """The public site's address: the default Wagtail site, else ``WAGTAILADMIN_BASE_URL``."""
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def photo_page_url(image: Any, language: str | None = None) -> str:
    """Absolute URL of the image's photo page (in the site's default language unless told)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            path = reverse("public:photo", args=[image.pk])
        except NoReverseMatch:  # the site's URLs are not mounted (a worker without them)
            return ""
    return site_root_url() + path


def language_alternatives(values: dict[str, str]) -> dict[str, str]:
    """An XMP language alternative: the default language is ``x-default``."""
    alternatives = {'lang="x-default"': values.get(settings.LANGUAGE_CODE) or next(iter(values.values()), "")}
    for language, text in values.items():
        if text and language != settings.LANGUAGE_CODE:
            alternatives[f'lang="{language}"'] = text
    return alternatives


def captions(image: Any) -> dict[str, str]:
    """The caption in each language that has one of its own (Vietnamese first)."""
    found = {settings.LANGUAGE_CODE: image.caption} if image.caption else {}
    for language, texts in sorted((image.localized_text or {}).items()):
        if texts.get("caption"):
            found.setdefault(language, texts["caption"])
    return found


def iim(text: str, limit: int) -> str:
    """``text`` cut to IPTC IIM's byte limit for the field, never inside a UTF-8 character."""
    return text.encode()[:limit].decode(errors="ignore")


def metadata_fields(image: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(XMP, IPTC) of ``image`` as exiv2 keys."""
    with translation.override(settings.LANGUAGE_CODE):
        credit_line = image.credit_line()
    page = photo_page_url(image)
    rights_url = image.licence_url or page
    terms = f"{credit_line}." + (f" {rights_url}" if rights_url else "")
    caption_texts = captions(image)
    xmp: dict[str, Any] = {
        "Xmp.dc.title": language_alternatives({settings.LANGUAGE_CODE: image.title}),
        "Xmp.dc.creator": [image.creator],
        "Xmp.dc.rights": language_alternatives({settings.LANGUAGE_CODE: image.copyright_notice}),
        "Xmp.dc.identifier": permanent_id(image),
        "Xmp.photoshop.Credit": image.credit_name,
        "Xmp.xmpRights.Marked": "False" if image.licence == "cc0-1.0" else "True",
        "Xmp.xmpRights.UsageTerms": language_alternatives({settings.LANGUAGE_CODE: terms}),
    }
    if caption_texts:
        xmp["Xmp.dc.description"] = language_alternatives(caption_texts)
    if rights_url:
        xmp["Xmp.xmpRights.WebStatement"] = rights_url
    if image.licence_url:
        xmp["Xmp.cc.license"] = image.licence_url
    if page:
        xmp["Xmp.plus.Licensor"] = 'type="Seq"'  # PLUS: an ordered list of licensors, ours the first
        xmp["Xmp.plus.Licensor[1]/plus:LicensorURL"] = page
    iptc: dict[str, Any] = {
        "Iptc.Envelope.CharacterSet": IPTC_UTF8,
        "Iptc.Application2.ObjectName": iim(image.title, 64),
        "Iptc.Application2.Byline": [iim(image.creator, 255)],
        "Iptc.Application2.Credit": iim(image.credit_name, 255),
        "Iptc.Application2.Copyright": iim(image.copyright_notice, 128),
        "Iptc.Application2.Source": iim((image.source_unit.name if image.source_unit_id else image.credit_name), 255),
        "Iptc.Application2.TransmissionReference": iim(permanent_id(image), 32),
        "Iptc.Application2.SpecialInstructions": iim(terms, 256),
    }
    if caption_texts:
        iptc["Iptc.Application2.Caption"] = iim(next(iter(caption_texts.values())), 2000)
    return xmp, iptc


def embed_metadata(data: bytes, image: Any) -> bytes:
    """``data`` (a JPEG or WebP file) with ``image``'s credit, caption and rights written in."""
    xmp, iptc = metadata_fields(image)
    with pyexiv2.ImageData(data) as file:
        file.clear_exif()
        file.modify_xmp(xmp)
        file.modify_iptc(iptc)
        written = file.get_bytes()
    # exiv2 drops the whole XMP packet, with a log line only, when it cannot serialise it.
    if b"photoshop:Credit" not in written:
        raise ValueError(f"exiv2 wrote no XMP into the rendition of image {image.pk}")
    return written


class CreditsOperation(FilterOperation):
    """``credits``: ask ``PipelineFilter`` to write the metadata into the encoded file."""

    vary_fields = ("title", "credit", "licence", "caption", "localized_text", "source_unit_id", "captured_at")

    def construct(self) -> None:
        pass

    def run(self, willow: Any, image: Any, env: dict) -> Any:
        env["embed-credits"] = True
        return willow
