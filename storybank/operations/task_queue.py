"""django-tasks-db's worker, made to lose no task to a transient failure.

The stock worker claims a task (status RUNNING) and records its result
afterwards. When the database goes away between the two (a PostgreSQL
restart, a locked SQLite file), the result cannot be written and the task
stays RUNNING for ever: nobody runs it again. ``ResilientWorker`` hands
such tasks back to the queue:

- after a transient error interrupted it, the tasks it had claimed and not
  finished go back to READY;
- a task that failed *because of* a transient error (the database or the
  network, not the task's own bug) goes back to READY, up to
  ``MAX_ATTEMPTS`` claims in all;
- on start, tasks left RUNNING by a worker that died (``kill -9``, a lost
  machine) longer than ``TASKS_STALE_AFTER_SECONDS`` ago go back too.

Our tasks are idempotent (reconciling feeds, re-indexing, sending a
delivery keyed by its idempotency key), so running one twice is safe;
never running it is not.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"

#: A task is claimed at most this many times before a transient failure is recorded as its result.
MAX_ATTEMPTS = 5

#: Exceptions that say "the database or network was away", not "the task is wrong".
TRANSIENT_EXCEPTION_PATHS = frozenset({
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "builtins.ConnectionError",
    "builtins.ConnectionResetError",
    "builtins.ConnectionRefusedError",
    "builtins.TimeoutError",
})


def _back_to_the_queue(results: list[DBTaskResult], why: str) -> int:
    """Put ``results`` back to READY (only if still in the status we saw)."""
    handed_back = 0
    for result in results:
        updated = DBTaskResult.objects.filter(pk=result.pk, status=result.status).update(
            status=READY, started_at=None, finished_at=None, exception_class_path="", traceback="")
        if updated:
            handed_back += 1
            logger.warning("task %s (%s) handed back to the queue: %s", result.pk, result.task_path, why)
    return handed_back


class ResilientWorker(Worker):
    """The stock worker, plus handing back what a transient failure interrupted."""

    def hand_back_interrupted(self) -> int:
        """Tasks this worker claimed and could not finish go back to the queue."""
        mine = [result for result in DBTaskResult.objects.filter(status=RUNNING, backend_name=self.backend_name)
                if result.worker_ids and result.worker_ids[-1] == self.worker_id]
        return _back_to_the_queue(mine, "its worker lost the database before recording the result")

    def hand_back_stale(self) -> int:
        """Tasks left RUNNING by a worker that died go back to the queue."""
        stale_after = datetime.timedelta(seconds=getattr(settings, "TASKS_STALE_AFTER_SECONDS", 1800))
        stale = list(DBTaskResult.objects.filter(status=RUNNING, backend_name=self.backend_name,
                                                 started_at__lt=timezone.now() - stale_after))
        return _back_to_the_queue(stale, f"still running after {stale_after}: its worker died")

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if (db_task_result.status == FAILED
                and db_task_result.exception_class_path in TRANSIENT_EXCEPTION_PATHS
                and len(db_task_result.worker_ids) < MAX_ATTEMPTS):
            _back_to_the_queue([db_task_result], f"it failed on a transient {db_task_result.exception_class_path}")
