"""Public press downloads, mounted at ``/press/`` (namespace ``press``)."""

from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("images/<int:image_id>/original/", views.original, name="original"),
    path("images/<int:image_id>/credit.txt", views.credit, name="credit"),
    path("images/<int:image_id>/<slug:preset>.zip", views.rendition_zip, name="rendition_zip"),
    path("images/<int:image_id>/<slug:preset>/", views.rendition, name="rendition"),
    path("kit/<int:page_id>.zip", views.kit, name="kit"),
]
