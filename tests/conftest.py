"""Fixtures shared by the whole suite.

Each area keeps its own fixtures in ``tests/<area>/conftest.py``; only what
every area needs lives here.
"""

from __future__ import annotations

import os
import signal

import pytest
from django.db import connection

#: Fixtures through which a test reaches the database: each of them, and
#: ``demo`` (which unblocks it itself), asks for ``django_db_setup``.
DATABASE_FIXTURES = frozenset({"django_db_setup", "db", "transactional_db", "live_server"})


def pytest_configure(config: pytest.Config) -> None:
    """TERM (``make test`` stopped, or CI's timeout) interrupts the run as Ctrl-C
    does, so fixtures tear down: worker processes stop and test databases go."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that restore the database after a flush (``serialized_rollback``)
    also reset its sequences, so the restored rows get the same ids every time
    and the demo replay (``tests/demo_replay.py``) recognises the state.

    ``REQUIRE_POSTGRES=1`` (set by ``make test`` for its second run, on
    PostgreSQL) runs only the tests that reach the database: the others (text
    folding, parsing, image and video files, feeds' XML) do not depend on it
    and already ran in the first run."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "reset_sequences": True}),
                            append=False)
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    kept, deselected = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        (kept if fixtures & DATABASE_FIXTURES or item.get_closest_marker("django_db") else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _sequences_follow_restored_rows(request: pytest.FixtureRequest) -> None:
    """After a serialized rollback restored its rows (ids included) into tables
    whose sequences were just reset, PostgreSQL's sequences are moved past the
    highest id, as ``loaddata`` does; otherwise the test's first insert would
    collide with a restored row (SQLite's AUTOINCREMENT follows by itself)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback") or connection.vendor != "postgresql":
        return
    from django.apps import apps
    from django.core.management.color import no_style

    request.getfixturevalue("_django_db_helper")  # the database restored first
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)


@pytest.fixture(autouse=True, scope="session")
def _require_postgres_when_asked() -> None:
    """``REQUIRE_POSTGRES=1`` makes the suite fail when it is not really
    talking to PostgreSQL (settings only: a test that never reaches the
    database does not open a connection for this)."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        assert connection.vendor == "postgresql", (
            f"REQUIRE_POSTGRES=1 but the suite runs on {connection.vendor}; check DATABASE_URL"
        )


@pytest.fixture
def english():
    """Run the test body in English: messages built in the test's own
    process (ingest refusals, import reports, validation errors) read in
    English. Without it they are Vietnamese, the default language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def english_admin(admin_user):
    """The admin user reads the Wagtail admin in English (their profile's
    preferred language); everyone else sees it in Vietnamese, the default."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    return admin_user


@pytest.fixture
def locales(db):
    """Every configured content locale, as Wagtail ``Locale`` rows."""
    from django.core.management import call_command
    from wagtail.models import Locale

    call_command("sync_locales", stdout=open(os.devnull, "w"))
    return {locale.language_code: locale for locale in Locale.objects.all()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, in place for one test module inside a transaction
    that is rolled back when the module ends (loaded by ``load_demo`` once,
    replayed after that: see ``tests/demo_replay.py``). Each test still runs
    in its own nested transaction (request ``db`` as usual)."""
    from django.db import transaction

    from tests.demo_replay import load_demo

    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)
