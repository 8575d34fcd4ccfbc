from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "storybank.products"
    label = "products"
