"""The lightbox forms: plain HTML forms that work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from media_pipeline.renditions import PRESETS
from storybank.core.text import nfc

from .models import Lightbox

NEW_LIGHTBOX = "new"


class LightboxNameForm(forms.Form):
    """Name of a new lightbox, or a lightbox's new name: unique among the owner's lightboxes."""

    name = forms.CharField(label=_("Name"), max_length=120)

    def __init__(self, *args: Any, owner: Any, lightbox: Lightbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner, self.lightbox = owner, lightbox

    def clean_name(self) -> str:
        name = nfc(self.cleaned_data["name"]).strip()
        others = Lightbox.objects.filter(owner=self.owner, name=name)
        if self.lightbox is not None:
            others = others.exclude(pk=self.lightbox.pk)
        if others.exists():
            raise forms.ValidationError(_("You already have a lightbox with this name."))
        return name


class AddItemForm(forms.Form):
    """Put one photo, media asset or story into a lightbox, an existing one or a new one."""

    kind = forms.ChoiceField(choices=[("image", "image"), ("media", "media"), ("page", "page")],
                             widget=forms.HiddenInput)
    object_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    lightbox = forms.CharField(label=_("Lightbox"))
    new_name = forms.CharField(label=_("Name of the new lightbox"), max_length=120, required=False)

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice = data.get("lightbox")
        name = nfc(data.get("new_name") or "").strip()
        if name:  # a name typed means a new lightbox, whatever the list shows
            choice = data["lightbox"] = NEW_LIGHTBOX
        if choice == NEW_LIGHTBOX:
            if not name:
                raise forms.ValidationError(_("Give the new lightbox a name."))
            data["new_name"] = name
        elif choice is not None:
            found = Lightbox.objects.filter(owner=self.owner, pk=int(choice)).first() if choice.isdigit() else None
            if found is None:
                raise forms.ValidationError(_("Choose one of your lightboxes."))
            data["target_lightbox"] = found
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DownloadForm(forms.Form):
    """The size (a rendition preset) and format of a lightbox's ZIP."""

    size = forms.ChoiceField(label=_("Size"))
    format = forms.ChoiceField(label=_("Format"), choices=[("jpeg", "JPEG"), ("webp", "WebP")], initial="jpeg",
                               required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["size"].choices = [(name, preset.label) for name, preset in PRESETS.items()]
        self.fields["size"].initial = "web"
