"""A journalist's application for a press account, and a request to use one restricted photo."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: How long an approved access request lasts unless the editor says otherwise.
DEFAULT_GRANT_DAYS = 30


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for an editor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Approval withdrawn")


class Decided(models.Model):
    """What an editor's answer leaves behind: who, when and why."""

    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answer = models.TextField(_("reason given"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    #: The language the applicant wrote in: the answer is sent in it.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == Decision.PENDING


class PressApplication(Decided):
    """A journalist asked for a press account. Approval is membership of the
    Press group (``storybank.core.visibility.PRESS_GROUP_NAME``); this keeps
    who they said they are and what the editor answered."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="press_application")
    outlet = models.CharField(_("media organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    statement = models.TextField(_("statement"), max_length=2000)
    #: When the applicant opened the link sent to their address (``confirmation``); approval waits for it.
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("press account application")
        verbose_name_plural = _("press account applications")
        ordering = ["-created_at"]
        permissions = [("decide_press_access", _("Can approve press accounts and access requests"))]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.outlet})"


class AccessRequest(Decided):
    """Someone asked to use one restricted (press-only) photo. Approved, it
    gives that account the photo's files until ``expires_on`` (inclusive)."""

    image = models.ForeignKey("assets.LaoCaiImage", verbose_name=_("photo"), on_delete=models.CASCADE,
                              related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="photo_access_requests")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    reason = models.TextField(_("reason"), max_length=2000)
    expires_on = models.DateField(_("access until"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requester", "image", "status"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.image_id}"

    @property
    def is_live(self) -> bool:
        return (self.status == Decision.APPROVED and self.expires_on is not None
                and self.expires_on >= timezone.localdate())


def default_expiry() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_GRANT_DAYS)
