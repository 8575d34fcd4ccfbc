"""``{% translation_status page as status %}``: the page's translation status for its notice."""

from __future__ import annotations

from typing import Any

from django import template

from ..status import TranslationStatus
from ..status import translation_status as status_of

register = template.Library()


@register.simple_tag
def translation_status(page: Any) -> TranslationStatus | None:
    return status_of(page)
