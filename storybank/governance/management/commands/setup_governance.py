"""``manage.py setup_governance``: create or update the editorial roles
(Wagtail groups and their page, collection and model permissions), each
contributing unit's group and collection, and the standard and sensitive
review workflows. Idempotent: a second run changes nothing. Run it again
after adding a language or a section, or after a unit is added."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from storybank.governance.roles import setup_governance


class Command(BaseCommand):
    help = "Create or update the editorial roles, unit workspaces and review workflows (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = setup_governance()
        for line in report.lines:
            self.stdout.write(line)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if not report.lines:
            self.stdout.write("Governance already set up; nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Governance set up."))
