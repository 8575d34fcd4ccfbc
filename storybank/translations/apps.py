from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    """Translations that stay true: whether each translation is current with
    its source, who made it, its review, and what visitors, editors and
    partners are told about it."""

    name = "storybank.translations"
    label = "translations"
    verbose_name = _("Translation status")

    def ready(self) -> None:
        from . import receivers  # imports the models, which exist only once the apps are loaded

        receivers.connect()
