"""Admin forms for assets: one alt-text and caption box per content language,
and an editor's review of contributors' uploads.

The values are stored together in ``localized_text`` so that adding a
language needs no migration. An upload (or a replaced file) by someone who
may not approve assets (``assets.review_assets``) is saved awaiting review,
so it stays out of the public site, search, feeds and downloads until an
editor unticks "awaiting review", the box only reviewers see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from storybank.core.text import nfc
from storybank.settings.languages import CONTENT_LANGUAGES, DEFAULT_LANGUAGE

LOCALIZED_KEYS = {"alt": _("Alt text"), "caption": _("Caption")}
REVIEW_PERMISSION = "assets.review_assets"


def other_languages() -> list[tuple[str, str]]:
    return [(code, local) for code, _english, local in CONTENT_LANGUAGES if code != DEFAULT_LANGUAGE]


class LocalizedTextFormMixin(forms.ModelForm):
    localized_keys: tuple[str, ...] = ("alt", "caption")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.localized_text or {}
        for code, local_name in other_languages():
            for key in self.localized_keys:
                self.fields[f"{key}_{code}"] = forms.CharField(
                    label=f"{LOCALIZED_KEYS[key]} ({local_name})",
                    required=False,
                    max_length=1000,
                    initial=stored.get(code, {}).get(key, ""),
                )

    def save(self, commit: bool = True) -> Any:
        texts: dict[str, dict[str, str]] = {}
        for code, _local_name in other_languages():
            values = {key: nfc(self.cleaned_data.get(f"{key}_{code}", "").strip()) for key in self.localized_keys}
            values = {key: value for key, value in values.items() if value}
            if values:
                texts[code] = values
        self.instance.localized_text = texts
        return super().save(commit=commit)


def may_review_assets(user: Any) -> bool:
    """May ``user`` approve an upload for publication? (Forms built by code
    without a user are trusted: the bulk import is run by staff.)"""
    return user is None or user.has_perm(REVIEW_PERMISSION)


class ReviewedUploadFormMixin(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.uploader = kwargs.get("user")
        super().__init__(*args, **kwargs)
        if "awaiting_review" in self.fields and not may_review_assets(self.uploader):
            del self.fields["awaiting_review"]

    def save(self, commit: bool = True) -> Any:
        new_file = self.instance.pk is None or "file" in self.changed_data
        if new_file and not may_review_assets(self.uploader):
            self.instance.awaiting_review = True
        return super().save(commit=commit)


class LaoCaiImageForm(ReviewedUploadFormMixin, LocalizedTextFormMixin, BaseImageForm):
    pass


class MediaAssetForm(ReviewedUploadFormMixin, LocalizedTextFormMixin, BaseDocumentForm):
    localized_keys = ("caption",)
