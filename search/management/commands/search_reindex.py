"""Rebuild the search index from the content tables.

    python manage.py search_reindex            # with a progress bar
    python manage.py search_reindex --no-progress

Embedded backend: every item is re-read and rewritten in small committed
batches, then entries of items that no longer exist are removed and the
full-text index is optimised. Cluster (OpenSearch, Elasticsearch): a new index is built next to the
live one and the alias is swapped atomically. Search answers throughout.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.backends import get_backend
from search.documents import count_objects, iter_objects


class Command(BaseCommand):
    help = "Rebuild the search index (stories, products, culture entries, images, media) without downtime."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        total = count_objects()
        started = time.perf_counter()
        with tqdm(
            total=total, unit="item", desc=f"Indexing ({backend.name})", disable=options["no_progress"],
            file=self.stderr._out if hasattr(self.stderr, "_out") else None,
        ) as bar:
            written = backend.reindex(iter_objects(), progress=bar.update)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {total} items as {written} documents (one per locale) with the {backend.name} backend "
                f"in {elapsed:.1f} s."
            )
        )
