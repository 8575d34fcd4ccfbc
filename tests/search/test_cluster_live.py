"""What only a live cluster can show: ``search_reindex`` swapping the alias
while searches keep answering, and the Elasticsearch client sending exactly
the requests the OpenSearch client sends (so what the OpenSearch node proves
here holds for Elasticsearch 8, which cannot be fetched on these machines:
docs/decisions.md).

Runs against OPENSEARCH_URL (``make test`` starts the node); fails when it is
set and the node does not answer, skips without it.
"""

from __future__ import annotations

import io
import json
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from search.backends.cluster import ClusterBackend
from search.backends.cluster.elasticsearch import ElasticsearchConnection
from search.backends.cluster.opensearch import OpenSearchConnection
from search.query import SearchQuery
from search.service import search
from tests.search.conftest import cluster_param, use_backend

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[cluster_param("opensearch")])
def live(request, cluster_backends, db):
    """The module's live OpenSearch backend, configured as the site's search."""
    backend = cluster_backends(request.param)
    backend.restore()
    with use_backend(backend):
        yield backend


def test_reindex_swaps_the_alias_while_a_thread_keeps_searching(live):
    query = SearchQuery(text="Fansipan", facets=False, per_page=50)
    expected = search(query).total
    assert expected > 3
    before = live.connection.indices_behind(live.alias)
    answers: list[int] = []
    failures: list[BaseException] = []
    reindexing = threading.Event()
    done = threading.Event()

    def keep_searching() -> None:
        while not done.is_set():
            try:
                total = live.search(query).total  # no database needed: facets off
            except BaseException as error:  # noqa: B036 (any failure is what this test looks for)
                failures.append(error)
                return
            if reindexing.is_set():
                answers.append(total)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        reindexing.set()
        call_command("search_reindex", "--no-progress", stdout=io.StringIO())
        reindexing.clear()
    finally:
        done.set()
        searcher.join(30)
    after = live.connection.indices_behind(live.alias)
    assert failures == []
    assert answers and set(answers) == {expected}  # every search during the rebuild found everything
    assert len(after) == 1 and after != before  # a new index behind the alias, the old one gone
    assert live.connection.indices_behind(live.building_alias) == []
    assert not live.connection.client.indices.exists(index=before[0])


# --- the two clients send the same requests -----------------------------------------------
ELASTICSEARCH_MEDIA_TYPE = re.compile(r"application/vnd\.elasticsearch\+(x-ndjson|json)[^,]*")


class RecordingProxy(ThreadingHTTPServer):
    """Forwards every request to the real node and records it. The
    Elasticsearch 8 client speaks to Elasticsearch only: its media types
    are given to the node as plain JSON, and answers carry the product
    header it checks. Nothing else is changed."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = upstream.rstrip("/")
        self.recorded: list[tuple[str, str, dict, object]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ProxyHandler(BaseHTTPRequestHandler):
    server: RecordingProxy

    def log_message(self, *args) -> None:
        pass

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.server.recorded.append((self.command, parts.path, dict(parse_qsl(parts.query)), parse_body(body)))
        headers = {name: ELASTICSEARCH_MEDIA_TYPE.sub(lambda match: "application/" + match.group(1), value)
                   for name, value in self.headers.items() if name.lower() in ("content-type", "accept")}
        request = urllib.request.Request(self.server.upstream + self.path, data=body or None, headers=headers,
                                         method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, content_type = response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            status, payload, content_type = error.code, error.read(), error.headers["Content-Type"]
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


def parse_body(body: bytes) -> object:
    if not body:
        return None
    lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else lines


def normalised(recorded: list, alias: str) -> list:
    """Requests with what differs between two runs by nature blanked: index
    names (a timestamp), versions (when the source was read), the moment of
    visibility checks; ``_bulk`` takes PUT and POST alike (the 8.x client
    sends PUT, opensearch-py POST)."""
    recorded = [("POST" if path == "/_bulk" else method, path, params, body)
                for method, path, params, body in recorded]
    text = json.dumps(recorded, ensure_ascii=False, sort_keys=True)
    text = re.sub(rf"{re.escape(alias)}-\d{{20}}", "<index>", text)
    text = re.sub(r'"version": \d+', '"version": 0', text)
    text = re.sub(r'"(lte|gt)": "[^"]+"', r'"\1": "<now>"', text)
    return json.loads(text)


def test_engines_send_the_same_requests(live, media):
    from search.documents import iter_objects

    url = live.url
    queries = [
        SearchQuery(text="rượu ngô", kind=("product", "image"), locale=("vi",)),
        SearchQuery(text='"Bắc Hà" fansi* -cáp tea OR 茶', page=2, per_page=5),
        SearchQuery(text="ruộng bậc th*", titles_only=True, facets=False, per_page=8),
        SearchQuery(sort="oldest", place=("sa-pa",), include_unpublished=True),
    ]
    runs = {}
    for connection_class in (OpenSearchConnection, ElasticsearchConnection):
        proxy = RecordingProxy(url)
        serving = threading.Thread(target=proxy.serve_forever, daemon=True)
        serving.start()
        try:
            backend = ClusterBackend(connection_class(proxy.url), alias=f"{live.alias}-engines")
            objects = list(iter_objects())[:40]
            backend.reindex(objects)
            backend.replace([("media", media["video"].pk)], [])
            backend.refresh()
            results = [backend.search(query) for query in queries]
            backend.drop()
        finally:
            proxy.shutdown()
        runs[connection_class.engine] = (normalised(proxy.recorded, backend.alias),
                                         [[(hit.key, hit.title) for hit in result.hits] for result in results],
                                         [result.facets for result in results])
    opensearch, elasticsearch = runs["opensearch"], runs["elasticsearch"]
    assert len(opensearch[0]) > 8 and any(hits for hits in opensearch[1])
    assert elasticsearch == opensearch


def test_the_engine_is_asked_of_the_cluster_when_not_named(live):
    from search.backends.cluster import connect

    assert connect(live.url, "auto").engine == "opensearch"
