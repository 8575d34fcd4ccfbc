"""The site's URLs with ``/media/`` served raw from MEDIA_ROOT, ahead of the
app's own checked route, as a misconfigured web server in front would serve
it: the rights-expiry test checks that a withdrawal leaves nothing behind
even there (the app's route refuses withdrawn assets anyway)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from storybank.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
