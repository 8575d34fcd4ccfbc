"""The machine translators the environment can switch on
(``storybank/settings/machine_translation.py``): wagtail-localize's own,
limited to the languages the service really translates (H'Mông is not
offered, rather than sent and refused)."""

from __future__ import annotations

from typing import Any

from wagtail_localize.machine_translators.deepl import DeepLTranslator as LocalizeDeepLTranslator
from wagtail_localize.machine_translators.libretranslate import LibreTranslator as LocalizeLibreTranslator


class ServiceLanguages:
    """Offers machine translation only between the configured languages."""

    options: dict[str, Any]

    def can_translate(self, source_locale: Any, target_locale: Any) -> bool:
        languages = self.options.get("LANGUAGES")
        if languages and not {source_locale.language_code, target_locale.language_code} <= set(languages):
            return False
        return super().can_translate(source_locale, target_locale)  # type: ignore[misc]


class LibreTranslator(ServiceLanguages, LocalizeLibreTranslator):
    pass


class DeepLTranslator(ServiceLanguages, LocalizeDeepLTranslator):
    pass
