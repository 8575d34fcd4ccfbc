"""Place pages and photo pages, inside the language prefix: ``/vi/places/bac-ha/``, ``/en/photos/12/``…"""

from django.urls import path

from storybank.public import views

app_name = "public"

urlpatterns = [
    path("places/", views.place_index, name="places"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("photos/<int:image_id>/", views.photo_detail, name="photo"),
]
