from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    """The public multilingual site: page cache, SEO, place pages and sitemaps."""

    name = "storybank.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from storybank.public import receivers  # imports the models, which exist only once the apps are loaded

        receivers.connect()
