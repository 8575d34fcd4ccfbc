"""What the page editor tells editors and translators about translations:
on a source, which translations are out of date (with "Update translations");
on a translation, whether it is current, what changed in the source since,
how it was made, its review, and the actions that move it on; on either,
which images lack a caption in the page's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from storybank.core.i18n import language_name_translated

from .freshness import ensure_state, source_page_of, translations_of
from .models import TranslationState
from .segments import field_label
from .updating import synced_translation

#: How many changed segments the notice quotes (the review screen shows them all).
QUOTED_CHANGES = 5


def images_without_caption(page: Page) -> list[Any]:
    """Images the page shows with no caption in its language (nor one written on the page itself)."""
    language = page.locale.language_code
    captioned_on_page = set()
    for block in getattr(page, "body", None) or []:
        if block.block_type == "image" and block.value.get("caption"):
            captioned_on_page.add(block.value["image"].pk if block.value["image"] else None)
        elif block.block_type == "gallery":
            captioned_on_page |= {item["image"].pk for item in block.value["images"] if item.get("caption")}
    return [image for image in page.get_images()
            if image.pk not in captioned_on_page and not image.has_text("caption", language)]


def change_rows(state: TranslationState, model: type) -> list[dict[str, str]]:
    return [{**change, "label": field_label(model, change["field"])} for change in state.changes[:QUOTED_CHANGES]]


def translation_notice(request: HttpRequest, page: Page, source: Page) -> SafeString:
    state = ensure_state(page, source)
    permissions = page.permissions_for_user(request.user)
    synced = synced_translation(page)
    task = page.current_workflow_task
    return mark_safe(render_to_string("translations/admin/notice_translation.html", {
        "page": page, "source": source, "state": state, "synced": synced is not None,
        "language": language_name_translated(page.locale.language_code),
        "source_language": language_name_translated(source.locale.language_code),
        "changes": change_rows(state, type(page)), "more_changes": max(0, len(state.changes) - QUOTED_CHANGES),
        "can_update": permissions.can_edit(),
        "can_submit": synced is not None and task is None and permissions.can_submit_for_moderation(),
        "in_review": task is not None, "task": task,
        "update_url": reverse("translation_status_update", args=[page.pk]),
        "submit_url": reverse("translation_status_submit", args=[page.pk]),
        "review_url": reverse("translation_status_review", args=[page.pk]),
        "source_edit_url": reverse("wagtailadmin_pages:edit", args=[source.pk]),
        "next": request.get_full_path(),
    }, request=request))


def source_notice(request: HttpRequest, page: Page) -> SafeString | None:
    states = [ensure_state(translation, page) for translation in translations_of(page).specific()]
    stale = [state for state in states if state.out_of_date]
    if not stale:
        return None
    return mark_safe(render_to_string("translations/admin/notice_source.html", {
        "page": page, "stale": [
            {"state": state, "language": language_name_translated(state.page.locale.language_code),
             "edit_url": reverse("wagtailadmin_pages:edit", args=[state.page_id]),
             "fields": ", ".join(field_label(type(page), field) for field in state.changed_fields)}
            for state in stale
        ],
        "total": len(states),
        "can_update": request.user.has_perm("wagtail_localize.submit_translation"),
        "update_url": reverse("translation_status_update", args=[page.pk]),
        "report_url": reverse("translation_status_report"),
        "next": request.get_full_path(),
    }, request=request))


def captions_notice(request: HttpRequest, page: Page) -> SafeString | None:
    images = images_without_caption(page)
    if not images:
        return None
    return mark_safe(render_to_string("translations/admin/notice_captions.html", {
        "images": [{"image": image, "edit_url": reverse("wagtailimages:edit", args=[image.pk])} for image in images],
        "language": language_name_translated(page.locale.language_code),
        "fallback": page.locale.language_code != settings.LANGUAGE_CODE,
    }, request=request))


def editor_notices(request: HttpRequest, page: Page) -> list[tuple[str, SafeString]]:
    """(level, HTML) of each notice for ``page``'s editor."""
    page = page.specific
    notices: list[tuple[str, SafeString]] = []
    source = source_page_of(page)
    if source is not None:
        state = ensure_state(page, source)
        notices.append(("warning" if state.out_of_date else "info", translation_notice(request, page, source)))
    elif (notice := source_notice(request, page)) is not None:
        notices.append(("warning", notice))
    if hasattr(page, "get_images") and (notice := captions_notice(request, page)) is not None:
        notices.append(("info", notice))
    return notices
