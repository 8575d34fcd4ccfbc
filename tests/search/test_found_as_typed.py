"""Search tried as a new visitor would, on both backends: every page of the
sitemap found first by its title, renamed places and groups found by their
new name at once, English as people type it ("sapa", "rice terraces",
plurals), and "thang" not lighting up every "Tháng"."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from wagtail.models import Page

from search.query import SearchQuery
from search.service import search
from search.text import has_cjk, words_key
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place, Topic

pytestmark = pytest.mark.django_db


def hits(text: str, **filters):
    return search(SearchQuery(text=text, **filters)).hits


def sitemap_pages(client) -> list[tuple[str, str, str]]:
    """(language, path, title) of every page the sitemaps list, each title as the page shows it."""
    titles = {page.url: page.title for page in Page.objects.live().public().specific() if page.url}
    found = []
    index = client.get("/sitemap.xml").content.decode()
    for sitemap in re.findall(r"<loc>([^<]+)</loc>", index):
        language = re.search(r"sitemap-([\w-]+)\.xml", sitemap).group(1)
        for location in re.findall(r"<loc>([^<]+)</loc>", client.get(urlsplit(sitemap).path).content.decode()):
            path = urlsplit(location).path
            if path in titles:
                found.append((language, path, titles[path]))
            else:  # a place page: its name in that language
                slug = re.fullmatch(rf"/{language}/places/([\w-]+)/", path).group(1)
                place = Place.in_default_locale().get(slug=slug)
                row = Place.objects.filter(translation_key=place.translation_key,
                                           locale__language_code=language).first() or place
                found.append((language, path, row.name))
    return found


def test_every_page_of_the_sitemap_is_found_first_by_its_title(search_backend, client):
    pages = sitemap_pages(client)
    assert len({language for language, _path, _title in pages}) == 7 and len(pages) > 150
    assert ("vi", "/vi/san-pham-ocop/", "Sản phẩm OCOP") in pages
    missed = []
    for language, path, title in pages:
        # As written, and without diacritics or punctuation; CJK text only as written (its words_key is the
        # index's bigrams, which nobody types, and Japanese bigrams across kana and kanji exist in no engine).
        for typed in {title} if has_cjk(title) else {title, words_key(title)}:
            first = hits(typed, locale=(language,), facets=False)[:1]
            if not first or first[0].url != path:
                missed.append((typed, path, first[0].url if first else None))
    assert missed == [], missed


@pytest.mark.parametrize(
    ("model", "lookup", "new_name"),
    [
        (Place, {"slug": "y-ty"}, "Cao nguyên Mây Trắng"),
        (EthnicGroup, {"slug": "ha-nhi"}, "Người Hà Nhì Đen"),
        (Topic, {}, "Chuyên đề Mây Trắng"),
        (ContributingUnit, {}, "Trung tâm Truyền thông Mây Trắng"),
    ],
    ids=["place", "ethnic-group", "topic", "contributing-unit"],
)
def test_a_renamed_term_is_found_by_its_new_name_at_once(search_backend, index_now, model, lookup, new_name):
    from search.documents import keys_showing

    queryset = model.in_default_locale() if hasattr(model, "in_default_locale") else model.objects
    term = queryset.filter(**lookup).order_by("pk").first()
    # Items in Vietnamese name the term as its Vietnamese row says (translations have their own rows).
    showing = {key for key in keys_showing(term) if key[0] != "page" or Page.objects.get(pk=key[1]).locale
               .language_code == "vi"}
    assert showing
    old_name = term.name
    assert not hits(f'"{new_name}"', include_unpublished=True)
    facet = {Place: "place", EthnicGroup: "ethnic_group"}.get(model)
    if facet:  # its facet value is labelled with its name, cached for every search
        assert facet_label(facet, term.slug) == old_name

    term.name = new_name
    term.save()
    index_now()
    if facet:  # ... and with the new name from the next search on
        assert facet_label(facet, term.slug) == new_name
    found = {(hit.object_type, hit.object_id) for hit in hits(f'"{new_name}"', include_unpublished=True,
                                                              per_page=100)}
    # Every Vietnamese item showing it, and items of languages without their own name for it.
    assert showing <= found <= set(keys_showing(term))
    if model is Place:  # the place's own page answers to the new name only
        assert hits(new_name, kind=("place",), locale=("vi",))[0].title == new_name
        assert [hit for hit in hits(f'"{old_name}"', kind=("place",), locale=("vi",)) if hit.title == old_name] == []


def facet_label(facet: str, slug: str) -> str:
    """The label of the value ``slug`` of ``facet`` on a Vietnamese search filtered by it (so it is listed)."""
    with translation.override("vi"):
        values = search(SearchQuery(**{facet: (slug,)})).facet(facet).values
    return next(value.label for value in values if value.value == slug)


def test_sapa_written_as_one_word_or_two(search_backend):
    for typed in ("sapa", "Sapa", "sa pa", "Sa Pa"):
        found = hits(typed, locale=("en",))
        assert found[0].kind == "place" and found[0].title == "Sa Pa", typed
        assert {"Sa Pa salmon", "Red Dao herbal bath from Sa Pa"} <= {hit.title for hit in found}, typed


def test_rice_terraces_finds_the_terraced_field_stories(search_backend):
    titles = [hit.title for hit in hits("rice terraces", locale=("en",), kind=("story",))]
    assert {"Y Ty's terraced fields in the flooding season", "Mu Cang Chai in the harvest season"} <= set(titles)
    assert "<mark>terraced</mark>" in hits("rice terraces", locale=("en",), kind=("story",))[0].snippet


def test_plural_and_singular_match(search_backend):
    for singular, plural in (("terrace", "terraces"), ("festival", "festivals"), ("house", "houses")):
        found = {hit.key for hit in hits(singular, locale=("en",), per_page=100)}
        assert found and found == {hit.key for hit in hits(plural, locale=("en",), per_page=100)}, singular


def test_thang_ranks_and_marks_the_exact_spelling_before_thang_the_month(search_backend):
    found = hits("thang", locale=("vi",), kind=("story", "culture", "product"))
    exact = [bool(re.search(r"(?<!\w)thang(?!\w)", f"{hit.title} {hit.snippet}")) for hit in found]
    assert exact[0] and exact == sorted(exact, reverse=True)  # every exact "thang" before the first folded match
    for hit in found:
        if exact[found.index(hit)]:
            assert "<mark>Tháng</mark>" not in hit.snippet and "<mark>thang</mark>" in hit.snippet
