"""Record the state of every translation the bank has no state of yet."""

from typing import Any

from django.core.management.base import BaseCommand

from storybank.translations.freshness import ensure_all_states


class Command(BaseCommand):
    help = ("Give every translated page its translation state (whether it is current with its source), "
            "dated from Wagtail's publication log; run once after installing, then kept by publishing.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Recorded the state of {ensure_all_states()} translation(s).")
