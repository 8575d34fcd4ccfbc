"""Template filters that keep withdrawn assets off public pages.

A page may still point at an image or a video whose rights have expired or
whose consent is missing; templates show an asset only through
``{% if asset|is_public %}`` so the rule of :mod:`storybank.core.visibility`
holds on the page itself, not only in search and feeds.
"""

from __future__ import annotations

from typing import Any

from django import template

from storybank.core.visibility import is_asset_public

register = template.Library()


@register.filter
def is_public(asset: Any) -> bool:
    """True when ``asset`` (image or media asset) may be shown publicly now."""
    return is_asset_public(asset)
