from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "storybank.culture"
    label = "culture"
