"""What a translator translates: a page's text cut into segments, and what
changed between two states of it.

wagtail-localize cuts a page into segments to translate (title, lede, each
paragraph of the body, a fact box's labels…). The same cut says which
segments of a source changed since a translation was made from it. A segment
is keyed by its path in the page and its position among the segments of that
path (``body.<block id>#0``): a translation copied from its source keeps the
block ids, so its segments line up with the source's key by key.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

#: Fields that are never translated (slugs stay Vietnamese in every language).
UNTRANSLATED_FIELDS = frozenset({"slug"})


def string_segments(instance: Any) -> dict[str, StringSegmentValue]:
    """The text segments of ``instance`` by key, in the page's order."""
    found: dict[str, StringSegmentValue] = {}
    seen: Counter[str] = Counter()
    for segment in extract_segments(instance):
        if not isinstance(segment, StringSegmentValue) or segment.path.split(".")[0] in UNTRANSLATED_FIELDS:
            continue
        found[f"{segment.path}#{seen[segment.path]}"] = segment
        seen[segment.path] += 1
    return found


def segment_texts(instance: Any) -> dict[str, str]:
    """The plain text of each segment of ``instance``, by key."""
    return {key: segment.render_text() for key, segment in string_segments(instance).items()}


def field_of(key: str) -> str:
    """The model field a segment key belongs to (``body.<id>#0`` → ``body``)."""
    return key.split(".", 1)[0].split("#", 1)[0]


def changed_segments(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """Segments that differ between two states of a source, in the page's
    order (added and changed ones as they stand now, then the removed ones):
    ``{"key", "field", "before", "after"}``; an added segment has no
    ``before``, a removed one no ``after``."""
    changes = [
        {"key": key, "field": field_of(key), "before": before.get(key, ""), "after": text}
        for key, text in after.items()
        if before.get(key) != text
    ]
    changes += [
        {"key": key, "field": field_of(key), "before": text, "after": ""}
        for key, text in before.items()
        if key not in after
    ]
    return changes


def field_label(model: type, field: str) -> str:
    """The field's name as editors know it (its verbose name)."""
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field
