"""A press account's lightboxes: named selections of photos, media and stories.

An item points at exactly one image, media asset or page. It stays when its
asset is withdrawn or its page unpublished, so the journalist sees what
happened to it; whether its file may be served is asked of
``storybank.core.visibility`` every time, never stored here.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage, MediaAsset

#: Bytes of randomness in a share token (``secrets.token_urlsafe``: 32 bytes → 43 characters).
SHARE_TOKEN_BYTES = 32


class Lightbox(models.Model):
    """A named selection one press account gathers, shares by a private link and downloads."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="lightboxes")
    name = models.CharField(_("name"), max_length=120)
    share_token = models.CharField(_("share token"), max_length=64, null=True, blank=True, unique=True,
                                   editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lightbox")
        verbose_name_plural = _("lightboxes")
        ordering = ["-updated_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="lightbox_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return bool(self.share_token)

    def share(self) -> str:
        """Give the lightbox a new private link (the old one, if any, stops working)."""
        self.share_token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        self.save(update_fields=["share_token", "updated_at"])
        return self.share_token

    def revoke_share(self) -> None:
        self.share_token = None
        self.save(update_fields=["share_token", "updated_at"])


class LightboxItem(models.Model):
    """One photo, media asset or story in a lightbox, with the journalist's note."""

    lightbox = models.ForeignKey(Lightbox, verbose_name=_("lightbox"), on_delete=models.CASCADE,
                                 related_name="items")
    image = models.ForeignKey(LaoCaiImage, verbose_name=_("image"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    media = models.ForeignKey(MediaAsset, verbose_name=_("media asset"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, verbose_name=_("story"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lightbox item")
        verbose_name_plural = _("lightbox items")
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(image__isnull=False, media__isnull=True, page__isnull=True)
                    | Q(image__isnull=True, media__isnull=False, page__isnull=True)
                    | Q(image__isnull=True, media__isnull=True, page__isnull=False)
                ),
                name="lightbox_item_is_one_thing",
            ),
            models.UniqueConstraint(fields=["lightbox", "image"], condition=Q(image__isnull=False),
                                    name="lightbox_image_once"),
            models.UniqueConstraint(fields=["lightbox", "media"], condition=Q(media__isnull=False),
                                    name="lightbox_media_once"),
            models.UniqueConstraint(fields=["lightbox", "page"], condition=Q(page__isnull=False),
                                    name="lightbox_page_once"),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def target(self) -> LaoCaiImage | MediaAsset | Page:
        return self.image or self.media or self.page
