"""Fixtures of the translation tests: the demo's people, each signed in to
their own client, and the pages the tests translate."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page

from storybank.settings.machine_translation import machine_translator
from storybank.stories.models import StoryPage
from tests.site.browser import browser  # noqa: F401 (fixture of the browser tests)

#: The demo's users (storybank/governance/demo_content.py).
PEOPLE = {"editor": "bientap", "translator_en": "dich-en", "translator_zh": "dich-zh", "administrator": "quantri"}


@pytest.fixture
def signed_in(demo, db):
    """``signed_in("translator_en")``: a test client signed in as that demo user."""
    clients: dict[str, Client] = {}

    def client(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(get_user_model().objects.get(username=PEOPLE[role]))
        return clients[role]

    return client


def story(slug: str, language: str = "vi") -> StoryPage:
    return StoryPage.objects.get(slug=slug, locale__language_code=language)


def fresh(page: Page) -> Any:
    return Page.objects.get(pk=page.pk).specific


def publish_change(page: Page, **fields: Any) -> Page:
    """Change ``page`` as an editor would and publish it (a new revision)."""
    page = fresh(page)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return fresh(page)


class LibreTranslate(BaseHTTPRequestHandler):
    """``POST /translate`` as LibreTranslate answers it: ``{"translatedText": [...]}``
    (here each text prefixed with its target language), or 503 when ``failing``."""

    received: list[dict[str, Any]] = []
    failing = False

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, **body})
        if type(self).failing:
            self.send_response(503)
            self.end_headers()
            return
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        payload = json.dumps({"translatedText": [f"[{body['target']}] {text}" for text in texts]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def libretranslate(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), LibreTranslate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    LibreTranslate.received, LibreTranslate.failing = [], False
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(
        {"MACHINE_TRANSLATION_LIBRETRANSLATE_URL": f"http://127.0.0.1:{server.server_port}/",
         "MACHINE_TRANSLATION_LIBRETRANSLATE_KEY": "khoa-thu"}
    )
    yield LibreTranslate
    server.shutdown()
    server.server_close()
