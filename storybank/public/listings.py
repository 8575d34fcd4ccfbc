"""Filtered, paginated listings of the index pages (stories, OCOP products,
culture entries). Filters are a plain GET form: they work without JavaScript,
every combination has its own address, and pagination keeps the filters.

An unknown filter value (an old link, a typo) does not break the page: the
form says what is wrong, the listing shows everything, with status 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from storybank.core.choices import CultureCategory, OCOPProductGroup, Pillar
from storybank.core.visibility import public_pages
from storybank.taxonomy.models import EthnicGroup, Place

ANY = [("", _("Any"))]


class ListingFilterForm(forms.Form):
    """Base of the listing filters: ``apply`` narrows a queryset by the cleaned values."""

    def apply(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


class StoryFilterForm(ListingFilterForm):
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=ANY + list(Pillar.choices))
    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, *args: Any, places: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = ANY + [(place.slug, place.localized_name) for place in places]

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("pillar"):
            queryset = queryset.filter(pillar=self.cleaned_data["pillar"])
        if self.cleaned_data.get("place"):
            queryset = queryset.filter(place_links__place__slug=self.cleaned_data["place"])
        return queryset


class ProductFilterForm(ListingFilterForm):
    stars = forms.TypedChoiceField(
        label=_("OCOP rating"), required=False, coerce=int, empty_value=None,
        choices=ANY + [(5, _("5 stars")), (4, _("4 stars")), (3, _("3 stars"))],
    )
    group = forms.ChoiceField(label=_("Product group"), required=False, choices=ANY + list(OCOPProductGroup.choices))

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("stars"):
            queryset = queryset.filter(star_rating=self.cleaned_data["stars"])
        if self.cleaned_data.get("group"):
            queryset = queryset.filter(product_group=self.cleaned_data["group"])
        return queryset


class CultureFilterForm(ListingFilterForm):
    group = forms.ChoiceField(label=_("Ethnic group"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=ANY + list(CultureCategory.choices))

    def __init__(self, *args: Any, groups: list[EthnicGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = ANY + [(group.slug, group.localized_name) for group in groups]

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("group"):
            queryset = queryset.filter(ethnic_group_links__ethnic_group__slug=self.cleaned_data["group"])
        if self.cleaned_data.get("category"):
            queryset = queryset.filter(category=self.cleaned_data["category"])
        return queryset


@dataclass
class Listing:
    """One page of a filtered listing, as the template and the JSON-LD need it."""

    form: ListingFilterForm
    page: PaginatorPage
    total: int
    filtered: bool
    invalid: bool = False
    items: list[Page] = field(default_factory=list)

    @property
    def page_number(self) -> int:
        return self.page.number

    @property
    def offset(self) -> int:
        return self.page.start_index() - 1 if self.total else 0


def build_listing(request: HttpRequest, queryset: QuerySet, form: ListingFilterForm, order: tuple[Any, ...]) -> Listing:
    """Filter ``queryset`` (public pages only) by ``form``, order and paginate it."""
    queryset = public_pages(queryset)
    invalid = form.is_bound and not form.is_valid()
    filtered = not invalid and form.is_filtered
    if filtered:
        queryset = form.apply(queryset)
    queryset = queryset.distinct().order_by(*order).select_related("hero_image")
    paginator = Paginator(queryset, settings.PUBLIC_LISTING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(form=form, page=page, total=paginator.count, filtered=filtered, invalid=invalid,
                   items=list(page.object_list))


def filter_data(request: HttpRequest, form_class: type[forms.Form]) -> dict[str, Any] | None:
    """The GET values of the form's fields, or None when none is given (an unbound form)."""
    names = [name for name in form_class.base_fields if request.GET.get(name, "") != ""]
    return {name: request.GET.get(name) for name in names} or None


def used_places(queryset: QuerySet) -> list[Place]:
    """Places linked to at least one page of ``queryset`` (public pages), by name."""
    ids = public_pages(queryset).values("place_links__place")
    return sorted(Place.objects.filter(pk__in=ids), key=lambda place: place.localized_name)


def used_ethnic_groups(queryset: QuerySet) -> list[EthnicGroup]:
    ids = public_pages(queryset).values("ethnic_group_links__ethnic_group")
    return sorted(EthnicGroup.objects.filter(pk__in=ids), key=lambda group: group.localized_name)


def listing_context(index: Page, request: HttpRequest) -> dict[str, Any]:
    """The ``listing`` of a story, OCOP product or culture index page."""
    from storybank.culture.models import CultureEntryPage, CultureIndexPage
    from storybank.products.models import OCOPIndexPage, OCOPProductPage
    from storybank.stories.models import StoryIndexPage, StoryPage

    if isinstance(index, StoryIndexPage):
        children = StoryPage.objects.child_of(index)
        form = StoryFilterForm(filter_data(request, StoryFilterForm), places=used_places(children))
        order: tuple[Any, ...] = (F("first_published_at").desc(nulls_last=True), "pk")
    elif isinstance(index, OCOPIndexPage):
        children = OCOPProductPage.objects.child_of(index)
        form = ProductFilterForm(filter_data(request, ProductFilterForm))
        order = ("-star_rating", "title", "pk")
    elif isinstance(index, CultureIndexPage):
        children = CultureEntryPage.objects.child_of(index)
        form = CultureFilterForm(filter_data(request, CultureFilterForm), groups=used_ethnic_groups(children))
        order = ("title", "pk")
    else:
        raise TypeError(f"{type(index).__name__} is not a listing page")
    listing = build_listing(request, children, form, order)
    return {"listing": listing, "children": listing.items}


class FilteredListingMixin:
    """For index pages: their children as a filtered, paginated ``listing``;
    a filter value the form does not know answers 400 (with the message and
    the whole listing)."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().serve(request, *args, **kwargs)
        listing = getattr(response, "context_data", {}).get("listing")
        if listing is not None and listing.invalid:
            response.status_code = 400
        return response
