"""The state of each translation: what it was translated from, whether that
source has changed since, who (or what) translated it and whether a person
reviewed it.

* ``TranslationState``: one per translated page (a page of a translation
  group that is not the source). It keeps the source's text as it was when
  the translation was made (``source_snapshot``), so the bank knows which
  segments changed since and from when (``source_changed_at``).
* ``TranslationBasis``: what one revision of a translation was made from,
  recorded when wagtail-localize writes the revision (the source text it
  used, and how much of it a machine translated). When that revision is
  published, its basis becomes the translation's state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TranslationMethod(models.TextChoices):
    HUMAN = "human", _("Human translation")
    MACHINE = "machine", _("Machine translation")
    MACHINE_REVIEWED = "machine-reviewed", _("Machine translation reviewed by a person")


class TranslationState(models.Model):
    """Whether a translated page is current with its source, and how it was made."""

    page = models.OneToOneField(
        "wagtailcore.Page", verbose_name=_("translation"), on_delete=models.CASCADE, related_name="translation_state"
    )
    source = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("source page"), on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(_("method"), max_length=20, choices=TranslationMethod.choices,
                              default=TranslationMethod.HUMAN)
    machine_tool = models.CharField(_("machine translation service"), max_length=100, blank=True)
    #: When the source text this translation follows was taken (its "translated from the source of" date).
    synced_at = models.DateTimeField(_("translated from the source of"), default=timezone.now)
    #: The source's text segments as they were then: ``{segment key: text}``.
    source_snapshot = models.JSONField(_("source text translated"), default=dict, blank=True)
    #: The first publication of the source that changed what was translated (``None``: up to date).
    source_changed_at = models.DateTimeField(_("source changed on"), null=True, blank=True, db_index=True)
    #: What changed in the source since: ``[{"key", "field", "before", "after"}]``.
    changes = models.JSONField(_("changes in the source"), default=list, blank=True)
    segment_count = models.PositiveIntegerField(_("segments"), default=0)
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")

    def __str__(self) -> str:
        return f"{self.page_id} ← {self.source_id}"

    @property
    def out_of_date(self) -> bool:
        return self.source_changed_at is not None

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def changed_count(self) -> int:
        return len(self.changes)

    @property
    def changed_fields(self) -> list[str]:
        return list(dict.fromkeys(change["field"] for change in self.changes))


class TranslationBasis(models.Model):
    """The source text one revision of a synced translation was made from."""

    revision = models.OneToOneField(
        "wagtailcore.Revision", verbose_name=_("revision"), on_delete=models.CASCADE, related_name="translation_basis"
    )
    source_snapshot = models.JSONField(_("source text translated"), default=dict)
    source_taken_at = models.DateTimeField(_("source text taken on"))
    method = models.CharField(_("method"), max_length=20, choices=TranslationMethod.choices)
    machine_tool = models.CharField(_("machine translation service"), max_length=100, blank=True)
    machine_segments = models.PositiveIntegerField(_("segments translated by machine"), default=0)
    untranslated_segments = models.PositiveIntegerField(_("segments left in the source language"), default=0)

    class Meta:
        verbose_name = _("translation basis")
        verbose_name_plural = _("translation bases")

    def __str__(self) -> str:
        return f"revision {self.revision_id}"


class MachineTextEdit(models.Model):
    """A segment of machine text that a person then edited in the translation
    editor. wagtail-localize turns the segment into a manual one and forgets
    the machine; the bank remembers, so the page reads "machine translation
    reviewed by a person" rather than "human translation"."""

    string_translation = models.OneToOneField(
        "wagtail_localize.StringTranslation", verbose_name=_("segment translation"), on_delete=models.CASCADE,
        related_name="machine_text_edit",
    )
    machine_tool = models.CharField(_("machine translation service"), max_length=255, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("edited on"), auto_now=True)

    class Meta:
        verbose_name = _("edit of machine text")
        verbose_name_plural = _("edits of machine text")

    def __str__(self) -> str:
        return f"{self.string_translation_id} ({self.machine_tool})"
