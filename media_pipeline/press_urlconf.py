"""The press URLs alone, without the language-prefixed page patterns.

``LocaleMiddleware`` answers any 404 outside ``/vi/…`` with a redirect to
``/vi/<same path>`` whenever that path resolves, and Wagtail's catch-all page
pattern resolves everything. A journalist's script asking for an unknown
image would get a 302 to a page instead of a 404. Press views set
``request.urlconf`` to this module, which the middleware reads, so their 404
stays a 404.
"""

from django.urls import include, path

urlpatterns = [path("press/", include("media_pipeline.urls"))]
