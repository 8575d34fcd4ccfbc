"""``manage.py run_scheduler``: run the recurring jobs of ``OPERATIONS_SCHEDULE``
until stopped (SIGTERM/SIGINT let running jobs finish). One scheduler per
deployment (the ``scheduler`` service of docker-compose); ``--list`` prints
the jobs and their schedules."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from storybank.operations.heartbeat import beat
from storybank.operations.schedule import SCHEDULER_HEARTBEAT, install, jobs


class Command(BaseCommand):
    help = "Run the deployment's recurring jobs (publish_scheduled, reconcile_feeds, rights expiry…) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Print the jobs and their schedules, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in jobs():
                self.stdout.write(f"{job.name:28} {job.schedule_text:32} manage.py {job.command}")
            return
        logging.getLogger("storybank.operations").setLevel(logging.INFO)
        logging.getLogger("apscheduler").setLevel(logging.INFO)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
        for job in install(scheduler, stop):
            self.stdout.write(f"Scheduled {job.name}: {job.schedule_text} (manage.py {job.command})")
        scheduler.start()
        self.stdout.flush()
        try:
            while not stop.wait(5):
                if not scheduler.running:  # never expected; let docker-compose restart us
                    raise SystemExit("The scheduler stopped on its own.")
        finally:
            scheduler.shutdown(wait=True)
            beat(SCHEDULER_HEARTBEAT)
        self.stdout.write("Stopped.")
