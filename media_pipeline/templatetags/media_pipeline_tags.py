"""Template tags of the media pipeline for the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django import template

from media_pipeline.ingest import near_duplicates

register = template.Library()


@register.inclusion_tag("media_pipeline/near_duplicates_notice.html")
def near_duplicates_notice(image: Any) -> dict[str, Any]:
    """Warn the editor about images that look almost the same as ``image``."""
    found = near_duplicates(getattr(image, "perceptual_hash", ""), exclude_pk=image.pk) if image.pk else []
    return {"near_duplicates": found}
