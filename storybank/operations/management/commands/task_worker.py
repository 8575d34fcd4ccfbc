"""``manage.py task_worker``: the background task queue (django-tasks'
database backend, ``TASKS_BACKEND=database``), kept alive through transient
database errors and with a heartbeat for its health check.

It runs django-tasks-db's own worker in batch mode (every ready task, then
back here), so a locked or restarting database costs a pause with backoff
instead of the process, and a task the outage interrupted goes back to the
queue (``storybank.operations.task_queue``); SIGTERM/SIGINT let the running
task finish."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from storybank.operations.resilience import TRANSIENT_ERRORS, keep_running
from storybank.operations.task_queue import ResilientWorker

HEARTBEAT = "task_worker"


class Command(BaseCommand):
    help = "Run background tasks from the database queue until stopped, surviving transient database errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty.")
        parser.add_argument("--queue-name", default="*", help="Queues to run, comma-separated ('*': all).")

    def handle(self, *args: Any, interval: float = 1.0, queue_name: str = "*", **options: Any) -> None:
        worker = ResilientWorker(
            queue_names=queue_name.split(","), interval=min(interval, 0.5), batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
        )
        stop = threading.Event()

        def request_stop(*_args: Any) -> None:
            stop.set()
            worker.running = False  # finish the running task, take no other

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, request_stop)

        interrupted = True  # on start: hand back what a dead worker left running

        def step() -> bool:
            nonlocal interrupted
            try:
                if interrupted:
                    worker.hand_back_stale()
                    worker.hand_back_interrupted()
                    interrupted = False
                worker.run()  # every ready task, then returns (batch mode)
            except TRANSIENT_ERRORS:
                interrupted = True  # a task may be left claimed: hand it back once the database answers
                raise
            return False

        self.stdout.write(f"Running background tasks ({queue_name}) as {worker.worker_id}; stop with Ctrl+C.")
        self.stdout.flush()
        keep_running(step, name=HEARTBEAT, stop=stop, idle_seconds=interval)
        self.stdout.write("Stopped.")
