"""Which translations of a page exist, for the switcher, hreflang and sitemap."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language_info
from wagtail.models import Page


@dataclass(frozen=True)
class PageTranslation:
    language_code: str
    name_local: str
    url: str
    page: Page
    is_current: bool


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
