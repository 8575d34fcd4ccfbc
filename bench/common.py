"""What the benchmark scripts share: the repository on the import path, one
way to compute p95, and a throw-away working folder for Django.

Run any benchmark from the repository root, e.g. ``.venv/bin/python
bench/search.py``; Python puts ``bench/`` on the path, so ``import common``
works.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 is the p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def setup_django(name: str, fresh: bool, **environ: str) -> Path:
    """Point the settings at ``var/bench-<name>`` (emptied first with
    ``fresh``, unless ``DATABASE_URL`` names another database), set
    ``environ`` and start Django with the base settings (DEBUG off, so no
    query log skews the figures). Returns the folder."""
    bench_dir = ROOT / "var" / f"bench-{name}"
    if fresh and bench_dir.exists() and not os.environ.get("DATABASE_URL"):
        shutil.rmtree(bench_dir)
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("STORYBANK_VAR_DIR", str(bench_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storybank.settings.base")
    os.environ.update(environ)
    import django

    django.setup()
    return bench_dir
