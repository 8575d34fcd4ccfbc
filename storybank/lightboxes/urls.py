"""Lightboxes, inside the language prefix: ``/en/lightboxes/``, ``/vi/lightboxes/12/``…"""

from django.urls import path

from . import views

app_name = "lightboxes"

urlpatterns = [
    path("lightboxes/", views.lightbox_list, name="list"),
    path("lightboxes/add/", views.add_item, name="add"),
    path("lightboxes/<int:lightbox_id>/", views.lightbox_detail, name="detail"),
    path("lightboxes/<int:lightbox_id>/rename/", views.rename, name="rename"),
    path("lightboxes/<int:lightbox_id>/delete/", views.delete, name="delete"),
    path("lightboxes/<int:lightbox_id>/share/", views.share, name="share"),
    path("lightboxes/<int:lightbox_id>/download/", views.download, name="download"),
    path("lightboxes/<int:lightbox_id>/items/<int:item_id>/remove/", views.remove_item, name="remove"),
    path("lightboxes/<int:lightbox_id>/items/<int:item_id>/note/", views.edit_note, name="note"),
    path("lightboxes/<int:lightbox_id>/items/restore/", views.restore_item, name="restore"),
    path("lightboxes/shared/<str:token>/", views.shared, name="shared"),
    path("lightboxes/shared/<str:token>/download/", views.shared_download, name="shared_download"),
]
