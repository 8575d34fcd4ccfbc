"""Compile ``locales/*/LC_MESSAGES/*.po`` to ``.mo`` with polib.

Django's ``compilemessages`` needs GNU gettext installed; this needs only
Python, so ``make demo`` works on a bare machine.
"""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile gettext catalogues in LOCALE_PATHS (no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
