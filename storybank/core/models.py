"""What every piece of public content has in common.

``ContentPage`` is the abstract base of stories, OCOP products and culture
entries: a summary, a hero image, the contributing unit and the sensitivity
flags that decide which review it goes through. It also gives search, feeds
and templates one vocabulary (``kind``, ``pillar``, ``get_places()``…) so they
never need to know which page type they hold.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from storybank.core.text import normalize_model_text
from storybank.core.transactions import in_transaction
from storybank.governance.pages import GovernedPage
from storybank.taxonomy.choices import Sensitivity
from storybank.taxonomy.models import EthnicGroup, Place, Topic, default_locale_only


class NormalizedTextPage(Page):
    """Page base that stores its text NFC-normalised."""

    class Meta:
        abstract = True

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        normalize_model_text(self)
        super().full_clean(*args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> Any:
        normalize_model_text(self)
        return super().save(*args, **kwargs)

    def serve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Serve the page, labelled for analytics as a public page view (the
        label stays on cached copies, so cached views are counted too)."""
        from storybank.analytics.recording import label_page_view

        return label_page_view(super().serve(request, *args, **kwargs), self, request)


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


class ContentPage(GovernedPage, NormalizedTextPage):
    """Abstract base for stories, OCOP products and culture entries.

    ``GovernedPage`` brings the editorial rules (who may edit or publish,
    which review, what may not be published) from ``storybank.governance``.
    """

    #: Stable machine name of the content kind, used by search and feeds.
    kind: str = ""

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

    def get_places(self) -> list[Place]:
        return [link.place for link in self.place_links.all()] if hasattr(self, "place_links") else []

    def get_ethnic_groups(self) -> list[EthnicGroup]:
        if hasattr(self, "ethnic_group_links"):
            return [link.ethnic_group for link in self.ethnic_group_links.all()]
        return []

    def get_topics(self) -> list[Topic]:
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


# --- Links from content to taxonomy -------------------------------------
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


def parental_key(page_model: str, related_name: str) -> ParentalKey:
    return ParentalKey(page_model, on_delete=models.CASCADE, related_name=related_name)
