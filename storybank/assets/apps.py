from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "storybank.assets"
    label = "assets"
