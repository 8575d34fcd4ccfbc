"""Machine translation for translators, switched on by the environment.

wagtail-localize offers a "Translate with machine" button in its translation
editor when ``WAGTAILLOCALIZE_MACHINE_TRANSLATOR`` names a service. Set one of:

* ``MACHINE_TRANSLATION_LIBRETRANSLATE_URL`` (e.g. ``http://libretranslate:5000``,
  a self-hosted LibreTranslate) and, if it asks for one,
  ``MACHINE_TRANSLATION_LIBRETRANSLATE_KEY``;
* ``MACHINE_TRANSLATION_DEEPL_KEY`` (a DeepL API key; keys ending in ``:fx`` use the free API).

LibreTranslate wins when both are set. ``MACHINE_TRANSLATION_LANGUAGES``
lists the languages the service translates between (default: every content
language but H'Mông); ``MACHINE_TRANSLATION_TIMEOUT`` is in seconds (10).
Machine text stays labelled machine until a translator edits it or a
reviewer approves it (``storybank.translations``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_LANGUAGES = "vi,en,zh-hans,fr,ko,ja"


def machine_translator(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``WAGTAILLOCALIZE_MACHINE_TRANSLATOR`` setting the environment asks for (``None``: off)."""
    url = environ.get("MACHINE_TRANSLATION_LIBRETRANSLATE_URL", "").strip()
    deepl_key = environ.get("MACHINE_TRANSLATION_DEEPL_KEY", "").strip()
    languages = environ.get("MACHINE_TRANSLATION_LANGUAGES", DEFAULT_LANGUAGES)
    common = {
        "TIMEOUT": float(environ.get("MACHINE_TRANSLATION_TIMEOUT", "10")),
        "LANGUAGES": [code.strip() for code in languages.split(",") if code.strip()],
    }
    if url:
        return {"CLASS": "storybank.translations.machine.LibreTranslator", "OPTIONS": {
            "LIBRETRANSLATE_URL": url.rstrip("/"),
            "API_KEY": environ.get("MACHINE_TRANSLATION_LIBRETRANSLATE_KEY", ""), **common}}
    if deepl_key:
        return {"CLASS": "storybank.translations.machine.DeepLTranslator", "OPTIONS": {"AUTH_KEY": deepl_key, **common}}
    return None
