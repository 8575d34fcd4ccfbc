"""Access to feeds: public feeds need no key, others a Bearer key; keys are
shown once, stored hashed, revocable and record their last use; a partner
over its rate limit gets 429 with Retry-After."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from storybank.feeds.models import ApiKey, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_feed(make_feed, partner):
    return make_feed(slug="private", is_public=False, readers=[partner])


@pytest.fixture
def key(partner) -> str:
    _key, raw = ApiKey.issue(partner, "importer")
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def error_code(response) -> str:
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]["code"]


def test_public_feed_needs_no_key(client, make_feed):
    make_feed(slug="open", is_public=True)
    assert client.get("/feeds/open.json").status_code == 200


def test_private_feed_answers_401_without_a_key_and_403_for_another_partner(client, private_feed, key):
    response = client.get("/feeds/private.json")
    assert response.status_code == 401 and error_code(response) == "key_required"
    assert response["WWW-Authenticate"].startswith("Bearer")

    stranger = Partner.objects.create(name="Stranger", slug="stranger")
    _other, other_key = ApiKey.issue(stranger, "theirs")
    response = client.get("/feeds/private.atom", **bearer(other_key))
    assert response.status_code == 403 and error_code(response) == "not_allowed"

    assert client.get("/feeds/private.atom", **bearer(key)).status_code == 200


@pytest.mark.parametrize("header", ["Bearer lcs_nothing_here", "Bearer not-a-key", "Basic dXNlcjpwYXNz", "Bearer "])
def test_wrong_keys_get_401_json(client, private_feed, header):
    response = client.get("/feeds/private.json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert error_code(response) in {"invalid_key", "invalid_authorization"}


def test_a_bad_key_is_refused_even_on_a_public_feed(client, make_feed):
    make_feed(slug="open", is_public=True)
    response = client.get("/feeds/open.json", HTTP_AUTHORIZATION="Bearer lcs_00000000_forged")
    assert response.status_code == 401


def test_keys_are_stored_hashed_revocable_and_record_last_use(client, private_feed, partner, key):
    stored = ApiKey.objects.get(partner=partner)
    assert key not in {stored.prefix, stored.key_hash, stored.name}
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.last_used_at is None

    assert client.get("/feeds/private.json", **bearer(key)).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    stored.revoke()
    response = client.get("/feeds/private.json", **bearer(key))
    assert response.status_code == 401 and error_code(response) == "invalid_key"


def test_an_inactive_partner_is_refused(client, private_feed, partner, key):
    partner.active = False
    partner.save()
    response = client.get("/feeds/private.json", **bearer(key))
    assert response.status_code == 403 and error_code(response) == "partner_inactive"


def test_over_the_rate_limit_answers_429_with_retry_after(client, private_feed, partner, key):
    partner.requests_per_minute = 3
    partner.save()
    statuses = [client.get("/feeds/private.json", **bearer(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/feeds/private.json", **bearer(key))
    assert error_code(response) == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_anonymous_clients_are_limited_per_address(client, make_feed, settings):
    settings.FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE = 2
    make_feed(slug="open", is_public=True)
    assert [client.get("/feeds/open.rss").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/feeds/open.rss", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_index_lists_what_the_caller_may_read(client, private_feed, make_feed, key):
    make_feed(slug="open", is_public=True)
    anonymous = client.get("/feeds/").json()
    assert [f["slug"] for f in anonymous["feeds"]] == ["open"]
    keyed = client.get("/feeds/", **bearer(key)).json()
    assert [f["slug"] for f in keyed["feeds"]] == ["open", "private"]
    assert keyed["feeds"][1]["formats"]["newsml"].endswith("/feeds/private.newsml")


def test_the_admin_shows_a_new_key_once_and_revokes_it(admin_client, partner, private_feed, client):
    url = reverse("feeds_admin:api_keys", args=[partner.pk])
    created = admin_client.post(url, {"name": "Production importer"})
    assert created.status_code == 200
    html = created.content.decode()
    raw = html.split("data-new-api-key>")[1].split("<")[0]
    assert raw.startswith("lcs_")
    assert client.get("/feeds/private.json", **bearer(raw)).status_code == 200

    listing = admin_client.get(url).content.decode()
    assert "Production importer" in listing and raw not in listing  # never shown again

    stored = ApiKey.objects.get(name="Production importer")
    admin_client.post(url, {"revoke": stored.pk})
    assert client.get("/feeds/private.json", **bearer(raw)).status_code == 401
    assert admin_client.post(url, {"name": ""}).status_code == 302  # a name is required


def test_editors_without_permission_cannot_manage_keys(client, django_user_model, partner):
    editor = django_user_model.objects.create_user("editor", password="x")
    client.force_login(editor)
    response = client.post(reverse("feeds_admin:api_keys", args=[partner.pk]), {"name": "sneaky"})
    assert response.status_code in (302, 403)
    assert not ApiKey.objects.filter(name="sneaky").exists()
    assert client.get(reverse("feeds_admin:deliveries")).status_code in (302, 403)
