"""``GovernedPage``: what governance adds to every content page (stories,
OCOP products, culture entries): each page type inherits it before
``ContentPage`` (``class StoryPage(GovernedPage, ContentPage)``).

It plugs the governance rules into the hooks Wagtail offers page models:
the permission tester, the workflow choice, the admin form and publishing;
and it tells the change signal when a publication is a correction and a
withdrawal a retraction. It adds no fields.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from storybank.core.signals import Change

from .corrections import publish_pending_note, published_corrections, published_with
from .forms import ContentPageForm
from .permissions import GovernedPagePermissionTester
from .publishing import refuse_if_blocked
from .retractions import is_retracted, refuse_if_retracted
from .workflows import choose_workflow


class GovernedPage:
    base_form_class = ContentPageForm

    def permissions_for_user(self, user: Any) -> Any:
        return GovernedPagePermissionTester(user, self)

    def get_workflow(self) -> Any:
        return choose_workflow(self, super().get_workflow())

    @property
    def has_workflow(self) -> bool:
        return self.get_workflow() is not None

    def publish(self, revision: Any, user: Any = None, *args: Any, skip_permission_checks: bool = False,
                **kwargs: Any) -> Any:
        """A person publishing (bulk actions, code acting for a user) is
        refused what may not be published; approvals check before they
        publish and the editor's "Publish" is checked by a hook. A retracted
        page is refused to everyone. A pending correction note goes out
        with the version published."""
        refuse_if_retracted(self)
        if user is not None and not skip_permission_checks:
            refuse_if_blocked(revision.as_object(), user=user)
        with transaction.atomic():
            publish_pending_note(self, revision, user)
            return super().publish(revision, user, *args, skip_permission_checks=skip_permission_checks, **kwargs)

    # --- what the change signal announces (``storybank.core.signals.said_by``) ---
    def publication_change(self, revision: Any) -> Change:
        return Change.CORRECTED if published_with(self, revision) is not None else Change.PUBLISHED

    def withdrawal_change(self) -> Change:
        return Change.RETRACTED if is_retracted(self) else Change.WITHDRAWN

    @property
    def published_corrections(self) -> list[Any]:
        """The corrections readers see under the text, oldest first."""
        return published_corrections(self)
