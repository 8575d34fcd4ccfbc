"""The interface catalogues: complete for every interface language, faithful
to the msgids' placeholders, and up to date with the code and templates.

H'Mông (and any minority language added later) deliberately has an empty
catalogue: its interface falls back to Vietnamese.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

LOCALES = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["vi", "en", "zh_Hans", "fr", "ko", "ja"]
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_0-9]*\}")
IGNORED = [".venv", "var", "tests", "bench", "static_collected", "node_modules"]


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALES / locale / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_string_is_translated(locale):
    po = catalogue(locale)
    missing = [e.msgid for e in po if not e.obsolete and (not all(translations(e)) or "fuzzy" in e.flags)]
    assert not missing, f"{len(missing)} untranslated or fuzzy in {locale}, e.g. {missing[:5]}"
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    assert all(len(e.msgstr_plural) == nplurals for e in po if e.msgid_plural)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_survive_translation(locale):
    wrong = []
    for entry in catalogue(locale):
        for text in translations(entry):
            if text and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:5]


def test_vietnamese_is_nfc():
    texts = [text for entry in catalogue("vi") for text in translations(entry)]
    assert [t for t in texts if unicodedata.normalize("NFC", t) != t] == []


def test_hmong_interface_falls_back_to_vietnamese():
    vietnamese = {e.msgid: e.msgstr for e in catalogue("vi") if not e.msgid_plural}
    with translation.override("hmn"):
        assert translation.gettext("Search") == vietnamese["Search"]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) extracts the strings")
def test_catalogues_hold_every_string_of_the_code(tmp_path, monkeypatch):
    """``make messages`` has been run: a fresh extraction finds no msgid the catalogues lack."""
    monkeypatch.chdir(settings.BASE_DIR)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / "en" / "LC_MESSAGES" / "django.po"))}
    ours = {(e.msgctxt, e.msgid) for e in catalogue("en") if not e.obsolete}
    assert sorted(fresh - ours) == [], "run `make messages` and translate the new strings"
    assert sorted(ours - fresh) == [], "run `make messages` to drop strings the code no longer has"
