"""``manage.py healthcheck NAME [--max-age SECONDS]``: exit 0 while process
NAME beat recently, 1 otherwise (docker-compose ``healthcheck``). Names:
``scheduler``, ``deliver_feeds``, ``task_worker``; ``--list`` shows every
heartbeat and its age (the scheduler's jobs: ``scheduler.<job>``, last success)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from storybank.operations.heartbeat import age


class Command(BaseCommand):
    help = "Fail unless the named long-running process beat its heartbeat recently."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="scheduler, deliver_feeds or task_worker")
        parser.add_argument("--max-age", type=float, default=60.0, help="Seconds (default 60).")
        parser.add_argument("--list", action="store_true", help="Show every heartbeat and its age.")

    def handle(self, *args: Any, name: str | None = None, max_age: float = 60.0, **options: Any) -> None:
        from pathlib import Path

        if options["list"] or not name:
            for path in sorted(Path(settings.OPERATIONS_HEARTBEAT_DIR).glob("*.heartbeat")):
                self.stdout.write(f"{path.stem:40} {age(path.stem) or 0:.0f} s ago")
            return
        seconds = age(name)
        if seconds is None or seconds > max_age:
            when = "never" if seconds is None else f"{seconds:.0f} s ago"
            self.stderr.write(f"{name}: unhealthy, last heartbeat {when} (allowed {max_age:.0f} s)")
            raise SystemExit(1)
        self.stdout.write(f"{name}: healthy, last heartbeat {seconds:.0f} s ago")
