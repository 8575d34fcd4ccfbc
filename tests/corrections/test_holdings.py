"""Who has what, over HTTP: an item's admin screen lists, per partner, the
versions it pulled (with its key) or was pushed, whether it has the latest
version and the correction; the report lists partners holding old versions,
with "push again". A retraction is complete only once every partner that
received the item has acted on the notice: two webhooks, one down then up,
and a partner that pulls."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from storybank.feeds.models import ApiKey, Delivery, DeliveryStatus, FeedEntry, Partner, PushDestination
from storybank.feeds.push import Worker
from storybank.governance.models import Retraction

from .conftest import new_story

pytestmark = pytest.mark.django_db


def item_screen(client, page) -> str:
    response = client.get(reverse("feeds_holdings:item", args=[f"page:{page.pk}"]))
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, partner_slug: str) -> str:
    start = html.index(f'data-partner="{partner_slug}"')
    return html[start:html.index("</tr>", start)]


def test_the_item_screen_and_the_report_say_who_holds_which_version(syndication, as_role, client):
    story = new_story("Ruộng bậc thang Mù Cang Chải mùa nước đổ")
    syndication.pull_json(client, since=0)
    Worker().run_once()
    manager = as_role("partner_manager")
    html = row(item_screen(manager, story), syndication.partner.slug)
    entry = FeedEntry.objects.get(feed=syndication.feed, item_key=f"page:{story.pk}")
    assert f'data-channel="pull" data-sequence="{entry.sequence}"' in html  # pulled with its key…
    assert f"json · {syndication.key.split('_')[1]}…" in html
    assert f'data-channel="push" data-sequence="{entry.sequence}"' in html  # …and pushed
    assert 'data-latest="yes"' in html and 'data-correction="none"' in html

    as_role("editor").post(reverse("governance_correct", args=[story.pk]),
                           {"note": "Sửa tên xã: Mồ Dề, không phải Dế Xu Phình.", "publish": "1"})
    html = row(item_screen(manager, story), syndication.partner.slug)
    assert 'data-latest="no"' in html and 'data-correction="no"' in html
    report = manager.get(reverse("feeds_holdings:stale")).content.decode()
    assert story.title in report and syndication.partner.name in report

    # Push again: the current (corrected) version goes out again at once.
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.DEAD)  # as if it failed
    response = manager.post(reverse("feeds_holdings:stale"), {
        "partner": syndication.partner.pk, "feed": syndication.feed.pk, "item": f"page:{story.pk}",
        "next": reverse("feeds_holdings:stale")})
    assert response.status_code == 302
    Worker().run_once()
    assert syndication.server.requests[-1].json["change"] == "correction"
    html = row(item_screen(manager, story), syndication.partner.slug)
    assert 'data-latest="yes"' in html and 'data-correction="yes"' in html
    assert story.title not in manager.get(reverse("feeds_holdings:stale")).content.decode()


def test_a_retraction_is_complete_only_when_every_partner_has_acted_on_it(
        quiet_demo_feeds, make_feed, hooks, as_role, client):
    first, second = hooks(2)
    pushed = [Partner.objects.create(name=f"Webhook partner {n}", slug=f"webhook-{n}") for n in (1, 2)]
    puller = Partner.objects.create(name="Pulling partner", slug="pulling")
    feed = make_feed(slug="thu-hoi", kinds=["story"], is_public=False, readers=[*pushed, puller])
    for partner, hook in zip(pushed, (first, second), strict=True):
        PushDestination.objects.create(partner=partner, feed=feed, name="hook", url=hook.url)
    _key, raw = ApiKey.issue(puller, "importer")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    story = new_story("Tin cần thu hồi")
    Worker().run_once()
    cursor = client.get(f"/feeds/{feed.slug}.json", {"since": 0}, **auth).json()["_laocai"]["next_cursor"]
    assert [body["change"] for body in first.bodies] == ["upsert"] == [body["change"] for body in second.bodies]

    first.down()
    editor = as_role("editor")
    editor.post(reverse("governance_retract", args=["page", story.pk]),
                {"reason": "Sai sự thật.", "notice_vi": "Bài viết đã bị thu hồi."})
    retraction = Retraction.objects.get(object_id=story.pk)
    screen = reverse("feeds_holdings:retraction", args=[retraction.pk])
    Worker().run_once()  # the first webhook is down, the second answers 200
    assert second.bodies[-1]["reason"] == "retracted"
    assert 'data-acknowledged="no"' in editor.get(screen).content.decode()
    assert retraction.title in editor.get(reverse("wagtailadmin_home")).content.decode()  # on the dashboard

    first.up()
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())
    Worker().run_once()
    assert first.bodies[-1]["reason"] == "retracted" and first.bodies[-1]["notice"]["notice"]
    assert 'data-acknowledged="no"' in editor.get(screen).content.decode()  # the pulling partner has not pulled

    client.get(f"/feeds/{feed.slug}.json", {"since": cursor}, **auth)  # receives the tombstone…
    assert 'data-acknowledged="no"' in editor.get(screen).content.decode()
    client.get(f"/feeds/{feed.slug}.json", {"since": feed.head_sequence}, **auth)  # …and pulls past it
    assert 'data-acknowledged="yes"' in editor.get(screen).content.decode()
    assert Retraction.objects.get(pk=retraction.pk).acknowledged_at is not None
    assert retraction.title not in editor.get(reverse("wagtailadmin_home")).content.decode()
