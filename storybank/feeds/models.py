"""Partners, the feeds made for them, and the machinery that keeps partners'
copies exact: a compacted change log per feed and an outbox of pushes.

* ``Partner``: an organisation that receives content (Vietnam.vn, the
  provincial foreign-information portal, the press…), with its API keys and
  push destinations.
* ``Feed``: selection rules (kind, pillar, ethnic group, place, topic,
  language, licence) plus pinned pages, and which partners may read it.
* ``FeedEntry``: the current state of one item in one feed, present or a
  tombstone, stamped with the feed's sequence number of its last change.
  Reading entries with ``sequence > cursor`` in order is the incremental
  sync; the table is the feed's change log, compacted to the latest change
  of each item.
* ``Delivery``: one push of one change to one destination (the outbox),
  written in the same transaction as the change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable

from storybank.core.text import NormalizedTextMixin
from storybank.taxonomy.models import EthnicGroup, Place, Topic, default_locale_only

from .fields import ChoiceListField, SecretField

#: Sent at the end of ``Feed.save`` (``sender`` the model, ``feed``): its rules may now select other items.
feed_saved = Signal()

# --- partners ---------------------------------------------------------------


class PartnerKind(models.TextChoices):
    NATIONAL_PLATFORM = "national-platform", _("National promotion platform")
    FOREIGN_INFORMATION_PORTAL = "foreign-information-portal", _("Foreign-information portal")
    PRESS = "press", _("Press")
    PARTNER_ABROAD = "partner-abroad", _("Partner province abroad")
    OTHER = "other", _("Other")


class PartnerForm(WagtailAdminModelForm):
    """Refuses a push destination for a feed the partner may not read."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for form in self.formsets["push_destinations"].forms if hasattr(self, "formsets") else []:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            feed = form.cleaned_data.get("feed")
            readable = feed is None or feed.is_public or (
                self.instance.pk is not None and feed.readers.filter(pk=self.instance.pk).exists()
            )
            if not readable:
                message = _("This partner may not read that feed: add the partner to the feed's readers first.")
                form.add_error("feed", message)
        return cleaned


class Partner(NormalizedTextMixin, ClusterableModel):
    """An organisation that pulls our feeds or receives pushes."""

    base_form_class = PartnerForm

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    allowed_locales = ChoiceListField(
        _("languages this partner receives"), choices_from="storybank.feeds.fields.content_language_choices",
        help_text=_("Leave all unticked for every language. Images and media are language-neutral and always go."),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("pull requests per minute"), default=120, help_text=_("Above this, pulls answer 429 Too Many Requests.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive partner can neither pull nor receive pushes.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")])],
            heading=_("Contact"),
        ),
        FieldPanel("allowed_locales"),
        FieldRowPanel([FieldPanel("requests_per_minute"), FieldPanel("active")]),
        InlinePanel("push_destinations", label=_("Push destinations"), heading=_("Push destinations")),
        FieldPanel("notes"),
    ]

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def receives_locale(self, language_code: str) -> bool:
        """Language-neutral items (assets, ``""``) go to everyone."""
        return not language_code or not self.allowed_locales or language_code in self.allowed_locales


KEY_PREFIX = "lcs"


def hash_key(raw_key: str) -> str:
    """API keys are 256-bit random tokens, so a plain SHA-256 is the right
    hash: it cannot be brute-forced and keeps every pull a single lookup."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A partner's key. Only its hash is stored: the key is shown once."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=120, help_text=_("What the key is for, e.g. “production importer”."))
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner} · {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, partner: Partner, name: str, user: Any = None) -> tuple[ApiKey, str]:
        """Create a key and return it with its one and only plain-text copy."""
        prefix = secrets.token_hex(4)
        raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(
            partner=partner, name=name, prefix=prefix, key_hash=hash_key(raw),
            created_by=user if getattr(user, "pk", None) else None,
        )
        return key, raw

    @classmethod
    def authenticate(cls, raw_key: str) -> ApiKey | None:
        """The active key ``raw_key`` stands for, or ``None``."""
        parts = raw_key.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        key = cls.objects.select_related("partner").filter(prefix=parts[1]).first()
        if key is None or not hmac.compare_digest(key.key_hash, hash_key(raw_key)):
            return None
        return key if key.is_active else None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record use, at most once a minute (a pull must not write every time)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= 60:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class DestinationKind(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook (HTTP POST)")
    S3 = "s3", _("S3 bucket")


def new_signing_secret() -> str:
    return secrets.token_urlsafe(32)


class PushDestination(Orderable):
    """Where one feed's changes are pushed for one partner."""

    partner = ParentalKey(Partner, on_delete=models.CASCADE, related_name="push_destinations")
    feed = models.ForeignKey(
        "feeds.Feed", verbose_name=_("feed"), on_delete=models.CASCADE, related_name="destinations"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=DestinationKind.choices, default=DestinationKind.WEBHOOK)
    active = models.BooleanField(_("active"), default=True)
    # Webhook
    url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    signing_secret = models.CharField(
        _("signing secret"), max_length=100, blank=True, default=new_signing_secret,
        help_text=_("Give it to the partner: they verify the X-LaoCai-Signature header with it."),
    )
    # S3
    bucket = models.CharField(_("S3 bucket"), max_length=200, blank=True)
    prefix = models.CharField(_("S3 key prefix"), max_length=300, blank=True, help_text=_("E.g. “laocai/”."))
    region = models.CharField(_("S3 region"), max_length=40, blank=True, default="us-east-1")
    endpoint_url = models.URLField(
        _("S3 endpoint URL"), max_length=300, blank=True, help_text=_("For MinIO or other S3-compatible storage.")
    )
    access_key_id = models.CharField(_("access key ID"), max_length=200, blank=True)
    secret_access_key = SecretField(_("secret access key"), max_length=200, blank=True)  # write-only in the admin

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("feed")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("active")]),
        FieldPanel("url"),
        FieldPanel("signing_secret"),
        FieldRowPanel([FieldPanel("bucket"), FieldPanel("prefix")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("endpoint_url")]),
        FieldRowPanel([FieldPanel("access_key_id"), FieldPanel("secret_access_key")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("push destination")
        verbose_name_plural = _("push destinations")

    def __str__(self) -> str:
        return f"{self.partner} · {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.kind == DestinationKind.WEBHOOK and not self.url:
            raise ValidationError({"url": _("A webhook needs a URL.")})
        if self.kind == DestinationKind.S3 and not self.bucket:
            raise ValidationError({"bucket": _("An S3 destination needs a bucket.")})
        if self.kind == DestinationKind.WEBHOOK and not self.signing_secret:
            self.signing_secret = new_signing_secret()

    @property
    def target(self) -> str:
        if self.kind == DestinationKind.S3:
            return f"s3://{self.bucket}/{self.prefix}"
        return self.url


# --- feeds ------------------------------------------------------------------


class Feed(NormalizedTextMixin, ClusterableModel):
    """A selection of the bank made for one or more partners."""

    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("The feed's address: /feeds/<slug>.json, .atom, .rss…")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_public = models.BooleanField(
        _("public"), default=False,
        help_text=_("Public feeds need no API key. Others are read only by the partners below."),
    )
    readers = ParentalManyToManyField(
        Partner, verbose_name=_("partners who may read it"), blank=True, related_name="readable_feeds"
    )
    # Selection rules. An empty rule does not restrict.
    kinds = ChoiceListField(
        _("kinds of item"), choices_from="storybank.feeds.fields.content_kind_choices",
        help_text=_("None ticked: stories, OCOP products and culture entries. Images and media only when ticked."),
    )
    pillars = ChoiceListField(
        _("pillars"), choices_from="storybank.feeds.fields.pillar_choices",
        help_text=_("Items without a pillar (OCOP products, images, media) are left out when a pillar is ticked."),
    )
    ethnic_groups = ParentalManyToManyField(
        EthnicGroup, verbose_name=_("ethnic groups"), blank=True, related_name="+", limit_choices_to=default_locale_only
    )
    places = ParentalManyToManyField(
        Place, verbose_name=_("places"), blank=True, related_name="+", limit_choices_to=default_locale_only
    )
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="+", limit_choices_to=default_locale_only,
        help_text=_("Only stories have topics."),
    )
    locales = ChoiceListField(
        _("languages"), choices_from="storybank.feeds.fields.content_language_choices",
        help_text=_("None ticked: every language. Images and media are language-neutral."),
    )
    licences = ChoiceListField(
        _("licences of images and media"), choices_from="storybank.feeds.fields.redistributable_licence_choices",
        help_text=_("Which licences image and media items may have. Licences that forbid republishing never leave."),
    )
    weekly_highlights_only = models.BooleanField(
        _("only this week's highlights"), default=False,
        help_text=_("Only the items editors featured this week (Weekly highlights), within the rules above."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("active"), FieldPanel("is_public")]),
        FieldPanel("readers", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("kinds"),
                FieldPanel("pillars"),
                FieldPanel("ethnic_groups", widget=forms.CheckboxSelectMultiple),
                FieldPanel("places", widget=forms.CheckboxSelectMultiple),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("locales"),
                FieldPanel("licences"),
                FieldPanel("weekly_highlights_only"),
            ],
            heading=_("Selection rules"),
        ),
        InlinePanel("pins", label=_("Pinned pages"), heading=_("Pages pinned by hand")),
    ]

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        FeedHead.objects.get_or_create(feed=self)
        feed_saved.send(sender=type(self), feed=self)  # new rules: the feeds' sync recomputes it

    @property
    def head_sequence(self) -> int:
        head = FeedHead.objects.filter(feed=self).values_list("sequence", flat=True).first()
        return head or 0


def feed_title(slug: str) -> str:
    """The title of the feed ``slug`` ("" when there is none)."""
    return Feed.objects.filter(slug=slug).values_list("title", flat=True).first() or ""


class FeedPin(Orderable):
    """A page an editor put in the feed by hand (with its translations)."""

    feed = ParentalKey(Feed, on_delete=models.CASCADE, related_name="pins")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page", ["stories.StoryPage", "products.OCOPProductPage", "culture.CultureEntryPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("pinned page")
        verbose_name_plural = _("pinned pages")


class FeedHead(models.Model):
    """The feed's last sequence number, kept apart from ``Feed`` so that an
    editor saving the feed never writes over it.

    Sequence numbers are taken with an ``UPDATE … SET sequence = sequence + n``
    that holds the row lock until the transaction commits, so numbers are
    handed out in commit order: a reader that has seen sequence *n* can never
    later find a committed change below *n*.
    """

    feed = models.OneToOneField(Feed, on_delete=models.CASCADE, primary_key=True, related_name="head")
    sequence = models.BigIntegerField(default=0)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feed head")

    def __str__(self) -> str:
        return f"{self.feed_id}@{self.sequence}"


class FeedEntry(models.Model):
    """One item's latest state in one feed: present (with its payload) or a tombstone."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    item_key = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)
    locale = models.CharField(max_length=20, blank=True, help_text="Empty for language-neutral items (assets).")
    sequence = models.BigIntegerField()
    present = models.BooleanField(default=True)
    reason = models.CharField(max_length=40, blank=True, help_text="Why a tombstone left the feed.")
    payload = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    #: " image:3 place:<uuid> unit:4 ": every asset (usable or not) and
    #: taxonomy term the item shows, to find the items to re-emit when one changes.
    refs = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    # The entry in each format, rendered when it changes, so that a pull
    # joins stored text instead of rendering thousands of items.
    fragment_json = models.TextField(blank=True)
    fragment_atom = models.TextField(blank=True)
    fragment_rss = models.TextField(blank=True)
    fragment_ninjs = models.TextField(blank=True)
    fragment_newsml = models.TextField(blank=True)
    fragments_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        constraints = [
            models.UniqueConstraint(fields=["feed", "item_key"], name="feeds_entry_unique_item"),
            models.UniqueConstraint(fields=["feed", "sequence"], name="feeds_entry_unique_sequence"),
        ]
        indexes = [models.Index(fields=["feed", "present", "sequence"], name="feeds_entry_present_seq")]

    def __str__(self) -> str:
        return f"{self.feed.slug}#{self.sequence} {self.item_key}"


# --- push outbox ----------------------------------------------------------------


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")
    SUPERSEDED = "superseded", _("Superseded by a newer change")


class Delivery(models.Model):
    """One change of one feed item, to be pushed to one destination."""

    destination = models.ForeignKey(PushDestination, on_delete=models.CASCADE, related_name="deliveries")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="deliveries")
    sequence = models.BigIntegerField()
    item_key = models.CharField(max_length=40)
    change = models.CharField(max_length=10)  # "upsert" or "delete"
    body = models.TextField(help_text="The exact JSON bytes sent (and signed).")
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="feeds_delivery_due"),
            models.Index(fields=["destination", "item_key", "status"], name="feeds_delivery_item"),
        ]

    def __str__(self) -> str:
        return f"{self.feed.slug}#{self.sequence} {self.item_key} → {self.destination}"
