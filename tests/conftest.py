"""Fixtures shared by the whole suite.

Each area keeps its own fixtures in ``tests/<area>/conftest.py``; only what
every area needs lives here.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True, scope="session")
def _require_postgres_when_asked(django_db_setup, django_db_blocker) -> None:
    """``REQUIRE_POSTGRES=1`` (set by ``make test`` for its second run) makes
    the suite fail when it is not really talking to PostgreSQL."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        with django_db_blocker.unblock():
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
