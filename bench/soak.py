"""Soak test: the production shape left running under mixed load and faults.

    .venv/bin/python bench/soak.py                        # 180 s on SQLite (prepared under var/bench-soak)
    .venv/bin/python bench/soak.py --seconds 600 --keep /tmp/soak
    .venv/bin/python bench/soak.py --database-url postgres://postgres@127.0.0.1:5432/laocai_soak
    .venv/bin/python bench/soak.py --opensearch             # also start a node on 9201 and stop it mid-run

It prepares a database with the demo content (migrate, load_demo,
collectstatic), a push partner whose webhook is a receiver in this script,
then starts what docker-compose starts, with the production settings:
gunicorn (2 workers × 4 threads), ``task_worker`` (TASKS_BACKEND=database),
``deliver_feeds`` and ``run_scheduler`` (schedules shortened), restarting any
that exits, as compose's restart policy does. For ``--seconds`` it runs
visitors, searches (page and API), a partner pulling a feed incrementally and
two editors unpublishing and publishing stories in the admin, while it
injects faults: the push worker killed with SIGKILL, the partner failing
(HTTP 500), then hanging past the push timeout, then recovering, the
database locked by another connection for 8 s, and (``--opensearch``) the
search node stopped for 20 s. Then it lets the queues drain and prints:
requests and 5xx, publishes, deliveries sent / acknowledged / lost /
duplicated without their idempotency key, and feed entries diverging from
the live pages. Targets: zero 5xx, zero lost, zero divergence.

Every request goes to 127.0.0.1; every loop stops by itself.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from common import ROOT

PYTHON = sys.executable
SECRET = "soak-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
ADMIN, PASSWORD = "admin", os.environ.get("DEMO_ADMIN_PASSWORD", "laocai-demo-2026")
PUSH_TIMEOUT = 3  # seconds; the receiver's "hang" lasts longer
SEARCHES = ["ruou ngo bac ha", "Fansipan", "ruộng bậc thang", "梯田", "hmong", "cho phien"]


# --- the processes --------------------------------------------------------------------


def environment(args: argparse.Namespace, workdir: Path, settings: str = "storybank.settings.production",
                port: int = 0) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "S3_BUCKET", "ELASTICSEARCH_URL", "REDIS_URL", "OPENSEARCH_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": settings, "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0", "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "STORYBANK_VAR_DIR": str(workdir), "OPERATIONS_HEARTBEAT_DIR": str(workdir / "run"),
        "TASKS_BACKEND": "database", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
        "FEEDS_PUSH_BACKOFF_SECONDS": "1", "FEEDS_PUSH_MAX_BACKOFF_SECONDS": "4",
        "FEEDS_PUSH_TIMEOUT_SECONDS": str(PUSH_TIMEOUT), "FEEDS_PUSH_LEASE_SECONDS": "30",
        "FEEDS_PUSH_MAX_ATTEMPTS": "1000", "FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE": "0",
        "SCHEDULE_PUBLISH_SECONDS": "5", "SCHEDULE_RECONCILE_SECONDS": "15", "SCHEDULE_RIGHTS_EXPIRY_SECONDS": "30",
        "PUBLIC_SEARCH_CACHE_SECONDS": "0",
    })
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.opensearch:
        env["OPENSEARCH_URL"] = f"http://127.0.0.1:{args.opensearch_port}"
    return env


def manage(env: dict[str, str], *command: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


SETUP = r"""
import json
from storybank.feeds.models import ApiKey, Feed, Partner, PushDestination
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage
partner, _ = Partner.objects.get_or_create(slug="soak-partner", defaults={"name": "Soak partner"})
Feed.objects.filter(slug="soak").delete()  # a fresh feed: the partner receives every item from the start
feed = Feed(slug="soak", title="Soak", is_public=False)
feed.readers = [partner]
feed.save()
PushDestination.objects.create(partner=partner, feed=feed, name="soak hook", url="RECEIVER_URL")
reconcile_feed(feed)
_, key = ApiKey.issue(partner, "soak")
stories = [p.pk for p in StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk")
           if not p.is_sensitive][:6]
print(json.dumps({"key": key, "feed": feed.slug, "stories": stories}))
"""


class Supervised:
    """One long-running process, restarted when it exits (compose's restart policy)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.restarts = 0
        self.process: subprocess.Popen | None = None
        self.stopping = False
        self.start()

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def watch(self) -> None:
        if not self.stopping and self.process.poll() is not None:
            self.restarts += 1
            time.sleep(1)
            self.start()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        self.stopping = True
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the partner's webhook ------------------------------------------------------------


@dataclass
class Receiver:
    mode: str = "ok"  # ok, fail, hang
    received: list[dict[str, Any]] = field(default_factory=list)
    answered_2xx: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> ThreadingHTTPServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if len(body) < length:
                    return
                mode = state.mode
                with state.lock:
                    state.received.append({"key": self.headers["Idempotency-Key"], **json.loads(body)})
                if mode == "hang":
                    time.sleep(PUSH_TIMEOUT + 2)
                status = 500 if mode == "fail" else 200
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    return
                if status == 200:
                    with state.lock:
                        state.answered_2xx += 1

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


# --- the load ---------------------------------------------------------------------------


def cookies_over_loopback(session: requests.Session) -> None:
    """Production cookies are Secure; behind the (absent) TLS proxy we say
    https (X-Forwarded-Proto), so send them over loopback HTTP all the same."""
    for cookie in session.cookies:
        cookie.secure = False


@dataclass
class Tally:
    requests: Counter = field(default_factory=Counter)
    server_errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    publishes: int = 0
    unpublishes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: requests.Response | None, error: str = "") -> None:
        with self.lock:
            self.requests[kind] += 1
            if response is None or response.status_code >= 500:
                self.server_errors[kind] += 1
                if len(self.examples) < 10:
                    status = response.status_code if response is not None else error
                    self.examples.append(f"{kind}: {status} {response.url if response is not None else ''}")


def get(session: requests.Session, tally: Tally, kind: str, url: str, **kwargs: Any) -> requests.Response | None:
    try:
        response = session.get(url, timeout=60, **kwargs)
    except requests.RequestException as error:
        tally.record(kind, None, type(error).__name__)
        return None
    tally.record(kind, response)
    return response


def visitor(base: str, pages: list[str], tally: Tally, stop: threading.Event, seed: int) -> None:
    session = requests.Session()
    session.headers["User-Agent"] = "Mozilla/5.0 (soak visitor)"
    rng = random.Random(seed)
    while not stop.is_set():
        get(session, tally, "visitor", base + rng.choice(pages))
        stop.wait(rng.uniform(0.05, 0.3))


def searcher(base: str, tally: Tally, stop: threading.Event, seed: int) -> None:
    session = requests.Session()
    session.headers["User-Agent"] = "Mozilla/5.0 (soak searcher)"
    rng = random.Random(seed)
    while not stop.is_set():
        query = rng.choice(SEARCHES)
        if rng.random() < 0.5:
            get(session, tally, "search", f"{base}/vi/search/", params={"q": query})
        else:
            get(session, tally, "search", f"{base}/api/v1/search", params={"q": query})
        stop.wait(rng.uniform(0.2, 0.6))


@dataclass
class PulledCopy:
    """What the partner holds after pulling ``?since=<cursor>``: item id → sequence."""

    items: dict[str, int] = field(default_factory=dict)
    cursor: int = 0

    def pull(self, session: requests.Session, tally: Tally, base: str, slug: str) -> bool:
        """One page of changes; True while more pages follow."""
        response = get(session, tally, "feed pull", f"{base}/feeds/{slug}.json", params={"since": self.cursor})
        if response is None or response.status_code != 200:
            return False
        document = response.json()
        for item in document["items"]:
            if item["_laocai"].get("deleted"):
                self.items.pop(item["id"], None)
            else:
                self.items[item["id"]] = item["_laocai"]["sequence"]
        self.cursor = document["_laocai"]["next_cursor"]
        return document["_laocai"]["has_more"]


def feed_session(key: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    return session


def puller(base: str, slug: str, key: str, tally: Tally, stop: threading.Event, copy: PulledCopy) -> None:
    session = feed_session(key)
    while not stop.is_set():
        if not copy.pull(session, tally, base, slug):
            stop.wait(1.0)


def editor(base: str, port: int, stories: list[int], tally: Tally, stop: threading.Event) -> None:
    session = requests.Session()
    origin = f"https://127.0.0.1:{port}"
    session.headers.update({"X-Forwarded-Proto": "https", "Referer": f"{origin}/admin/"})
    for _attempt in range(5):  # a person whose sign-in failed tries again
        get(session, tally, "admin", f"{base}/admin/login/")
        cookies_over_loopback(session)
        token = session.cookies.get("csrftoken", "")
        response = session.post(f"{base}/admin/login/", data={"username": ADMIN, "password": PASSWORD,
                                                             "csrfmiddlewaretoken": token}, allow_redirects=False,
                                timeout=120)
        tally.record("admin", response)
        if response.status_code == 302:
            break
        stop.wait(5)
    else:
        print(f"An editor could not sign in: {response.status_code} {response.text[:300]}", flush=True)
        return
    for page_id in itertools.cycle(stories):
        if stop.is_set():
            return
        for action, url in (("unpublish", f"{base}/admin/pages/{page_id}/unpublish/"),
                            ("publish", f"{base}/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/")):
            cookies_over_loopback(session)
            try:
                response = session.post(url, data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
                                        allow_redirects=False, timeout=120)
            except requests.RequestException as error:
                tally.record("admin", None, type(error).__name__)
                continue
            tally.record("admin", response)
            if response.status_code == 302:
                with tally.lock:
                    if action == "publish":
                        tally.publishes += 1
                    else:
                        tally.unpublishes += 1
            stop.wait(1.5)


# --- faults ------------------------------------------------------------------------------


def lock_database(args: argparse.Namespace, workdir: Path, seconds: float) -> None:
    """Another connection holds the write lock (SQLite) or locks the feed heads (PostgreSQL)."""
    if not args.database_url:
        holder = sqlite3.connect(workdir / "storybank.sqlite3", timeout=60, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        holder.execute("ROLLBACK")
        holder.close()
        return
    import psycopg

    with psycopg.connect(args.database_url) as holder:
        holder.execute("LOCK TABLE feeds_feedhead, feeds_delivery IN EXCLUSIVE MODE")
        time.sleep(seconds)
        holder.rollback()


def opensearch(args: argparse.Namespace, action: str) -> None:
    env = {**os.environ, "OPENSEARCH_PORT": str(args.opensearch_port)}
    subprocess.run(["scripts/opensearch.sh", action], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


# --- the verdict --------------------------------------------------------------------------


VERDICT = r"""
import json
from storybank.feeds.models import Delivery, Feed, FeedEntry
from storybank.feeds.sync import divergent_keys
divergent = {feed.slug: sorted(divergent_keys(feed)) for feed in Feed.objects.filter(active=True)}
feed = Feed.objects.get(slug="soak")
present = dict(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", "sequence"))
statuses = {}
for status in Delivery.objects.filter(feed=feed).values_list("status", flat=True):
    statuses[status] = statuses.get(status, 0) + 1
print(json.dumps({"divergent": divergent, "present": present, "statuses": statuses,
                  "due": Delivery.objects.filter(status="pending").count()}))
"""


def verdict(env: dict[str, str]) -> dict[str, Any]:
    return json.loads(manage(env, "shell", "-c", VERDICT).strip().splitlines()[-1])


def replica_of(received: list[dict[str, Any]]) -> dict[str, int]:
    """The partner's copy from its pushes: the latest change of each item wins."""
    latest: dict[str, dict[str, Any]] = {}
    for change in received:
        if change["id"] not in latest or change["sequence"] > latest[change["id"]]["sequence"]:
            latest[change["id"]] = change
    return {item: change["sequence"] for item, change in latest.items() if change["change"] == "upsert"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="Prepare the demo here once and re-use it (SQLite).")
    parser.add_argument("--database-url", default="", help="A PostgreSQL database to use (emptied).")
    parser.add_argument("--opensearch", action="store_true", help="Start a node on --opensearch-port and stop it.")
    parser.add_argument("--opensearch-port", type=int, default=9201)
    args = parser.parse_args()

    workdir = (args.keep or ROOT / "var" / "bench-soak").resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "logs").mkdir(exist_ok=True)
    port = free_port()
    receiver = Receiver()
    hook = receiver.serve()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    env = environment(args, workdir, port=port)
    # load_demo refuses the production settings (its users have a published password): the throw-away
    # database is prepared with the development settings, on the same files, as bench/site.py does.
    prepare_env = environment(args, workdir, settings="storybank.settings.dev", port=port)
    if args.opensearch:
        opensearch(args, "start")

    marker = workdir / ".prepared"
    if args.database_url or not marker.exists():
        print("Preparing: migrate, load_demo, collectstatic…", flush=True)
        if args.database_url:
            manage(prepare_env, "flush", "--noinput")
        manage(prepare_env, "migrate", "--noinput", "-v0")
        manage(prepare_env, "load_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        marker.touch()
    setup = json.loads(manage(prepare_env, "shell", "-c", SETUP.replace("RECEIVER_URL", hook_url)).splitlines()[-1])
    base = f"http://127.0.0.1:{port}"
    logs = workdir / "logs"
    processes = {
        "gunicorn": Supervised("gunicorn", [PYTHON, "-m", "gunicorn", "storybank.wsgi:application", "--bind",
                                            f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--timeout",
                                            "120"], env, logs / "gunicorn.log"),
        "task_worker": Supervised("task_worker", [PYTHON, "manage.py", "task_worker"], env, logs / "tasks.log"),
        "deliver_feeds": Supervised("deliver_feeds", [PYTHON, "manage.py", "deliver_feeds", "--poll", "0.5"], env,
                                    logs / "deliver.log"),
        "scheduler": Supervised("scheduler", [PYTHON, "manage.py", "run_scheduler"], env, logs / "scheduler.log"),
    }
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not answer")
        time.sleep(0.5)

    pages = ["/vi/", "/en/", "/vi/cau-chuyen/", "/vi/san-pham-ocop/", "/vi/van-hoa/", "/vi/places/"]
    tally, stop, pulled = Tally(), threading.Event(), PulledCopy()
    stories = setup["stories"]
    threads = [threading.Thread(target=visitor, args=(base, pages, tally, stop, n)) for n in range(args.visitors)]
    threads += [threading.Thread(target=searcher, args=(base, tally, stop, n)) for n in range(2)]
    threads.append(threading.Thread(target=puller, args=(base, setup["feed"], setup["key"], tally, stop, pulled)))
    threads += [threading.Thread(target=editor, args=(base, port, stories[n::2], tally, stop)) for n in range(2)]
    for thread in threads:
        thread.start()

    faults = [
        (0.15, "push worker killed (SIGKILL)", lambda: processes["deliver_feeds"].kill()),
        (0.30, "partner fails (HTTP 500) for 15 s", lambda: setattr(receiver, "mode", "fail")),
        (0.30 + 15 / args.seconds, "partner recovers", lambda: setattr(receiver, "mode", "ok")),
        (0.45, "database locked for 8 s", lambda: lock_database(args, workdir, 8)),
        (0.60, "partner hangs past the push timeout for 15 s", lambda: setattr(receiver, "mode", "hang")),
        (0.60 + 15 / args.seconds, "partner recovers", lambda: setattr(receiver, "mode", "ok")),
        (0.70, "task worker killed (SIGKILL)", lambda: processes["task_worker"].kill()),
    ]
    if args.opensearch:
        faults += [(0.78, "search node stopped for 20 s", lambda: opensearch(args, "stop")),
                   (0.78 + 20 / args.seconds, "search node started", lambda: opensearch(args, "start"))]
    started = time.monotonic()
    print(f"Soaking for {args.seconds:.0f} s on {'PostgreSQL' if args.database_url else 'SQLite'} "
          f"({args.visitors} visitors, 2 searchers, 1 feed puller, 2 editors)…", flush=True)
    for at, description, action in sorted(faults, key=lambda fault: fault[0]):
        while time.monotonic() - started < at * args.seconds:
            for process in processes.values():
                process.watch()
            time.sleep(0.2)
        print(f"  {time.monotonic() - started:6.1f} s  {description}", flush=True)
        action()
    while time.monotonic() - started < args.seconds:
        for process in processes.values():
            process.watch()
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(150)
    receiver.mode = "ok"

    print("Load stopped; letting the queues drain…", flush=True)
    drain_deadline = time.monotonic() + 180
    state = verdict(env)
    while state["due"] and time.monotonic() < drain_deadline:
        for process in processes.values():
            process.watch()
        time.sleep(2)
        state = verdict(env)
    session = feed_session(setup["key"])
    while pulled.pull(session, tally, base, setup["feed"]):  # the partner's last pull, once all is quiet
        pass
    for process in processes.values():
        process.stop()
    hook.shutdown()
    if args.opensearch:
        opensearch(args, "stop")

    received = receiver.received
    by_change: dict[tuple, set[str]] = defaultdict(set)
    for change in received:
        by_change[(change["feed"], change["sequence"], change["id"])].add(change["key"])
    duplicated_without_key = sum(1 for keys in by_change.values() if len(keys) > 1)
    resent_same_key = len(received) - len({change["key"] for change in received})
    expected = {f"urn:laocai-story:{key}": sequence for key, sequence in state["present"].items()}
    pushed = replica_of(received)
    lost = sum(1 for item, sequence in expected.items() if pushed.get(item) != sequence)
    lost += sum(1 for item in pushed if item not in expected)  # a removal that never arrived
    pull_divergence = sum(1 for item, sequence in expected.items() if pulled.items.get(item) != sequence) + sum(
        1 for item in pulled.items if item not in expected)
    divergent = sum(len(keys) for keys in state["divergent"].values())
    total = sum(tally.requests.values())
    errors = sum(tally.server_errors.values())

    print()
    print(f"requests: {total} ({', '.join(f'{kind} {count}' for kind, count in sorted(tally.requests.items()))})")
    print(f"5xx: {errors}" + (f" ({dict(tally.server_errors)}; e.g. {tally.examples})" if errors else ""))
    print(f"publishes: {tally.publishes}, unpublishes: {tally.unpublishes}")
    print(f"deliveries: sent {len(received)}, acknowledged {receiver.answered_2xx}, lost {lost}, "
          f"duplicated without their idempotency key {duplicated_without_key} "
          f"(re-sent with the same key: {resent_same_key}); outbox {state['statuses']}")
    print(f"feed entries diverging from live pages: {divergent} "
          f"(partner's pulled copy differing from the feed: {pull_divergence})")
    print(f"restarts: {', '.join(f'{name} {p.restarts}' for name, p in processes.items())}")
    ok = errors == 0 and lost == 0 and divergent == 0 and duplicated_without_key == 0
    print("targets met" if ok else "TARGETS MISSED", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
