"""The taxonomy's own vocabularies: kinds of places and of contributing units."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Provincial department")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    PRESS = "press", _("Press")


class PlaceKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    LANDMARK = "landmark", _("Landmark or area")
