"""OCOP products ("one commune, one product"), rated 3 to 5 stars."""

from __future__ import annotations

from html import escape
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from storybank.core.blocks import SellerBlock, stream_feed_html
from storybank.core.choices import ContentKind, OCOPProductGroup
from storybank.core.index_pages import FilteredIndexPage
from storybank.core.models import ContentPage, NormalizedTextPage, parental_key
from storybank.core.protocols import FeedParts, SchemaOrg
from storybank.governance.forms import ContentPageForm
from storybank.governance.pages import GovernedPage
from storybank.taxonomy.models import Place, default_locale_only

from .filters import ProductFilterForm

OCOP_STARS = [(3, _("3 stars")), (4, _("4 stars")), (5, _("5 stars"))]
OCOP_RATING_MESSAGE = _("An OCOP rating is 3, 4 or 5 stars; %(value)s is not a valid rating.")


def validate_ocop_stars(value: int) -> None:
    """Only 3-, 4- and 5-star products exist in the provincial OCOP list."""
    if value not in (3, 4, 5):
        raise ValidationError(OCOP_RATING_MESSAGE, code="invalid_ocop_rating", params={"value": value})


class OCOPProductForm(ContentPageForm):
    """Says what a valid OCOP rating is, instead of "select a valid choice"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "star_rating" in self.fields:
            self.fields["star_rating"].error_messages["invalid_choice"] = OCOP_RATING_MESSAGE


class OCOPIndexPage(FilteredIndexPage, NormalizedTextPage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = NormalizedTextPage.content_panels + [FieldPanel("intro")]
    subpage_types = ["products.OCOPProductPage"]
    parent_page_types = ["home.HomePage"]

    filter_form_class = ProductFilterForm
    listing_order = ("-star_rating", "title", "pk")

    class Meta:
        verbose_name = _("OCOP product index")

    def listed_pages(self) -> QuerySet:
        return OCOPProductPage.objects.child_of(self)


class OCOPProductPage(GovernedPage, ContentPage):
    kind = ContentKind.PRODUCT
    base_form_class = OCOPProductForm
    term_paths = {"places": "commune"}

    star_rating = models.PositiveSmallIntegerField(
        _("OCOP star rating"), choices=OCOP_STARS, validators=[validate_ocop_stars],
        error_messages={"invalid_choice": OCOP_RATING_MESSAGE},
    )
    product_group = models.CharField(_("OCOP product group"), max_length=20, choices=OCOPProductGroup.choices)
    producer = models.CharField(_("producer"), max_length=255)
    commune = models.ForeignKey(
        Place, verbose_name=_("commune or ward"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to=default_locale_only,
    )
    certification_year = models.PositiveSmallIntegerField(_("certification year"))
    decision_number = models.CharField(
        _("decision number"), max_length=120, help_text=_("E.g. 1234/QĐ-UBND of the People's Committee.")
    )
    description = RichTextField(_("description"), features=["bold", "italic", "link", "ol", "ul"])
    where_to_buy = StreamField([("seller", SellerBlock())], verbose_name=_("where to buy"), blank=True)

    content_panels = ContentPage.content_panels + [
        FieldPanel("lede"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("star_rating"), FieldPanel("product_group")]),
                FieldPanel("producer"),
                FieldPanel("commune"),
                FieldRowPanel([FieldPanel("certification_year"), FieldPanel("decision_number")]),
            ],
            heading=_("OCOP certification"),
        ),
        FieldPanel("hero_image"),
        FieldPanel("description"),
        InlinePanel("gallery_images", label=_("Images")),
        FieldPanel("where_to_buy"),
        FieldPanel("contributing_unit"),
        ContentPage.sensitivity_panel,
    ]
    search_fields = ContentPage.search_fields + [
        index.SearchField("description"),
        index.SearchField("producer"),
        index.FilterField("star_rating"),
        index.FilterField("product_group"),
    ]
    parent_page_types = ["products.OCOPIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")

    def get_places(self) -> list[Place]:
        return [self.commune] if self.commune_id else []

    def search_text(self) -> str:
        return get_text_for_indexing(self.description).strip() if self.description else ""

    def search_facts(self) -> list[str]:
        sellers = [f"{block.value['name']} {block.value.get('address', '')}" for block in self.where_to_buy]
        group = [str(self.get_product_group_display())] if self.product_group else []
        return [self.producer, self.decision_number, *group, *sellers]

    def feed_body(self, parts: FeedParts) -> str:
        sellers = stream_feed_html(self.where_to_buy, parts)
        where_to_buy = f"<h2>{escape(gettext('Where to buy'))}</h2><ul>{sellers}</ul>" if sellers else ""
        return parts.rich_text(self.description) + where_to_buy

    def feed_details(self, parts: FeedParts) -> dict[str, Any]:
        return {"product": {
            "star_rating": self.star_rating,
            "product_group": {"id": self.product_group, "name": str(self.get_product_group_display())},
            "producer": self.producer,
            "commune": parts.place(self.commune) if self.commune_id else None,
            "certification_year": self.certification_year,
            "decision_number": self.decision_number,
            "sellers": [dict(block.value) for block in self.where_to_buy],
        }}

    def structured_data(self, schema: SchemaOrg) -> dict[str, Any]:
        commune = self.commune
        return {
            **schema.common(),
            "@type": "Product",
            "category": self.get_product_group_display(),
            "brand": {"@type": "Brand", "name": self.producer},
            "manufacturer": {
                "@type": "Organization", "name": self.producer,
                "address": {"@type": "PostalAddress", "addressLocality": commune.localized_name,
                            "addressRegion": "Lào Cai", "addressCountry": "VN"},
            },
            "countryOfOrigin": {"@type": "Country", "name": "VN"},
            "review": self.ocop_review(),
            "additionalProperty": [
                {"@type": "PropertyValue", "propertyID": "ocop-stars", "name": gettext("OCOP rating"),
                 "value": self.star_rating, "minValue": 1, "maxValue": 5, "unitText": gettext("stars")},
                {"@type": "PropertyValue", "propertyID": "ocop-certification-year",
                 "name": gettext("Certification year"), "value": self.certification_year},
                {"@type": "PropertyValue", "propertyID": "ocop-decision", "name": gettext("Decision number"),
                 "value": self.decision_number},
            ],
        }

    def ocop_review(self) -> dict[str, Any]:
        """The OCOP rating as the provincial evaluation council's review of the product."""
        return {
            "@type": "Review",
            "name": gettext("OCOP rating"),
            "reviewRating": {"@type": "Rating", "ratingValue": self.star_rating, "bestRating": 5, "worstRating": 1},
            "author": {"@type": "Organization", "name": gettext("Lào Cai provincial OCOP evaluation council")},
            "datePublished": str(self.certification_year),
            "reviewBody": gettext("Certified %(stars)s-star OCOP product in %(year)s, decision %(decision)s.") % {
                "stars": self.star_rating, "year": self.certification_year, "decision": self.decision_number},
        }

    def get_images(self) -> list[Any]:
        images = [self.hero_image] if self.hero_image else []
        images += [item.image for item in self.gallery_images.all() if item.image_id != self.hero_image_id]
        return images


class OCOPProductImage(Orderable):
    page = parental_key("products.OCOPProductPage", "gallery_images")
    image = models.ForeignKey("assets.LaoCaiImage", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=500, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
