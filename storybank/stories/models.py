"""Stories: the inspiring articles of the three pillars."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.search import index

from storybank.core.blocks import StoryBodyBlock
from storybank.core.choices import ContentKind, Pillar
from storybank.core.index_pages import FilteredIndexPage
from storybank.core.models import ContentPage, NormalizedTextPage, parental_key
from storybank.core.protocols import SchemaOrg
from storybank.governance.pages import GovernedPage
from storybank.taxonomy.models import EthnicGroupLink, PlaceLink, TopicLink

from .filters import StoryFilterForm, used_places


class StoryIndexPage(FilteredIndexPage, NormalizedTextPage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = NormalizedTextPage.content_panels + [FieldPanel("intro")]
    subpage_types = ["stories.StoryPage"]
    parent_page_types = ["home.HomePage"]

    filter_form_class = StoryFilterForm
    #: Newest first; undated stories last on every database (SQLite and PostgreSQL sort NULLs apart).
    listing_order = (F("first_published_at").desc(nulls_last=True), "pk")

    class Meta:
        verbose_name = _("story index")

    def listed_pages(self) -> QuerySet:
        return StoryPage.objects.child_of(self)

    def listing_filter_form(self, data: dict | None, pages: QuerySet) -> StoryFilterForm:
        return StoryFilterForm(data, places=used_places(pages))


class StoryPage(GovernedPage, ContentPage):
    kind = ContentKind.STORY

    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices)
    body = StreamField(StoryBodyBlock(), verbose_name=_("body"))

    content_panels = ContentPage.content_panels + [
        FieldPanel("lede"),
        FieldPanel("pillar"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        InlinePanel("place_links", label=_("Places")),
        InlinePanel("ethnic_group_links", label=_("Ethnic groups")),
        InlinePanel("topic_links", label=_("Topics")),
        FieldPanel("contributing_unit"),
        ContentPage.sensitivity_panel,
    ]
    search_fields = ContentPage.search_fields + [index.SearchField("body"), index.FilterField("pillar")]
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types: list[str] = []

    og_type = "article"
    term_paths = {
        "places": "place_links__place", "ethnic_groups": "ethnic_group_links__ethnic_group",
        "topics": "topic_links__topic",
    }

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def structured_data(self, schema: SchemaOrg) -> dict[str, Any]:
        data = schema.dated({
            **schema.common(),
            "@type": "Article",
            "headline": schema.headline(),
            "articleSection": self.get_pillar_display(),
            "author": schema.author(),
            "publisher": schema.publisher(),
            "mainEntityOfPage": schema.canonical,
        })
        places = [schema.place(place) for place in self.get_places()]
        if places:
            data["contentLocation"] = places
        groups = self.get_ethnic_groups()
        if groups:
            data["about"] = [schema.ethnic_group(group) for group in groups]
        return data


class StoryPlace(PlaceLink):
    page = parental_key("stories.StoryPage", "place_links")


class StoryEthnicGroup(EthnicGroupLink):
    page = parental_key("stories.StoryPage", "ethnic_group_links")


class StoryTopic(TopicLink):
    page = parental_key("stories.StoryPage", "topic_links")
