"""The dashboard's filters (a GET form: every view of it has its own address)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from storybank.core.choices import ContentKind, Pillar
from storybank.taxonomy.models import ContributingUnit

from .models import KPI_METRICS, OTHER_PAGE_KIND, Metric
from .reports import Filters, years_with_data


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    unit = forms.ModelChoiceField(
        label=_("Contributing unit"), queryset=ContributingUnit.objects.order_by("name"), required=False,
        empty_label=_("All units"),
    )
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    locale = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Content kind"), required=False)
    metric = forms.ChoiceField(label=_("Breakdowns show"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years_with_data()
        self.fields["year"].choices = [(year, str(year)) for year in self.years]
        self.fields["pillar"].choices = [("", _("All pillars")), *Pillar.choices]
        self.fields["locale"].choices = [("", _("All languages")), *settings.LANGUAGES]
        self.fields["kind"].choices = [
            ("", _("All kinds")), *ContentKind.choices, (OTHER_PAGE_KIND, _("Home and section pages")),
        ]
        labels = dict(Metric.choices)
        self.fields["metric"].choices = [(metric, labels[metric]) for metric in KPI_METRICS]

    def _valid(self, name: str, default: Any) -> Any:
        """A field's cleaned value, or ``default`` when it is missing or invalid:
        a bad parameter narrows nothing, and the form says what was wrong."""
        if not self.is_bound or name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def filters(self) -> Filters:
        self.is_valid()
        unit = self._valid("unit", None)
        return Filters(
            year=self._valid("year", self.years[0]),
            unit=unit.pk if unit is not None else None,
            pillar=self._valid("pillar", ""),
            locale=self._valid("locale", ""),
            kind=self._valid("kind", ""),
        )

    def chosen_metric(self) -> str:
        self.is_valid()
        return self._valid("metric", Metric.PAGE_VIEW)
