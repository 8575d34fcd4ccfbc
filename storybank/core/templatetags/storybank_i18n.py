from typing import Any

from django import template

from storybank.core.i18n import live_translations

register = template.Library()


@register.simple_tag(takes_context=True)
def page_translations(context: dict[str, Any], page: Any) -> list:
    """Translations that exist (and are live) for the language switcher and
    ``<link rel="alternate" hreflang>``."""
    return live_translations(page, context.get("request"))
