from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    label = "media_pipeline"
    verbose_name = _("Media pipeline")

    def ready(self) -> None:
        # Imported here: models exist only once the apps are loaded.
        from wagtail.models import UploadedFile

        from .parked_uploads import purge_when_parking

        post_save.connect(purge_when_parking, sender=UploadedFile, dispatch_uid="media_pipeline.parked_uploads")
