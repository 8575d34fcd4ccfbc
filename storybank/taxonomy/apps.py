from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "storybank.taxonomy"
    label = "taxonomy"

    def ready(self) -> None:
        """Items show these terms: the change hub announces their renames and deletions."""
        from storybank.core.signals import track_terms

        from .models import ContributingUnit, EthnicGroup, Place, Topic

        track_terms(EthnicGroup, Place, Topic, ContributingUnit)
