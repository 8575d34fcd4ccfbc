"""The controlled vocabularies every layer of the asset bank speaks.

Values are stable identifiers used in URLs, the API and partner feeds; labels
go through gettext so they read naturally in every interface language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    """The three image pillars of the province's promotion plan."""

    SAPA = "sapa", _("Sa Pa – an international destination")
    GATEWAY = "gateway", _("Lào Cai – the ASEAN–China trade gateway")
    CULTURE = "culture", _("Ethnic culture of the border region")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0 (public domain)")
    GOV_REUSE = "gov-reuse", _("Government free reuse with credit")
    PRESS_ONLY = "press-only", _("Press use only")


#: Licences that allow partners to republish the asset (feeds, pushes).
REDISTRIBUTABLE_LICENCES = frozenset(
    {Licence.CC_BY, Licence.CC_BY_SA, Licence.CC0, Licence.GOV_REUSE}
)

LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.GOV_REUSE: "",
    Licence.PRESS_ONLY: "",
}


class ConsentStatus(models.TextChoices):
    """Consent of identifiable people shown in an asset."""

    NOT_APPLICABLE = "not-applicable", _("No identifiable people")
    OBTAINED = "obtained", _("Consent obtained")
    MISSING = "missing", _("Consent missing")


class CultureCategory(models.TextChoices):
    FESTIVAL = "festival", _("Festival")
    CRAFT = "craft", _("Craft")
    MUSIC_DANCE = "music-dance", _("Music and dance")
    COSTUME = "costume", _("Costume")
    CUISINE = "cuisine", _("Cuisine")
    RITUAL = "ritual", _("Ritual")
    ARCHITECTURE = "architecture", _("Architecture")
    LANGUAGE_SCRIPT = "language-script", _("Language and script")


class OCOPProductGroup(models.TextChoices):
    """The six product groups of the national OCOP programme."""

    FOOD = "food", _("Food")
    BEVERAGE = "beverage", _("Beverages")
    HERBAL = "herbal", _("Herbal products")
    TEXTILE = "textile", _("Textiles and garments")
    HANDICRAFT = "handicraft", _("Souvenirs, furniture and decoration")
    TOURISM = "tourism", _("Community tourism services")


class Sensitivity(models.TextChoices):
    """Subjects that send an item through the second (sensitive) review."""

    BORDER = "border", _("Border")
    ETHNICITY = "ethnicity", _("Ethnicity")
    RELIGION = "religion", _("Religion")
    FOREIGN_AFFAIRS = "foreign-affairs", _("Foreign affairs")


class ContentKind(models.TextChoices):
    """Every kind of item in the bank, as search facets, feed rules and the
    API name them. Pages and assets share one vocabulary."""

    STORY = "story", _("Story")
    PRODUCT = "product", _("OCOP product")
    CULTURE = "culture", _("Culture entry")
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    DOCUMENT = "document", _("Document")


class MediaKind(models.TextChoices):
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    DOCUMENT = "document", _("Document")
