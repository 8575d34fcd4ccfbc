from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "storybank.governance"
    label = "governance"
    verbose_name = _("Editorial governance")

    def ready(self) -> None:
        # Imported here: models exist only once the apps are loaded.
        from storybank.taxonomy.models import ContributingUnit

        from .roles import on_unit_saved

        post_save.connect(on_unit_saved, sender=ContributingUnit, dispatch_uid="governance.unit_workspace")
