"""Doors and defaults (issue 15, item 10): sign-in throttling, wrong API keys
counted, security headers, write-only S3 secrets, refused default secrets
and demo content in production, branded error pages in every language, JSON
errors on machine URLs, ASCII-only cursors, documented deployment, rendition
names that are not hidden files, decomposed Vietnamese file names."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.test.utils.form_data import querydict_from_html

from storybank.assets.models import LaoCaiImage
from storybank.feeds.models import DestinationKind, Feed, Partner, PushDestination
from tests.media_pipeline import files

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # rate-limit windows live in the cache
    yield
    cache.clear()


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "storybank.settings.production",
                   "SECRET_KEY": "a-real-deployment-key-" + "9f3c1e" * 8, "ALLOWED_HOSTS": "story.laocai.gov.vn",
                   **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=300)


# --- sign-in and keys ------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_admin_sign_in_is_throttled_per_account_and_per_address(django_user_model, settings):
    django_user_model.objects.create_superuser("bientap", "b@laocai.example", "dung-mat-khau-2026")
    login = reverse("wagtailadmin_login")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def attempt(username: str, password: str, address: str = "203.0.113.7"):
        return client.post(login, {"username": username, "password": password}, REMOTE_ADDR=address)

    for _ in range(5):
        assert "didn&#x27;t match" in attempt("bientap", "sai").content.decode()
    refused = attempt("bientap", "dung-mat-khau-2026")  # the right password, too late
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert re.search(r"Too many failed sign-in attempts .* Try again in \d+ minutes", refused.content.decode())
    # Another address does not lift the account's lock…
    assert "Too many failed" in attempt("bientap", "dung-mat-khau-2026", "198.51.100.9").content.decode()

    # …and one address trying many accounts is stopped too.
    settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c"):
        attempt(name, "sai", "192.0.2.50")
    assert "Too many failed" in attempt("d", "sai", "192.0.2.50").content.decode()


def test_wrong_api_keys_count_toward_the_rate_limit(client, settings):
    settings.FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE = 3
    answers = [client.get(reverse("feeds:index"), HTTP_AUTHORIZATION=f"Bearer lc_guess_{n}").status_code
               for n in range(5)]
    assert answers[:3] == [401, 401, 401] and answers[3:] == [429, 429]


# --- headers, secrets, defaults ---------------------------------------------------------------


def test_security_policy_headers_in_production(client, settings):
    settings.SECURITY_POLICY_HEADERS = True
    response = client.get("/robots.txt")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert "geolocation=()" in response["Permissions-Policy"] and "camera=()" in response["Permissions-Policy"]
    # The production settings turn them on.
    shown = manage("shell", "-c", "from django.conf import settings; print(settings.SECURITY_POLICY_HEADERS)")
    assert shown.stdout.strip().endswith("True"), shown.stderr


def test_partner_s3_secrets_are_write_only(admin_client):
    partner = Partner.objects.create(name="Cổng thông tin đối ngoại", slug="doi-ngoai")
    feed = Feed.objects.create(slug="doi-ngoai", title="Đối ngoại", is_public=True)
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    PushDestination.objects.create(partner=partner, feed=feed, name="bucket", kind=DestinationKind.S3,
                                   bucket="doi-ngoai", access_key_id="AKIAEXAMPLE", secret_access_key=secret)
    url = reverse("wagtailsnippets_feeds_partner:edit", args=[partner.pk])
    html = admin_client.get(url).content.decode()
    assert secret not in html and "AKIAEXAMPLE" in html

    data = querydict_from_html(html, form_id="w-editor-form")
    assert admin_client.post(url, data).status_code == 302  # saved back as shown: the secret is kept
    assert PushDestination.objects.get().secret_access_key == secret
    field = next(name for name in data if name.endswith("-secret_access_key"))
    data[field] = "new-secret-from-the-partner"
    admin_client.post(url, data)
    assert PushDestination.objects.get().secret_access_key == "new-secret-from-the-partner"


def test_published_secret_keys_and_the_demo_are_refused_in_production(tmp_path):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", compose["x-app-environment"]["SECRET_KEY"])  # required
    for key in ("dev-only-insecure-key-change-me", "change-me-to-a-long-random-string-before-any-real-use"):
        refused = manage("check", SECRET_KEY=key)
        assert refused.returncode != 0 and "published default" in refused.stderr
    demo = manage("load_demo", STORYBANK_VAR_DIR=str(tmp_path))
    assert demo.returncode != 0 and "load_demo refuses to run with production settings" in demo.stderr
    deployment = (ROOT / "docs" / "deployment.md").read_text()  # the settings point at it
    for subject in ("SECRET_KEY", "MEDIA", "/media/", "task_worker", "Content-Security-Policy",
                    "CLIENT_ADDRESS_HEADER"):
        assert subject in deployment, subject


# --- error pages -----------------------------------------------------------------------------


def boom(request):
    raise RuntimeError("deliberate")


from storybank.urls import urlpatterns as site_urls  # noqa: E402

urlpatterns = [path("vi/boom/", boom), path("en/boom/", boom), path("api/v1/boom", boom), *site_urls]


def test_branded_404_in_every_language(client, locales):
    from django.conf import settings

    for code, _name in settings.LANGUAGES:
        response = client.get(f"/{code}/khong-co-trang-nay/")
        html = response.content.decode()
        assert response.status_code == 404, code
        with translation.override(code):
            assert gettext("This page does not exist") in html, code
            assert gettext("Lào Cai Story") in html, code
        assert 'class="site-header"' in html and f'lang="{code}"' in html


@override_settings(ROOT_URLCONF=__name__)
def test_branded_500_in_the_visitors_language():
    client = Client(raise_request_exception=False)
    for code in ("vi", "en"):
        response = client.get(f"/{code}/boom/")
        assert response.status_code == 500
        with translation.override(code):
            assert gettext("Something went wrong on our side") in response.content.decode()
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json()["error"]["code"] == "server_error"


def test_feed_and_api_errors_are_json(client):
    Feed.objects.create(slug="tin-moi", title="Tin mới", is_public=True)
    for method, url, status in (
        ("get", "/api/v1/khong-co", 404), ("get", "/feeds/tin-moi/khong-co", 404), ("get", "/api/", 404),
        ("post", reverse("search_api:search"), 405), ("post", reverse("feeds:feed", args=["tin-moi", "json"]), 405),
        ("post", reverse("feeds:index"), 405), ("delete", reverse("search_api:suggest"), 405),
    ):
        response = getattr(Client(enforce_csrf_checks=True), method)(url)
        assert response.status_code == status, (method, url, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (method, url)
        assert response.json()["error"]["message"], (method, url)
        if status == 405:
            assert "GET" in response["Allow"]


def test_feed_cursors_take_ascii_digits_only(client):
    Feed.objects.create(slug="tin-moi", title="Tin mới", is_public=True)
    url = reverse("feeds:feed", args=["tin-moi", "json"])
    assert client.get(url, {"since": "0"}).status_code == 200
    for cursor in ("١٢", "٣", " 0", "0 ", "1_0", "+0", "０"):
        response = client.get(url, {"since": cursor})
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_since", repr(cursor)
    assert client.get(url, {"limit": "１０"}).status_code == 400


# --- files ----------------------------------------------------------------------------------


def test_rendition_files_are_never_hidden_dot_files():
    from media_pipeline.ingest import ingest_image
    from media_pipeline.renditions import render

    image = ingest_image(files.jpeg(), filename="anh.jpg", credit="Ảnh: A", licence="cc-by-4.0").asset
    for preset, fmt, branded in (("facebook", "webp", True), ("stories", "jpeg", True), ("thumbnail", "webp", False)):
        name = Path(render(image, preset, fmt, branded=branded).file.name).name
        assert not name.startswith("."), name
        assert name.startswith("anh."), name


@pytest.mark.usefixtures("english")
def test_import_finds_files_with_decomposed_vietnamese_names(tmp_path):
    from storybank.taxonomy.models import ContributingUnit

    ContributingUnit.objects.create(name="Báo Lào Cai", slug="bao-lao-cai", kind="press")
    composed = "Ruộng bậc thang Mù Cang Chải.jpg"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    (tmp_path / decomposed).write_bytes(files.jpeg(files.photo(seed=5)))  # as macOS writes it
    with (tmp_path / "metadata.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["filename", "title", "credit", "licence"],
                                      [composed, "Mù Cang Chải", "Ảnh: Báo Lào Cai", "cc-by-4.0"]])
    err = io.StringIO()
    call_command("import_assets", str(tmp_path), "--metadata", str(tmp_path / "metadata.csv"),
                 "--unit", "Báo Lào Cai", stdout=io.StringIO(), stderr=err)
    assert "not found" not in err.getvalue()
    assert LaoCaiImage.objects.filter(title="Mù Cang Chải").exists()
