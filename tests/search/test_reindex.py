"""``manage.py search_reindex`` rebuilds the index from the content tables."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from search.models import SearchDocument, SearchText
from search.query import SearchQuery
from search.service import search

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def snapshot() -> set[tuple]:
    return set(SearchDocument.objects.values_list("object_type", "object_id", "locale", "kind", "is_public"))


def test_reindex_rebuilds_what_the_signals_built_and_drops_stale_entries(demo, media):
    before = snapshot()
    assert len(before) > 100
    stale = SearchDocument.objects.create(object_type="page", object_id=999_999, locale="vi", kind="story",
                                          is_public=True)
    SearchText.objects.create(document=stale, status="public", title="Bài đã xoá từ lâu", title_tokens="bài đã xoá")
    SearchText.objects.filter(document__object_type="image").update(title="hỏng")  # corrupted stored fields
    assert search(SearchQuery(text="xoá")).total == 1

    out, err = io.StringIO(), io.StringIO()
    call_command("search_reindex", stdout=out, stderr=err)
    assert snapshot() == before
    assert search(SearchQuery(text="xoá")).total == 0
    assert not SearchText.objects.filter(title="hỏng").exists()
    assert "Indexed" in out.getvalue() and "documents" in out.getvalue()
    assert "item" in err.getvalue()  # the progress bar
    assert "Rượu ngô Bản Phố Bắc Hà" in [hit.title for hit in search(SearchQuery(text="ruou ngo")).hits]


def test_reindex_twice_changes_nothing(demo):
    call_command("search_reindex", "--no-progress", stdout=io.StringIO())
    first = snapshot()
    call_command("search_reindex", "--no-progress", stdout=io.StringIO())
    assert snapshot() == first


def test_the_benchmark_runs_and_prints_its_figures(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--items", "300", "--repeat", "2", "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "items/s" in result.stdout
    assert "median ms" in result.stdout and "p95 ms" in result.stdout
    header = result.stdout.index("query shape")
    rows = [line for line in result.stdout[header:].splitlines()[1:] if line.strip()]
    shapes, overall = rows[:-2], rows[-2]
    assert len(shapes) >= 20 and overall.startswith("overall")
    for row in [*shapes, overall]:
        cold_median, cold_p95, _cpu_p95, warm_median, warm_p95 = (float(value) for value in row.split()[-5:])
        assert 0 <= cold_median <= cold_p95 and 0 <= warm_median <= warm_p95


@pytest.mark.search_cluster
def test_the_benchmark_compares_with_the_cluster(tmp_path):
    from tests.search.conftest import require_cluster

    url = require_cluster("opensearch")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--items", "300", "--repeat", "2", "--keep",
         str(tmp_path), "--engine", "opensearch", "--opensearch-url", url],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    cluster = result.stdout[result.stdout.index("Cluster: opensearch"):]
    assert "items/s" in cluster and "top-10" in cluster
    header = cluster.index("query shape")
    rows = [line for line in cluster[header:].splitlines()[1:] if line.strip()]
    shapes = [row for row in rows if not row.startswith(("overall", "Mean"))]
    assert len(shapes) >= 20
    for row in shapes:
        *_label, _total, embedded_median, embedded_p95, median, p95, overlap = row.split()
        assert 0 <= float(median) <= float(p95) and 0 <= float(embedded_median) <= float(embedded_p95)
        assert 0 <= int(overlap.rstrip("%")) <= 100
    assert re.search(r"Mean top-10 overlap \d+%", cluster)
