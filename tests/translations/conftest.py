"""Fixtures of the translation tests: the demo's people, each signed in to
their own client, and the pages the tests translate."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page

from storybank.stories.models import StoryPage
from tests.site.browser import browser  # noqa: F401 (fixture of the browser tests)

#: The demo's users (storybank/governance/demo_content.py).
PEOPLE = {"editor": "bientap", "translator_en": "dich-en", "translator_zh": "dich-zh", "administrator": "quantri"}


@pytest.fixture
def signed_in(demo, db):
    """``signed_in("translator_en")``: a test client signed in as that demo user."""
    clients: dict[str, Client] = {}

    def client(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(get_user_model().objects.get(username=PEOPLE[role]))
        return clients[role]

    return client


def story(slug: str, language: str = "vi") -> StoryPage:
    return StoryPage.objects.get(slug=slug, locale__language_code=language)


def fresh(page: Page) -> Any:
    return Page.objects.get(pk=page.pk).specific


def publish_change(page: Page, **fields: Any) -> Page:
    """Change ``page`` as an editor would and publish it (a new revision)."""
    page = fresh(page)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return fresh(page)
