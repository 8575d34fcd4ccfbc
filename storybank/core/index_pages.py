"""Index pages (stories, OCOP products, culture entries…) list their children
as a filtered, paginated listing. Filters are a plain GET form: they work
without JavaScript, every combination has its own address, and pagination
keeps the filters.

An index page type says what it lists, with which filter form and in which
order (:class:`FilteredIndexPage`); each page type's filter form lives in its
own app (``storybank/stories/filters.py``…). An unknown filter value (an old
link, a typo) does not break the page: the form says what is wrong, the
listing shows everything, with status 400.

A listing shows the visitor's language first, then what its fallback
languages have that it lacks (``storybank.core.i18n.with_fallbacks``), each
such item labelled with its language: a young language never shows an
empty listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from storybank.core.i18n import with_fallbacks
from storybank.core.visibility import public_pages

#: The empty choice every filter starts with.
ANY = [("", _("Any"))]


class ListingFilterForm(forms.Form):
    """Base of the listing filters: ``apply`` narrows a queryset by the cleaned values."""

    def apply(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


@dataclass
class Listing:
    """One page of a filtered listing, as the template and the JSON-LD need it."""

    form: ListingFilterForm
    page: PaginatorPage
    total: int
    filtered: bool
    invalid: bool = False
    items: list[Page] = field(default_factory=list)
    #: Of ``total``, how many are in the visitor's language (the rest come from its fallback languages).
    own_total: int | None = None

    @property
    def fallback_total(self) -> int:
        return 0 if self.own_total is None else self.total - self.own_total

    @property
    def page_number(self) -> int:
        return self.page.number

    @property
    def offset(self) -> int:
        return self.page.start_index() - 1 if self.total else 0


def build_listing(request: HttpRequest, queryset: QuerySet, form: ListingFilterForm, order: tuple[Any, ...]) -> Listing:
    """Filter ``queryset`` (public pages only) by ``form``, order and paginate
    it; rows annotated with ``fallback_rank`` (:func:`with_fallbacks`) come
    after the visitor's own language, nearest fallback first."""
    queryset = public_pages(queryset)
    invalid = form.is_bound and not form.is_valid()
    filtered = not invalid and form.is_filtered
    if filtered:
        queryset = form.apply(queryset)
    ranked = "fallback_rank" in queryset.query.annotations
    if ranked:
        order = ("fallback_rank", *order)
    queryset = queryset.distinct().order_by(*order).select_related("hero_image", "locale")
    paginator = Paginator(queryset, settings.PUBLIC_LISTING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    own_total = queryset.filter(fallback_rank=0).count() if ranked else None
    return Listing(form=form, page=page, total=paginator.count, filtered=filtered, invalid=invalid,
                   items=list(page.object_list), own_total=own_total)


def filter_data(request: HttpRequest, form_class: type[forms.Form]) -> dict[str, Any] | None:
    """The GET values of the form's fields, or None when none is given (an unbound form)."""
    names = [name for name in form_class.base_fields if request.GET.get(name, "") != ""]
    return {name: request.GET.get(name) for name in names} or None


class FilteredIndexPage:
    """Mixin for index pages: their children as a filtered, paginated
    ``listing`` (also ``children``, the pages shown); a filter value the form
    does not know answers 400 (with the message and the whole listing).

    A page type says what it lists (:meth:`listed_pages`), its filter form
    (``filter_form_class``, or :meth:`listing_filter_form` when the choices
    depend on the pages) and the order (``listing_order``)."""

    filter_form_class: type[ListingFilterForm]
    listing_order: tuple[Any, ...] = ("title", "pk")

    def listed_pages(self) -> QuerySet:
        """The pages this index lists, before the public rule and the filters."""
        raise NotImplementedError

    def listed_pages_with_fallbacks(self) -> QuerySet:
        """What :meth:`listed_pages` of this index and of its translations in
        the fallback languages hold, the visitor's language first."""

        def pages_in(locale: Any) -> QuerySet | None:
            if locale.pk == self.locale_id:
                return self.listed_pages()
            index = public_pages(self.get_translations()).filter(locale=locale).specific().first()
            return index.listed_pages() if isinstance(index, FilteredIndexPage) else None

        return with_fallbacks(pages_in, self.locale.language_code)

    def listing_filter_form(self, data: dict[str, Any] | None, pages: QuerySet) -> ListingFilterForm:
        """The filter form bound to ``data`` (``None``: unbound)."""
        return self.filter_form_class(data)

    def listing_context(self, request: HttpRequest) -> dict[str, Any]:
        pages = self.listed_pages_with_fallbacks()
        form = self.listing_filter_form(filter_data(request, self.filter_form_class), pages)
        listing = build_listing(request, pages, form, self.listing_order)
        return {"listing": listing, "children": listing.items}

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(self.listing_context(request))
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().serve(request, *args, **kwargs)
        listing = getattr(response, "context_data", {}).get("listing")
        if listing is not None and listing.invalid:
            response.status_code = 400
        return response
