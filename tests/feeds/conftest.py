"""Fixtures of the feeds tests: feeds and partners, content edits, real
webhook receivers on loopback and a real S3 server (moto) over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from wagtail.models import Page

STANDARDS = Path(__file__).resolve().parent.parent / "data" / "standards"


@pytest.fixture(autouse=True)
def _feeds_settings(settings):
    """Pushes go out only when a test runs the worker; rate-limit counters
    start from zero in every test."""
    settings.FEEDS_PUSH_ON_COMMIT = False
    settings.FEEDS_PUSH_BACKOFF_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_feed(db):
    from storybank.feeds.models import Feed

    counter = itertools.count(1)

    def make(**fields: Any) -> Feed:
        fields.setdefault("slug", f"test-feed-{next(counter)}")
        fields.setdefault("title", "Test feed")
        fields.setdefault("is_public", True)
        relations = {
            name: fields.pop(name) for name in ("readers", "ethnic_groups", "places", "topics") if name in fields
        }
        feed = Feed(**fields)
        for name, value in relations.items():
            setattr(feed, name, value)
        feed.save()
        return feed

    return make


@pytest.fixture
def quiet_demo_feeds(demo, db):
    """The demo's own feeds switched off, so a test reconciles only its own."""
    from storybank.feeds.models import Feed

    Feed.objects.update(active=False)


@pytest.fixture
def partner(db):
    from storybank.feeds.models import Partner

    return Partner.objects.create(name="Test partner", slug="test-partner", kind="press")


# --- content helpers ------------------------------------------------------------


def story_index():
    from storybank.stories.models import StoryIndexPage

    return StoryIndexPage.objects.filter(locale__language_code="vi").first()


_story_numbers = itertools.count(1)


def new_story(title: str, *, pillar: str = "sapa", image: Any = None, publish: bool = True, slug: str | None = None):
    """A published Vietnamese story under the demo's story index."""
    from django.utils.text import slugify

    from storybank.stories.models import StoryPage

    index = story_index()
    page = StoryPage(
        title=title, slug=slug or f"{slugify(title)}-moi-{next(_story_numbers)}", lede=f"Tóm tắt: {title}",
        pillar=pillar,
        hero_image=image, body=[{"type": "paragraph", "value": f"<p>{title}</p>"}], live=publish,
    )
    index.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def fresh(page: Page) -> Page:
    return Page.objects.get(pk=page.pk).specific


# --- a partner's replica, kept by pulling ?since= -----------------------------


@dataclass
class Replica:
    """What a partner holds after syncing a feed: item id → JSON Feed item."""

    slug: str
    headers: dict[str, str] = field(default_factory=dict)
    cursor: int = 0
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: int = 0

    def sync(self, client: Any, limit: int = 500) -> None:
        """Pull every change after the cursor, page by page, and apply it."""
        while True:
            response = client.get(f"/feeds/{self.slug}.json", {"since": self.cursor, "limit": limit}, **self.headers)
            assert response.status_code == 200, response.content[:300]
            document = response.json()
            self.pages += 1
            for item in document["items"]:
                if item["_laocai"].get("deleted"):
                    self.items.pop(item["id"], None)
                else:
                    self.items[item["id"]] = item
            sequences = [item["_laocai"]["sequence"] for item in document["items"]]
            assert sequences == sorted(sequences) and all(seq > self.cursor for seq in sequences)
            self.cursor = document["_laocai"]["next_cursor"]
            assert response["X-LaoCai-Next-Cursor"] == str(self.cursor)
            if not document["_laocai"]["has_more"]:
                return
            assert document["next_url"].endswith(f"since={self.cursor}&limit={limit}")


# --- signature check written from the README, independent of the app's code ---


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers["X-LaoCai-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-LaoCai-Signature"])


# --- a real webhook receiver on loopback ----------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1:<free port> that records every POST.
    ``statuses`` answers the first requests with those codes, then 200."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    #: When set, the first request waits here before answering.
    hold: threading.Event | None = None
    got_request: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def items(self) -> dict[str, dict[str, Any]]:
        """The partner's copy: apply every received change in sequence order,
        ignoring repeated idempotency keys."""
        seen: set[str] = set()
        replica: dict[str, dict[str, Any]] = {}
        changes = []
        for request in self.requests:
            key = request.headers["Idempotency-Key"]
            if key in seen:
                continue
            seen.add(key)
            changes.append(request.json)
        for change in sorted(changes, key=lambda c: c["sequence"]):
            if change["change"] == "upsert":
                replica[change["id"]] = change["item"]
            else:
                replica.pop(change["id"], None)
        return replica


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(statuses: list[int] | None = None, hold: threading.Event | None = None) -> Receiver:
        state = Receiver(statuses=list(statuses or []), hold=hold)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if len(body) < length:
                    # The sender died between headers and body (the kill test's
                    # other in-flight requests): a real receiver refuses it too.
                    self.close_connection = True
                    return
                with lock:
                    state.requests.append(Received(dict(self.headers.items()), body))
                    first = len(state.requests) == 1
                    status = state.statuses.pop(0) if state.statuses else 200
                state.got_request.set()
                if first and state.hold is not None:
                    state.hold.wait(60)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a worker killed mid-request leaves a broken pipe: expected here

        server = Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
        server.daemon_threads = True
        server.request_queue_size = 64  # the default backlog of 5 drops concurrent pushes
        server.server_bind()
        server.server_activate()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        state.server = server
        servers.append(server)
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def s3_server() -> Iterator[str]:
    """moto's S3 server on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
