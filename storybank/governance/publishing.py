"""What may not be published, and refusing it.

``publishing_blockers(page)``: reasons a page may not be published now (an
image or media asset it shows lacks the consent of the people in it; a
sensitive item, or a live sensitive item losing its flags, outside the
sensitive review). Publishing refuses them
everywhere: the editor's "Publish" (``before_publish_page`` hook), the
approval that ends a workflow (``ReviewTask``, ``publish_approved``), bulk
publishing and code (``GovernedPage.publish``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.models import ReferenceIndex

from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.choices import Sensitivity

from .workflows import sensitive_workflow, sensitivities_for_review


class PublishingRefused(PermissionDenied):
    """Publishing was refused; ``messages`` say why, for people."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


# --- what a page uses ----------------------------------------------------------------


def assets_used_by(page: Any) -> list[LaoCaiImage | MediaAsset]:
    """Every image and media asset ``page`` shows, in this (possibly unsaved)
    state: hero, body blocks, galleries, rich-text embeds, child relations.
    Found the way Wagtail's reference index finds them."""
    wanted = {
        ContentType.objects.get_for_model(LaoCaiImage).pk: LaoCaiImage,
        ContentType.objects.get_for_model(MediaAsset).pk: MediaAsset,
    }
    ids: dict[type, list[int]] = {LaoCaiImage: [], MediaAsset: []}
    for content_type_id, object_id, _model_path, _content_path in ReferenceIndex._extract_references_from_object(page):
        model = wanted.get(content_type_id)
        if model is not None and str(object_id).isdigit():
            ids[model].append(int(object_id))
    for image in page.get_images() if hasattr(page, "get_images") else []:
        ids[LaoCaiImage].append(image.pk)
    found: list[Any] = []
    for model, pks in ids.items():
        if pks:
            found.extend(model.objects.filter(pk__in=set(pks)).order_by("title", "pk"))
    return found


def asset_label(asset: Any) -> str:
    kind = _("image") if isinstance(asset, LaoCaiImage) else asset.get_media_kind_display().lower()
    return f"“{asset.title}” ({kind})"


def publishing_blockers(page: Any, *, workflow: Any = None, user: Any = None) -> list[str]:
    """Why ``page`` (in the state about to be published) may not be published.

    ``workflow`` is the workflow whose last approval publishes it, if any;
    ``user`` the person publishing directly. Empty when it may be published.
    """
    blockers = [
        _("%(asset)s shows people whose consent is missing. Record their consent on the asset, "
          "or remove it from this page, before publishing.") % {"asset": asset_label(asset)}
        for asset in assets_used_by(page)
        if asset.consent_missing
    ]
    flags = sensitivities_for_review(page)
    if flags and not (user is not None and user.is_superuser):
        required = sensitive_workflow()
        if required is not None and (workflow is None or workflow.pk != required.pk):
            subjects = ", ".join(str(Sensitivity(value).label) for value in flags)
            blockers.append(
                _("This item is flagged sensitive (%(subjects)s): it is published by the last approval of "
                  "“%(workflow)s”. Submit it for review.") % {"subjects": subjects, "workflow": required.name}
            )
    return blockers


def refuse_if_blocked(page: Any, *, workflow: Any = None, user: Any = None) -> None:
    blockers = publishing_blockers(page, workflow=workflow, user=user)
    if blockers:
        raise PublishingRefused(blockers)
