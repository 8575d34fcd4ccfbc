"""Which review an item goes through, and what the last approval does.

Every page is reviewed by the workflow Wagtail finds for it in the tree
(the standard review, assigned to the root by ``setup_governance``). An
item flagged sensitive (border, ethnicity, religion, foreign affairs) goes
through the sensitive review instead: the editors, then the
sensitive-content reviewers. ``GovernedPage.get_workflow`` asks
:func:`choose_workflow`; Wagtail calls it when an item is submitted.

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


def choose_workflow(page: Any, default: Workflow | None) -> Workflow | None:
    """The workflow reviewing ``page`` in its current (possibly unsaved) state."""
    if getattr(page, "is_sensitive", False):
        return sensitive_workflow() or default
    return default


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    """Publish the latest revision once every step of its workflow approved
    it, unless something now forbids publishing it (then nothing changes:
    the approval runs inside Wagtail's transaction)."""
    from .publishing import refuse_if_blocked  # reads the models: see above

    revision = workflow_state.content_object.get_latest_revision()
    refuse_if_blocked(revision.as_object(), workflow=workflow_state.workflow)
    revision.publish(user=user, skip_permission_checks=True)
