"""Culture entries: festivals, crafts, music, costume, cuisine, rituals,
architecture and scripts of the province's ethnic groups."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.search import index

from storybank.core.blocks import CultureBodyBlock
from storybank.core.choices import ContentKind, CultureCategory, Pillar
from storybank.core.index_pages import FilteredIndexPage
from storybank.core.models import ContentPage, NormalizedTextPage, parental_key
from storybank.core.protocols import FeedParts, SchemaOrg
from storybank.governance.pages import GovernedPage
from storybank.taxonomy.models import EthnicGroupLink, PlaceLink

from .filters import CultureFilterForm, used_ethnic_groups


class CultureIndexPage(FilteredIndexPage, NormalizedTextPage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = NormalizedTextPage.content_panels + [FieldPanel("intro")]
    subpage_types = ["culture.CultureEntryPage"]
    parent_page_types = ["home.HomePage"]

    filter_form_class = CultureFilterForm
    listing_order = ("title", "pk")

    class Meta:
        verbose_name = _("culture index")

    def listed_pages(self) -> QuerySet:
        return CultureEntryPage.objects.child_of(self)

    def listing_filter_form(self, data: dict | None, pages: QuerySet) -> CultureFilterForm:
        return CultureFilterForm(data, groups=used_ethnic_groups(pages))


class CultureEntryPage(GovernedPage, ContentPage):
    kind = ContentKind.CULTURE
    #: Culture entries always belong to the ethnic-culture pillar.
    pillar = Pillar.CULTURE

    category = models.CharField(_("category"), max_length=20, choices=CultureCategory.choices)
    body = StreamField(CultureBodyBlock(), verbose_name=_("description and media"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("lede"),
        FieldPanel("category"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        InlinePanel("ethnic_group_links", label=_("Ethnic groups"), min_num=1),
        InlinePanel("place_links", label=_("Places")),
        FieldPanel("contributing_unit"),
        ContentPage.sensitivity_panel,
    ]
    search_fields = ContentPage.search_fields + [index.SearchField("body"), index.FilterField("category")]
    parent_page_types = ["culture.CultureIndexPage"]
    subpage_types: list[str] = []

    og_type = "article"
    term_paths = {"places": "place_links__place", "ethnic_groups": "ethnic_group_links__ethnic_group"}

    class Meta:
        verbose_name = _("culture entry")
        verbose_name_plural = _("culture entries")

    def search_facts(self) -> list[str]:
        return [str(self.get_category_display())] if self.category else []

    def feed_details(self, parts: FeedParts) -> dict[str, Any]:
        return {"culture": {"category": {"id": self.category, "name": str(self.get_category_display())}}}

    def structured_data(self, schema: SchemaOrg) -> dict[str, Any]:
        data = schema.dated({
            **schema.common(),
            "@type": "CreativeWork",
            "headline": schema.headline(),
            "genre": self.get_category_display(),
            "about": [schema.ethnic_group(group) for group in self.get_ethnic_groups()],
            "author": schema.author(),
            "publisher": schema.publisher(),
        })
        places = [schema.place(place) for place in self.get_places()]
        if places:
            data["spatialCoverage"] = places
        return data


class CulturePlace(PlaceLink):
    page = parental_key("culture.CultureEntryPage", "place_links")


class CultureEthnicGroup(EthnicGroupLink):
    page = parental_key("culture.CultureEntryPage", "ethnic_group_links")
