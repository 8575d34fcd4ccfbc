from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from media_pipeline.stored_files import media_file
from storybank.core import views as core_views
from storybank.public import views as public_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("search.api_urls")),
    path("feeds/", include("storybank.feeds.urls")),
    path("press/", include("media_pipeline.urls")),
    path("sitemap.xml", public_views.sitemap_index, name="sitemap"),
    path("sitemap-<str:code>.xml", public_views.sitemap_locale, name="sitemap_locale"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("healthz", core_views.healthz, name="healthz"),
]

# Media files are served by the app in every environment, each asked the visibility rule
# (media_pipeline.stored_files); with S3 the answer is a redirect to a signed URL.
urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media_file, name="media")]

# Public pages live under a language prefix: /vi/, /en/, /zh-hans/…
# "/" has no page of its own; LocaleMiddleware redirects it to the visitor's
# language (cookie, then Accept-Language, then Vietnamese).
urlpatterns += i18n_patterns(
    path("", include("search.urls")),  # the public and journalists' search page
    path("", include("storybank.public.urls")),  # place pages
    path("", include("storybank.lightboxes.urls")),  # journalists' lightboxes
    path("", include("storybank.press.urls")),  # journalists' accounts and access requests
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
