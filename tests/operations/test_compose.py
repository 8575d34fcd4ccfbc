"""Issue 15, item 1: docker-compose.yml ships every process and schedule,
each supervised (a restart policy) and watched (a health check).

Docker cannot run here, so the file is checked as data: the services that
run the app, the task queue, the push worker and the scheduler exist; every
long-running service restarts and has a health check; each worker's health
check reads the heartbeat that very process beats; and the scheduler's
jobs name real commands, including those the issue lists."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ONE_SHOT = {"minio-setup"}  # creates the bucket and exits


def command_of(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else " ".join(command.split())


def service_running(management_command: str) -> dict:
    found = [s for s in SERVICES.values() if f"manage.py {management_command}" in command_of(s)]
    assert len(found) == 1, f"exactly one service must run manage.py {management_command}"
    return found[0]


def test_every_worker_and_the_scheduler_is_a_service():
    assert "gunicorn" in command_of(SERVICES["app"])
    for command in ("task_worker", "deliver_feeds", "run_scheduler"):
        service_running(command)
    assert not any("--every" in command_of(s) for s in SERVICES.values()), "no hand-written loops"


def test_every_long_running_service_restarts_and_has_a_health_check():
    for name, service in SERVICES.items():
        if name in ONE_SHOT:
            assert service.get("restart") == "on-failure"
            continue
        assert service.get("restart") in ("always", "unless-stopped"), name
        assert service.get("healthcheck", {}).get("test"), name


def test_each_worker_health_check_reads_its_own_heartbeat():
    from storybank.feeds.management.commands import deliver_feeds
    from storybank.operations.management.commands import task_worker
    from storybank.operations.schedule import SCHEDULER_HEARTBEAT

    for command, heartbeat in (("task_worker", task_worker.HEARTBEAT), ("deliver_feeds", deliver_feeds.HEARTBEAT),
                               ("run_scheduler", SCHEDULER_HEARTBEAT)):
        test = service_running(command)["healthcheck"]["test"]
        assert test[:4] == ["CMD", "python", "manage.py", "healthcheck"] and test[4] == heartbeat, test


def test_the_schedule_runs_real_commands_including_the_issue_s_jobs():
    commands = get_commands()
    scheduled = {shlex.split(job["command"])[0] for job in settings.OPERATIONS_SCHEDULE.values()}
    assert {"publish_scheduled", "reconcile_feeds", "withdraw_expired_assets", "purge_parked_uploads"} <= scheduled
    assert scheduled <= set(commands), scheduled - set(commands)
    for job in settings.OPERATIONS_SCHEDULE.values():
        assert bool(job.get("every")) != bool(job.get("cron")), job
