from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "storybank.demo"
    label = "demo"
