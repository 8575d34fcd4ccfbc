"""The filters of the culture listing: ethnic group and category."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from storybank.core.choices import CultureCategory
from storybank.core.index_pages import ANY, ListingFilterForm
from storybank.core.visibility import public_pages
from storybank.taxonomy.models import EthnicGroup


class CultureFilterForm(ListingFilterForm):
    group = forms.ChoiceField(label=_("Ethnic group"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=ANY + list(CultureCategory.choices))

    def __init__(self, *args: Any, groups: list[EthnicGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = ANY + [(group.slug, group.localized_name) for group in groups]

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("group"):
            queryset = queryset.filter(ethnic_group_links__ethnic_group__slug=self.cleaned_data["group"])
        if self.cleaned_data.get("category"):
            queryset = queryset.filter(category=self.cleaned_data["category"])
        return queryset


def used_ethnic_groups(queryset: QuerySet) -> list[EthnicGroup]:
    """Ethnic groups linked to at least one page of ``queryset`` (public pages), by name."""
    ids = public_pages(queryset).values("ethnic_group_links__ethnic_group")
    return sorted(EthnicGroup.objects.filter(pk__in=ids), key=lambda group: group.localized_name)
