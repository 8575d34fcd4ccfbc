"""Public site benchmark: concurrent clients against a production-mode server.

    .venv/bin/python bench/site.py                      # 8 clients, 20 s per phase
    .venv/bin/python bench/site.py --clients 16 --seconds 30 --workers 2
    .venv/bin/python bench/site.py --keep /tmp/site-bench   # re-use the prepared database next time

Prepares a throw-away SQLite database with the demo content (migrate,
load_demo, collectstatic with the production storage), starts gunicorn with
``storybank.settings.production`` on 127.0.0.1, and has N concurrent clients
load the home page, a story and a search page in turn, first with the page
cache on (what visitors get), then with it off (what a cache miss costs).
Prints requests/s, median and p95 latency per page and overall. Every request
goes to 127.0.0.1 only; each phase stops after its time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, p95

PYTHON = sys.executable
PAGES = {
    "home": "/vi/",
    "story": "/vi/cau-chuyen/fansipan-noc-nha-dong-duong/",
    "search": "/vi/search/?q=ruou+ngo+bac+ha",
}


def server_env(workdir: Path, cache_seconds: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "S3_BUCKET", "ELASTICSEARCH_URL", "OPENSEARCH_URL", "SEARCH_URL",
                          "REDIS_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "storybank.settings.production",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STORYBANK_VAR_DIR": str(workdir),
        "PUBLIC_PAGE_CACHE_SECONDS": str(cache_seconds),
        "PUBLIC_SEARCH_CACHE_SECONDS": str(cache_seconds and 60),
        "LOG_LEVEL": "ERROR",
    })
    return env


def prepare(workdir: Path) -> None:
    marker = workdir / ".prepared"
    if marker.exists():
        print(f"Re-using the prepared site in {workdir}")
        return
    env = server_env(workdir, 0)
    # load_demo refuses the production settings (its users have a published password): the
    # throw-away database is filled with the development settings, on the same files.
    demo_env = {**env, "DJANGO_SETTINGS_MODULE": "storybank.settings.dev"}
    for command, command_env in ((["migrate", "--noinput", "-v0"], env), (["load_demo"], demo_env),
                                 (["collectstatic", "--noinput", "-v0"], env)):
        print("manage.py", " ".join(command))
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=command_env, check=True,
                       stdout=subprocess.DEVNULL)
    marker.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, port: int, workers: int, threads: int, cache_seconds: int) -> subprocess.Popen:
    command = [PYTHON, "-m", "gunicorn", "storybank.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(workdir, cache_seconds), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _elapsed = fetch(port, "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def fetch(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "vi"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def run_phase(port: int, clients: int, seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        names = list(PAGES)
        turn = offset
        while time.monotonic() < stop_at:
            name = names[turn % len(names)]
            turn += 1
            status, elapsed = fetch(port, PAGES[name])
            with lock:
                if status == 200:
                    timings[name].append(elapsed)
                else:
                    errors.append(f"{name}: HTTP {status}")

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[0]}")
    return timings


def report(title: str, timings: dict[str, list[float]], seconds: float) -> None:
    print(f"\n{title}")
    print(f"  {'page':<8} {'requests':>9} {'req/s':>8} {'median':>9} {'p95':>9}")
    everything: list[float] = []
    for name, values in timings.items():
        everything += values
        if values:
            print(f"  {name:<8} {len(values):>9} {len(values) / seconds:>8.1f} "
                  f"{statistics.median(values) * 1000:>7.1f}ms {p95(values) * 1000:>7.1f}ms")
    if everything:
        print(f"  {'all':<8} {len(everything):>9} {len(everything) / seconds:>8.1f} "
              f"{statistics.median(everything) * 1000:>7.1f}ms {p95(everything) * 1000:>7.1f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--keep", help="prepare the site in this folder and keep it for the next run")
    parser.add_argument("--cached-only", action="store_true", help="skip the phase without the page cache")
    args = parser.parse_args()

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="laocai-site-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        prepare(workdir)
        phases = [("page cache on", 3600)] + ([] if args.cached_only else [("page cache off", 0)])
        print(f"gunicorn: {args.workers} workers × {args.threads} threads; {args.clients} clients, "
              f"{args.seconds:.0f} s per phase; pages: {', '.join(PAGES.values())}")
        for title, cache_seconds in phases:
            port = free_port()
            server = start_server(workdir, port, args.workers, args.threads, cache_seconds)
            try:
                cold = {name: fetch(port, path) for name, path in PAGES.items()}
                print(f"\n[{title}] first request: " + ", ".join(
                    f"{name} {elapsed * 1000:.0f} ms (HTTP {status})" for name, (status, elapsed) in cold.items()))
                for _round in range(args.workers * args.threads):  # every worker process renders once
                    for path in PAGES.values():
                        fetch(port, path)
                report(title, run_phase(port, args.clients, args.seconds), args.seconds)
            finally:
                stop_server(server)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
