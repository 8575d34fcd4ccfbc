"""Template helpers for assets on public pages.

A page may still point at an image or a video whose rights have expired or
whose consent is missing; templates show an asset only through
``{% if asset|is_public %}`` so the rule of :mod:`storybank.core.visibility`
holds on the page itself, not only in search and feeds.

Captions and credits are shown in the page's language: ``{% caption image %}``
falls back to the Vietnamese caption marked ``lang="vi"``, and
``{% credit asset %}`` prints the credit with the label of the page's
interface language (“Photo:”, “Ảnh:”, “摄影：”…).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from storybank.core.i18n import interface_language
from storybank.core.visibility import is_asset_public

register = template.Library()


@register.filter
def is_public(asset: Any) -> bool:
    """True when ``asset`` (image or media asset) may be shown publicly now."""
    return is_asset_public(asset)


def in_language(text: str, language: str) -> str:
    """``text``, marked with its language when it is not the page's."""
    if not text:
        return ""
    if language != get_language():
        return format_html('<span lang="{}">{}</span>', language, text)
    return format_html("{}", text)


@register.simple_tag
def caption(asset: Any, written: str = "") -> str:
    """The caption written on the page, else the asset's caption in the
    page's language, else its Vietnamese caption marked ``lang="vi"``."""
    if written:
        return format_html("{}", written)
    if asset is None:
        return ""
    return in_language(*asset.localized("caption"))


@register.simple_tag
def credit(asset: Any, written: str = "") -> str:
    """The credit written on the page, else the asset's credit with the
    label of the page's interface language."""
    if written:
        return format_html("{}", written)
    if asset is None:
        return ""
    language = interface_language(get_language() or "")
    return in_language(asset.credit_label(language), language)
