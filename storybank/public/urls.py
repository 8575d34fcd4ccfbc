"""Place pages, inside the language prefix: ``/vi/places/``, ``/en/places/bac-ha/``…"""

from django.urls import path

from storybank.public import views

app_name = "public"

urlpatterns = [
    path("places/", views.place_index, name="places"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
]
