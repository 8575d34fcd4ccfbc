"""Snippets that describe *what* an item is about: ethnic groups, places,
topics, and *who* contributed it.

Ethnic groups, places and topics are translatable with wagtail-localize, but
content always links to the default-locale (Vietnamese) row: the relation is a
fact that holds in every language, and the translated name is looked up at
display time with ``.localized``. Their ``slug`` is shared by every
translation, so facets and API filters are language-neutral.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, Orderable, TranslatableMixin
from wagtail.search import index

from storybank.core.text import NormalizedTextMixin

from .choices import PlaceKind, UnitKind


def default_locale_only() -> models.Q:
    """Content links to taxonomy rows of the default (Vietnamese) locale."""
    return models.Q(locale__language_code=settings.LANGUAGE_CODE)


class TaxonomyTerm(NormalizedTextMixin, TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, help_text=_("Stable identifier used in URLs, filters and feeds.")
    )
    description = models.TextField(_("description"), blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The name in the active language, falling back to Vietnamese."""
        return self.localized.name

    @classmethod
    def in_default_locale(cls) -> models.QuerySet:
        return cls.objects.filter(locale=Locale.get_default())


class EthnicGroup(TaxonomyTerm):
    """One of the province's ethnic groups (H'Mông, Dao, Tày, Giáy, Hà Nhì…)."""

    autonym = models.CharField(
        _("autonym"), max_length=120, blank=True, help_text=_("The group's name for itself, e.g. Hmoob.")
    )
    population = models.PositiveIntegerField(_("population in the province"), null=True, blank=True)

    panels = [
        FieldPanel("name"), FieldPanel("slug"), FieldPanel("autonym"), FieldPanel("population"),
        FieldPanel("description"),
    ]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("ethnic group")
        verbose_name_plural = _("ethnic groups")
        unique_together = [("translation_key", "locale"), ("slug", "locale")]


class Place(TaxonomyTerm):
    """A commune, ward or landmark of the province, with its coordinates."""

    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices, default=PlaceKind.COMMUNE)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    panels = [
        FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"),
        FieldPanel("latitude"), FieldPanel("longitude"), FieldPanel("description"),
    ]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        unique_together = [("translation_key", "locale"), ("slug", "locale")]


class Topic(TaxonomyTerm):
    """A free editorial subject (tourism, trade, festivals, agriculture…)."""

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        unique_together = [("translation_key", "locale"), ("slug", "locale")]


class ContributingUnit(NormalizedTextMixin, index.Indexed, models.Model):
    """A provincial department, commune or ward, or press office that
    contributes content. Units are organisations with official Vietnamese
    names, so they are not translated."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to=default_locale_only,
    )
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [
        FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("place"), FieldPanel("contact_email"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("contributing unit")
        verbose_name_plural = _("contributing units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Links from content pages to terms ----------------------------------
# Orderable child relations (not many-to-many fields) because
# wagtail-localize synchronises child relations to translations and ignores
# many-to-many fields.


class PlaceLink(Orderable):
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.CASCADE, related_name="+",
        limit_choices_to=default_locale_only,
    )
    panels = [FieldPanel("place")]

    class Meta(Orderable.Meta):
        abstract = True


class EthnicGroupLink(Orderable):
    ethnic_group = models.ForeignKey(
        EthnicGroup, verbose_name=_("ethnic group"), on_delete=models.CASCADE, related_name="+",
        limit_choices_to=default_locale_only,
    )
    panels = [FieldPanel("ethnic_group")]

    class Meta(Orderable.Meta):
        abstract = True


class TopicLink(Orderable):
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="+",
        limit_choices_to=default_locale_only,
    )
    panels = [FieldPanel("topic")]

    class Meta(Orderable.Meta):
        abstract = True
