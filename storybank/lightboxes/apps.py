from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LightboxesConfig(AppConfig):
    """Journalists' lightboxes: named selections of photos, media and stories, shared and zipped."""

    name = "storybank.lightboxes"
    label = "lightboxes"
    verbose_name = _("Lightboxes")
