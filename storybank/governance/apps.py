from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "storybank.governance"
    label = "governance"
    verbose_name = _("Editorial governance")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from storybank.taxonomy.models import ContributingUnit

        post_save.connect(on_unit_saved, sender=ContributingUnit, dispatch_uid="governance.unit_workspace")


def on_unit_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A new or renamed contributing unit gets its contributors' group and
    collection at once, once governance has been set up."""
    from .models import UnitWorkspace
    from .roles import ensure_unit_workspace

    if not raw and UnitWorkspace.objects.exists():
        ensure_unit_workspace(instance)
