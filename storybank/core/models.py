"""What every piece of public content has in common.

``ContentPage`` is the abstract base of stories, OCOP products and culture
entries: a summary, a hero image, the contributing unit and the sensitivity
flags that decide which review it goes through. It also gives search, feeds
and templates one vocabulary (``kind``, ``pillar``, ``get_places()``…) and
asks each page type what it is for them (``storybank.core.protocols``), so
they never need to know which page type they hold.

The core knows no app built on it: governance adds its rules to each page
type (``GovernedPage``), analytics labels served pages by listening to
:data:`page_served`, and the page types are found in the app registry
(:func:`content_page_models`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.dispatch import Signal
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from storybank.core.blocks import stream_feed_html
from storybank.core.choices import Sensitivity
from storybank.core.protocols import FeedParts, SchemaOrg
from storybank.core.text import normalize_model_text
from storybank.core.transactions import in_transaction

#: Sent when a page has rendered its response (``sender`` is the page class;
#: ``page``, ``request`` and ``response``); analytics labels page views from it.
page_served = Signal()


class NormalizedTextPage(Page):
    """Page base that stores its text NFC-normalised."""

    #: Open Graph type of the page ("article" for the ones that are articles).
    og_type = "website"

    class Meta:
        abstract = True

    def structured_data(self, schema: SchemaOrg) -> dict[str, Any] | None:
        """The page's schema.org JSON-LD, built from ``schema``'s pieces; ``None``
        says nothing (an index page is then described by what it lists)."""
        return None

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        normalize_model_text(self)
        super().full_clean(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> Any:
        normalize_model_text(self)
        return super().save(*args, **kwargs)

    def serve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Serve the page and say so (:data:`page_served`): a label a receiver
        puts on the response stays on cached copies of it."""
        response = super().serve(request, *args, **kwargs)
        page_served.send(sender=type(self), page=self, request=request, response=response)
        return response


class LocaleRootPage(NormalizedTextPage):
    """A page at the top of a locale's tree (the home page).

    Wagtail falls back to the default locale's home page when a language has
    no translation of it; we answer 404 instead, so ``/hmn/…`` never shows
    Vietnamese pages under a H'Mông address.
    """

    class Meta:
        abstract = True

    def route(self, request: Any, path_components: list[str]) -> Any:
        active = translation.get_language()
        if active and self.locale.language_code != active:
            raise Http404
        return super().route(request, path_components)


class ContentPage(NormalizedTextPage):
    """Abstract base for stories, OCOP products and culture entries. Each
    page type also inherits ``storybank.governance.pages.GovernedPage``, the
    editorial rules (who may edit or publish, which review, what may not be
    published)."""

    #: Stable machine name of the content kind (a ``ContentKind``), used by search, feeds and analytics.
    kind: str = ""
    #: How feed rules reach this type's taxonomy terms: rule ("places",
    #: "ethnic_groups", "topics") → query path. A rule the type lacks selects none of it.
    term_paths: ClassVar[dict[str, str]] = {}

    lede = models.TextField(_("lede"), max_length=600, help_text=_("One or two sentences that sum the item up."))
    hero_image = models.ForeignKey(
        "assets.LaoCaiImage", verbose_name=_("hero image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    contributing_unit = models.ForeignKey(
        "taxonomy.ContributingUnit", verbose_name=_("contributing unit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    sensitive_border = models.BooleanField(_("touches on the border"), default=False)
    sensitive_ethnicity = models.BooleanField(_("touches on ethnicity"), default=False)
    sensitive_religion = models.BooleanField(_("touches on religion"), default=False)
    sensitive_foreign_affairs = models.BooleanField(_("touches on foreign affairs"), default=False)

    search_fields = Page.search_fields + [index.SearchField("lede")]

    sensitivity_panel = MultiFieldPanel(
        [
            FieldPanel("sensitive_border"),
            FieldPanel("sensitive_ethnicity"),
            FieldPanel("sensitive_religion"),
            FieldPanel("sensitive_foreign_affairs"),
        ],
        heading=_("Sensitivity (sends the item through a second review)"),
    )

    class Meta:
        abstract = True

    # --- publishing -----------------------------------------------------
    # Wagtail's publish and unpublish actions open no transaction; ours do
    # (run again after a lost deadlock), so the page and what mirrors it
    # (search, feeds and their outbox, the page cache: content_changed's
    # receivers) commit together, whoever publishes: an editor, a workflow's
    # last approval, publish_scheduled, code.
    def publish(self, revision: Any, *args: Any, **kwargs: Any) -> Any:
        return in_transaction(lambda: super(ContentPage, self).publish(revision, *args, **kwargs))

    def unpublish(self, *args: Any, **kwargs: Any) -> Any:
        return in_transaction(lambda: super(ContentPage, self).unpublish(*args, **kwargs))

    # --- editorial ------------------------------------------------------
    @property
    def sensitivities(self) -> list[str]:
        flags = {
            Sensitivity.BORDER: self.sensitive_border,
            Sensitivity.ETHNICITY: self.sensitive_ethnicity,
            Sensitivity.RELIGION: self.sensitive_religion,
            Sensitivity.FOREIGN_AFFAIRS: self.sensitive_foreign_affairs,
        }
        return [value for value, flagged in flags.items() if flagged]

    @property
    def is_sensitive(self) -> bool:
        return bool(self.sensitivities)

    # --- the shared vocabulary of search, feeds and templates -------------
    @property
    def pillar_value(self) -> str:
        return getattr(self, "pillar", "") or ""

    def get_places(self) -> list[Any]:
        return [link.place for link in self.place_links.all()] if hasattr(self, "place_links") else []

    def get_ethnic_groups(self) -> list[Any]:
        if hasattr(self, "ethnic_group_links"):
            return [link.ethnic_group for link in self.ethnic_group_links.all()]
        return []

    def get_topics(self) -> list[Any]:
        return [link.topic for link in self.topic_links.all()] if hasattr(self, "topic_links") else []

    def get_images(self) -> list[Any]:
        """Every image the item shows, hero first (for feeds and press kits)."""
        images = [self.hero_image] if self.hero_image else []
        for block in getattr(self, "body", None) or []:
            if block.block_type == "image":
                images.append(block.value["image"])
            elif block.block_type == "gallery":
                images.extend(item["image"] for item in block.value["images"])
        seen: set[int] = set()
        return [img for img in images if img and not (img.pk in seen or seen.add(img.pk))]

    @classmethod
    def in_pillars(cls, pillars: list[str]) -> QuerySet:
        """Pages of this type in any of ``pillars``: by their pillar field, by
        the pillar the whole type belongs to, or none."""
        if any(field.name == "pillar" for field in cls._meta.get_fields()):
            return cls.objects.filter(pillar__in=pillars)
        return cls.objects.all() if getattr(cls, "pillar", "") in pillars else cls.objects.none()

    # --- in the search index ----------------------------------------------
    def search_text(self) -> str:
        """The item's text for the search index: its body's blocks as search text."""
        body = getattr(self, "body", None)
        parts = body.stream_block.get_searchable_content(body) if body is not None else []
        return "\n".join(part.strip() for part in parts if part and part.strip())

    def search_facts(self) -> list[str]:
        """Searchable facts of this page type that are not shown (a producer, a category…)."""
        return []

    # --- in a partner feed ------------------------------------------------
    def feed_body(self, parts: FeedParts) -> str:
        """The item's text as plain, safe HTML: the body's blocks, each rendering itself."""
        return stream_feed_html(getattr(self, "body", None), parts)

    def feed_details(self, parts: FeedParts) -> dict[str, Any]:
        """What this page type adds to its feed item (an OCOP product's rating…)."""
        return {}


def content_page_models() -> list[type[ContentPage]]:
    """Every concrete content page type, in ``INSTALLED_APPS`` order: derived
    from the app registry (as Wagtail's ``get_page_models()``), so a new page
    type is found as soon as its app is installed."""
    return [model for model in apps.get_models() if issubclass(model, ContentPage)]


def parental_key(page_model: str, related_name: str) -> ParentalKey:
    return ParentalKey(page_model, on_delete=models.CASCADE, related_name=related_name)
