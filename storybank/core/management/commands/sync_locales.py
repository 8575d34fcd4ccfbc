"""Create a Wagtail locale for every language in settings, and an interface
catalogue for languages that have none yet (they fall back to Vietnamese).

This is the migration-free step of adding a language (README, "Adding a
language"). Running it again changes nothing.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import to_locale
from wagtail.models import Locale

from storybank.settings.languages import CONTENT_LANGUAGES

PO_HEADER = '''# Interface text for {name}. Untranslated strings fall back to Vietnamese.
msgid ""
msgstr ""
"Project-Id-Version: laocai-story\\n"
"Language: {code}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
'''


class Command(BaseCommand):
    help = "Create locales (and empty interface catalogues) for every configured language."

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0])
        for code, english_name, _local in CONTENT_LANGUAGES:
            _locale, created = Locale.objects.get_or_create(language_code=code)
            if created:
                self.stdout.write(f"Created locale {code} ({english_name})")
            po_path = locale_dir / to_locale_dir(code) / "LC_MESSAGES" / "django.po"
            if not po_path.exists():
                po_path.parent.mkdir(parents=True, exist_ok=True)
                po_path.write_text(PO_HEADER.format(name=english_name, code=code), encoding="utf-8")
                self.stdout.write(f"Created interface catalogue {po_path}")


def to_locale_dir(code: str) -> str:
    return to_locale(code)
