"""With a cluster, index updates travel through the task queue: a change
enqueues a task in the database (django-tasks' database backend, as in
docker-compose) once it commits, and a real ``manage.py db_worker`` in a
subprocess indexes the committed state into the live OpenSearch node.

The worker sees committed data only, so this test runs on
``transactional_db`` with content of its own (no demo).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from search.query import SearchQuery
from search.service import search
from tests.search.conftest import ThrowawayClusterBackend, require_cluster, use_backend
from tests.search.factories import make_image
from tests.subprocesses import database_url

pytestmark = pytest.mark.search_cluster
ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def cluster():
    backend = ThrowawayClusterBackend("opensearch", require_cluster("opensearch"))
    backend.write_indices()  # an empty index, as a deployment's first write creates it
    yield backend
    backend.drop()


def run_worker(backend: ThrowawayClusterBackend) -> str:
    """``manage.py db_worker --batch``: every queued task, then exit."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "storybank.settings.base",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "OPENSEARCH_URL": backend.url,
        "SEARCH_INDEX_ALIAS": backend.alias,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    backend.refresh()
    return result.stdout + result.stderr


def found(text: str) -> list[tuple[str, int]]:
    return [(hit.object_type, hit.object_id) for hit in search(SearchQuery(text=text, facets=False)).hits]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # restores what earlier flushes removed
def test_index_updates_go_through_the_task_queue_to_db_worker(cluster):
    from django_tasks_db.models import DBTaskResult

    with use_backend(cluster), override_settings(TASKS=DATABASE_TASKS):
        market = make_image("Ảnh hàng đợi: chợ phiên Cốc Ly", caption="Phiên chợ Cốc Ly sáng chủ nhật")
        ferry = make_image("Ảnh hàng đợi: bến phà Cốc Lếu")
        queued = DBTaskResult.objects.filter(task_path="search.tasks.sync_search_index")
        assert queued.count() >= 2 and not queued.filter(status="SUCCESSFUL").exists()
        cluster.refresh()
        assert found("hàng đợi") == []  # nothing reaches the index before the worker runs

        run_worker(cluster)
        assert set(found("hang doi")) == {("image", market.pk), ("image", ferry.pk)}

        market.title = "Ảnh hàng đợi: chợ phiên Mường Hum"
        market.save()
        ferry.delete()
        run_worker(cluster)
        assert found("Mường Hum") == [("image", market.pk)]
        assert found("Cốc Ly") == [("image", market.pk)]  # the caption still says so
        assert found("Cốc Lếu") == []
        assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}
