"""Names people read for the values stored in the counters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from storybank.core.choices import ContentKind, Pillar
from storybank.settings.languages import CONTENT_LANGUAGES
from storybank.taxonomy.models import ContributingUnit

from .models import OTHER_PAGE_KIND, DownloadType, Metric


def metric_label(value: str) -> str:
    return str(dict(Metric.choices).get(value, value))


def kind_label(value: str) -> str:
    if value == OTHER_PAGE_KIND:
        return _("Home and section pages")
    if not value:
        return _("No content kind (feed pulls)")
    return str(dict(ContentKind.choices).get(value, value))


def pillar_label(value: str) -> str:
    return str(dict(Pillar.choices).get(value, value)) if value else _("No pillar")


def locale_label(value: str) -> str:
    names = {code: local for code, _english, local in CONTENT_LANGUAGES}
    return names.get(value, value) if value else _("Language-neutral")


#: Functions the apps that count register to name the details they store
#: (the feeds name their slugs): value → name, or "" when not theirs.
detail_namers: list[Callable[[str], str]] = []


def name_details_with(namer: Callable[[str], str]) -> None:
    """Register ``namer`` (once) for :func:`detail_label`."""
    if namer not in detail_namers:
        detail_namers.append(namer)


def detail_label(value: str) -> str:
    if value in DownloadType.values:
        return str(dict(DownloadType.choices)[value])
    title = next((name for namer in detail_namers if (name := namer(value))), "")
    return title or value or _("Not applicable")


def unit_labels(ids: Any) -> dict[int | None, str]:
    """Names of the units ``ids`` (deleted ones and "none" named as such)."""
    names = dict(ContributingUnit.objects.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", "name"))
    labels: dict[int | None, str] = {}
    for unit_id in ids:
        if unit_id is None:
            labels[unit_id] = _("No contributing unit")
        else:
            labels[unit_id] = names.get(unit_id) or _("Deleted unit #%(id)s") % {"id": unit_id}
    return labels


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
