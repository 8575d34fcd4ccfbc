from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class GovernanceConfig(AppConfig):
    name = "storybank.governance"
    label = "governance"
    verbose_name = _("Editorial governance")

    def ready(self) -> None:
        # Imported here: models exist only once the apps are loaded.
        from wagtail.models import Page
        from wagtail.permissions import register_permission_policy

        from storybank.taxonomy.models import ContributingUnit

        from .permissions import GovernedPagePermissionPolicy
        from .roles import on_unit_saved

        post_save.connect(on_unit_saved, sender=ContributingUnit, dispatch_uid="governance.unit_workspace")
        # Every admin listing of pages asks the policy registered for Page: drafts stay with their unit.
        register_permission_policy(Page, GovernedPagePermissionPolicy())


class GovernedUsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with user screens that keep superuser status for
    superusers (``storybank.governance.users``)."""

    user_viewset = "storybank.governance.users.GovernedUserViewSet"
