"""The languages content is written in, and how Django learns about the ones it lacks.

To add another minority language (Dao, Tày, Giáy…), add one line to
``CONTENT_LANGUAGES`` and run ``python manage.py sync_locales``: no migration
is needed (see README, "Adding a language").
"""

from django.conf import locale as django_locale

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
