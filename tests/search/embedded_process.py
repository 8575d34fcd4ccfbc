"""A second process writing and searching the embedded index, for
``test_embedded_processes`` (run as ``python -m tests.search.embedded_process``
with the parent's DATABASE_URL and SEARCH_INDEX_DIR).

    write FIRST_ID COUNT WORD   index COUNT images titled WORD, withdraw every
                                third one, and check after each commit that
                                this process's searches show exactly what it
                                committed; prints "ok N"
    stall                       apply the pending changes to the index and
                                stop for good in the middle of the batch
                                (prints "stalled"), to be killed there
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storybank.settings.test")

import django  # noqa: E402

django.setup()

from search.backends import get_backend  # noqa: E402
from search.backends.embedded import index_path, writer  # noqa: E402
from search.documents import IndexEntry  # noqa: E402
from search.query import SearchQuery  # noqa: E402
from search.service import search  # noqa: E402


def entry(object_id: int, word: str, public: bool) -> IndexEntry:
    return IndexEntry(object_type="image", object_id=object_id, locale="vi", kind="image",
                      title=f"{word} ảnh số {object_id}", summary=f"Ảnh {word} ở Sa Pa", licence="cc-by-4.0",
                      ethnic_groups=("hmong",), places=("sa-pa",), is_public=public,
                      status="public" if public else "restricted")


def write(first_id: int, count: int, word: str) -> None:
    backend = get_backend("embedded")
    visible: set[int] = set()
    for number in range(count):
        object_id = first_id + number
        backend.replace([("image", object_id)], [entry(object_id, word, public=True)])
        visible.add(object_id)
        if number % 3 == 2:  # withdraw one written earlier
            withdrawn = first_id + number - 1
            backend.replace([("image", withdrawn)], [entry(withdrawn, word, public=False)])
            visible.discard(withdrawn)
        results = search(SearchQuery(text=word, per_page=100))
        found = {hit.object_id for hit in results.hits}
        if found != visible or results.total != len(visible):
            sys.exit(f"after write {number}: found {sorted(found)} (total {results.total}), expected {sorted(visible)}")
        place = {value.value: value.count for value in results.facet("place").values}
        if place.get("sa-pa") != len(visible):
            sys.exit(f"after write {number}: place facet {place}, expected {len(visible)}")
    print(f"ok {len(visible)} {index_path()}", flush=True)


def stall() -> None:
    """Apply the pending changes, but stop for good after a few documents."""
    added = 0
    real_document = writer.document

    def document(row):
        nonlocal added
        added += 1
        if added == 5:
            print("stalled", flush=True)
            time.sleep(600)
        return real_document(row)

    writer.document = document
    writer.catch_up(get_backend("embedded").index, wait=30)
    print("finished", flush=True)  # never reached: the test kills this process while it stalls


if __name__ == "__main__":
    role, *arguments = sys.argv[1:]
    if role == "write":
        write(int(arguments[0]), int(arguments[1]), arguments[2])
    elif role == "stall":
        stall()
    else:
        sys.exit(f"unknown role {role!r}")
