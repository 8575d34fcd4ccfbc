"""Responsive WebP renditions with per-language alt text, and production
static files (compressed, fingerprinted) collected for real."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from storybank.stories.models import StoryPage

from .pagedata import read_head

pytestmark = pytest.mark.django_db


def test_images_are_webp_srcsets_with_width_descriptors_and_sizes(demo, client):
    story = StoryPage.objects.live().filter(locale__language_code="en", hero_image__isnull=False).first()
    html = client.get(story.url).content.decode()
    images = [img for img in read_head(html).images if "srcset" in img]
    assert images
    for img in images:
        candidates = [part.strip().split() for part in img["srcset"].split(",")]
        assert all(url.endswith(".webp") and re.fullmatch(r"\d+w", width) for url, width in candidates)
        widths = [int(width[:-1]) for _url, width in candidates]
        assert widths == sorted(widths) and len(widths) >= 2
        assert img["sizes"] and img["width"] and img["height"]
        assert img["src"].endswith(".webp")
    hero = images[0]
    with translation.override("en"):
        assert hero["alt"] == story.hero_image.alt_for()
    assert hero["alt"] != story.hero_image.description  # the English alt text, not the Vietnamese one
    assert hero.get("loading") == "eager" and hero.get("fetchpriority") == "high"
    assert all(img.get("loading") == "lazy" for img in images[1:])


def test_every_image_on_public_pages_has_alt_text(demo, client):
    for path in ("/vi/", "/en/", "/zh-hans/", "/vi/cau-chuyen/", "/vi/san-pham-ocop/", "/vi/places/sa-pa/"):
        for img in read_head(client.get(path).content.decode()).images:
            assert img.get("alt"), (path, img.get("src"))


def test_production_collectstatic_compresses_and_fingerprints(tmp_path):
    """``collectstatic`` with the production settings (whitenoise's CompressedManifestStaticFilesStorage)."""
    env = {"DJANGO_SETTINGS_MODULE": "storybank.settings.production", "SECRET_KEY": "test-only", "ALLOWED_HOSTS": "x",
           "STORYBANK_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "static"
    manifest = (root / "staticfiles.json").read_text()
    css = next(root.glob("css/site.*.css"))
    assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", css.name)
    assert Path(str(css) + ".gz").exists() and Path(str(css) + ".br").exists()
    assert gzip.decompress(Path(str(css) + ".gz").read_bytes()) == css.read_bytes()
    text = css.read_text()
    # The stylesheet points at the fingerprinted fonts.
    fonts = re.findall(r'url\("?\.\./fonts/be-vietnam-pro/([^")]+)"?\)', text)
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", name) for name in fonts)
    assert "vendor/leaflet/leaflet.js" in manifest and "js/map.js" in manifest
    assert any(root.glob("fonts/be-vietnam-pro/OFL*.txt"))
