"""Translators work through wagtail-localize: export a PO file, translate
it, import it, and the page exists in the target language."""

from __future__ import annotations

import polib
import pytest
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from storybank.culture.models import CultureEntryPage

pytestmark = pytest.mark.django_db

ENGLISH = {
    "Thắng cố chợ phiên": "Thang co at the market",
    "Món thắng cố nấu trong chảo lớn là linh hồn ẩm thực của chợ phiên vùng cao.":
        "Thang co stew, cooked in a huge pan, is the soul of highland market food.",
    "Thắng cố được ăn cùng mèn mén và rượu ngô.": "Thang co is eaten with men men corn cakes and corn wine.",
}


def test_po_export_translate_import_creates_the_english_page(demo, client, django_capture_on_commit_callbacks):
    source_page = CultureEntryPage.objects.get(slug="khau-nhuc-va-thang-co", locale__language_code="vi")
    english = Locale.objects.get(language_code="en")
    assert source_page.get_translation_or_none(english) is None

    source, _created = TranslationSource.get_or_create_from_instance(source_page)
    translation = Translation.objects.create(source=source, target_locale=english)
    exported = polib.pofile(str(translation.export_po()))
    msgids = {entry.msgid for entry in exported}
    assert set(ENGLISH) <= msgids, msgids

    # The translator fills every entry (unknown ones keep the source text).
    for entry in exported:
        entry.msgstr = ENGLISH.get(entry.msgid, entry.msgid)
    warnings = translation.import_po(polib.pofile(str(exported)))
    assert warnings == []
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        translation.save_target(publish=True)

    english_page = source_page.get_translation(english)
    assert english_page.live
    assert english_page.title == "Thang co at the market"
    assert english_page.lede.startswith("Thang co stew")
    # Language-neutral facts follow the source.
    assert [group.slug for group in english_page.get_ethnic_groups()] == ["hmong"]
    assert english_page.category == source_page.category

    response = client.get(english_page.url)
    assert response.status_code == 200
    assert "Thang co is eaten with men men corn cakes" in response.content.decode()
