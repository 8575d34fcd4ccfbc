"""The embedded index shared by several processes: two processes writing and
searching at once, and a writer killed in the middle of a batch.

Real subprocesses (``tests/search/embedded_process.py``) on the test database
(committed data: ``transactional_db``; SQLite's test database is a file) and
the same index folder as this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from search.backends import get_backend
from search.backends.embedded import index_path, store
from search.query import SearchQuery
from search.service import search
from tests.feeds.test_worker_kill import database_url
from tests.search.embedded_process import entry

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def process(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "storybank.settings.test", "DATABASE_URL": database_url(),
           "SEARCH_INDEX_DIR": str(settings.SEARCH_INDEX_DIR)}
    return subprocess.Popen([sys.executable, "-m", "tests.search.embedded_process", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def assert_index_current_and_exact(*words: str) -> None:
    backend = get_backend("embedded")
    with connection.cursor() as cursor:
        current = store.read_state(cursor)
    assert backend.index.view(current).state == current
    for word in words:
        query = SearchQuery(text=word, per_page=100)
        from_index, from_database = backend.search_index(query), backend.sql.search(query)
        assert from_index is not None
        assert from_index.total == from_database.total
        assert from_index.facets == from_database.facets | {
            name: values for name, values in from_index.facets.items() if not values}


def test_two_processes_write_and_search_at_once():
    if connection.vendor == "sqlite":
        assert "memory" not in connection.settings_dict["NAME"], "the subprocesses need a file database"
    count = 15
    first, second = process("write", "910000", str(count), "khauvai"), process("write", "920000", str(count), "tavan")
    outputs = [first.communicate(timeout=300)[0], second.communicate(timeout=300)[0]]
    assert first.returncode == 0 and second.returncode == 0, outputs
    visible = count - count // 3
    for output in outputs:
        assert output.strip().splitlines()[-1] == f"ok {visible} {index_path()}"  # the same index as this process

    for word in ("khauvai", "tavan"):  # both processes' writes, seen from a third
        results = search(SearchQuery(text=word, per_page=100))
        assert results.total == visible and len(results.hits) == visible
    assert_index_current_and_exact("khauvai", "tavan", "Sa Pa")


def test_a_writer_killed_mid_batch_is_recovered_and_search_never_fails():
    backend = get_backend("embedded")
    search(SearchQuery(text="warmup"))  # the index exists and is current
    store.write([], [entry(930000 + number, "chorphien", public=True) for number in range(40)])  # not applied yet
    stalled = process("stall")
    try:
        assert stalled.stdout.readline().strip() == "stalled", stalled.stdout.read()
        # The writer holds the lock mid-batch: searches leave the pending documents to the database.
        results = search(SearchQuery(text="chorphien", per_page=100))
        assert results.total == 40 and len(results.hits) == 40
        assert backend.search_index(SearchQuery(text="chorphien")).total == 40  # the index (with pending documents)
        stalled.kill()  # SIGKILL mid-batch: no commit, no cleanup
        stalled.wait(30)
    finally:
        if stalled.poll() is None:
            stalled.kill()
    store.write([("image", 930000)], [entry(930000, "chorphien", public=False)])  # one more change meanwhile
    results = search(SearchQuery(text="chorphien", per_page=100))  # catches up: the dead writer's lock is free
    assert results.total == 39 and 930000 not in {hit.object_id for hit in results.hits}
    assert_index_current_and_exact("chorphien", "Sa Pa")
