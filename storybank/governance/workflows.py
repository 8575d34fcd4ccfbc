"""Which review an item goes through, and what the last approval does.

Every page is reviewed by the workflow Wagtail finds for it in the tree
(the standard review, assigned to the root by ``setup_governance``). An
item flagged sensitive (border, ethnicity, religion, foreign affairs), or
whose live version is (unticking a flag does not escape the review), goes
through the sensitive review instead: the editors, then the
sensitive-content reviewers. ``GovernedPage.get_workflow`` asks
:func:`choose_workflow`; Wagtail calls it when an item is submitted.
Nobody approves what they submitted or wrote during the review (four eyes),
unless a workflow is configured to allow it.

The last approval publishes the item (``WAGTAIL_FINISH_WORKFLOW_ACTION``
points at :func:`publish_approved`): the approval is the authority to
publish, so a sensitive-content reviewer needs no publish permission of
their own, and editors cannot publish a sensitive item directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wagtail.models import Workflow

# Wagtail's models import this module while they load (WAGTAIL_FINISH_WORKFLOW_ACTION), before any
# model of ours exists: it imports nothing of ours at the top, and its functions import what they use.


def _settings() -> Any:
    from .models import ReviewWorkflows  # a model: see above

    return ReviewWorkflows.load()


def sensitive_workflow() -> Workflow | None:
    """The active sensitive review, if one is configured."""
    workflow = _settings().sensitive_workflow
    return workflow if workflow is not None and workflow.active else None


def standard_workflow() -> Workflow | None:
    workflow = _settings().standard_workflow
    return workflow if workflow is not None and workflow.active else None


def sensitivities_for_review(page: Any) -> list[str]:
    """The sensitivity flags a change of ``page`` must be reviewed for: those of
    the version about to be published and those of its live version, since
    taking a flag off a live sensitive item is itself a sensitive change."""
    flags = list(getattr(page, "sensitivities", []))
    if getattr(page, "pk", None) and getattr(page, "live", False):
        live = type(page).objects.filter(pk=page.pk).first()
        flags += [flag for flag in getattr(live, "sensitivities", []) if flag not in flags]
    return flags


def needs_sensitive_review(page: Any) -> bool:
    return bool(sensitivities_for_review(page))


def choose_workflow(page: Any, default: Workflow | None) -> Workflow | None:
    """The workflow reviewing ``page`` in its current (possibly unsaved) state."""
    if needs_sensitive_review(page):
        return sensitive_workflow() or default
    return default


def allows_self_approval(workflow: Workflow | None) -> bool:
    """May whoever submitted an item (or wrote it during the review) approve
    it in ``workflow``? No, unless the workflow is listed in the
    ``ReviewWorkflows`` setting (four eyes by default)."""
    if workflow is None:
        return False
    return _settings().self_approval_workflows.filter(pk=workflow.pk).exists()


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    """Publish the latest revision once every step of its workflow approved
    it, unless something now forbids publishing it (then nothing changes:
    the approval runs inside Wagtail's transaction)."""
    from .publishing import refuse_if_blocked  # reads the models: see above

    revision = workflow_state.content_object.get_latest_revision()
    refuse_if_blocked(revision.as_object(), workflow=workflow_state.workflow)
    revision.publish(user=user, skip_permission_checks=True)
