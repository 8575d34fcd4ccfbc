"""Photos, video, audio and documents with the metadata a press office needs:
who made it, under which licence, until when, and whether the people in it
agreed to be shown.

Images extend Wagtail's image model (renditions, focal points, collections and
permissions come for free); video, audio and documents extend Wagtail's
document model the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Filter, Image
from wagtail.search import index

from storybank.core.choices import (
    LICENCE_URLS,
    REDISTRIBUTABLE_LICENCES,
    ConsentStatus,
    Licence,
    MediaKind,
)
from storybank.core.text import NormalizedTextMixin
from storybank.core.transactions import in_transaction
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place, default_locale_only

from .rendering import decode_budget, one_rendition_at_a_time, rendition_file_name

#: A label typed in front of a credit ("Ảnh: …", "Photo: …"): each language adds its own, so it is not stored.
CREDIT_LABEL = re.compile(
    r"^\s*(ảnh|hình ảnh|photo|photos|foto|picture|video|clip|âm thanh|ghi âm|audio|recording|nguồn|source|"
    r"tư liệu|crédit photo|摄影|照片|图片|写真|사진)\s*[:：]\s*",
    re.IGNORECASE,
)


def strip_credit_label(credit: str) -> str:
    """``"Ảnh: Báo Lào Cai"`` → ``"Báo Lào Cai"``."""
    return CREDIT_LABEL.sub("", credit or "", count=1).strip()


class AssetMetadata(NormalizedTextMixin, models.Model):
    """Rights and description fields shared by every kind of asset."""

    credit = models.CharField(
        _("credit"), max_length=255,
        help_text=_("Who made it, printed with every use, e.g. “Nguyễn Văn A / Báo Lào Cai”. Each language adds "
                    "its own label (“Ảnh:”, “Photo:”, “摄影：”…)."),
    )
    source_unit = models.ForeignKey(
        ContributingUnit, verbose_name=_("source unit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY)
    rights_expire_on = models.DateField(
        _("rights expire on"), null=True, blank=True,
        help_text=_("After this day the asset is withdrawn from the site, search and feeds."),
    )
    consent_status = models.CharField(
        _("consent of identifiable people"), max_length=20,
        choices=ConsentStatus.choices, default=ConsentStatus.NOT_APPLICABLE,
    )
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    retracted_at = models.DateTimeField(
        _("retracted at"), null=True, blank=True, editable=False,
        help_text=_("Set when an editor retracts the asset: it never appears again anywhere."),
    )
    awaiting_review = models.BooleanField(
        _("awaiting an editor's review"), default=False,
        help_text=_("A contributor's upload stays out of the site, search, feeds and downloads until an editor "
                    "unticks this."),
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to=default_locale_only,
    )
    ethnic_groups = models.ManyToManyField(
        EthnicGroup, verbose_name=_("ethnic groups"), blank=True, related_name="+",
        limit_choices_to=default_locale_only,
    )
    caption = models.TextField(_("caption (Vietnamese)"), blank=True)
    #: Alt text and caption in the other languages: {"en": {"alt": …, "caption": …}}.
    localized_text = models.JSONField(_("alt text and caption per language"), default=dict, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True, editable=False)
    perceptual_hash = models.CharField(_("perceptual hash"), max_length=32, blank=True, editable=False)
    camera = models.CharField(_("camera"), max_length=120, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One transaction with what mirrors the asset (search, feeds and their
        # outbox, the page cache: content_changed's post_save receivers), so a
        # failure there cannot leave the asset changed and its feeds stale.
        in_transaction(lambda: super(AssetMetadata, self).save(*args, **kwargs))

    # --- rights ---------------------------------------------------------
    def rights_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.rights_expire_on is not None and self.rights_expire_on < today

    @property
    def consent_missing(self) -> bool:
        return self.consent_status == ConsentStatus.MISSING

    @property
    def is_redistributable(self) -> bool:
        return self.licence in REDISTRIBUTABLE_LICENCES

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    # --- credit -------------------------------------------------------------
    #: How a credit is introduced, per kind of asset (``credit_label`` translates it).
    credit_label_msgid = gettext_noop("Credit: %(credit)s")

    @property
    def credit_name(self) -> str:
        """The credit without a label (older credits were typed with one)."""
        return strip_credit_label(self.credit)

    def credit_label(self, language: str | None = None) -> str:
        """The credit as printed in ``language`` (the active one by default): “Photo: …”, “Ảnh: …”, “摄影：…”."""
        with translation.override(language or get_language() or settings.LANGUAGE_CODE):
            return gettext(self.credit_label_msgid) % {"credit": self.credit_name}

    def credit_line(self, language: str | None = None) -> str:
        """“credit — licence” in ``language``, the text that travels with every download."""
        with translation.override(language or get_language() or settings.LANGUAGE_CODE):
            return f"{self.credit_label()} — {self.get_licence_display()}"

    @property
    def creator(self) -> str:
        """Who made it, read from the credit: “Nguyễn Văn A / Báo Lào Cai”
        gives “Nguyễn Văn A” (the outlet after the slash is not the author; a
        label typed out of habit, “Ảnh:”, is not part of the name either)."""
        named = self.credit_name
        return named.split(" / ", 1)[0].strip() or named

    @property
    def copyright_notice(self) -> str:
        """“© 2025 Báo Lào Cai”: the outlet after the credit's slash, else the
        source unit, else the creator; the year it was taken (else uploaded)."""
        _creator, slash, outlet = self.credit_name.partition(" / ")
        holder = outlet.strip() if slash else (self.source_unit.name if self.source_unit_id else self.creator)
        when = self.captured_at or getattr(self, "created_at", None)
        return f"© {when.year} {holder}" if when else f"© {holder}"

    # --- language -------------------------------------------------------
    def localized(self, key: str, language: str | None = None) -> tuple[str, str]:
        """(text, the language it is in): ``key`` ("alt", "caption") in
        ``language`` (the active one by default), else the Vietnamese text."""
        language = language or get_language() or settings.LANGUAGE_CODE
        value = (self.localized_text or {}).get(language, {}).get(key, "")
        if value:
            return value, language
        return self.default_text(key), settings.LANGUAGE_CODE

    def text_for(self, key: str, language: str | None = None) -> str:
        return self.localized(key, language)[0]

    def has_text(self, key: str, language: str) -> bool:
        """Is ``key`` written in ``language`` itself (not a fallback)?"""
        if language == settings.LANGUAGE_CODE:
            return bool(self.written_default_text(key))
        return bool((self.localized_text or {}).get(language, {}).get(key))

    def default_text(self, key: str) -> str:
        return self.caption if key == "caption" else ""

    def written_default_text(self, key: str) -> str:
        """The Vietnamese ``key`` as written (``default_text`` may stand in with the title)."""
        return self.default_text(key)

    def caption_for(self, language: str | None = None) -> str:
        return self.text_for("caption", language)


class LaoCaiImage(AssetMetadata, AbstractImage):  # noqa: DJ008 (__str__ from AbstractImage)
    """A photo or illustration. ``description`` is the Vietnamese alt text."""

    #: Content kind for search, feeds and the API (see ``ContentKind``).
    kind = "image"

    admin_form_fields = Image.admin_form_fields + (
        "caption", "credit", "source_unit", "licence", "rights_expire_on", "consent_status",
        "captured_at", "place", "ethnic_groups", "awaiting_review",
    )
    search_fields = AbstractImage.search_fields + [
        index.SearchField("caption"),
        index.SearchField("credit"),
        index.FilterField("licence"),
    ]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        # /media/ finds the asset of a file name (storybank.core.visibility decides who gets it).
        indexes = [models.Index(fields=["file"], name="assets_image_file_idx")]
        permissions = [("review_assets", _("Can approve contributors' images and media for publication"))]

    credit_label_msgid = gettext_noop("Photo: %(credit)s")

    def default_text(self, key: str) -> str:
        if key == "alt":
            return self.description or self.title
        return super().default_text(key)

    def written_default_text(self, key: str) -> str:
        return self.description if key == "alt" else super().written_default_text(key)

    def alt_for(self, language: str | None = None) -> str:
        return self.text_for("alt", language)

    @property
    def default_alt_text(self) -> str:  # Wagtail uses this for {% image %}
        return self.alt_for()

    # --- renditions: each made once, decoding within the process's budget ---
    def create_rendition(self, filter: Filter) -> AbstractRendition:
        focal_point_key = filter.get_cache_key(self)
        with one_rendition_at_a_time(self.pk, filter.spec, focal_point_key):
            made = self.renditions.filter(filter_spec=filter.spec, focal_point_key=focal_point_key).first()
            return made or super().create_rendition(filter)

    def create_renditions(self, *filters: Filter) -> dict[Filter, AbstractRendition]:
        # One after the other: Wagtail decodes them in three threads at once,
        # which triples the memory a large picture takes.
        return {filter: self.create_rendition(filter) for filter in filters}

    def generate_rendition_file(self, filter: Filter, *, source: File | None = None) -> File:
        with decode_budget().reserve((self.width or 1) * (self.height or 1)):
            made = super().generate_rendition_file(filter, source=source)
        extension = made.name.rsplit(".", 1)[-1]
        made.name = rendition_file_name(self.file.name, filter.spec, filter.get_cache_key(self), extension)
        return made


class LaoCaiRendition(AbstractRendition):
    image = models.ForeignKey(LaoCaiImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
        indexes = [models.Index(fields=["file"], name="assets_rendition_file_idx")]

    @staticmethod
    def construct_cache_key(image: Any, filter_cache_key: str, filter_spec: str) -> str:
        """Wagtail's key plus the original's file name. Withdrawing an asset
        whose rights ended deletes its renditions and renames its original,
        often in another process (the scheduler), whose cache deletions this
        process never hears of; with the name in the key nothing cached before
        a withdrawal is served after it, and a restored asset gets new
        renditions instead of cached ones whose files are gone."""
        name = hashlib.sha1(image.file.name.encode()).hexdigest()[:10]  # noqa: S324 (a cache key, not security)
        return f"{AbstractRendition.construct_cache_key(image, filter_cache_key, filter_spec)}-{name}"


class MediaAsset(AssetMetadata, AbstractDocument):  # noqa: DJ008 (__str__ from AbstractDocument)
    """Video, audio or a document (PDF, office files) with asset metadata."""

    media_kind = models.CharField(_("kind"), max_length=20, choices=MediaKind.choices, default=MediaKind.DOCUMENT)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    poster = models.ForeignKey(
        LaoCaiImage, verbose_name=_("poster image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    transcript = models.TextField(_("transcript"), blank=True)

    admin_form_fields = Document.admin_form_fields + (
        "media_kind", "caption", "credit", "source_unit", "licence", "rights_expire_on",
        "consent_status", "captured_at", "place", "ethnic_groups", "poster", "duration_seconds", "transcript",
        "awaiting_review",
    )
    search_fields = AbstractDocument.search_fields + [
        index.SearchField("caption"),
        index.SearchField("transcript"),
        index.FilterField("media_kind"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")
        indexes = [models.Index(fields=["file"], name="assets_media_file_idx")]

    @property
    def kind(self) -> str:
        """Content kind for search, feeds and the API: video, audio or document."""
        return self.media_kind

    @property
    def credit_label_msgid(self) -> str:  # type: ignore[override]
        return {
            MediaKind.VIDEO: gettext_noop("Video: %(credit)s"),
            MediaKind.AUDIO: gettext_noop("Recording: %(credit)s"),
        }.get(self.media_kind, gettext_noop("Source: %(credit)s"))
