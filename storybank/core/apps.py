from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "storybank.core"
    label = "core"
    verbose_name = _("Lào Cai Story core")

    def ready(self) -> None:
        from storybank.core import signals  # imports the models, which exist only once the apps are loaded

        signals.connect()
