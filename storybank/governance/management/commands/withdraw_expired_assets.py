"""``manage.py withdraw_expired_assets``: the daily rights-expiry run.

Withdraws every image and media asset whose rights ended before today
(renditions deleted, original moved out of reach, search and feeds told,
editors emailed). Safe to run as often as you like: the scheduler
(``manage.py run_scheduler``, the ``scheduler`` service of docker-compose)
runs it hourly; ``--queue`` hands it to the task queue instead
(``manage.py task_worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from storybank.governance.rights import withdraw_expired_assets
from storybank.governance.tasks import withdraw_expired_assets_task


class Command(BaseCommand):
    help = "Withdraw images and media whose rights have expired, and tell the editors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="Enqueue the task instead of running it here.")

    def handle(self, *args: Any, queue: bool = False, **options: Any) -> None:
        self.run_once(queue)

    def run_once(self, queue: bool) -> None:
        if queue:
            result = withdraw_expired_assets_task.enqueue()
            self.stdout.write(f"Queued the rights-expiry task ({result.id}).")
            return
        withdrawn = withdraw_expired_assets()
        for record in withdrawn:
            pages = ", ".join(f"{page['title']} ({page['locale']})" for page in record.pages) or "no page"
            self.stdout.write(f"Withdrew {record.get_asset_kind_display().lower()} “{record.title}” "
                              f"(rights expired {record.rights_expire_on:%Y-%m-%d}); used by: {pages}")
        self.stdout.write(self.style.SUCCESS(f"{len(withdrawn)} asset(s) withdrawn."))
