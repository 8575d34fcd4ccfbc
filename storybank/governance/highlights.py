"""This week's highlights: each unit's one or two featured items.

Editors mark them in the admin (Weekly highlights). The home page shows them
(:func:`weekly_highlights`) and a partner feed can hold only them
(``Feed.weekly_highlights_only``, which asks :func:`highlighted_translation_keys`).

A highlight names one page; every translation of it is the same item, so a
language shows the translation in that language. Monday morning, before the
editors have chosen, and in a language none of this week's items is
translated into, the most recent earlier week that has something to show
is used instead (at most ``GOVERNANCE_HIGHLIGHTS_FALLBACK_WEEKS`` back),
so the home page never loses its highlights to the calendar.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from wagtail.models import Locale, Page

from storybank.core.visibility import public_pages

from .models import WeeklyHighlight, week_start


def fallback_weeks() -> int:
    return int(getattr(settings, "GOVERNANCE_HIGHLIGHTS_FALLBACK_WEEKS", 4))


def candidate_weeks(week: datetime.date | None = None) -> list[datetime.date]:
    """Weeks that have highlights, newest first: ``week`` (this week by
    default) and the earlier ones within the fallback window."""
    current = week_start(week)
    earliest = current - datetime.timedelta(weeks=fallback_weeks())
    return list(
        WeeklyHighlight.objects.filter(week__lte=current, week__gte=earliest)
        .order_by("-week").values_list("week", flat=True).distinct()
    )


def _highlights(week: datetime.date) -> list[WeeklyHighlight]:
    return list(
        WeeklyHighlight.objects.filter(week=week).select_related("page", "unit").order_by("unit__name", "created_at")
    )


def _as_locale(locale: Locale | str) -> Locale | None:
    if isinstance(locale, Locale):
        return locale
    return Locale.objects.filter(language_code=locale).first()


def weekly_highlights(locale: Locale | str, week: datetime.date | None = None,
                      fallbacks: list[str] | None = None) -> list[Page]:
    """Public pages featured in ``week`` (this week by default) in ``locale``,
    ordered by unit; the latest earlier week with something in that locale
    when the week has nothing to show there. With ``fallbacks`` (language
    codes, nearest first) an item not translated into ``locale`` is shown in
    the nearest of them that has it."""
    locale = _as_locale(locale)
    if locale is None:
        return []
    languages = [locale.language_code, *(fallbacks or [])]
    for candidate in candidate_weeks(week):
        keys = [highlight.page.translation_key for highlight in _highlights(candidate)]
        pages = public_pages(Page.objects.filter(translation_key__in=keys, locale__language_code__in=languages))
        by_key: dict[Any, Page] = {}
        for page in sorted(pages.specific().select_related("locale"),
                           key=lambda page: languages.index(page.locale.language_code)):
            by_key.setdefault(page.translation_key, page)
        found = [by_key[key] for key in dict.fromkeys(keys) if key in by_key]
        if found:
            return found
    return []


def highlighted_translation_keys(week: datetime.date | None = None) -> list[Any]:
    """Translation keys of the current highlights (``week``, or the latest
    earlier week that has any): a feed holds every public translation of them."""
    for candidate in candidate_weeks(week):
        keys = [highlight.page.translation_key for highlight in _highlights(candidate)]
        if keys:
            return keys
    return []
