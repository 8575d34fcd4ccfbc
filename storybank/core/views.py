"""Site-wide endpoints that are not pages: sitemap, robots.txt, health."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site


def public_pages_of_site(site: Site) -> list[Page]:
    """Live public pages of every locale's tree of ``site``."""
    roots = site.root_page.get_translations(inclusive=True).live()
    pages: list[Page] = []
    for root in roots:
        pages.extend(root.get_descendants(inclusive=True).live().public().select_related("locale").order_by("path"))
    return pages


@require_GET
@cache_page(300)
def sitemap(request: HttpRequest) -> HttpResponse:
    """One sitemap for every locale; each URL lists its translations as
    ``xhtml:link`` alternates (Google's hreflang-in-sitemap form)."""
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    pages = public_pages_of_site(site)
    by_key: dict[object, list[Page]] = defaultdict(list)
    for page in pages:
        by_key[page.translation_key].append(page)
    entries = []
    for page in pages:
        alternates = [
            (other.locale.language_code, other.get_full_url(request)) for other in by_key[page.translation_key]
        ]
        entries.append(
            {"location": page.get_full_url(request), "lastmod": page.last_published_at, "alternates": alternates}
        )
    xml = render_to_string("core/sitemap.xml", {"entries": entries})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
