"""Keeping picture decoding from taking a server down.

A 100-megapixel picture costs hundreds of megabytes and seconds of CPU each
time it is decoded. Two rules bound that cost:

* ``decode_budget()``: each process decodes at most
  ``MEDIA_DECODE_BUDGET_MEGAPIXELS`` at once (uploads and renditions alike);
  a decode waits for its share, so three large uploads run one after the
  other instead of together.
* ``one_rendition_at_a_time()``: a rendition is made once. Whoever asks for
  it while it is being made waits for it (a file lock, shared by every
  process and thread of the host) and then finds it made.

File names of renditions are ours too (``rendition_file_name``): Wagtail
shortens the original's name to make room for a long filter spec, down to
nothing, leaving hidden files such as ``.2e16d0ba.fill-1200x630….webp``
that common proxy rules refuse to serve.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

#: Lock files shared by every rendition (a rendition's key picks one).
LOCK_STRIPES = 256


class DecoderBusy(Exception):
    """The process's decoding budget stayed taken for longer than the wait allowed."""


class DecodeBudget:
    """Pixels a process may be decoding at once (a weighted semaphore)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, pixels: int, *, timeout: float | None = None) -> Iterator[None]:
        """Hold ``pixels`` of the budget (a picture larger than the whole budget
        takes all of it); raises :class:`DecoderBusy` after ``timeout`` seconds."""
        share = min(max(1, int(pixels)), self.capacity)
        with self._changed:
            if not self._changed.wait_for(lambda: self.in_use + share <= self.capacity, timeout=timeout):
                raise DecoderBusy
            self.in_use += share
        try:
            yield
        finally:
            with self._changed:
                self.in_use -= share
                self._changed.notify_all()


_budgets: dict[int, DecodeBudget] = {}
_budgets_lock = threading.Lock()


def decode_budget() -> DecodeBudget:
    """This process's budget (``MEDIA_DECODE_BUDGET_MEGAPIXELS``, 120 by default)."""
    capacity = int(getattr(settings, "MEDIA_DECODE_BUDGET_PIXELS", 120_000_000))
    with _budgets_lock:
        if capacity not in _budgets:
            _budgets[capacity] = DecodeBudget(capacity)
        return _budgets[capacity]


def lock_directory() -> Path:
    """Where the lock files live: one folder per media store, on this host."""
    configured = getattr(settings, "MEDIA_LOCK_DIR", "")
    if configured:
        folder = Path(configured)
    else:
        store = getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") or str(settings.MEDIA_ROOT)
        folder = Path(tempfile.gettempdir()) / f"laocai-locks-{hashlib.sha1(store.encode()).hexdigest()[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def one_rendition_at_a_time(image_pk: int, spec: str, focal_point_key: str) -> Iterator[None]:
    """Exclusive, across the host's processes and threads, for making one rendition."""
    key = f"{image_pk}|{spec}|{focal_point_key}".encode()
    stripe = int(hashlib.sha1(key).hexdigest(), 16) % LOCK_STRIPES
    descriptor = os.open(lock_directory() / f"rendition-{stripe:03d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def rendition_file_name(original_name: str, spec: str, focal_point_key: str, extension: str) -> str:
    """``ruong-bac-thang.3f9a0c1d2e.fill-1200x630.webp``: the original's stem
    (never empty), a digest of what made the rendition and its first operation."""
    stem = Path(original_name).stem.split(".")[0][:24].strip(".-_") or "image"
    digest = hashlib.sha1(f"{spec}|{focal_point_key}".encode()).hexdigest()[:10]
    operation = re.sub(r"[^a-z0-9x-]", "", spec.split("|")[0].lower())[:20] or "rendition"
    return f"{stem}.{digest}.{operation}.{extension.lstrip('.')}"
