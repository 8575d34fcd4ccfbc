"""Fixtures of the search tests.

``search_backend`` runs a test against the embedded backend and, when
``ELASTICSEARCH_URL`` points at a real cluster, against Elasticsearch too
(marked ``elasticsearch_live``; skipped otherwise). For Elasticsearch the
demo content is indexed into a throw-away alias that is deleted afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.test import override_settings

from search import backends
from search.backends import get_backend

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
live_only = pytest.mark.skipif(
    not ELASTICSEARCH_URL, reason="set ELASTICSEARCH_URL to run the live Elasticsearch suite"
)
BACKEND_PARAMS = [
    "embedded",
    pytest.param("elasticsearch", marks=[pytest.mark.elasticsearch_live, live_only]),
]


@pytest.fixture(scope="session", autouse=True)
def _embedded_by_default():
    """The suite runs on the embedded backend even when ELASTICSEARCH_URL is set;
    the live suite switches to Elasticsearch explicitly."""
    with override_settings(SEARCH_BACKEND="embedded"):
        yield


@pytest.fixture(scope="module")
def elasticsearch_backend(django_db_blocker):
    """A live Elasticsearch backend on a throw-away alias, demo content indexed."""
    from search.backends.elasticsearch import ElasticsearchBackend
    from search.documents import iter_objects

    backend = ElasticsearchBackend(alias=f"laocai-test-{uuid.uuid4().hex[:10]}")
    previous = backends._backends.get("elasticsearch")
    backends._backends["elasticsearch"] = backend
    with django_db_blocker.unblock():
        backend.reindex(iter_objects())
    backend.refresh()
    yield backend
    backend.client.indices.delete(index=f"{backend.alias}*", ignore_unavailable=True)
    if previous is None:
        backends._backends.pop("elasticsearch", None)
    else:
        backends._backends["elasticsearch"] = previous


@pytest.fixture(params=BACKEND_PARAMS)
def search_backend(request, demo):
    """The name of the backend under test, with the demo content indexed in it."""
    name = request.param
    if name == "elasticsearch":
        request.getfixturevalue("elasticsearch_backend")
    with override_settings(SEARCH_BACKEND=name):
        yield name


@pytest.fixture
def index_now(django_capture_on_commit_callbacks):
    """Apply pending index changes now: nothing to do for the embedded backend
    (it writes in the transaction); run the on-commit tasks and refresh for
    Elasticsearch."""

    class Applier:
        def __init__(self):
            self.context = django_capture_on_commit_callbacks(execute=True)
            self.context.__enter__()

        def __call__(self):
            self.context.__exit__(None, None, None)
            backend = get_backend()
            if backend.name == "elasticsearch":
                backend.refresh()
            self.context = django_capture_on_commit_callbacks(execute=True)
            self.context.__enter__()

    applier = Applier()
    yield applier
    applier.context.__exit__(None, None, None)
