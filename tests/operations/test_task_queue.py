"""Issue 15, item 1: an outage never loses a queued task.

django-tasks-db's worker claims a task, runs it and then records its
result; when the database goes away in between, the stock worker leaves the
task RUNNING for ever. Our worker (``storybank.operations.task_queue``)
hands it back to the queue, retries a task that failed on a transient error
(not one that failed on its own bug) and, on start, takes back what a dead
worker left running.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from storybank.feeds.sync import reconcile_all_feeds_task
from storybank.operations.task_queue import MAX_ATTEMPTS, ResilientWorker

from .flaky_tasks import fails_for_a_reason_of_its_own, fails_on_the_database_until
from .processes import manage, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker(worker_id: str = "this-worker") -> ResilientWorker:
    return ResilientWorker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                           max_tasks=None, worker_id=worker_id, excluded_queue_names=[])


def test_a_task_whose_result_could_not_be_recorded_goes_back_to_the_queue(database_queue):
    interrupted = DBTaskResult.objects.get(pk=reconcile_all_feeds_task.enqueue().id)
    interrupted.claim("this-worker")  # claimed, then the database went away before its result was written
    elsewhere = DBTaskResult.objects.get(pk=reconcile_all_feeds_task.enqueue().id)
    elsewhere.claim("another-worker")  # another worker, alive, is running this one

    this_worker = worker()
    assert this_worker.hand_back_interrupted() == 1
    this_worker.run()

    interrupted.refresh_from_db()
    elsewhere.refresh_from_db()
    assert interrupted.status == "SUCCESSFUL"
    assert interrupted.worker_ids == ["this-worker", "this-worker"]
    assert elsewhere.status == "RUNNING"  # never taken from a live worker


def test_a_task_that_failed_because_the_database_was_away_runs_again(database_queue, tmp_path):
    flaky = DBTaskResult.objects.get(pk=fails_on_the_database_until.enqueue(str(tmp_path / "calls"), 2).id)
    buggy = DBTaskResult.objects.get(pk=fails_for_a_reason_of_its_own.enqueue().id)

    worker().run()

    flaky.refresh_from_db()
    buggy.refresh_from_db()
    assert (flaky.status, flaky.return_value, len(flaky.worker_ids)) == ("SUCCESSFUL", 3, 3)
    assert (buggy.status, buggy.exception_class_path, len(buggy.worker_ids)) == ("FAILED", "builtins.ValueError", 1)


def test_a_database_that_never_comes_back_for_a_task_ends_in_a_recorded_failure(database_queue, tmp_path):
    hopeless = DBTaskResult.objects.get(pk=fails_on_the_database_until.enqueue(str(tmp_path / "calls"), 99).id)

    worker().run()

    hopeless.refresh_from_db()
    assert hopeless.status == "FAILED"
    assert hopeless.exception_class_path == "django.db.utils.OperationalError"
    assert len(hopeless.worker_ids) == MAX_ATTEMPTS
    assert (tmp_path / "calls").read_text() == str(MAX_ATTEMPTS)


def test_a_task_left_running_by_a_dead_worker_runs_when_a_worker_starts(database_queue, tmp_path):
    orphan = DBTaskResult.objects.get(pk=reconcile_all_feeds_task.enqueue().id)
    orphan.claim("killed-with-sigkill")
    DBTaskResult.objects.filter(pk=orphan.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    recent = DBTaskResult.objects.get(pk=reconcile_all_feeds_task.enqueue().id)
    recent.claim("still-working")

    process = manage("task_worker", "--interval", "0.2", log=tmp_path / "tasks.log", TASKS_BACKEND="database")
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=orphan.pk).status == "SUCCESSFUL" or not process.alive, 90,
                 lambda: process.output[-3000:])
        assert DBTaskResult.objects.get(pk=orphan.pk).status == "SUCCESSFUL", process.output[-3000:]
        assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"  # not stale: left to its worker
    finally:
        code = process.stop()
    assert code == 0, process.output[-3000:]
