"""The home page: the three image pillars and the latest content."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from storybank.core.blocks import PillarBlock
from storybank.core.models import LocaleRootPage
from storybank.core.protocols import SchemaOrg

from .sections import home_context


class HomePage(LocaleRootPage):
    hero_title = models.CharField(_("hero title"), max_length=255)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "assets.LaoCaiImage", verbose_name=_("hero image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    pillars = StreamField(
        [("pillar", PillarBlock())], verbose_name=_("pillars"), min_num=3, max_num=3,
        help_text=_("The three pillars: Sa Pa, the trade gateway and ethnic culture."),
    )

    content_panels = LocaleRootPage.content_panels + [
        FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image"), FieldPanel("pillars"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = None

    class Meta:
        verbose_name = _("home page")

    def structured_data(self, schema: SchemaOrg) -> dict[str, Any]:
        """The site, with the search box search engines may offer."""
        with override(self.locale.language_code):
            search_path = reverse("search:search")
        return {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.title,
            "description": schema.description,
            "url": schema.canonical,
            "inLanguage": self.locale.language_code,
            "publisher": schema.publisher(),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint",
                           "urlTemplate": schema.absolute(search_path) + "?q={search_term_string}"},
                "query-input": "required name=search_term_string",
            },
        }

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(self, request))
        return context
