from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "storybank.feeds"
    label = "feeds"
    verbose_name = _("Partner feeds")

    def ready(self) -> None:
        # Imported here: these modules define or import models, which exist only once the apps are loaded.
        from storybank.analytics.labels import name_details_with

        from . import sync
        from .models import feed_saved, feed_title

        sync.connect()
        feed_saved.connect(sync.on_feed_saved, dispatch_uid="feeds.feed_saved")
        name_details_with(feed_title)  # the KPI dashboard names the feeds it counted pulls and pushes of
