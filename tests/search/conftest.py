"""Fixtures of the search tests.

``search_backend`` runs a test against the embedded backend and against a
real search cluster: OpenSearch at ``OPENSEARCH_URL`` (``make test`` starts a
node and sets it) and Elasticsearch at ``ELASTICSEARCH_URL`` when a developer
has one. Those tests are marked ``search_cluster``. A URL that is set but
does not answer fails them; without a URL (a plain ``pytest``) the OpenSearch
ones are skipped with the reason. Each module indexes the demo into a
throw-away alias of its own (``laocai-test-…``), deleted when it ends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable

import pytest
from django.test import override_settings

from search import backends
from search.backends import ObjectKey, SearchUnavailable, get_backend
from search.backends.cluster import ClusterBackend
from search.documents import IndexEntry

#: Engine → the environment variable naming its URL.
CLUSTER_URL_VARIABLES = {"opensearch": "OPENSEARCH_URL", "elasticsearch": "ELASTICSEARCH_URL"}


def cluster_url(engine: str) -> str:
    return os.environ.get(CLUSTER_URL_VARIABLES[engine], "")


def cluster_param(engine: str) -> pytest.param:
    """A ``search_backend`` parameter for a live engine: skipped (saying why) only without its URL."""
    marks = [pytest.mark.search_cluster]
    if not cluster_url(engine):
        marks.append(pytest.mark.skip(reason=f"set {CLUSTER_URL_VARIABLES[engine]} to run the live {engine} "
                                             "suite (make test starts a node and sets it)"))
    return pytest.param(engine, marks=marks)


#: Elasticsearch cannot be fetched from the registries our machines reach (docs/decisions.md):
#: its parameter exists only where a developer points ELASTICSEARCH_URL at a node.
CLUSTER_ENGINES = ["opensearch", *(["elasticsearch"] if cluster_url("elasticsearch") else [])]
BACKEND_PARAMS = ["embedded", *(cluster_param(engine) for engine in CLUSTER_ENGINES)]


class ThrowawayClusterBackend(ClusterBackend):
    """A cluster backend on a throw-away alias that remembers which objects a
    test wrote, so the next test can put them back as the rolled-back
    database has them (the database forgets a test's changes; the cluster does not)."""

    def __init__(self, engine: str, url: str = "") -> None:
        super().__init__(alias=f"laocai-test-{uuid.uuid4().hex[:10]}", url=url or cluster_url(engine), engine=engine)
        self.touched: set[ObjectKey] = set()

    def replace(self, keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
        keys, entries = list(keys), list(entries)
        self.touched.update(keys)
        self.touched.update((entry.object_type, entry.object_id) for entry in entries)
        super().replace(keys, entries)

    def restore(self) -> None:
        """Index the touched objects as the database has them now (removing those that are gone)."""
        from search.documents import entries_for, load_object

        touched, self.touched = sorted(self.touched), set()
        for key in touched:
            instance = load_object(*key)
            super().replace([key], entries_for(instance) if instance is not None else [])
        if touched:
            self.refresh()


def require_cluster(engine: str) -> str:
    """The URL of the live ``engine``: skips without one, fails when it does not answer."""
    from search.backends.cluster import connect

    url = cluster_url(engine)
    if not url:
        pytest.skip(f"set {CLUSTER_URL_VARIABLES[engine]} to run the live {engine} suite (make test does)")
    try:
        connect(url, "auto")
    except SearchUnavailable as error:
        pytest.fail(f"{CLUSTER_URL_VARIABLES[engine]}={url} is set but the {engine} node does not answer "
                    f"(start it with scripts/opensearch.sh start): {error}", pytrace=False)
    return url


def start_live_backend(engine: str, django_db_blocker) -> ThrowawayClusterBackend:
    """A live backend with the current content indexed; the run fails when the cluster does not answer."""
    from search.documents import iter_objects

    backend = ThrowawayClusterBackend(engine, require_cluster(engine))
    with django_db_blocker.unblock():
        backend.reindex(iter_objects())
    backend.refresh()
    return backend


@pytest.fixture(scope="module")
def cluster_backends(demo, media, django_db_blocker):
    """The live backends of this module, by engine, started on first use and dropped when the module ends."""
    started: dict[str, ThrowawayClusterBackend] = {}

    def get(engine: str) -> ThrowawayClusterBackend:
        if engine not in started:
            started[engine] = start_live_backend(engine, django_db_blocker)
        return started[engine]

    yield get
    for backend in started.values():
        backend.drop()


def use_backend(backend: ClusterBackend):
    """Make ``backend`` the configured one (``SEARCH_BACKEND = "cluster"``) inside a ``with``."""

    class Using:
        def __enter__(self):
            self.previous = backends._backends.get("cluster")
            backends._backends["cluster"] = backend
            self.settings = override_settings(SEARCH_BACKEND="cluster")
            self.settings.enable()
            return backend

        def __exit__(self, *exc_info):
            self.settings.disable()
            if self.previous is None:
                backends._backends.pop("cluster", None)
            else:
                backends._backends["cluster"] = self.previous

    return Using()


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
    """The name of the backend under test ("embedded", "opensearch"…), with the demo content indexed in it."""
    name = request.param
    if name == "embedded":
        yield name
        return
    backend = request.getfixturevalue("cluster_backends")(name)
    request.getfixturevalue("db")
    backend.restore()  # what earlier tests of the module changed, as the database has it again
    with use_backend(backend):
        yield name


@pytest.fixture
def index_now(django_capture_on_commit_callbacks):
    """Apply pending index changes now: nothing to do for the embedded backend
    (it writes in the transaction); run the on-commit tasks and refresh the
    cluster's index otherwise."""

    class Applier:
        def __init__(self):
            self.context = django_capture_on_commit_callbacks(execute=True)
            self.context.__enter__()

        def __call__(self):
            self.context.__exit__(None, None, None)
            backend = get_backend()
            if isinstance(backend, ClusterBackend):
                backend.refresh()
            self.context = django_capture_on_commit_callbacks(execute=True)
            self.context.__enter__()

    applier = Applier()
    yield applier
    applier.context.__exit__(None, None, None)
