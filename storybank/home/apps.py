from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "storybank.home"
    label = "home"
