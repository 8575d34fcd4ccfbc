"""The site's URLs plus ``/media/`` served from MEDIA_ROOT, as the web server
in front of the app serves it (nginx, or Django's static view in DEBUG): the
rights-expiry test checks what a rendition's public address answers."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from storybank.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
