from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    """The public multilingual site: page cache, SEO, the home page's sections and place pages."""

    name = "storybank.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from storybank.public import receivers

        receivers.connect()
