from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    """Press accounts: journalists register, editors approve them (the Press
    group) and answer access requests to restricted photos."""

    name = "storybank.press"
    label = "press_accounts"  # "press" is the namespace of media_pipeline's downloads
    verbose_name = _("Press accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from storybank.core.visibility import register_press_only_grant

        from .grants import has_live_grant

        register_press_only_grant(has_live_grant)
