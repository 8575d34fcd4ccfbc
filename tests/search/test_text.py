"""Tokens, folding, query parsing and highlighting: the language rules every backend shares."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from search.text import (
    MAX_CLAUSES,
    MAX_QUERY_LENGTH,
    QueryError,
    cjk_chars,
    fold,
    index_text,
    number_forms,
    parse_query,
    snippet,
    spelled_as,
    tokens,
    words_key,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Rượu ngô Bắc Hà", "ruou ngo bac ha"),
        ("Lào Cai", "lao cai"),
        ("Đỉnh Fansipan, ĐƯỜNG sắt", "dinh fansipan, duong sat"),
        ("Mù Cang Chải", "mu cang chai"),
        ("Thổ cẩm H'Mông", "tho cam h'mong"),
        ("Hà Nhì, Phù Lá, Giáy, Tày", "ha nhi, phu la, giay, tay"),
    ],
)
def test_folding_drops_every_vietnamese_diacritic_including_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_folding_accepts_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Rượu ngô Đồng Văn")) == "ruou ngo dong van"


def test_tokens_keep_diacritics_join_apostrophes_and_split_punctuation():
    assert tokens("Người H'Mông ở Sa Pa – cc-by") == ["người", "hmông", "ở", "sa", "pa", "cc", "by"]
    assert tokens("H’Mông") == ["hmông"]  # typographic apostrophe too


def test_chinese_runs_become_overlapping_bigrams():
    assert tokens("征服番西邦峰") == ["征服", "服番", "番西", "西邦", "邦峰"]
    assert tokens("OCOP产品3143米") == ["ocop", "产品", "3143", "米"]
    assert cjk_chars("老街老街故事") == "老 街 故 事"


def test_index_text_is_space_separated_tokens():
    assert index_text("Rượu ngô", "", "Bắc Hà") == "rượu ngô bắc hà"


def test_query_syntax_words_phrases_prefixes_exclusions_and_or():
    parsed = parse_query('rượu "ngô Bắc Hà" fansi* -sapa tea OR coffee')
    clauses = parsed.clauses
    assert [clause.tokens for clause in clauses] == [
        ("rượu",), ("ngô", "bắc", "hà"), ("fansi",), ("sapa",), ("tea",), ("coffee",), ("coffees",)
    ]
    assert clauses[1].phrase and clauses[2].prefix and clauses[3].negated
    assert len(parsed.positive) == 4  # rượu, the phrase, fansi*, (tea OR coffee OR coffees)
    assert [clause.tokens for clause in parsed.positive[-1]] == [("tea",), ("coffee",), ("coffees",)]
    assert [clause.tokens for clause in parsed.negative] == [("sapa",)]  # exclusions exclude what was typed


@pytest.mark.parametrize(
    ("word", "forms"),
    [("terraces", ["terrace"]), ("terrace", ["terraces"]), ("festival", ["festivals"]), ("berries", ["berry"]),
     ("valley", ["valleys"]), ("boxes", ["box"]), ("pass", ["passes"]), ("terraced", []), ("tea", []),
     ("rượu", []), ("梯田", [])],
)
def test_english_words_match_their_other_number(word, forms):
    assert number_forms(word) == forms


def test_what_visitors_call_rice_terraces_finds_terraced_fields():
    (group,) = parse_query("rice terraces").positive
    assert [(clause.tokens, clause.phrase) for clause in group] == [
        (("rice", "terraces"), True), (("terraces",), False), (("terrace",), False), (("terraced",), False),
        (("ruộng", "bậc", "thang"), True),
    ]
    assert len(parse_query('"rice terraces"').clauses) == 1  # quoted: exactly as typed


def test_chinese_query_is_a_phrase_of_bigrams_and_one_character_is_special():
    (clause,) = parse_query("玉米酒").clauses
    assert clause.tokens == ("玉米", "米酒") and clause.phrase
    (single,) = parse_query("茶").clauses
    assert single.single_cjk_char


@pytest.mark.parametrize(
    "hostile",
    ['"unbalanced', 'NEAR(a b', "*", "^", '"', "-", "OR", "AND NOT", "title:x", "{title}: x", "a* OR -",
     "'; DROP TABLE search_searchdocument; --", "\x00\x01\x1b[31m", "\u202e\u200b", "%_\\", "((((", "🙂"],
)
def test_hostile_text_parses_into_plain_tokens(hostile):
    parsed = parse_query(hostile)
    for clause in parsed.clauses:
        for token in clause.tokens:
            assert token and all(char.isalnum() for char in token), token


def test_limits_give_a_clear_error():
    with pytest.raises(QueryError, match="too long"):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QueryError, match="Too many words"):
        parse_query(" ".join(f"w{number}" for number in range(MAX_CLAUSES + 1)))


def test_snippets_mark_matches_whatever_their_diacritics_and_escape_html():
    html = snippet(parse_query("ruou ngo bac*"), "<b>Rượu ngô</b> Bản Phố, Bắc Hà & Sa Pa")
    assert html == "&lt;b&gt;<mark>Rượu</mark> <mark>ngô</mark>&lt;/b&gt; Bản Phố, <mark>Bắc</mark> Hà &amp; Sa Pa"


def test_snippets_mark_apostrophe_words_and_chinese_substrings():
    html = snippet(parse_query("hmong 梯田"), "Người H'Mông ở 伊蒂梯田灌水季")
    assert html == "Người <mark>H&#x27;Mông</mark> ở 伊蒂<mark>梯田</mark>灌水季"


def test_snippets_cut_a_window_around_the_best_match():
    text = "Mở đầu. " + "chữ " * 200 + "Rượu ngô ở đây. " + "kết " * 200
    html = snippet(parse_query("rượu ngô"), text, length=120)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>Rượu</mark> <mark>ngô</mark>" in html and len(html) < 220


def test_snippets_prefer_the_window_with_the_most_matches():
    text = "Rượu ngô mở đầu. " + "chữ " * 100 + "rượu và ngô, rượu ngô nữa. " + "kết " * 100
    html = snippet(parse_query("rượu ngô"), text, length=120)
    assert html.startswith("…") and html.count("<mark>") == 4  # the later window holds four matches, the first two


def test_snippet_without_matches_is_the_beginning_of_the_text():
    assert snippet(parse_query(""), "Một câu ngắn.") == "Một câu ngắn."


def test_every_character_a_letter_matches_ignoring_case_can_start_a_highlighted_word():
    """The highlighter jumps to candidate first characters before trying its
    case-insensitive regex, so none that regex accepts may be missing."""
    from search.text import _FIRST_CHARACTERS, _VARIANTS

    any_variant = re.compile("[" + "".join(variants[1:-1] for variants in _VARIANTS.values()) + "]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or not any_variant.fullmatch(char):
            continue
        for letter, variants in _VARIANTS.items():
            if re.fullmatch(variants, char, re.IGNORECASE):
                assert char in _FIRST_CHARACTERS[letter], (letter, hex(code))


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("saps", "ſaps", "<mark>ſaps</mark>"),  # a case partner of s (the Kelvin sign never survives NFC)
        ("москва", "Thủ đô МОСКВА", "Thủ đô <mark>МОСКВА</mark>"),  # no known first characters: the plain scan
        ("ngo* 梯田", "Ngõ nhỏ, 伊蒂梯田", "<mark>Ngõ</mark> nhỏ, 伊蒂<mark>梯田</mark>"),  # prefix, CJK run
        ("ong", "không Ông", "không <mark>Ông</mark>"),  # a whole word, never inside another
        ("ホー・チ・ミン", "ホー・チ・ミン市", "<mark>ホー・チ・ミン</mark>市"),  # with no word characters: plain
        ("½", "1⁄2 cup", "<mark>1⁄2</mark> cup"),
        ("⒈", "Step 1. Go", "Step <mark>1.</mark> Go"),
    ],
)
def test_snippets_find_words_by_their_first_character_and_nothing_else(query, text, marked):
    assert snippet(parse_query(query), text) == marked


def test_the_first_character_scan_marks_exactly_what_the_plain_scan_marks():
    """The fast highlighter against the plain one on varied text: every query shape, case partners,
    apostrophes, one-letter words, digits, CJK, matches at the very start and end."""
    import random

    from search.text import _Matcher

    pieces = ["Rượu", "ngô", "Bắc", "Hà", "H'Mông", "h’mong", "HMÔNG", "Đồng", "đồng", "dong", "không", "Ông", "ong",
              "ſaps", "SAPS", "İstanbul", "ıi", "a", "A", "à", "1", "12", "2026", "梯田", "茶叶", "茶", "Москва",
              "terraces", "Terraced", "the", "thé", "—", ",", ".", "(", ")", "'", "’", "ruộng", "bậc", "thang", "Tháng",
              "🌾", "𝐀", "_", "\u0301", "\u00a0", "½"]  # past the shadow's table: an emoji, a letter
    rng = random.Random(18)
    texts = ["".join(rng.choice(pieces) + rng.choice([" ", "", "\n", "-", " "]) for _ in range(rng.randint(1, 40)))
             for _ in range(300)]
    queries = ["ruou ngo", "Rượu ngô Bắc Hà", "hmong", "H'Mông", "dong", "Đồng", "ong", "saps", "istanbul", "i",
               "a", "à", "12", "2026", "梯田", "茶", "москва", "terrace*", "th*", "ru* bac", "the", '"ruộng bậc thang"',
               "a OR ong -the", "ngo* 梯田 hmong", "1*", "tháng thang"]
    for text in [*pieces, *texts]:
        for query in queries:
            parsed = parse_query(query)
            fast, plain = _Matcher.for_query(parsed), _Matcher.for_query(parsed, led=False)
            assert fast.spans(text) == plain.spans(text), (query, text)


TITLES = ["Chinh phục Fansipan – nóc nhà Đông Dương", "Rượu ngô Bắc Hà", "H'Mông", "番西邦峰 Fansipan", "Sa Pa",
          "sa-pa!", "Y Tý", "Lào Cai 2026", "", "…", "ﬁre ①", "İstanbul", "\u200bSa Pa", "«Sa Pa»", "\x00sa pa",
          "\u0308Sa Pa", "S\u0327a Pa", "_sa pa", "2026 Lào Cai", "ǅa"]


@pytest.mark.parametrize("title", TITLES)
def test_spelled_as_answers_as_comparing_words_keys(title):
    """``spelled_as`` (the exact-title check of every result page) stops early, with the full comparison's answers."""
    for typed in [*TITLES, "sapa", "sapa!", "rượu ngô bắc", "ruoungobacha", "ruoungobachaa", "h'mong", "hmong"]:
        key = words_key(typed).replace(" ", "")
        assert spelled_as(title, key) == (words_key(title).replace(" ", "") == key), (title, typed)


def test_snippets_from_stored_shadows_are_the_snippets_made_at_search_time():
    """``SearchText.snippet_shadows`` saves the search its translating, never changes a snippet;
    a stored shadow that does not fit its text (none stored, an ASCII text's, a stale one) is made anew."""
    import random

    from search.text import _matcher_for, _snippet, snippet_shadows

    pieces = ["Rượu", "ngô", "Bắc", "Hà", "H'Mông", "h’mong", "Đồng", "dong", "không", "Ông", "ſaps", "İstanbul",
              "梯田", "Москва", "terraces", "the", "thé", "—", ",", "\x00", "\u200b", "e\u0301", "🌾", "  "]
    rng = random.Random(1818)
    pairs = [tuple("".join(rng.choice(pieces) + rng.choice([" ", "", "\n"]) for _ in range(rng.randint(0, 30)))
                   for _ in range(2)) for _ in range(200)]
    queries = ["ruou ngo", "Bắc Hà", "hmong", "dong", "ong", "saps", "istanbul", "梯田", "москва", "terrace*", "the"]
    for summary, body in [*pairs, ("", "Rượu ngô"), ("Sa Pa", ""), ("plain ascii", "Bắc Hà")]:
        shadows = snippet_shadows(summary, body)
        for query in queries:
            matcher = _matcher_for(parse_query(query))
            made = _snippet(matcher, summary, body)
            assert _snippet(matcher, summary, body, shadows=shadows) == made, (query, summary, body)
            made_by, parts = shadows.split("\x1e")
            stale = made_by + "\x1e" + "\x1f".join(part and part + "x" for part in parts.split("\x1f"))
            for unfit in ("\x1f", "x" * 999 + "\x1f" + "y" * 999, stale):  # none stored, no checksum, other length
                assert _snippet(matcher, summary, body, shadows=unfit) == made
    made_by, parts = snippet_shadows("Sa Pa", "Bắc Hà").split("\x1e")
    assert parts == "\x1fbac ha"  # an ASCII text's is made at search time
    other_table = f"{int(made_by, 16) ^ 1:08x}\x1e{parts}"  # stored before the table changed: not trusted
    matcher = _matcher_for(parse_query("ha"))
    assert _snippet(matcher, "Sa Pa", "Bắc Hà", shadows=other_table) == "Bắc <mark>Hà</mark>"
    assert _snippet(matcher, "Sa Pa", "Bắc Hà", shadows=f"{made_by}\x1e\x1fbac hx") == "Sa Pa"  # trusted, so read


@pytest.mark.parametrize("text", ["l'ong", "h''mong", "H’Mông'", "'hmong'", "x'hmong", "h'm'o'n'g", "hmong'''",
                                  "ông ông'ông", "Ông-ong_ong", "ong2ong ong", "không ong không", "a'a'a a"])
@pytest.mark.parametrize("query", ["ong", "hmong", "h'mong", "a", "mong ong", "ong hmong a"])
def test_whole_words_found_by_str_find_are_those_the_regex_finds(query, text):
    """Words typed in ASCII are found with ``str.find`` in the shadow without its apostrophes:
    at most one apostrophe between two letters, whole words only, as the plain regex."""
    from search.text import _Matcher

    parsed = parse_query(query)
    fast, plain = _Matcher.for_query(parsed), _Matcher.for_query(parsed, led=False)
    assert fast.literal_words
    assert fast.spans(text) == plain.spans(text)


def test_whole_words_are_what_the_led_regex_finds():
    """``_whole_words`` against the led words regex it stands in for, on the shadows of seeded random
    texts: case partners, apostrophes (doubled, leading, trailing), digits, underscores, CJK, letters
    outside the Basic Multilingual Plane, words that are prefixes of one another."""
    import random

    from search.text import _Matcher, _shadow, _whole_words

    pieces = ["a", "ab", "aba", "ong", "Ông", "kh", "K", "\u212a", "ſ", "İ", "ı", "'", "’", "ʼ", "''", "_", "1", "12",
              "梯", "𝐀", "🌾", "ß", "Hmông", "H'Mông", "tha", "thang", " ", " ", "-", ".", "\u0301"]
    rng = random.Random(2026)
    queries = ["a ab aba", "ong", "hmong", "k kh", "s", "i", "1 12", "tha thang", "ab a", "o ong hmong"]
    matchers = [_Matcher.for_query(parse_query(query)) for query in queries]
    assert all(matcher.literal_words for matcher in matchers)
    for _ in range(3000):
        shadow = _shadow("".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))))
        for matcher in matchers:
            expected = [(match.lastindex, *match.span()) for match in matcher.words.finditer(shadow)]
            assert _whole_words(shadow, matcher.literal_words) == expected, (shadow, matcher.literal_words)


def test_spelled_as_answers_as_comparing_words_keys_on_random_titles():
    import random

    pieces = ["Sa", "Pa", "sa", "pa", "Bắc", "Hà", "bac", "ha", "\u0308", "\u0327", "\u200b", "\x00", "«", "»", " ",
              "-", "_", "'", "ﬁ", "①", "1", "梯田", "İ", "K", "\u212a", "Đ", "đ", "ǅ", "Ng", "ười", "Nh", "`", "ab'ô"]
    rng = random.Random(130)
    titles = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(1500)]
    keys = {words_key(title).replace(" ", "") for title in titles[:300]}
    keys |= {"sapa", "bacha", "1", "k", "dz", "", "nguoi", "nh", "abo", "ngsa"}
    for title in titles:
        title_key = words_key(title).replace(" ", "")
        for key in keys:
            assert spelled_as(title, key) == (title_key == key), (title, key)
