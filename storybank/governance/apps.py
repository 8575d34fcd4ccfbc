from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class GovernanceConfig(AppConfig):
    default = True
    name = "storybank.governance"
    label = "governance"
    verbose_name = _("Editorial governance")

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from wagtail.models import Page
        from wagtail.permissions import register_permission_policy

        from storybank.taxonomy.models import ContributingUnit

        from .permissions import GovernedPagePermissionPolicy

        post_save.connect(on_unit_saved, sender=ContributingUnit, dispatch_uid="governance.unit_workspace")
        # Every admin listing of pages asks the policy registered for Page: drafts stay with their unit.
        register_permission_policy(Page, GovernedPagePermissionPolicy())


def on_unit_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A new or renamed contributing unit gets its contributors' group and
    collection at once, once governance has been set up."""
    from .models import UnitWorkspace
    from .roles import ensure_unit_workspace

    if not raw and UnitWorkspace.objects.exists():
        ensure_unit_workspace(instance)


class GovernedUsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with user screens that keep superuser status for
    superusers (``storybank.governance.users``)."""

    user_viewset = "storybank.governance.users.GovernedUserViewSet"
