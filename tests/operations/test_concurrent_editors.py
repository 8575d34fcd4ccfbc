"""Issue 15, item 3: concurrent writers, on SQLite as on PostgreSQL.

gunicorn (two processes, four threads each) serves the test database; three
editors unpublish and publish their stories over HTTP while twenty visitors
read pages and pull the feed. No request may answer 5xx, and afterwards every
page's feed entry and search document agree with whether it is live: a
publish either happened whole (page, search, feed log) or not at all."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from wagtail.models import Page

from search.models import SearchDocument
from storybank.feeds.models import FeedEntry
from storybank.feeds.sync import divergent_keys

from .editors import Editor
from .processes import gunicorn
from .site import build_small_site

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EDITORS, VISITORS, ROUNDS, READS = 3, 20, 3, 6


def test_three_editors_and_twenty_visitors_get_no_error_and_leave_no_divergence(tmp_path):
    site = build_small_site(stories=2 * EDITORS)
    server, url = gunicorn(tmp_path / "gunicorn.log", workers=2, threads=4)
    story_urls = [page.get_url() for page in site.stories]
    reads = [f"{url}{path}" for path in story_urls] + [f"{url}/vi/cau-chuyen/", f"{url}/feeds/{site.feed.slug}.json"]

    def edit(number: int) -> list[int]:
        editor = Editor(url, site.editor.username, site.password)
        mine = site.stories[2 * number: 2 * number + 2]
        statuses = []
        for _round in range(ROUNDS):
            for page in mine:
                statuses.append(editor.unpublish(page.pk).status_code)
                statuses.append(editor.publish(page.pk).status_code)
            statuses.append(editor.unpublish(mine[0].pk).status_code)  # ends unpublished on odd rounds
        return statuses

    def read(number: int) -> list[int]:
        session = requests.Session()
        addresses = itertools.islice(itertools.cycle(reads), number, number + READS)
        return [session.get(address, timeout=120, headers={"User-Agent": "Mozilla/5.0"}).status_code
                for address in addresses]

    try:
        with ThreadPoolExecutor(EDITORS + VISITORS) as pool:
            editing = [pool.submit(edit, n) for n in range(EDITORS)]
            reading = [pool.submit(read, n) for n in range(VISITORS)]
            edit_statuses = [status for future in editing for status in future.result()]
            read_statuses = [status for future in reading for status in future.result()]
    finally:
        server.stop()
    errors = sorted(set(re.findall(r"^[\w.]*(?:Error|Exception|Deadlock\w*)\b.*$", server.output, re.MULTILINE)))
    odd = [(index, status) for index, status in enumerate(edit_statuses) if status != 302]
    assert not odd, (odd, errors, server.output[-3000:])  # which edit, and the server's last words
    assert all(status < 500 for status in read_statuses), (read_statuses, errors)
    assert not errors, errors

    assert divergent_keys(site.feed) == set()
    for page in Page.objects.filter(pk__in=[p.pk for p in site.stories]):
        in_feed = FeedEntry.objects.filter(feed=site.feed, item_key=f"page:{page.pk}", present=True).exists()
        searchable = SearchDocument.objects.filter(object_type="page", object_id=page.pk, is_public=True).exists()
        assert in_feed == searchable == page.live, (page.pk, page.live, in_feed, searchable)
    # Each editor's first story ends unpublished (three unpublishes after its last publish), the second live.
    assert [page.live for page in Page.objects.filter(pk__in=[p.pk for p in site.stories]).order_by("pk")] == [
        False, True] * EDITORS
