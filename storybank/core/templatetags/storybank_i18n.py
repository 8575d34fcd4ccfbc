"""Languages in templates: a page's translations, and which language the
interface text around content is in (minority languages read Vietnamese)."""

from typing import Any

from django import template
from django.utils.translation import get_language

from storybank.core.i18n import interface_language as interface_language_of
from storybank.core.i18n import live_translations

register = template.Library()


@register.simple_tag(takes_context=True)
def page_translations(context: dict[str, Any], page: Any) -> list:
    """Translations that exist (and are live) for the language switcher and
    ``<link rel="alternate" hreflang>``."""
    return live_translations(page, context.get("request"))


@register.simple_tag
def interface_language() -> str:
    """The language of the interface text on this page (``vi`` on H'Mông pages),
    for the ``lang`` of labels, dates and kickers set inside content of another language."""
    return interface_language_of(get_language() or "")
