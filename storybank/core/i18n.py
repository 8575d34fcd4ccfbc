"""Which translations of a page exist (the switcher, hreflang, sitemaps), and
what a language shows where it has nothing yet (the fallback chains).

A language's visitors see its own pages first; where a page or a listing is
not (yet) in their language they are shown, clearly labelled, the nearest
language of ``settings.LANGUAGE_FALLBACKS`` that has it (``ko → en → vi``).
hreflang and canonical addresses name only real translations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page

from storybank.core.visibility import public_pages
from storybank.settings.languages import MINORITY_LANGUAGES


@dataclass(frozen=True)
class PageTranslation:
    language_code: str
    name_local: str
    url: str
    page: Page
    is_current: bool


@dataclass(frozen=True)
class LanguageChoice:
    """One language of the switcher. ``available`` is false when the page is
    not in that language yet: ``url`` then leads to the nearest fallback, in
    ``target_language`` (another language's version of the page, or the
    closest section of the site in this language)."""

    language_code: str
    name_local: str
    url: str
    is_current: bool
    available: bool
    target_language: str
    target_title: str = ""

    @property
    def target_name(self) -> str:
        """The target language's name in the interface language."""
        return language_name_translated(self.target_language)

    @property
    def leads_to_other_language(self) -> bool:
        return self.target_language != self.language_code


def language_name_translated(code: str) -> str:
    info = get_language_info(code)
    return str(info.get("name_translated") or info["name_local"])


def interface_language(language: str) -> str:
    """The language the interface text of ``language`` pages is written in:
    minority languages read the Vietnamese interface (their catalogues are
    empty), so their labels and dates are marked ``lang="vi"``."""
    return settings.LANGUAGE_CODE if language in MINORITY_LANGUAGES else language


def live_translations(page: Page, request: object | None = None) -> list[PageTranslation]:
    """Live, public translations of ``page`` (itself included), in the
    order of ``settings.LANGUAGES``."""
    order = {code: index for index, (code, _name) in enumerate(settings.LANGUAGES)}
    pages = page.get_translations(inclusive=True).live().public().select_related("locale")
    found = []
    for other in pages:
        code = other.locale.language_code
        if code not in order:
            continue
        url = other.get_full_url(request)
        if not url:
            continue
        found.append(
            PageTranslation(
                language_code=code,
                name_local=get_language_info(code)["name_local"],
                url=url,
                page=other,
                is_current=other.pk == page.pk,
            )
        )
    return sorted(found, key=lambda item: order[item.language_code])


# --- fallbacks ------------------------------------------------------------------------


def fallback_chain(language: str) -> list[str]:
    """The languages shown where ``language`` has nothing, nearest first
    (``settings.LANGUAGE_FALLBACKS``); every chain ends in the default language."""
    chain = [code for code in settings.LANGUAGE_FALLBACKS.get(language, []) if code != language]
    if language != settings.LANGUAGE_CODE and settings.LANGUAGE_CODE not in chain:
        chain.append(settings.LANGUAGE_CODE)
    return chain


def with_fallbacks(pages_in: Callable[[Locale], QuerySet | None], language: str) -> QuerySet | None:
    """Public pages in ``language`` and, after them, those of its fallback
    languages that it lacks: ``pages_in(locale)`` gives the candidate pages
    of one locale (``None``: that locale has none). A page appears in the
    nearest language it exists in, never twice; each row carries
    ``fallback_rank`` (0: the visitor's language, 1: the first fallback…)."""
    codes = [language, *fallback_chain(language)]
    locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=codes)}
    parts = [(locales[code], pages_in(locales[code])) for code in codes if code in locales]
    parts = [(locale, pages) for locale, pages in parts if pages is not None]
    if not parts:
        return None
    base = parts[0][1]
    for _locale, pages in parts[1:]:
        base = base | pages
    base = public_pages(base)
    ids = [locale.pk for locale, _pages in parts]
    wanted = Q(locale_id=ids[0])
    for rank in range(1, len(ids)):
        nearer = base.filter(locale_id__in=ids[:rank]).values("translation_key")
        wanted |= Q(locale_id=ids[rank]) & ~Q(translation_key__in=nearer)
    rank = Case(*(When(locale_id=pk, then=Value(number)) for number, pk in enumerate(ids)),
                default=Value(len(ids)), output_field=IntegerField())
    return base.filter(wanted).annotate(fallback_rank=rank)


def nearest_in(page: Page, language: str) -> Page | None:
    """The closest public page to ``page`` that exists in ``language``: its
    own translation, else the translation of its nearest ancestor (a
    section, the home page). One query."""
    keys = [page.translation_key, *page.get_ancestors().filter(depth__gt=1).values_list("translation_key", flat=True)]
    candidates = Page.objects.filter(translation_key__in=keys, locale__language_code=language)
    return public_pages(candidates).order_by("-depth").first()


def language_choices(page: Page, homes: dict[str, Page], request: object | None = None) -> list[LanguageChoice]:
    """Every language of the site (``homes``: its live home page per language)
    for the switcher of ``page``: the page's own translations, and for the
    languages it is not in yet the nearest fallback (the page in the first
    language of that language's chain, else the closest section in it)."""
    current = page.locale.language_code
    live = {t.language_code: t for t in live_translations(page, request)}
    choices = []
    for code, _name in settings.LANGUAGES:
        if code not in homes:
            continue
        name = get_language_info(code)["name_local"]
        if code in live:
            choices.append(LanguageChoice(code, name, live[code].url, code == current, True, code))
            continue
        target = next((live[other] for other in fallback_chain(code) if other in live and other != current), None)
        if target is not None:
            choices.append(LanguageChoice(code, name, target.url, False, False, target.language_code,
                                          target.page.title))
            continue
        section = nearest_in(page, code) or homes[code]
        choices.append(LanguageChoice(code, name, section.get_full_url(request), False, False, code, section.title))
    return choices
