"""Fixtures of the governance tests: the demo's users of every role, each
signed in to their own test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.governance.helpers import ROLES


@pytest.fixture
def as_role(demo, db):
    """``as_role("editor")``: a test client signed in as the demo's editor."""
    clients: dict[str, Client] = {}

    def client(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(get_user_model().objects.get(username=ROLES[role]))
        return clients[role]

    return client
