"""Vietnamese text must be stored in Unicode NFC with all its diacritics.

Text pasted from Word, macOS or old TCVN3 converters often arrives
decomposed (NFD): "Lào" as ``La`` + combining grave + ``o``. It looks the same
but does not compare, sort or search the same, so every model that stores
text normalises it on save.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models
from wagtail.fields import StreamField


def nfc(value: Any) -> Any:
    """Return ``value`` with every string in it NFC-normalised (recursively)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, tuple):
        return tuple(nfc(item) for item in value)
    if isinstance(value, dict):
        return {key: nfc(item) for key, item in value.items()}
    return value


def normalize_model_text(instance: models.Model) -> None:
    """NFC-normalise every text-like field of ``instance`` in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, StreamField):
            stream = getattr(instance, field.attname)
            raw = list(stream.raw_data) if stream is not None else []
            normalized = nfc(raw)
            if normalized != raw:
                setattr(instance, field.attname, normalized)
        elif isinstance(field, models.CharField | models.TextField | models.JSONField):
            value = getattr(instance, field.attname)
            if value is not None:
                setattr(instance, field.attname, nfc(value))


class NormalizedTextMixin:
    """Model mixin: NFC-normalise text fields before every save."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        normalize_model_text(self)
        super().save(*args, **kwargs)  # type: ignore[misc]
