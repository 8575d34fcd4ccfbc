"""The search API, mounted at ``/api/v1/``."""

from django.urls import path

from search import views

app_name = "search_api"

urlpatterns = [
    path("search", views.api_search, name="search"),
    path("search/suggest", views.api_suggest, name="suggest"),
]
