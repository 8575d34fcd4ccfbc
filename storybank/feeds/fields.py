"""A list of choices stored as JSON, edited as checkboxes; a write-only secret.

Feed rules and partner settings pick several values from a vocabulary (kinds,
pillars, languages, licences). An empty list means "no restriction". The
choices are looked up by a dotted path when the form is built, so adding a
content language or a licence needs no migration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from storybank.core.choices import REDISTRIBUTABLE_LICENCES, ContentKind, Licence, Pillar


def content_language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def content_kind_choices() -> list[tuple[str, str]]:
    return list(ContentKind.choices)


def pillar_choices() -> list[tuple[str, str]]:
    return list(Pillar.choices)


def redistributable_licence_choices() -> list[tuple[str, str]]:
    """Only licences that allow republishing: the others never leave."""
    return [(value, label) for value, label in Licence.choices if value in REDISTRIBUTABLE_LICENCES]


class ChoiceListField(models.JSONField):
    """A JSON list whose items come from ``choices_from`` (a dotted path to a
    function returning Django choices)."""

    def __init__(self, *args: Any, choices_from: str = "", **kwargs: Any) -> None:
        self.choices_from = choices_from
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_from"] = self.choices_from
        return name, path, args, kwargs

    def item_choices(self) -> list[tuple[str, str]]:
        function: Callable[[], list[tuple[str, str]]] = import_string(self.choices_from)
        return function()

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of values."), code="invalid")
        allowed = {key for key, _label in self.item_choices()}
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s."), code="invalid_choice", params={"values": ", ".join(map(str, unknown))}
            )

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.MultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


#: Shown in place of a stored secret; sending it back unchanged keeps the secret.
SECRET_MASK = "••••••••"


class SecretInput(forms.PasswordInput):
    """Says whether a secret is set, never what it is."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=True)

    def format_value(self, value: Any) -> str:
        return SECRET_MASK if value else ""


class SecretField(models.CharField):
    """A secret (a partner's S3 secret access key) the admin can set or
    replace but never read back: the form shows a mask, and a form sent back
    with the mask keeps the stored value. Stored as a plain ``CharField``
    (its migrations say so: nothing changes in the database)."""

    def formfield(self, **kwargs: Any) -> forms.Field:
        kwargs["widget"] = SecretInput
        return super().formfield(**kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value == SECRET_MASK:
            manager = type(model_instance)._default_manager
            stored = manager.filter(pk=model_instance.pk).values_list(self.attname, flat=True).first()
            value = stored or ""
            setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> tuple[str, str, list, dict]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
