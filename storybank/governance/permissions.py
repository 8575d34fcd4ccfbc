"""Who may do what to a content page, decided on the server.

Wagtail's page permissions are per branch of the tree (``GroupPagePermission``):
editors hold every permission on the root, translators hold "change" on
their locale's tree, contributors hold "add" on the Vietnamese section pages
(stories, OCOP products, culture). ``GovernedPagePermissionTester`` narrows
what Wagtail would allow:

* a contributor (someone with "add" but not "change" where the page is)
  edits, previews and deletes only pages of their own unit (and their own
  pages that have no unit yet), never another unit's;
* nobody but a superuser publishes a sensitive item directly: it is
  published by the last approval of the sensitive review.

Wagtail asks ``page.permissions_for_user(user)`` in every admin view, the
page actions and the bulk actions, so the rule holds wherever a page is
touched, not only in menus. ``GovernedPagePermissionPolicy`` applies the
same unit rule to what the admin lists (explorer, page search, site
history): another unit's drafts stay with that unit.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from storybank.core.models import content_page_models

from .models import UnitWorkspace

_UNITS_CACHE = "_governance_unit_ids"


def unit_ids_for(user: Any) -> frozenset[int]:
    """The contributing units ``user`` contributes for (through the units'
    contributor groups), cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _UNITS_CACHE, None)
    if cached is None:
        cached = frozenset(UnitWorkspace.objects.filter(group__user=user).values_list("unit_id", flat=True))
        setattr(user, _UNITS_CACHE, cached)
    return cached


class GovernedPagePermissionTester(PagePermissionTester):
    """Wagtail's page permission tester with the unit and sensitivity rules."""

    @property
    def unit_scoped(self) -> bool:
        """Contributors work within their units: they may add pages here but
        not change everyone's."""
        return self.user.is_active and not self.user.is_superuser and "change" not in self.permissions

    @property
    def units(self) -> frozenset[int]:
        return unit_ids_for(self.user)

    def belongs_to_user(self) -> bool:
        """Is the page the contributor's to work on? Their unit's pages, or
        their own pages that do not name a unit yet."""
        unit_id = getattr(self.page, "contributing_unit_id", None)
        if unit_id is not None:
            return unit_id in self.units
        return self.page.owner_id == self.user.pk

    def reviewing(self) -> bool:
        """Reviewers of the page's current workflow step may open it."""
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_edit(self) -> bool:
        if not self.unit_scoped or self.page_is_root:
            return super().can_edit()
        if "add" in self.permissions and self.belongs_to_user():
            return True
        return self.reviewing()

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        if self.unit_scoped and not self.belongs_to_user():
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_publish(self) -> bool:
        if getattr(self.page, "is_sensitive", False) and not self.user.is_superuser:
            return False
        return super().can_publish()

    def can_unschedule(self) -> bool:
        # Cancelling a scheduled publish, or restricting who may view a page,
        # is not publishing: editors may do it for sensitive items too.
        return super().can_publish()

    def can_set_view_restrictions(self) -> bool:
        return super().can_publish()


class GovernedPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, with the pages a person may explore
    in the admin (explorer, page search, site history, anything asking
    ``explorable_instances``) narrowed to the unit rule: besides pages
    they may change by permission, contributors see only their unit's
    stories, products and culture entries (and their own without a unit),
    never another unit's drafts. Registered for ``Page`` by the app config."""

    def explorable_instances(self, user: Any) -> QuerySet:
        pages = super().explorable_instances(user)
        if not getattr(user, "is_active", False) or user.is_superuser:
            return pages
        models = content_page_models()
        content = Page.objects.type(*models).values("pk")
        changeable = self.instances_user_has_permission_for(user, "change").values("pk")
        units = unit_ids_for(user)
        own = Q()
        for model in models:
            own |= Q(pk__in=model.objects.filter(
                Q(contributing_unit_id__in=units) | Q(contributing_unit__isnull=True, owner=user)
            ).values("pk"))
        return pages.filter(~Q(pk__in=content) | Q(pk__in=changeable) | own)
