"""Fixtures of the corrections and retractions tests: the feeds tests'
feeds, partners and loopback receivers, the governance tests' signed-in
roles, and a partner that pulls with its key and receives pushes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from lxml import etree

from tests.feeds.conftest import (  # noqa: F401 (fixtures shared with the feeds tests)
    STANDARDS,
    _feeds_settings,
    fresh,
    make_feed,
    new_story,
    partner,
    quiet_demo_feeds,
    receiver,
)
from tests.governance.conftest import as_role  # noqa: F401 (fixture)
from tests.site.browser import browser  # noqa: F401 (fixture)

NAR = {"n": "http://iptc.org/std/nar/2006-10-01/"}


@dataclass
class Syndication:
    """A private feed of stories read by one partner, which pulls with its key and has a webhook."""

    feed: Any
    partner: Any
    key: str
    server: Any
    destination: Any

    @property
    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}

    def pull(self, client: Any, fmt: str, **params: Any) -> bytes:
        response = client.get(f"/feeds/{self.feed.slug}.{fmt}", params, **self.auth)
        assert response.status_code == 200, response.content[:300]
        return response.content

    def pull_json(self, client: Any, **params: Any) -> dict[str, Any]:
        return json.loads(self.pull(client, "json", **params))


@pytest.fixture
def syndication(quiet_demo_feeds, make_feed, partner, receiver) -> Syndication:  # noqa: F811 (fixtures)
    from storybank.feeds.models import ApiKey, PushDestination

    feed = make_feed(slug="dinh-chinh", kinds=["story"], is_public=False, readers=[partner])
    _key, raw = ApiKey.issue(partner, "importer")
    server = receiver()
    destination = PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=server.url)
    return Syndication(feed, partner, raw, server, destination)


def translate(page: Any, language: str, title: str, lede: str) -> Any:
    """A published translation of ``page`` (as wagtail-localize would make it)."""
    from wagtail.models import Locale

    translation = page.copy_for_translation(Locale.objects.get(language_code=language))
    translation.title, translation.lede = title, lede
    translation.save_revision().publish()
    return fresh(translation)


def workflow_action(client: Any, page: Any, action: str, comment: str = "") -> Any:
    state = fresh(page).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, {"comment": comment})


@pytest.fixture(scope="session")
def newsml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "newsml-g2-2.35" / "NewsML-G2_2.35-spec-All-Power.xsd")))


def schema_errors(name: str, document: dict) -> list[str]:
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(json.loads((STANDARDS / name).read_text()), format_checker=FormatChecker())
    return [f"{list(error.absolute_path)}: {error.message[:300]}" for error in validator.iter_errors(document)]


class Hook:
    """A partner's webhook on a fixed loopback port that can go down and come
    back up on the same address; it answers 200 and keeps what it got."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:  # a free port, kept for this hook's whole life
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.bodies: list[dict[str, Any]] = []
        self.server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> Hook:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def hooks():
    """``hooks(n)``: n webhooks, up; all brought down at the end."""
    made: list[Hook] = []

    def make(count: int) -> list[Hook]:
        made.extend(Hook().up() for _ in range(count))
        return made[-count:]

    yield make
    for hook in made:
        hook.down()
