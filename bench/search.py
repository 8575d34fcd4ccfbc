#!/usr/bin/env python
"""Benchmark of the search service on synthetic multilingual content.

    .venv/bin/python bench/search.py                 # 100 000 items, embedded backend on a fresh SQLite file
    .venv/bin/python bench/search.py --items 10000   # smaller
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/laocai_search_bench
    .venv/bin/python bench/search.py --engine opensearch --opensearch-url http://127.0.0.1:9200

It generates N items (Vietnamese, English and Chinese text with realistic
word frequencies; stories, products, culture entries, images, video, audio
and documents with pillars, licences, ethnic groups, places and dates),
indexes them through the backend, then runs every query shape of
``QUERY_SHAPES`` through ``search.service.search`` — the same call the page
and the API make, facets and snippets included — and prints the indexing
rate and the median and 95th percentile latency per shape and overall:
cold (the facet cache off, as for a query nobody asked since the index last
changed) and warm (the same query again, facet counts from the cache).

Before that table it builds a plain tantivy index of the same items
(``tantivy_reference.py``: the yardstick of issue 18) and runs every shape
through the project's search and the reference alternately, printing p50
and p95 of each, their ratio (wall clock and the process's CPU time) and
whether totals and facet counts agree.

With ``--engine opensearch`` (or ``elasticsearch``) the same items are also
indexed into a throw-away alias of that cluster (deleted at the end), and the
same shapes run through the cluster backend: its indexing rate, median and
p95 per shape, and how many of each shape's first ten results the two
backends share, side by side with the embedded figures.

It never touches the site's database: SQLite runs on a temporary file, and a
PostgreSQL URL must name a database used only for benchmarks (created if
missing, emptied first).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from common import percentile  # also puts the repository on the import path
from tantivy_reference import FORMAT as REFERENCE_FORMAT
from tantivy_reference import TantivyReference

# --- synthetic text ----------------------------------------------------------------------
VI_COMMON = (
    "và của là những các được trong với cho người có một đã này ở từ đến không khi nhiều cũng như để "
    "về theo đang sẽ rất tại năm ngày mới còn lại nơi đây bản làng"
).split()
VI_CONTENT = [
    "Lào Cai", "Sa Pa", "Bắc Hà", "Y Tý", "Bát Xát", "Mường Khương", "Văn Bàn", "Si Ma Cai", "Tả Van", "Tả Phìn",
    "Kim Thành", "Mù Cang Chải", "Nghĩa Lộ", "Fansipan", "Hoàng Liên", "Mường Hoa", "Ô Quy Hồ", "sông Hồng",
    "ruộng bậc thang", "rượu ngô", "chợ phiên", "thổ cẩm", "lễ hội", "du khách", "homestay", "cửa khẩu",
    "đường sắt", "chè Shan tuyết", "cá hồi", "quế hữu cơ", "gạo Séng Cù", "táo mèo", "khèn", "nhà trình tường",
    "người H'Mông", "người Dao đỏ", "người Tày", "người Giáy", "người Hà Nhì", "người Phù Lá", "đồng bào",
    "mùa nước đổ", "mùa lúa chín", "băng tuyết", "mây", "núi", "thung lũng", "suối", "rừng", "đỉnh núi",
    "nghề dệt", "nghề rèn", "thêu", "nhuộm chàm", "sáp ong", "hát Then", "đàn tính", "múa xòe", "lễ cấp sắc",
    "du lịch cộng đồng", "xuất khẩu", "nông sản", "sản phẩm OCOP", "hợp tác xã", "thương mại", "hàng hóa",
    "đặc sản", "ẩm thực", "thắng cố", "cơm lam", "mèn mén", "phở chua", "lợn cắp nách", "mận Bắc Hà",
]
EN_COMMON = "the of and a to in is for on with as by at from that this are was it its their which".split()
EN_CONTENT = [
    "Lao Cai", "Sa Pa", "Bac Ha", "Y Ty", "Fansipan", "terraces", "rice fields", "corn wine", "market", "brocade",
    "festival", "visitors", "homestay", "border gate", "railway", "tea", "salmon", "cinnamon", "rice", "apples",
    "Hmong", "Red Dao", "Tay", "Giay", "Ha Nhi", "Phu La", "villages", "mountains", "valley", "clouds", "forest",
    "weaving", "embroidery", "indigo", "beeswax", "music", "dance", "ritual", "community tourism", "exports",
    "produce", "cooperative", "trade", "goods", "cuisine", "stew", "harvest", "snow", "summit", "cable car",
    "trekking", "photographers", "sunset", "heritage", "craft", "costume", "language", "script", "ceremony",
]
ZH_CHARS = (
    "老街沙坝北河梯田玉米酒集市口岸铁路茶三文鱼肉桂大米苹果赫蒙族红瑶岱族热依族哈尼族普拉族村寨山谷云雾森林"
    "织锦刺绣蓝靛蜂蜡音乐舞蹈仪式社区旅游出口农产品合作社贸易商品美食收获雪峰缆车徒步摄影日落遗产手工服饰语言文字"
    "节日游客民宿边境门户高原季节水稻金黄传统文化生活家庭孩子学校市场生产质量标准认证有机种植养殖加工包装销售"
)
ZH_COMMON = list("的是在和了有我们这个为中也就都而及与着或")
ZH_WORDS = [
    "老街", "沙坝", "北河", "梯田", "玉米酒", "集市", "口岸", "铁路", "茶叶", "三文鱼", "肉桂", "大米", "赫蒙族",
    "红瑶族", "哈尼族", "村寨", "山谷", "云雾", "森林", "织锦", "刺绣", "音乐", "舞蹈", "社区旅游", "出口", "农产品",
    "合作社", "贸易", "美食", "收获", "缆车", "徒步", "摄影", "日落", "遗产", "手工艺", "服饰", "节日", "游客", "民宿",
    "边境", "门户", "高原", "番西邦峰", "木江界", "伊蒂", "金城",
]
ETHNIC_GROUPS = ["hmong", "dao", "tay", "giay", "ha-nhi", "phu-la", "thai", "nung", "la-chi", "bo-y", "xa-pho", "kinh"]
PLACES = [f"place-{number:02d}" for number in range(60)] + ["sa-pa", "bac-ha", "y-ty", "bat-xat", "lao-cai"]
KIND_WEIGHTS = {"story": 15, "product": 5, "culture": 10, "image": 50, "video": 8, "audio": 5, "document": 7}
LICENCES = ["cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "gov-reuse", "press-only"]
PILLARS = ["sapa", "gateway", "culture"]


def zipf_weights(count: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(count)]


class TextGenerator:
    """Sentences with a Zipf-like word distribution: a few very common words,
    the topic vocabulary of the province, and a long tail of rarer words."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        onsets = "b c ch d đ g gh h k kh l m n ng nh p ph qu r s t th tr v x".split()
        vowels = "a ă â e ê i o ô ơ u ư y ai ao au ay oa oe ua ưa ươ iê uô".split()
        tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
        import unicodedata

        self.vi_tail = list(
            dict.fromkeys(
                unicodedata.normalize("NFC", rng.choice(onsets) + rng.choice(vowels) + rng.choice(tones)
                                      + rng.choice(["", "n", "ng", "m", "c", "t", "nh", "p"]))
                for _ in range(6000)
            )
        )
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.en_tail = list(
            dict.fromkeys("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(6000))
        )
        self.vi_words = VI_COMMON + VI_CONTENT + self.vi_tail
        self.vi_weights = list(itertools.accumulate(zipf_weights(len(self.vi_words))))  # cumulative: same draws, faster
        self.en_words = EN_COMMON + EN_CONTENT + self.en_tail
        self.en_weights = list(itertools.accumulate(zipf_weights(len(self.en_words))))
        self.zh_tail = list(dict.fromkeys(rng.choice(ZH_CHARS) + rng.choice(ZH_CHARS) for _ in range(8000)))
        self.zh_words = ZH_COMMON + ZH_WORDS + self.zh_tail
        self.zh_weights = list(itertools.accumulate(zipf_weights(len(self.zh_words))))
        units = ["Báo Lào Cai", "Sở Văn hóa, Thể thao và Du lịch", "Sở Công Thương", "Đài PT-TH Lào Cai",
                 "UBND xã Y Tý", "Ban Quản lý Khu kinh tế", "TTXVN", "Báo Nhân Dân", "VnExpress", "Cổng TTĐT tỉnh"]
        self.credits = [f"Ảnh: {rng.choice(self.vi_tail).title()} {rng.choice(self.vi_tail).title()} / "
                        f"{rng.choice(units)}" for _ in range(400)]

    def words(self, language: str, count: int) -> str:
        if language == "zh-hans":
            return "".join(self.rng.choices(self.zh_words, cum_weights=self.zh_weights, k=count)) + "。"
        if language == "vi":
            return " ".join(self.rng.choices(self.vi_words, cum_weights=self.vi_weights, k=count)) + "."
        return " ".join(self.rng.choices(self.en_words, cum_weights=self.en_weights, k=count)) + "."

    def title(self, language: str) -> str:
        text = self.words(language, self.rng.randint(4, 9)).rstrip(".。")
        return text[:1].upper() + text[1:]


def synthetic_entries(count: int, seed: int = 2026, today: datetime.date | None = None):
    """The items, the same for the same ``seed`` and ``today`` (the day some rights end around)."""
    from django.utils import timezone

    from search.documents import IndexEntry, end_of_rights

    rng = random.Random(seed)
    generator = TextGenerator(rng)
    kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
    start = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    today = today or timezone.localdate()
    for number in range(1, count + 1):
        language = rng.choices(["vi", "en", "zh-hans"], [50, 32, 18])[0]
        kind = rng.choices(kinds, kind_weights)[0]
        is_page = kind in ("story", "product", "culture")
        rights = None
        if not is_page and rng.random() < 0.05:
            rights = today + datetime.timedelta(days=rng.randint(-400, 400))
        body_words = rng.randint(60, 220) if is_page else rng.randint(10, 40)
        summary_words = rng.randint(12, 30)
        yield IndexEntry(
            object_type="page" if is_page else ("image" if kind == "image" else "media"),
            object_id=number,
            locale=language,
            kind=kind,
            title=generator.title(language),
            summary=generator.words(language, summary_words if language != "zh-hans" else summary_words * 2),
            body=" ".join(generator.words(language, 20 if language != "zh-hans" else 40)
                          for _ in range(max(1, body_words // 20))),
            meta=(credit := rng.choice(generator.credits)),
            url=f"/{language}/item/{number}/",
            thumbnail_url=f"/media/images/item-{number}.webp",
            credit=credit,
            licence="" if is_page else rng.choice(LICENCES),
            pillar=("culture" if kind == "culture" else rng.choice(PILLARS)) if kind != "product" else "",
            date=start + datetime.timedelta(seconds=rng.randint(0, 11 * 365 * 86400)),
            ethnic_groups=tuple(rng.sample(ETHNIC_GROUPS, rng.choices([0, 1, 2, 3], [30, 40, 20, 10])[0])),
            places=tuple(rng.sample(PLACES, rng.choices([1, 2, 3], [60, 30, 10])[0])),
            is_public=rng.random() < 0.95,
            public_until=end_of_rights(rights),
            rights_expire_on=rights,
            status="public",
        )


def index_synthetic(backend, count: int, seed: int, entries: list | None = None) -> float:
    """Write ``count`` synthetic items (``entries`` when already generated)
    into ``backend`` in batches of 1000; the seconds it took."""
    started = time.perf_counter()
    batch: list = []
    for entry in entries if entries is not None else synthetic_entries(count, seed):
        batch.append(entry)
        if len(batch) == 1000:
            backend.replace([], batch)
            batch = []
    if batch:
        backend.replace([], batch)
    return time.perf_counter() - started


# --- query shapes --------------------------------------------------------------------------
QUERY_SHAPES: list[tuple[str, dict]] = [
    ("vi word", {"text": "thổ cẩm"}),
    ("vi word, no diacritics", {"text": "tho cam"}),
    ("vi place", {"text": "Mù Cang Chải"}),
    ("vi place, no diacritics", {"text": "mu cang chai"}),
    ("vi phrase", {"text": '"rượu ngô"'}),
    ("vi phrase, no diacritics", {"text": '"ruou ngo"'}),
    ("vi common words", {"text": "Lào Cai"}),
    ("vi rare word", {"text": "nhuộm chàm sáp ong"}),
    ("prefix", {"text": "fansi*"}),
    ("prefix, as you type", {"text": "ruộng bậc th*"}),
    ("en word", {"text": "terraces"}),
    ("en two words", {"text": "corn wine"}),
    ("en phrase", {"text": '"border gate"'}),
    ("zh word", {"text": "梯田"}),
    ("zh long", {"text": "玉米酒"}),
    ("zh single character", {"text": "茶"}),
    ("or and exclusion", {"text": "homestay OR trekking -snow"}),
    ("browse everything", {}),
    ("browse images", {"kind": ("image",)}),
    ("facets: word + kind + locale", {"text": "lễ hội", "kind": ("story", "culture"), "locale": ("vi",)}),
    ("facets: word + group + place", {"text": "market", "ethnic_group": ("hmong",), "place": ("bac-ha", "sa-pa")}),
    ("facets: pillar + licence + year", {"pillar": ("sapa",), "year": (2021, 2022), "kind": ("story",)}),
    ("facets: heavy", {"text": "du khách", "kind": ("image",), "licence": ("cc-by-4.0", "cc0-1.0"),
                       "ethnic_group": ("dao",), "year": (2019, 2020, 2021)}),
    ("sort by date", {"text": "Sa Pa", "sort": "newest"}),
    ("deep page", {"text": "rice", "page": 20}),
    ("no results", {"text": "zzzyqx"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="number of synthetic items (default 100 000)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query shape (default 20)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL of a benchmark-only database")
    parser.add_argument("--keep", metavar="DIR", default="", help="keep the SQLite file in DIR (re-used if present)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--parts", action="store_true",
                        help="only print where each shape's CPU time goes (write state, tantivy, cards, snippets…)")
    parser.add_argument("--engine", choices=["embedded", "opensearch", "elasticsearch"], default="embedded",
                        help="also index into this cluster and compare (default: embedded only)")
    parser.add_argument("--opensearch-url", default=os.environ.get("OPENSEARCH_URL") or "http://127.0.0.1:9200")
    parser.add_argument("--elasticsearch-url", default=os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200")
    args = parser.parse_args()

    var_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="laocai-bench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["STORYBANK_VAR_DIR"] = str(var_dir)
    for name in ("ELASTICSEARCH_URL", "OPENSEARCH_URL", "SEARCH_URL"):  # the site's search stays embedded
        os.environ.pop(name, None)
    if args.database_url:
        ensure_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storybank.settings.base")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from search.backends import get_backend
    from search.models import SearchDocument
    from search.query import SearchQuery
    from search.service import search

    call_command("migrate", verbosity=0)
    backend = get_backend("embedded")
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), backend: {backend.name}", flush=True)

    existing = SearchDocument.objects.count()
    # The day the rows' rights dates were drawn around: a reference rebuilt on another day for kept rows
    # must be drawn around the same day, or their totals differ.
    anchor_file = var_dir / "items-anchor-date"
    if existing != args.items or not anchor_file.exists():
        anchor_file.write_text(timezone.localdate().isoformat())
    anchor = datetime.date.fromisoformat(anchor_file.read_text().strip())
    references = [TantivyReference(var_dir / "tantivy-reference"),
                  TantivyReference(var_dir / "tantivy-reference-snippets", snippets=True)]
    reference_marker = f"{args.items} {args.seed} {anchor} format {REFERENCE_FORMAT}"
    reference_ready = all((reference.path / "items").exists() and (reference.path / "items").read_text()
                          == reference_marker for reference in references)
    entries: list = []
    if existing != args.items or not reference_ready:
        started = time.perf_counter()
        entries = list(synthetic_entries(args.items, args.seed, anchor))
        print(f"Generated {args.items} synthetic items in {time.perf_counter() - started:.1f} s", flush=True)
    if existing != args.items:
        if existing:
            print(f"Emptying {existing} documents left from an earlier run…")
            backend.remove(sorted(set(SearchDocument.objects.values_list("object_type", "object_id"))))
        print(f"Indexing {args.items} synthetic items…", flush=True)
        with backend.bulk():  # as search_reindex: rows in committed batches, then the tantivy index in one go
            indexed = index_synthetic(backend, args.items, args.seed, entries)
        optimize_started = time.perf_counter()
        backend.optimize()
        optimized = time.perf_counter() - optimize_started
        print(f"Indexed {args.items} items in {indexed:.1f} s: {args.items / indexed:,.0f} items/s "
              f"(then {optimized:.1f} s to optimise the index)")
    else:
        print(f"Re-using the {existing} indexed items in {var_dir}")
        started = time.perf_counter()
        backend.optimize()  # an index missing from DIR, or behind the rows, is rebuilt from them first
        print(f"The tantivy index is up to date with the rows ({time.perf_counter() - started:.1f} s)")
    for reference in references:
        if not reference_ready:
            started = time.perf_counter()
            reference.build(entries)
            (reference.path / "items").write_text(reference_marker)
            print(f"Tantivy reference{' with snippets' if reference.snippets else ''}: indexed {args.items} "
                  f"items in {time.perf_counter() - started:.1f} s")
        reference.open()
    del entries
    print(f"Index sizes: this project's tantivy index {directory_size(backend.index.path) / 1e6:.1f} MB, "
          f"the reference {references[0].size() / 1e6:.1f} MB ({references[1].size() / 1e6:.1f} MB with the "
          "text stored for snippets)")

    from django.conf import settings

    settings.SEARCH_FACET_CACHE_SECONDS = 0
    if args.parts:
        break_down(args.repeat)
        return
    compare_with_reference(backend, *references, repeat=args.repeat)

    print(f"Load average before the queries: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"\n{'':44} {'':>8} {'cold (no facet cache)':>30} {'warm (facet cache)':>19}")
    print(f"{'query shape':44} {'results':>8} {'median ms':>10} {'p95 ms':>8} {'CPU p95':>10} "
          f"{'median ms':>10} {'p95 ms':>8}")
    every: dict[str, list[float]] = {"cold": [], "cold CPU": [], "warm": []}
    embedded_rows: dict[str, list[float]] = {}
    for label, params in QUERY_SHAPES:
        query = SearchQuery(**params)
        row: list[float] = []
        for mode in ("cold", "warm"):
            settings.SEARCH_FACET_CACHE_SECONDS = 0 if mode == "cold" else 300
            results = search(query)  # warms the page cache (and, warm, the facet cache)
            timings, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                results = search(query)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            every[mode].extend(timings)
            row += [statistics.median(timings), percentile(timings, 0.95)]
            if mode == "cold":
                every["cold CPU"].extend(cpu)
                row.append(percentile(cpu, 0.95))
        embedded_rows[label] = row
        print(f"{label:44} {results.total:>8} {row[0]:>10.1f} {row[1]:>8.1f} {row[2]:>10.1f} "
              f"{row[3]:>10.1f} {row[4]:>8.1f}")
    overall = f"overall ({len(QUERY_SHAPES)} shapes × {args.repeat} runs)"
    print(f"\n{overall:44} {'':>8} {statistics.median(every['cold']):>10.1f} {percentile(every['cold'], 0.95):>8.1f} "
          f"{percentile(every['cold CPU'], 0.95):>10.1f} {statistics.median(every['warm']):>10.1f} "
          f"{percentile(every['warm'], 0.95):>8.1f}")
    print(f"Load average after the queries: {os.getloadavg()[0]:.2f}. 'CPU' is the process's own CPU time "
          "(what an otherwise idle machine would see).")
    if args.engine != "embedded":
        settings.SEARCH_FACET_CACHE_SECONDS = 0  # the embedded side of the overlap as a cold search sees it
        url = args.opensearch_url if args.engine == "opensearch" else args.elasticsearch_url
        compare_with_cluster(args.engine, url, args.items, args.seed, args.repeat, embedded_rows)


def compare_with_cluster(engine: str, url: str, items: int, seed: int, repeat: int,
                         embedded_rows: dict[str, list[float]]) -> None:
    """Index the same items into a throw-away alias of the cluster, run the
    same shapes through the cluster backend, print both side by side."""
    import uuid

    from django.conf import settings
    from django.test import override_settings

    from search import backends
    from search.backends.cluster import ClusterBackend
    from search.query import SearchQuery
    from search.service import search

    cluster = ClusterBackend(alias=f"laocai-bench-{uuid.uuid4().hex[:8]}", url=url, engine=engine)
    print(f"\nCluster: {cluster.name} at {url}, throw-away alias {cluster.alias}", flush=True)
    try:
        started = time.perf_counter()
        index_synthetic(cluster, items, seed)
        cluster.refresh()
        indexed = time.perf_counter() - started
        print(f"Indexed {items} items in {indexed:.1f} s: {items / indexed:,.0f} items/s (refresh included)")

        backends._backends["cluster"] = cluster
        print(f"\n{'':44} {'':>8} {'embedded (cold)':>19} {cluster.name:>19} {'top-10':>8}")
        print(f"{'query shape':44} {'results':>8} {'median ms':>10} {'p95 ms':>8} {'median ms':>10} {'p95 ms':>8} "
              f"{'overlap':>8}")
        timings_all: list[float] = []
        overlaps: list[float] = []
        for label, params in QUERY_SHAPES:
            query = SearchQuery(**params)
            embedded_top = [hit.key for hit in search(SearchQuery(**{**params, "per_page": 10})).hits]
            with override_settings(SEARCH_BACKEND="cluster"):
                cluster_top = [hit.key for hit in search(SearchQuery(**{**params, "per_page": 10})).hits]
                results = search(query)
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    results = search(query)
                    timings.append((time.perf_counter() - started) * 1000)
            timings_all.extend(timings)
            shown = max(len(embedded_top), len(cluster_top))
            overlap = len(set(embedded_top) & set(cluster_top)) / shown if shown else 1.0
            overlaps.append(overlap)
            cold_median, cold_p95 = embedded_rows[label][:2]
            print(f"{label:44} {results.total:>8} {cold_median:>10.1f} {cold_p95:>8.1f} "
                  f"{statistics.median(timings):>10.1f} {percentile(timings, 0.95):>8.1f} {overlap:>8.0%}")
        overall = f"overall ({len(QUERY_SHAPES)} shapes × {repeat} runs)"
        print(f"\n{overall:44} {'':>8} {'':>10} {'':>8} {statistics.median(timings_all):>10.1f} "
              f"{percentile(timings_all, 0.95):>8.1f} {statistics.mean(overlaps):>8.0%}")
        print(f"Mean top-10 overlap {statistics.mean(overlaps):.0%} (shared keys among the first ten results of "
              f"each shape; sorted shapes tie on dates). Index setting SEARCH_CLUSTER_REPLICAS="
              f"{settings.SEARCH_CLUSTER_REPLICAS}.")
    finally:
        cluster.drop()


def compare_with_reference(backend, reference: TantivyReference, same_job: TantivyReference, repeat: int) -> None:
    """Each shape through the project's search (``search.service.search``, as
    the page and the API call it), through the plain tantivy reference and
    through the reference that also cuts each result's snippet (the same job
    as the project's), in turn so all see the same machine load, facet cache
    off: p50 and p95 of each and the ratios (wall clock, and the process's
    CPU time, which other processes on the machine do not inflate), and
    whether totals and facet counts agree."""
    from django.utils import timezone

    from search.query import SearchQuery
    from search.service import search

    print(f"\nAgainst tantivy (issue 18): {repeat} cold runs of each shape, in turn; ratio = project ÷ tantivy; "
          "'+snippets': tantivy also cutting each result's snippet (of its folded text), as the project does")
    print(f"{'shape':36} {'results':>7} {'project p50':>11} {'p95':>6} {'tantivy p50':>11} {'p95':>6} "
          f"{'+snippets':>9} {'p95':>6} {'ratio p50':>9} {'p95':>5} {'CPU ratio p50':>13} {'p95':>5} "
          f"{'CPU÷+snip':>9} {'p95':>5}  agree")
    agreed, ratios, cpu_ratios, same_job_ratios = 0, [], [], []
    # Each run is a cold query, as a journalist's long-tail one: the query parsed anew on both sides, and the
    # project's compiled highlighter forgotten (as tantivy's snippet generator is made anew for each search).
    runs = {"ours": lambda params: search(SearchQuery(**params)),
            "theirs": lambda params: reference.search(SearchQuery(**params), timezone.now()),
            "same job": lambda params: same_job.search(SearchQuery(**params), timezone.now())}
    for label, params in QUERY_SHAPES:
        query = SearchQuery(**params)
        raw = backend.search(query)
        same = all(raw.total == total and nonzero(raw.facets) == nonzero(facets)
                   for total, facets, _page in (run(params) for run in (runs["theirs"], runs["same job"])))
        agreed += same
        timings: dict[str, list[float]] = {name: [] for run in runs for name in (run, f"{run} CPU")}
        names = list(runs)
        for turn in range(repeat):
            for name in names[turn % 3:] + names[:turn % 3]:  # each goes first in turn
                forget_highlighter(params)
                started, started_cpu = time.perf_counter(), time.process_time()
                runs[name](params)
                timings[name].append((time.perf_counter() - started) * 1000)
                timings[f"{name} CPU"].append((time.process_time() - started_cpu) * 1000)
        p50 = {name: statistics.median(values) for name, values in timings.items()}
        p95 = {name: percentile(values, 0.95) for name, values in timings.items()}

        def ratio(figures: dict[str, float], theirs: str) -> float:
            return figures[f"ours{' CPU' if 'CPU' in theirs else ''}"] / max(figures[theirs], 0.001)

        ratios.append(ratio(p50, "theirs"))
        cpu_ratios.append(ratio(p50, "theirs CPU"))
        same_job_ratios.append(ratio(p50, "same job CPU"))
        print(f"{label[:36]:36} {raw.total:>7} {p50['ours']:>11.2f} {p95['ours']:>6.2f} {p50['theirs']:>11.2f} "
              f"{p95['theirs']:>6.2f} {p50['same job']:>9.2f} {p95['same job']:>6.2f} {ratios[-1]:>9.2f} "
              f"{ratio(p95, 'theirs'):>5.2f} {cpu_ratios[-1]:>13.2f} {ratio(p95, 'theirs CPU'):>5.2f} "
              f"{same_job_ratios[-1]:>9.2f} {ratio(p95, 'same job CPU'):>5.2f}  {'yes' if same else 'NO'}")
    print(f"Totals and facet counts agree on {agreed} of {len(QUERY_SHAPES)} shapes. Ratio p50: median "
          f"{statistics.median(ratios):.2f}, worst {max(ratios):.2f}; CPU: median {statistics.median(cpu_ratios):.2f}, "
          f"worst {max(cpu_ratios):.2f}; CPU against tantivy with snippets: median "
          f"{statistics.median(same_job_ratios):.2f}, worst {max(same_job_ratios):.2f}.")


def forget_highlighter(params: dict) -> None:
    """As for a query never seen before: its compiled highlighter out of the project's
    cache and out of ``re``'s (and nothing else of ``re``'s, as in a running server)."""
    from search.query import SearchQuery
    from search.text import _Matcher, _matcher_for

    _matcher_for.cache_clear()
    matcher = _Matcher.for_query(SearchQuery(**params).parsed)
    patterns = {pattern for pattern in (matcher.words_regex, matcher.others and matcher.others.pattern) if pattern}
    for key in [key for key in re._cache if key[1] in patterns]:  # Python 3.11's compile cache
        del re._cache[key]


#: The parts of a search the breakdown times: (module, function, column).
PARTS = (
    ("search.backends.embedded.store", "read_state", "state"),
    ("search.backends.embedded", "Plan", "query"),
    ("search.backends.embedded.index", "text_queries", "query"),  # built inside tantivy's answer
    ("search.backends.embedded.index", "answer", "tantivy"),
    ("search.backends.embedded.store", "_stored_fields", "cards"),
    ("search.text", "_snippet", "snippets"),
    ("search.service", "exact_titles_first", "titles"),
    ("search.service", "label_facets", "labels"),
)


def break_down(repeat: int) -> None:
    """Where each shape's CPU time goes (median of ``repeat`` runs, in ms):
    the write-state check, building the tantivy query, tantivy's answer
    (top results, total, facets), the result cards' fields from the database,
    their snippets, the exact-title check, the facets' labels, and the rest."""
    import importlib

    from search.query import SearchQuery
    from search.service import search

    spent: dict[str, float] = {}
    inner: list[float] = []  # per timed call under way, the time of the timed calls inside it

    def timed(function, column):
        def run(*args, **kwargs):
            started = time.process_time()
            inner.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - started
                spent[column] = spent.get(column, 0.0) + elapsed - inner.pop()  # each part counted once
                if inner:
                    inner[-1] += elapsed
        return run

    originals = [(importlib.import_module(module), name) for module, name, _column in PARTS]
    originals = [(module, name, getattr(module, name)) for module, name in originals]
    columns = list(dict.fromkeys(column for _module, _name, column in PARTS)) + ["rest", "total"]
    print(f"\nWhere the CPU time goes (ms, median of {repeat} runs, facet cache off)")
    print(f"{'shape':36} " + " ".join(f"{column:>8}" for column in columns))
    per_shape: dict[str, list[float]] = {column: [] for column in columns}
    try:
        for (module, name, original), (_module, _name, column) in zip(originals, PARTS, strict=True):
            setattr(module, name, timed(original, column))
        for label, params in QUERY_SHAPES:
            query = SearchQuery(**params)
            search(query)
            runs: dict[str, list[float]] = {column: [] for column in columns}
            for _ in range(repeat):
                spent.clear()
                started = time.process_time()
                search(query)
                total = time.process_time() - started
                for column in columns[:-2]:
                    runs[column].append(spent.get(column, 0.0) * 1000)
                runs["rest"].append((total - sum(spent.values())) * 1000)
                runs["total"].append(total * 1000)
            medians = {column: statistics.median(values) for column, values in runs.items()}
            for column in columns:
                per_shape[column].append(medians[column])
            print(f"{label[:36]:36} " + " ".join(f"{medians[column]:>8.2f}" for column in columns))
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    print(f"{'median of the shapes':36} " + " ".join(f"{statistics.median(per_shape[column]):>8.2f}"
                                                     for column in columns))


def nonzero(facets: dict) -> dict:
    return {name: {value: count for value, count in values.items() if count} for name, values in facets.items()
            if any(values.values())}


def directory_size(path: Path) -> int:
    return sum(child.stat().st_size for child in Path(path).iterdir() if child.is_file()) if Path(path).exists() else 0


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
