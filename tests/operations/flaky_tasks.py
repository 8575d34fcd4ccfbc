"""Tasks for the task-queue tests: they fail the way an outage makes real tasks fail."""

from __future__ import annotations

from pathlib import Path

from django.db import OperationalError
from django_tasks import task


@task()
def fails_on_the_database_until(counter_path: str, failures: int) -> int:
    """Raise the error a lost database raises, ``failures`` times, then succeed.
    The count lives in a file so it survives the worker's retries."""
    counter = Path(counter_path)
    calls = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(calls))
    if calls <= failures:
        raise OperationalError("server closed the connection unexpectedly")
    return calls


@task()
def fails_for_a_reason_of_its_own() -> None:
    """A task's own bug: never retried."""
    raise ValueError("the task is wrong, not the database")
