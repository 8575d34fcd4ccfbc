from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "storybank.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # Imported here: both modules define or import models, which exist only once the apps are loaded.
        from storybank.core.models import page_served

        from .recording import label_served_page

        page_served.connect(label_served_page, dispatch_uid="analytics.page_view")
