from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "storybank.feeds"
    label = "feeds"
    verbose_name = _("Partner feeds")

    def ready(self) -> None:
        from . import sync

        sync.connect()
