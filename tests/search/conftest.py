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


@pytest.fixture(autouse=True)
def _embedded_answers_from_its_index(request):
    """Every embedded search of these tests is answered by the tantivy index,
    never by the SQL engine that stands in while the index is unusable (a
    test that breaks the index on purpose asks for ``database_fallback_allowed``)."""
    backend = get_backend("embedded")
    before = backend.fallbacks
    yield
    if "database_fallback_allowed" not in request.fixturenames:
        assert backend.fallbacks == before, "the embedded search fell back to the database"


@pytest.fixture
def database_fallback_allowed():
    """This test may make the embedded backend answer from the database."""


@pytest.fixture(scope="module")
def elasticsearch_backend(request, django_db_blocker):
    """A live Elasticsearch backend on a throw-away alias, demo content indexed."""
    from search.backends.elasticsearch import ElasticsearchBackend
    from search.documents import iter_objects

    backend = ElasticsearchBackend(alias=f"laocai-test-{uuid.uuid4().hex[:10]}")
    previous = backends._backends.get("elasticsearch")
    backends._backends["elasticsearch"] = backend
    request.getfixturevalue("media")
    with django_db_blocker.unblock():
        backend.reindex(iter_objects())
    backend.refresh()
    yield backend
    backend.client.indices.delete(index=f"{backend.alias}*", ignore_unavailable=True)
    if previous is None:
        backends._backends.pop("elasticsearch", None)
    else:
        backends._backends["elasticsearch"] = previous


@pytest.fixture(scope="module")
def media(demo, django_db_blocker):
    """A video, an audio recording and a document next to the demo (which has none),
    created inside the demo's module transaction."""
    from storybank.taxonomy.models import EthnicGroup, Place
    from tests.search.factories import make_document

    with django_db_blocker.unblock():
        hmong = EthnicGroup.in_default_locale().get(slug="hmong")
        video = make_document(
            "Phim tài liệu: Lễ hội Gầu Tào", media_kind="video", licence="cc-by-4.0",
            caption="Phim về lễ hội mùa xuân của người H'Mông ở Mường Khương.",
            localized_text={"en": {"caption": "Documentary: the Gau Tao festival"}},
            place=Place.in_default_locale().get(slug="muong-khuong"),
        )
        video.ethnic_groups.set([hmong])
        audio = make_document(
            "Ghi âm: tiếng khèn H'Mông", media_kind="audio", licence="cc-by-sa-4.0",
            transcript="Tiếng khèn vang lên trong phiên chợ Bắc Hà.",
            place=Place.in_default_locale().get(slug="bac-ha"),
        )
        audio.ethnic_groups.set([hmong])
        document = make_document(
            "Quyết định công nhận sản phẩm OCOP năm 2025", media_kind="document", licence="gov-reuse",
            caption="Danh sách sản phẩm OCOP 3, 4 và 5 sao của tỉnh Lào Cai.",
            localized_text={"zh-hans": {"caption": "2025年老街省OCOP产品认定决定"}},
        )
        return {"video": video, "audio": audio, "document": document}


@pytest.fixture(params=BACKEND_PARAMS)
def search_backend(request, demo, media):
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
