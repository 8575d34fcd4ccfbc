"""The filters of the OCOP product listing: rating and product group."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from storybank.core.choices import OCOPProductGroup
from storybank.core.index_pages import ANY, ListingFilterForm


class ProductFilterForm(ListingFilterForm):
    stars = forms.TypedChoiceField(
        label=_("OCOP rating"), required=False, coerce=int, empty_value=None,
        choices=ANY + [(5, _("5 stars")), (4, _("4 stars")), (3, _("3 stars"))],
    )
    group = forms.ChoiceField(label=_("Product group"), required=False, choices=ANY + list(OCOPProductGroup.choices))

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.cleaned_data.get("stars"):
            queryset = queryset.filter(star_rating=self.cleaned_data["stars"])
        if self.cleaned_data.get("group"):
            queryset = queryset.filter(product_group=self.cleaned_data["group"])
        return queryset
