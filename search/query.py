"""What a search asks for and what it answers, shared by the search page, the
admin, the API and every backend.

:meth:`SearchQuery.from_params` validates request parameters and raises
:class:`InvalidParameter` naming the parameter, so the API can answer a 400
with a JSON error and the page a form error, never a 500.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from search.text import ParsedQuery, QueryError, parse_query
from storybank.core.choices import ContentKind, Licence, Pillar

#: Kinds of results beside the items of the bank (``ContentKind``): the site's sections and place pages.
SECTION_KIND, PLACE_KIND = "section", "place"
SITE_PAGE_KINDS = {SECTION_KIND: _("Page"), PLACE_KIND: _("Place")}
#: Every kind a result can have, in the order the kind facet lists them.
RESULT_KINDS = (*ContentKind.values, *SITE_PAGE_KINDS)
#: Facets in the order the page and the API show them.
FACETS = ("kind", "locale", "pillar", "ethnic_group", "place", "licence", "year")
#: Facets an item can have several values of (stored in ``SearchFacetValue``).
MULTI_VALUED_FACETS = ("ethnic_group", "place")
SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
#: Results deeper than this are not served (as Elasticsearch's max_result_window).
MAX_RESULT_WINDOW = 10_000
_SLUG_RE = re.compile(r"^[-a-z0-9_]{1,120}$")


class InvalidParameter(ValueError):
    """A request parameter that cannot be used; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class SearchQuery:
    """One search. Several values of a facet mean any of them (OR); different
    facets must all hold (AND). Facet counts of a facet ignore that facet's
    own filter, so people see the alternatives they can add."""

    text: str = ""
    kind: tuple[str, ...] = ()
    locale: tuple[str, ...] = ()
    pillar: tuple[str, ...] = ()
    ethnic_group: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    licence: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    #: Editors in the admin also see drafts, withdrawn and rights-expired items.
    include_unpublished: bool = False
    #: With ``include_unpublished``, the items whose non-public state the asker may
    #: see, as ``(("page", (ids…)), ("image", (ids…)), …)``; None means every item.
    #: Other items still show when public (a contributor sees their unit's drafts only).
    private_scope: tuple[tuple[str, tuple[int, ...]], ...] | None = None
    #: Compute facet counts (the suggest endpoint does not need them).
    facets: bool = True
    #: Match words in titles only (as-you-type suggestions complete titles).
    titles_only: bool = False
    #: The moment visibility is judged at (rights expiry); now by default.
    at: datetime.datetime | None = None
    parsed: ParsedQuery = field(default=ParsedQuery(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.text and not self.parsed:
            object.__setattr__(self, "parsed", parse_query(self.text))

    # --- what backends need -----------------------------------------------
    def filters(self) -> dict[str, tuple[Any, ...]]:
        """Active filters by facet name."""
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}

    @property
    def effective_sort(self) -> str:
        """Relevance means nothing without words to match: newest first then."""
        if self.sort == "relevance" and not self.parsed.positive:
            return "newest"
        return self.sort

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def with_page(self, page: int) -> SearchQuery:
        return replace(self, page=page)

    # --- from a request -----------------------------------------------------
    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], *, raw_query_string: str = "", **overrides: Any
    ) -> SearchQuery:
        """Build a query from request parameters (a ``QueryDict`` or a dict of
        lists). Raises :class:`InvalidParameter` for anything unusable."""
        _reject_invalid_utf8(raw_query_string)

        def values(name: str) -> list[str]:
            raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
            raw = [raw] if isinstance(raw, str) else list(raw)
            found: list[str] = []
            for value in raw:
                found.extend(part.strip() for part in str(value).split(",") if part.strip())
            for value in found:
                if "\x00" in value or "\ufffd" in value:
                    raise InvalidParameter(name, f"{name} contains characters that are not valid text.")
            return found

        text_values = params.getlist("q") if hasattr(params, "getlist") else params.get("q", [])
        text_values = [text_values] if isinstance(text_values, str) else list(text_values)
        if len(text_values) > 1:
            raise InvalidParameter("q", "Give the search text once.")
        text = text_values[0] if text_values else ""
        if "\ufffd" in text:
            raise InvalidParameter("q", "The search text is not valid UTF-8.")
        try:
            parsed = parse_query(text)
        except QueryError as error:
            raise InvalidParameter("q", str(error)) from error

        sort = (values("sort") or ["relevance"])[-1]
        if sort not in SORTS:
            raise InvalidParameter("sort", f"sort must be one of: {', '.join(SORTS)}.")
        per_page = _positive_int("per_page", (values("per_page") or ["20"])[-1], maximum=MAX_PER_PAGE)
        page = _positive_int("page", (values("page") or ["1"])[-1], maximum=MAX_RESULT_WINDOW)
        if (page - 1) * per_page >= MAX_RESULT_WINDOW:
            raise InvalidParameter(
                "page", f"page is too deep: only the first {MAX_RESULT_WINDOW} results can be paged; add filters."
            )
        locales = values("locale")
        if locales == ["all"]:
            locales = []
        query = cls(
            text=text,
            parsed=parsed,
            kind=_choices("kind", values("kind"), RESULT_KINDS),
            locale=_choices("locale", locales, [code for code, _name in settings.LANGUAGES]),
            pillar=_choices("pillar", values("pillar"), Pillar.values),
            ethnic_group=_slugs("ethnic_group", values("ethnic_group")),
            place=_slugs("place", values("place")),
            licence=_choices("licence", values("licence"), Licence.values),
            year=tuple(sorted({_year(value) for value in values("year")})),
            sort=sort,
            page=page,
            per_page=per_page,
        )
        return replace(query, **overrides) if overrides else query

    def to_params(self, **changes: Any) -> list[tuple[str, str]]:
        """Query-string pairs that reproduce this query (with ``changes``), for links."""
        query = replace(self, **changes) if changes else self
        pairs: list[tuple[str, str]] = []
        if query.text:
            pairs.append(("q", query.text))
        for name in FACETS:
            pairs.extend((name, str(value)) for value in getattr(query, name))
        if query.sort != "relevance":
            pairs.append(("sort", query.sort))
        if query.per_page != 20:
            pairs.append(("per_page", str(query.per_page)))
        if query.page != 1:
            pairs.append(("page", str(query.page)))
        return pairs


def _reject_invalid_utf8(raw_query_string: str) -> None:
    """Django replaces undecodable bytes with U+FFFD; say which parameter was broken instead."""
    if not raw_query_string:
        return
    for pair in raw_query_string.split("&"):
        name, _sep, value = pair.partition("=")
        try:
            unquote_to_bytes(value.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            decoded_name = unquote_to_bytes(name).decode("utf-8", "replace")
            raise InvalidParameter(decoded_name, f"{decoded_name} is not valid UTF-8 text.") from None


def _positive_int(name: str, value: str, *, maximum: int) -> int:
    if not value.isascii() or not value.isdigit():
        raise InvalidParameter(name, f"{name} must be a whole number from 1 to {maximum}.")
    number = int(value)
    if not 1 <= number <= maximum:
        raise InvalidParameter(name, f"{name} must be a whole number from 1 to {maximum}.")
    return number


def _year(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 1800 <= int(value) <= 2200:
        raise InvalidParameter("year", "year must be a four-digit year, e.g. 2025.")
    return int(value)


def _choices(name: str, given: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    for value in given:
        if value not in allowed:
            raise InvalidParameter(name, f"{name} must be one of: {', '.join(allowed)} (got {value[:40]!r}).")
    return tuple(dict.fromkeys(given))


def _slugs(name: str, given: Sequence[str]) -> tuple[str, ...]:
    for value in given:
        if not _SLUG_RE.match(value):
            raise InvalidParameter(name, f"{name} must be a slug such as 'hmong' or 'sa-pa' (got {value[:40]!r}).")
    return tuple(dict.fromkeys(given))


# --- answers -----------------------------------------------------------------
# A search makes 20 hits and up to a hundred facet values: they are plain dataclasses, not frozen
# ones, whose constructor costs 3-4× as much (0.07 ms a search); nothing changes them once made.
@dataclass
class SearchHit:
    """One result card: everything the page, the admin and the API show."""

    object_type: str  # "page", "image" or "media"
    object_id: int
    locale: str
    kind: str
    title: str
    url: str
    snippet: str  # HTML with <mark>, already escaped
    thumbnail_url: str
    credit: str
    licence: str
    date: datetime.datetime | None
    pillar: str
    ethnic_groups: tuple[str, ...]
    places: tuple[str, ...]
    rights_expire_on: datetime.date | None
    status: str  # "public", "draft", "withdrawn", "restricted"
    score: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.object_type}:{self.object_id}:{self.locale}"

    @property
    def page_url(self) -> str:
        """Where the result card leads: an image to its photo page (in the page's language), not its file."""
        if self.object_type == "image":
            try:
                return reverse("public:photo", args=[self.object_id])
            except NoReverseMatch:  # the public site's URLs are not mounted
                pass
        return self.url

    @property
    def licence_label(self) -> str:
        return str(Licence(self.licence).label) if self.licence in Licence.values else ""

    @property
    def kind_label(self) -> str:
        if self.kind in ContentKind.values:
            return str(ContentKind(self.kind).label)
        return str(SITE_PAGE_KINDS.get(self.kind, self.kind))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]

    @property
    def selected(self) -> tuple[FacetValue, ...]:
        return tuple(value for value in self.values if value.selected)


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    facets: tuple[Facet, ...]
    took_ms: float
    backend: str

    @property
    def num_pages(self) -> int:
        reachable = min(self.total, MAX_RESULT_WINDOW)
        return max(1, -(-reachable // self.query.per_page))

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1

    def facet(self, name: str) -> Facet | None:
        return next((facet for facet in self.facets if facet.name == name), None)


#: Raw counts a backend returns: {facet name: {value: count}}.
FacetCounts = dict[str, dict[str, int]]

FACET_LABELS = {
    "kind": _("Type"),
    "locale": _("Language"),
    "pillar": _("Pillar"),
    "ethnic_group": _("Ethnic group"),
    "place": _("Place"),
    "licence": _("Licence"),
    "year": _("Year"),
}
