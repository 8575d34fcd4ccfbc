"""The languages content is written in, and how Django learns about the ones it lacks.

To add another minority language (Dao, Tày, Giáy…), add one line to
``CONTENT_LANGUAGES`` and run ``python manage.py sync_locales``: no migration
is needed (see README, "Adding a language").
"""

import os

from django.conf import locale as django_locale
from django.core.exceptions import ImproperlyConfigured

#: (code, English name, name in the language itself). Vietnamese first: it is
#: the default and the fallback for every interface string.
CONTENT_LANGUAGES: list[tuple[str, str, str]] = [
    ("vi", "Vietnamese", "Tiếng Việt"),
    ("en", "English", "English"),
    ("zh-hans", "Simplified Chinese", "简体中文"),
    ("fr", "French", "Français"),
    ("ko", "Korean", "한국어"),
    ("ja", "Japanese", "日本語"),
    ("hmn", "Hmong", "Hmoob"),
]

#: Minority languages of the province. Their interface text falls back to
#: Vietnamese, the language their speakers read at school.
MINORITY_LANGUAGES: set[str] = {"hmn"}

DEFAULT_LANGUAGE = CONTENT_LANGUAGES[0][0]

#: Where visitors of a language are shown content that is not (yet) in their
#: language, nearest first: listings and the home page fill up with labelled
#: items of these languages, and the language switcher leads there. Every
#: chain ends in Vietnamese, the language everything is written in first.
#: ``LANGUAGE_FALLBACKS=ko:en,vi;ja:en,vi`` in the environment replaces the
#: chains it names (see README, "Languages").
DEFAULT_FALLBACKS: dict[str, list[str]] = {
    "en": ["vi"],
    "zh-hans": ["en", "vi"],
    "fr": ["en", "vi"],
    "ko": ["en", "vi"],
    "ja": ["en", "vi"],
    "hmn": ["vi"],
}


def parse_fallbacks(text: str, default: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """``"ko:en,vi;ja:en,vi"`` → the chains it names on top of ``default``.

    Unknown language codes, a language falling back to itself and repeated
    languages are configuration errors, reported with the value at fault."""
    known = [code for code, _english, _local in CONTENT_LANGUAGES]
    chains = {code: list(chain) for code, chain in (DEFAULT_FALLBACKS if default is None else default).items()}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        language, separator, rest = part.partition(":")
        language = language.strip()
        chain = [code.strip() for code in rest.split(",") if code.strip()]
        unknown = [code for code in [language, *chain] if code not in known]
        if not separator or unknown:
            raise ImproperlyConfigured(
                f"LANGUAGE_FALLBACKS: “{part}” is not “language:fallback,fallback” of {', '.join(known)}"
            )
        if language in chain or len(set(chain)) != len(chain):
            raise ImproperlyConfigured(f"LANGUAGE_FALLBACKS: “{part}” names a language twice")
        if DEFAULT_LANGUAGE not in chain and language != DEFAULT_LANGUAGE:
            chain.append(DEFAULT_LANGUAGE)
        chains[language] = chain
    return chains


LANGUAGE_FALLBACKS = parse_fallbacks(os.environ.get("LANGUAGE_FALLBACKS", ""))


def register_missing_language_info() -> None:
    """Teach Django the languages it has no data for (e.g. ``hmn``).

    Without an entry in ``LANG_INFO`` ``get_language_info()`` raises, and the
    language switcher could not name the language.
    """
    for code, english_name, local_name in CONTENT_LANGUAGES:
        info = django_locale.LANG_INFO.setdefault(
            code,
            {"bidi": False, "code": code, "name": english_name, "name_local": local_name},
        )
        # Our own spelling, NFC-normalised: Django's "Tiếng Việt" is decomposed (NFD).
        info["name_local"] = local_name


register_missing_language_info()

LANGUAGES = [(code, local_name) for code, _english, local_name in CONTENT_LANGUAGES]
