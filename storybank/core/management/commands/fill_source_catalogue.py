"""Give the English catalogue every msgid as its own translation.

Interface strings are written in English, but Django falls back to the
default language's catalogue (Vietnamese) for a string a catalogue leaves
untranslated, so an English page would show Vietnamese wherever the English
catalogue is empty. ``make messages`` runs this after ``makemessages``.
"""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from storybank.core.management.commands.sync_locales import to_locale_dir

#: The language the msgids are written in.
SOURCE_LANGUAGE = "en"


class Command(BaseCommand):
    help = "Copy every msgid of the English catalogue into its msgstr (English is the source language)."

    def handle(self, *args: Any, **options: Any) -> None:
        po_path = Path(settings.LOCALE_PATHS[0]) / to_locale_dir(SOURCE_LANGUAGE) / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(po_path), wrapwidth=79)
        catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        filled = 0
        for entry in catalogue:
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
        catalogue.save(str(po_path))
        self.stdout.write(f"Filled {filled} entries of {po_path}.")
