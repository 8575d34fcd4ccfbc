"""Send the push outbox: ``manage.py deliver_feeds`` runs until stopped
(SIGTERM/SIGINT finish the current batch first); ``--once`` sends what is
due now and exits. Several workers may run at once: each delivery is claimed
with a lease, and a worker that dies leaves deliveries that another worker
takes over once their lease expires. A locked or unreachable database is
waited out with backoff (``storybank.operations.resilience``); the worker
beats the ``deliver_feeds`` heartbeat for its health check."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from storybank.feeds.push import Worker
from storybank.operations.resilience import keep_running

HEARTBEAT = "deliver_feeds"


class Command(BaseCommand):
    help = "Deliver pending feed pushes (webhooks and S3), retrying with backoff."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds to wait when nothing is due (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker()
        if options["once"]:
            attempted = worker.run_once()
            self.stdout.write(f"Attempted {attempted} delivery(ies).")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        self.stdout.write(f"Delivering feed pushes as {worker.id}; stop with Ctrl+C.")
        self.stdout.flush()
        keep_running(lambda: bool(worker.run_once(stop)), name=HEARTBEAT, stop=stop, idle_seconds=options["poll"])
        self.stdout.write("Stopped.")
