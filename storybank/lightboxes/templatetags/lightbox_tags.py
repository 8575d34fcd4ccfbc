"""Lightbox pieces other pages show to press accounts: the "Add to lightbox" form and its messages.

The photo page, story pages and search results load these from their
templates, so the public site's code does not depend on lightboxes. Anyone
who is not a signed-in press account gets nothing (and such pages are never
served from the page cache to signed-in people).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from storybank.core.visibility import is_press_account
from storybank.public.images import responsive_img

from ..models import LightboxItem

register = template.Library()


def press_request(context: template.Context) -> Any:
    request = context.get("request")
    return request if request is not None and is_press_account(request.user) else None


def own_lightboxes(request: Any) -> list[Any]:
    """The signed-in journalist's lightboxes, looked up once per request (search shows many pickers)."""
    if not hasattr(request, "_own_lightboxes"):
        request._own_lightboxes = list(request.user.lightboxes.only("pk", "name"))
    return request._own_lightboxes


@register.simple_tag(takes_context=True)
def lightbox_picker(context: template.Context, kind: str, target: Any, title: str = "") -> SafeString | str:
    """``{% lightbox_picker "image" image %}`` (or a kind and an id, with ``title=``): a form that adds
    the item to one of the journalist's lightboxes or to a new one."""
    request = press_request(context)
    if request is None or target is None:
        return ""
    object_id = getattr(target, "pk", target)
    anchor = f"lightbox-picker-{kind}-{object_id}"
    return render_to_string("lightboxes/picker.html", {
        "kind": kind, "object_id": object_id, "title": title or getattr(target, "title", ""), "anchor": anchor,
        "lightboxes": own_lightboxes(request), "next": f"{request.get_full_path()}#{anchor}",
        "gathered_in": gathered_in(request).get((kind, int(object_id)), []),
    }, request=request)


def gathered_in(request: Any) -> dict[tuple[str, int], list[str]]:
    """The names of the journalist's lightboxes holding each item, looked up once per request,
    so each picker says where its item already is (and, after adding, that it worked)."""
    if not hasattr(request, "_gathered_in"):
        found: dict[tuple[str, int], list[str]] = {}
        rows = LightboxItem.objects.filter(lightbox__owner=request.user).order_by("lightbox__name").values_list(
            "image_id", "media_id", "page_id", "lightbox__name")
        for image_id, media_id, page_id, name in rows:
            key = ("image", image_id) if image_id else ("media", media_id) if media_id else ("page", page_id)
            found.setdefault(key, []).append(name)
        request._gathered_in = found
    return request._gathered_in


@register.simple_tag(takes_context=True)
def lightbox_messages(context: template.Context) -> SafeString | str:
    """What the last lightbox action did ("added to…"), shown once where the picker is."""
    request = press_request(context)
    if request is None:
        return ""
    return render_to_string("lightboxes/messages.html", {}, request=request)


@register.filter
def lightbox_thumbnail(image: Any) -> SafeString:
    """A small ``srcset`` picture of an image the viewer may have (decided by ``entries``)."""
    return responsive_img(image, "tile", alt="")
