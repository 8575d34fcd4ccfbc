"""The recurring jobs of the deployment, read from ``OPERATIONS_SCHEDULE``.

Every job is a management command, run in the scheduler's own process by
APScheduler: at most one run of a job at a time, missed runs coalesced into
one (a scheduler that was down for an hour runs each job once, not sixty
times), and a run that fails on a transient error (locked or unreachable
database, network) tried again with backoff before the job waits for its
next turn. Each finished run beats ``scheduler.<job>`` so an operator sees
when a job last succeeded (``manage.py healthcheck --list``).
"""

from __future__ import annotations

import logging
import shlex
import threading
from dataclasses import dataclass
from io import StringIO
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from .heartbeat import beat
from .resilience import TRANSIENT_ERRORS, Backoff, close_connections

logger = logging.getLogger(__name__)

SCHEDULER_HEARTBEAT = "scheduler"
HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class Job:
    """One recurring job: a management command and when it runs."""

    name: str
    command: str
    every: int = 0  # seconds, or
    cron: str = ""  # a crontab line in TIME_ZONE
    attempts: int = 4  # tries per run when the failure is transient

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)

    @property
    def schedule_text(self) -> str:
        return f"every {self.every} s" if self.every else f"cron “{self.cron}” ({settings.TIME_ZONE})"

    def trigger(self) -> Any:
        if self.every:
            return IntervalTrigger(seconds=self.every, timezone=settings.TIME_ZONE)
        return CronTrigger.from_crontab(self.cron, timezone=settings.TIME_ZONE)


def jobs() -> list[Job]:
    return [Job(name=name, **spec) for name, spec in settings.OPERATIONS_SCHEDULE.items()]


def run_job(job: Job, stop: threading.Event | None = None) -> bool:
    """Run ``job`` once, retrying transient failures; True when it succeeded."""
    backoff = Backoff(base=2.0, cap=60.0)
    for attempt in range(1, job.attempts + 1):
        close_connections()  # whatever the last run left, possibly broken
        output = StringIO()
        try:
            call_command(*job.argv, stdout=output, stderr=output)
        except TRANSIENT_ERRORS as error:
            if attempt == job.attempts or (stop is not None and stop.is_set()):
                logger.error("Job %s failed %s times, last: %s: %s; next run as scheduled",
                             job.name, attempt, type(error).__name__, error)
                return False
            delay = backoff.next_delay()
            logger.warning("Job %s: %s: %s; trying again in %.1f s", job.name, type(error).__name__, error, delay)
            if stop is not None:
                stop.wait(delay)
            else:
                threading.Event().wait(delay)
            continue
        except Exception:
            logger.exception("Job %s failed; next run as scheduled", job.name)
            return False
        finally:
            close_connections()
        beat(f"{SCHEDULER_HEARTBEAT}.{job.name}")
        summary = " ".join(output.getvalue().split())[:300]
        logger.info("Job %s done at %s: %s", job.name, timezone.localtime().isoformat(timespec="seconds"), summary)
        return True
    return False


def install(scheduler: BaseScheduler, stop: threading.Event | None = None) -> list[Job]:
    """Add every job (interval jobs first run at start) and the scheduler's heartbeat."""
    scheduled = jobs()
    for job in scheduled:
        first_run = timezone.now() if job.every else None
        scheduler.add_job(
            run_job, job.trigger(), args=[job, stop], id=job.name, name=job.name,
            coalesce=True, max_instances=1, misfire_grace_time=None,
            **({"next_run_time": first_run} if first_run else {}),
        )
    beat(SCHEDULER_HEARTBEAT)
    scheduler.add_job(beat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), args=[SCHEDULER_HEARTBEAT],
                      id="heartbeat", coalesce=True, max_instances=1)
    return scheduled
