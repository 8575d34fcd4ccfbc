"""Template access to governance for the public site."""

from __future__ import annotations

from typing import Any

from django import template

from storybank.governance.highlights import weekly_highlights as find_weekly_highlights

register = template.Library()


@register.simple_tag
def weekly_highlights(locale: Any) -> list[Any]:
    """``{% weekly_highlights page.locale as highlights %}``: this week's
    featured items in that language (see ``storybank.governance.highlights``)."""
    return find_weekly_highlights(locale)
