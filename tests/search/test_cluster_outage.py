"""A search node that stops mid-run: the API and the page answer 503 with a
clear error, and search answers again once the node is back, without
restarting anything of ours.

The shared node at OPENSEARCH_URL is never stopped: this module starts a
node of its own on free ports with ``scripts/opensearch.sh`` (same
distribution, 512 MB heap), stops it, and starts it again on its data.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from search.backends.cluster import ClusterBackend
from tests.search.conftest import require_cluster, use_backend

pytestmark = [pytest.mark.search_cluster, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1/search"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnNode:
    """One OpenSearch node of this module, driven by the project's own script."""

    def __init__(self) -> None:
        self.port, self.transport_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def run(self, command: str, **environ: str) -> None:
        env = {**os.environ, "OPENSEARCH_PORT": str(self.port), "OPENSEARCH_TRANSPORT_PORT": str(self.transport_port),
               "OPENSEARCH_HEAP": "512m", **environ}
        result = subprocess.run([str(ROOT / "scripts" / "opensearch.sh"), command], env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self, *, keep_data: bool = False) -> None:
        self.run("start", OPENSEARCH_KEEP_DATA="1" if keep_data else "0")

    def stop(self) -> None:
        self.run("stop")


@pytest.fixture(scope="module")
def own_node():
    require_cluster("opensearch")  # the live suite runs where make test set OPENSEARCH_URL
    node = OwnNode()
    node.start()
    yield node
    node.run("purge")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["title"] for result in response.json()["results"]]


def test_a_stopped_node_answers_503_and_search_recovers_without_restart(own_node, demo, media, client):
    from search.documents import iter_objects

    backend = ClusterBackend(alias="laocai-outage", url=own_node.url, engine="auto")  # asks GET / once
    backend.reindex(iter_objects())
    backend.refresh()
    never_connected = ClusterBackend(alias="laocai-outage", url=own_node.url, engine="auto")
    with use_backend(backend):
        before = titles(client.get(API, {"q": "Fansipan"}))
        assert "Đỉnh Fansipan trong mây" in before

        own_node.stop()
        for endpoint in (API, f"{API}/suggest"):
            response = client.get(endpoint, {"q": "Fansipan"})
            assert response.status_code == 503 and response["Content-Type"].startswith("application/json")
            assert response.json()["error"]["message"]
        page = client.get("/en/search/", {"q": "Fansipan"})
        assert page.status_code == 503 and "temporarily unavailable" in page.content.decode()
    with use_backend(never_connected):  # a process that starts while the node is down
        assert client.get(API, {"q": "Fansipan"}).status_code == 503

    own_node.start(keep_data=True)
    with use_backend(backend):
        assert titles(client.get(API, {"q": "Fansipan"})) == before
        assert client.get("/en/search/", {"q": "Fansipan"}).status_code == 200
    with use_backend(never_connected):
        assert titles(client.get(API, {"q": "Fansipan"})) == before
