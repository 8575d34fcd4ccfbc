"""Heartbeats: how a long-running process tells its health check it is alive.

Each process touches ``<OPERATIONS_HEARTBEAT_DIR>/<name>.heartbeat`` every
round of its loop; ``manage.py healthcheck <name>`` (docker-compose's
``healthcheck``) fails when the file is older than allowed. A file, not a
database row: a process waiting out a locked or unreachable database is
alive and must say so, and the check must not need the database either.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def heartbeat_path(name: str) -> Path:
    return Path(settings.OPERATIONS_HEARTBEAT_DIR) / f"{name}.heartbeat"


def beat(name: str) -> None:
    """Record that ``name`` is alive now."""
    path = heartbeat_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def age(name: str) -> float | None:
    """Seconds since ``name`` last beat, or ``None`` if it never did."""
    try:
        return max(time.time() - heartbeat_path(name).stat().st_mtime, 0.0)
    except FileNotFoundError:
        return None
