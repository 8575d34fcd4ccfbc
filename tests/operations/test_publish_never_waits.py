"""Issue 15, item 2: publishing never waits on a partner.

gunicorn serves the test database with the default task settings (the
immediate backend, no worker running). A partner's webhook holds every
request open until the test lets it answer; the editor's unpublish and
publish answer meanwhile, and the pushes still arrive, sent from the
background, once the partner answers."""

from __future__ import annotations

import threading

import pytest

from storybank.feeds.models import Delivery, DeliveryStatus, Partner, PushDestination

from .editors import Editor
from .processes import gunicorn, wait_for
from .site import build_small_site

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_publishing_answers_while_the_partner_is_still_thinking(receiver, tmp_path):
    site = build_small_site(stories=1)
    story = site.stories[0]
    hold = threading.Event()
    partner_hook = receiver(hold=hold)
    partner = Partner.objects.create(name="Cổng thông tin", slug="cong-thong-tin")
    PushDestination.objects.create(partner=partner, feed=site.feed, name="hook", url=partner_hook.url)
    # A push may take up to 90 s: were it sent inside the request, the editor (30 s) would give up first.
    server, url = gunicorn(tmp_path / "gunicorn.log", workers=1, threads=4, FEEDS_PUSH_TIMEOUT_SECONDS="90")
    try:
        editor = Editor(url, site.editor.username, site.password)
        # The partner holds its answer up to 60 s; the editor gives up at 30.
        response = editor.unpublish(story.pk, timeout=30)
        assert response.status_code == 302, response.text[:500]
        assert not hold.is_set()  # answered while the partner still holds the push
        wait_for(partner_hook.got_request.is_set, 60, lambda: server.output[-2000:])
        hold.set()
        wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 1, 60,
                 lambda: server.output[-2000:])
        response = editor.publish(story.pk, timeout=30)
        assert response.status_code == 302, response.text[:500]
        wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2, 60,
                 lambda: server.output[-2000:])
    finally:
        hold.set()
        server.stop()
    changes = [request.json["change"] for request in partner_hook.requests]
    assert changes == ["delete", "upsert"]
