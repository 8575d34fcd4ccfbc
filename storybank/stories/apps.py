from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "storybank.stories"
    label = "stories"
