"""The filters of the story listing: pillar and place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from storybank.core.choices import Pillar
from storybank.core.index_pages import ANY, ListingFilterForm
from storybank.core.visibility import public_pages
from storybank.taxonomy.models import Place


class StoryFilterForm(ListingFilterForm):
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=ANY + list(Pillar.choices))
    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, *args: Any, places: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = ANY + [(place.slug, place.localized_name) for place in places]

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("pillar"):
            queryset = queryset.filter(pillar=self.cleaned_data["pillar"])
        if self.cleaned_data.get("place"):
            queryset = queryset.filter(place_links__place__slug=self.cleaned_data["place"])
        return queryset


def used_places(queryset: QuerySet) -> list[Place]:
    """Places linked to at least one page of ``queryset`` (public pages), by name."""
    ids = public_pages(queryset).values("place_links__place")
    return sorted(Place.objects.filter(pk__in=ids), key=lambda place: place.localized_name)
