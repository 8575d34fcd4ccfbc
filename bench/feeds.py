#!/usr/bin/env python
"""Benchmark of the partner feeds.

Builds a feed of 10 000 items (real Wagtail story pages with images, places,
ethnic groups and translations, on top of the demo content), then prints:

* the time to build every item of the feed (the first fill),
* full-render time per format: one HTTP GET of all 10 000 items,
* incremental pull latency: ``?since=`` answering 100 changes, and a 304,
* push throughput to a webhook receiver on loopback.

Run: ``.venv/bin/python bench/feeds.py`` (SQLite under ``var/bench-feeds``,
kept between runs; ``--fresh`` starts over). With ``DATABASE_URL`` set it
runs against that database instead (it writes 10 000 pages there: use a
scratch database). Targets: full feed under 2 s, incremental pull of 100
changes under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import p95, setup_django


def figures(label: str, samples: list[float], unit: str = "ms", extra: str = "") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"  {label:<34} median {statistics.median(samples) * scale:8.1f} {unit}   "
          f"p95 {p95(samples) * scale:8.1f} {unit}{extra}")


def timed(function, repeat: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return samples, result


def ensure_pages(target: int) -> None:
    """Create story pages (20 % of them with an English translation) until
    the bank holds ``target`` public stories. Created live without signals,
    then the feed is filled in one go, as after a bulk import."""
    import random

    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale

    from storybank.assets.models import LaoCaiImage
    from storybank.stories.models import StoryEthnicGroup, StoryIndexPage, StoryPage, StoryPlace
    from storybank.taxonomy.models import EthnicGroup, Place

    have = StoryPage.objects.live().count()
    if have >= target:
        return
    rng = random.Random(have)
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    english = Locale.objects.get(language_code="en")
    images = list(LaoCaiImage.objects.order_by("pk"))
    places = list(Place.in_default_locale())
    groups = list(EthnicGroup.in_default_locale())
    pillars = ["sapa", "gateway", "culture"]
    made = have
    started = time.perf_counter()
    # Creating the pages is set-up, not what is measured: skip Wagtail's
    # search and reference indexing of each new page, as a bulk import would.
    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import disable_reference_index_auto_update

    post_save.disconnect(post_save_signal_handler, sender=StoryPage)
    while made < target:
        with transaction.atomic(), disable_reference_index_auto_update():
            for _ in range(min(200, target - made)):
                now = timezone.now()
                number = made + 1
                image = rng.choice(images)
                page = StoryPage(
                    title=f"Câu chuyện Lào Cai số {number}: bản làng, ruộng bậc thang và chợ phiên",
                    slug=f"bench-{number}", lede="Một câu chuyện mẫu cho phép đo: người, nơi chốn và sản phẩm.",
                    pillar=rng.choice(pillars), hero_image=image, live=True, first_published_at=now,
                    last_published_at=now,
                    body=[
                        {"type": "paragraph", "value": "<p>Sương sớm phủ kín thung lũng Mường Hoa. " * 8 + "</p>"},
                        {"type": "image", "value": {"image": image.pk, "caption": "", "credit": ""}},
                        {"type": "paragraph", "value": "<p>Người Dao đỏ nhuộm chàm, dệt thổ cẩm. " * 8 + "</p>"},
                    ],
                )
                page.place_links = [StoryPlace(place=rng.choice(places))]
                page.ethnic_group_links = [StoryEthnicGroup(ethnic_group=rng.choice(groups))]
                index.add_child(instance=page)
                made += 1
                if made < target and rng.random() < 0.25:
                    translated = page.copy_for_translation(english)
                    translated.title = f"Lao Cai story number {number}"
                    translated.live, translated.first_published_at, translated.last_published_at = True, now, now
                    translated.save()
                    made += 1
        print(f"  … {made} stories ({time.perf_counter() - started:.0f} s)", flush=True)
    post_save.connect(post_save_signal_handler, sender=StoryPage)


class ReceiverServer(ThreadingHTTPServer):
    request_queue_size = 128  # socketserver's default of 5 drops concurrent connections
    daemon_threads = True


class Receiver(BaseHTTPRequestHandler):
    count = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Receiver.lock:
            Receiver.count += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each full render")
    parser.add_argument("--pushes", type=int, default=2000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database")
    args = parser.parse_args()
    setup_django("feeds", args.fresh, FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE="0", FEEDS_MAX_PAGE_SIZE="100000",
                 FEEDS_PUSH_ON_COMMIT="0")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from storybank.feeds.models import Delivery, DeliveryStatus, Feed, FeedEntry, Partner, PushDestination
    from storybank.feeds.push import Worker
    from storybank.feeds.sync import reconcile_feed
    from storybank.stories.models import StoryPage

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    devnull = open(os.devnull, "w")
    call_command("migrate", verbosity=0, stdout=devnull)
    call_command("load_demo", stdout=devnull)
    Feed.objects.exclude(slug="bench").update(active=False)  # only the benchmark feed listens
    print(f"Preparing {args.items} items…")
    ensure_pages(args.items)

    feed = Feed.objects.filter(slug="bench").first()
    total = 0
    if feed is None:
        start = time.perf_counter()
        # save() queues the feed's first fill for after commit: in autocommit
        # mode with immediate tasks it runs right here.
        feed = Feed.objects.create(slug="bench", title="Benchmark", kinds=["story"], is_public=True)
        build = time.perf_counter() - start
        total = FeedEntry.objects.filter(feed=feed, present=True).count()
        print(f"\nFirst fill: built and rendered {total} items in {build:.1f} s ({total / build:.0f} items/s)")
    else:
        reconcile_feed(feed)
        total = FeedEntry.objects.filter(feed=feed, present=True).count()
    print(f"Feed 'bench': {total} items")

    client = Client()
    print(f"\nFull render, all {total} items in one response ({args.repeat} runs each)")
    for fmt in ("json", "atom", "rss", "ninjs", "newsml"):
        samples, response = timed(lambda fmt=fmt: client.get(f"/feeds/bench.{fmt}", {"since": 0, "limit": total}),
                                  args.repeat)
        assert response.status_code == 200, response.content[:200]
        figures(fmt, samples, "s", f"   {len(response.content) / 1e6:6.1f} MB")

    print("\nIncremental pull")
    cursor = feed.head_sequence
    untranslated = [p for p in StoryPage.objects.filter(locale__language_code="vi", slug__startswith="bench-")
                    .order_by("-pk")[:300] if not p.get_translations().exists()][:100]
    start = time.perf_counter()
    for page in untranslated:
        page.title = page.title + " (cập nhật)"
        page.save_revision().publish()
    publish = (time.perf_counter() - start) / len(untranslated)
    print(f"  publishing one change (with its feed log write) {publish * 1000:.1f} ms")
    samples, response = timed(lambda: client.get("/feeds/bench.json", {"since": cursor}), 30)
    changes = len(response.json()["items"])
    figures(f"JSON, {changes} changes since cursor", samples)
    samples, response = timed(lambda: client.get("/feeds/bench.atom", {"since": cursor}), 30)
    figures(f"Atom, {changes} changes since cursor", samples)
    etag = response["ETag"]
    samples, response = timed(
        lambda: client.get("/feeds/bench.atom", {"since": cursor}, HTTP_IF_NONE_MATCH=etag), 30
    )
    assert response.status_code == 304
    figures("unchanged (304 Not Modified)", samples)

    print(f"\nPush throughput ({args.pushes} webhook deliveries to a loopback receiver)")
    server = ReceiverServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    partner, _created = Partner.objects.get_or_create(slug="bench-receiver", defaults={"name": "Bench receiver"})
    destination = PushDestination.objects.create(
        partner=partner, feed=feed, name="bench", url=f"http://127.0.0.1:{server.server_address[1]}/hook"
    )
    from storybank.feeds.sync import change_body

    entries = list(FeedEntry.objects.filter(feed=feed, present=True).order_by("sequence")[: args.pushes])
    Delivery.objects.bulk_create([
        Delivery(destination=destination, feed=feed, sequence=e.sequence, item_key=e.item_key, change="upsert",
                 body=change_body(feed, e)) for e in entries
    ])
    start = time.perf_counter()
    sent = Worker().run_once()
    elapsed = time.perf_counter() - start
    delivered = Delivery.objects.filter(destination=destination, status=DeliveryStatus.DELIVERED).count()
    print(f"  {delivered}/{sent} delivered in {elapsed:.1f} s: {delivered / elapsed:.0f} deliveries/s "
          f"(one worker; receiver counted {Receiver.count})")
    destination.delete()
    server.shutdown()


if __name__ == "__main__":
    main()
