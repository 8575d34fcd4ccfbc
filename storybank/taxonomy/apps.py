from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "storybank.taxonomy"
    label = "taxonomy"
