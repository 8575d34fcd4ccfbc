"""How text becomes search tokens, and how a query typed by a person
becomes clauses, the same way for every backend.

* **Exact tokens** keep their diacritics: NFKC, lower case, apostrophes inside
  a word removed (``H'Mông`` → ``hmông``, so "hmong" finds it).
* **Folded tokens** drop them: every combining mark goes, and ``đ``/``Đ``
  (a letter of its own, not ``d`` with a mark) becomes ``d``. "ruou ngo bac
  ha" therefore finds "Rượu ngô Bắc Hà"; indexes keep both forms so an exact
  match ranks first.
* **Chinese, Japanese and Korean** have no spaces between words, so a run of
  those characters is indexed as overlapping character bigrams (the approach
  of Lucene's ``cjk`` analyzer); a query run becomes the phrase of its bigrams
  and therefore matches any substring of two characters or more. Single
  characters are indexed separately (``cjk_chars``) so one-character queries
  (茶, 酒) work too.

User text never reaches a full-text engine's syntax: :func:`parse_query`
turns it into :class:`Clause` objects made of tokens, and each backend builds
its own expression from those, quoting every token.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.safestring import SafeString

#: Letters and digits, with apostrophes allowed *inside* a word (H'Mông, l'eau).
_WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ‘`][^\W_]+)*")
_WORD_CHARACTER_RE = re.compile(r"[^\W_]")
#: The ASCII letters and digits a word starts with (apostrophes between them), the start of its folded token.
_ASCII_WORD_START_RE = re.compile(r"[A-Za-z0-9]+(?:['`][A-Za-z0-9]+)*")
_APOSTROPHES_RE = re.compile(r"['’ʼ‘`]")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffd]")
_CJK_CLASS = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u31ff"  # Bopomofo, Hangul compatibility Jamo, Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B–G
)
_CJK_RUN_RE = re.compile(f"[{_CJK_CLASS}]+")
_HAS_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
#: Letters that are not a base letter plus a combining mark, so NFD cannot strip them.
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ħ": "h", "ı": "i"})

MAX_QUERY_LENGTH = 1000
MAX_CLAUSES = 32
MIN_PREFIX_LENGTH = 2
#: Snippets are cut from the first this-many characters of each text.
SNIPPET_SCAN_LENGTH = 20_000


class QueryError(ValueError):
    """The query text cannot be searched; the message says why, for people."""


# --- normalising and folding ---------------------------------------------
def clean(text: str) -> str:
    """NFC text with control and invisible formatting characters turned into spaces."""
    return unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", text or ""))


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its diacritics, ``đ`` → ``d`` included.

    ``fold("Rượu ngô Bắc Hà, Đồng Văn") == "ruou ngo bac ha, dong van"``. Used
    for SQLite's folded columns, for queries and for highlighting; on
    PostgreSQL the ``unaccent`` extension does the same for the index.
    """
    if text.isascii():  # nothing to drop (English words, text folded already): 16× faster
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_FOLD_TABLE))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


def has_cjk(text: str) -> bool:
    return bool(_HAS_CJK_RE.search(text))


# --- tokens ----------------------------------------------------------------
def _word_tokens(word: str) -> list[str]:
    """Tokens of one word: non-CJK runs as they are, CJK runs as bigrams."""
    word = unicodedata.normalize("NFKC", _APOSTROPHES_RE.sub("", word)).lower()
    if not has_cjk(word):
        return [word]
    tokens: list[str] = []
    position = 0
    for run in _CJK_RUN_RE.finditer(word):
        if run.start() > position:
            tokens.append(word[position:run.start()])
        tokens.extend(cjk_bigrams(run.group()))
        position = run.end()
    if position < len(word):
        tokens.append(word[position:])
    return tokens


def cjk_bigrams(run: str) -> list[str]:
    """``"番西邦峰"`` → ``["番西", "西邦", "邦峰"]``; a single character stays itself."""
    if len(run) < 2:
        return [run]
    return [run[index:index + 2] for index in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """Exact tokens of ``text`` in order (what is indexed for phrases and ranking)."""
    return list(_iter_tokens(text))


def _iter_tokens(text: str) -> Iterator[str]:
    for match in _WORD_RE.finditer(clean(text)):
        yield from _word_tokens(match.group())


def words_key(text: str) -> str:
    """The words of ``text`` without case, diacritics or punctuation:
    ``words_key("Chinh phục Fansipan – nóc nhà") == "chinh phuc fansipan noc nha"``."""
    return " ".join(fold(token) for token in tokens(text))


def spelled_as(text: str, key: str) -> bool:
    """Is ``words_key(text)`` without its spaces ``key``? The same answer as
    comparing them, but it stops at the first word that differs: most result
    titles differ in their first word, so the check of a page's 20 titles costs
    a few words, not every word of every title."""
    first = _WORD_CHARACTER_RE.search(text)
    ascii_start = first and _ASCII_WORD_START_RE.match(text, first.start())
    if ascii_start and not key.startswith(ascii_start.group().replace("'", "").replace("`", "").lower()):
        return False  # the ASCII letters and digits starting the first word fold to themselves: most titles end here
    position = 0
    for word in _WORD_RE.finditer(clean(text)):
        folded = _folded_word(word.group())
        if not key.startswith(folded, position):
            return False
        position += len(folded)
    return position == len(key)


@functools.lru_cache(maxsize=8192)
def _folded_word(word: str) -> str:
    """A word's folded tokens, joined: titles share their words (a page's 20 titles fold the same
    few hundred words search after search), so each is worked out once."""
    return "".join(fold(token).replace(" ", "") for token in _word_tokens(word))


def index_text(*texts: str) -> str:
    """Space-separated exact tokens of ``texts``, the input of every embedded index."""
    return " ".join(token for text in texts if text for token in tokens(text))


def cjk_chars(*texts: str) -> str:
    """Every distinct CJK character of ``texts``, space-separated (for one-character queries)."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _CJK_RUN_RE.findall(unicodedata.normalize("NFKC", text or "")):
            for char in run:
                seen.setdefault(char, None)
    return " ".join(seen)


# --- queries ---------------------------------------------------------------
@dataclass(frozen=True)
class Clause:
    """One thing the query asks for: a word, a phrase or a prefix.

    ``tokens`` are exact tokens (see :func:`tokens`); a clause of several
    tokens must match them next to each other. ``text`` is the clause as the
    person typed it (cleaned), for engines that analyse text themselves.
    """

    tokens: tuple[str, ...]
    text: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False

    @functools.cached_property
    def folded(self) -> tuple[str, ...]:
        """The tokens folded (asked for again by each field a query searches: worked out once)."""
        return tuple(fold(token) for token in self.tokens)

    @property
    def single_cjk_char(self) -> bool:
        """A lone CJK character: matched against ``cjk_chars``, not bigrams."""
        return len(self.tokens) == 1 and len(self.tokens[0]) == 1 and has_cjk(self.tokens[0])


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses grouped for matching: every group must match (AND); inside a
    group, any clause may (OR). Negated clauses sit alone in their group."""

    groups: tuple[tuple[Clause, ...], ...] = ()

    @property
    def positive(self) -> tuple[tuple[Clause, ...], ...]:
        return tuple(group for group in self.groups if not group[0].negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(group[0] for group in self.groups if group[0].negated)

    @property
    def clauses(self) -> list[Clause]:
        return [clause for group in self.groups for clause in group]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def highlight_terms(self) -> list[Clause]:
        return [clause for clause in self.clauses if not clause.negated]


_QUOTES = '"“”„«»「」『』'


def _split_query(text: str) -> Iterator[tuple[str, bool]]:
    """Yield (chunk, quoted) pieces; an unclosed quote runs to the end."""
    quoted = False
    buffer: list[str] = []
    for char in text:
        if char in _QUOTES:
            yield "".join(buffer), quoted
            buffer, quoted = [], not quoted
        else:
            buffer.append(char)
    yield "".join(buffer), quoted


#: What visitors type that the content says another way: the words on the left, typed
#: together and unquoted, also find any of those on the right.
SAME_THINGS = {
    "rice terraces": 'terraces OR terraced OR "ruộng bậc thang"',
    "rice terrace": 'terraces OR terraced OR "ruộng bậc thang"',
    "rice paddies": 'terraces OR terraced OR "rice fields"',
    "paddy fields": 'terraces OR terraced OR "rice fields"',
}
_SAME_THINGS_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(words) for words in sorted(SAME_THINGS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
#: Words of Latin letters at least this long also match their other number ("terrace" ↔ "terraces").
MIN_NUMBER_FORM_LENGTH = 4


def number_forms(word: str) -> list[str]:
    """English singular and plural of ``word`` (no dictionary: the regular
    endings), for backends that do not stem: ``"terraces"`` → ``["terrace"]``,
    ``"festival"`` → ``["festivals"]``, ``"berries"`` → ``["berry"]``."""
    if len(word) < MIN_NUMBER_FORM_LENGTH or not word.isascii() or not word.isalpha() or word.endswith(("ed", "ing")):
        return []
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return [word[:-2]]
    if word.endswith("ss"):
        return [word + "es"]
    if word.endswith("s"):
        return [word[:-1]]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if word.endswith(("x", "z", "ch", "sh")):
        return [word + "es"]
    return [word + "s"]


def parse_query(text: str) -> ParsedQuery:
    """Parse what a person typed into clauses.

    Syntax: words (all must match), ``"quoted phrases"``, ``word*`` for a
    prefix (two characters or more), ``-word`` to exclude, and ``OR`` (upper
    case) between two clauses for either. Everything else, including the
    operators of FTS5, tsquery and Lucene, is just text. A word also matches
    its other number (:func:`number_forms`) and a few phrases their usual
    other wording (``SAME_THINGS``). Raises :class:`QueryError` for text too
    long or with too many words.
    """
    text = clean(text)
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"The search text is too long: at most {MAX_QUERY_LENGTH} characters.")
    items: list[Clause | str] = []  # clauses and the "OR" marker
    for chunk, quoted in _split_query(text):
        if quoted:
            chunk_tokens = tuple(tokens(chunk))
            if chunk_tokens:
                items.append(Clause(chunk_tokens, chunk.strip(), phrase=True))
            continue
        chunk = _SAME_THINGS_RE.sub(lambda match: f'"{match.group(1)}" OR {SAME_THINGS[match.group(1).lower()]}',
                                    chunk)
        for piece, piece_quoted in _split_query(chunk):
            if piece_quoted:
                items.append(Clause(tuple(tokens(piece)), piece.strip(), phrase=True))
                continue
            for word in piece.split():
                if word == "OR":
                    items.append("OR")
                    continue
                negated = word.startswith("-") and len(word) > 1
                word = word.lstrip("-+")
                prefix = word.endswith("*")
                word = word.rstrip("*")
                word_tokens = tuple(tokens(word))
                if not word_tokens:
                    continue
                prefix = prefix and len(word_tokens[-1]) >= MIN_PREFIX_LENGTH and not has_cjk(word_tokens[-1])
                items.append(Clause(word_tokens, word, phrase=len(word_tokens) > 1, prefix=prefix, negated=negated))
    typed = [item for item in items if isinstance(item, Clause)]
    if len(typed) > MAX_CLAUSES:
        raise QueryError(f"Too many words to search for: at most {MAX_CLAUSES}.")
    groups: list[list[Clause]] = []
    join_next = False
    for item in items:
        if item == "OR":
            join_next = bool(groups) and not groups[-1][0].negated
            continue
        assert isinstance(item, Clause)
        if join_next and not item.negated:
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False
        if not (item.negated or item.phrase or item.prefix) and len(item.tokens) == 1:
            groups[-1].extend(Clause((form,), form) for form in number_forms(item.tokens[0])
                              if all(clause.tokens != (form,) for clause in groups[-1]))
    return ParsedQuery(tuple(tuple(group) for group in groups))


# --- highlighting ----------------------------------------------------------
def _build_variants() -> dict[str, str]:
    """For each folded letter, a regex class of every letter folding to it
    (``"d"`` → ``[dDđĐ…]``), so highlighting runs as one regex in C."""
    variants: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            variants.setdefault(folded, set()).update({char, char.lower(), char.upper()})
    return {letter: "[" + "".join(sorted(chars)) + "]" for letter, chars in variants.items()}


_VARIANTS = _build_variants()
_APOSTROPHES = "'’ʼ‘`"
_OPTIONAL_APOSTROPHE = f"[{_APOSTROPHES}]?"


def _word_pattern(folded_word: str) -> str:
    return _OPTIONAL_APOSTROPHE.join(_VARIANTS.get(char, re.escape(char)) for char in folded_word)


#: Characters ``re.IGNORECASE`` matches to a letter's variants without being
#: one of them (their case mappings lead there: the Kelvin sign to ``k``).
_OTHER_CASE_PARTNERS = {"a": "\u212b", "k": "\u212a", "s": "\u017f\u1e9b"}
#: Per folded letter, every character its variant class matches ignoring case
#: (checked against ``re`` over every code point by the tests).
_FIRST_CHARACTERS = {
    letter: frozenset(variants[1:-1]) | frozenset(_OTHER_CASE_PARTNERS.get(letter, ""))
    for letter, variants in _VARIANTS.items()
}


#: Every character a letter's variant class matches ignoring case, as that letter, and every apostrophe
#: as ``'``: the "shadow" of a text, as long as the text, that the highlighter scans with plain ASCII
#: patterns (a class of variants per letter took milliseconds to compile for each new query).
_SHADOW_OF = {
    **{char: letter for letter, chars in _FIRST_CHARACTERS.items() for char in chars
       if not unicodedata.combining(char)},  # (a capital's combining mark, as in "W̊", is no letter)
    **{char: "'" for char in _APOSTROPHES},
}


def _is_word_character(char: str) -> bool:
    """What ``re``'s ``\\w`` matches in a str."""
    return char.isalnum() or char == "_"


#: ``_SHADOW_OF`` as ``str.translate``'s table, by code point (a tuple is looked up faster than a dict,
#: 1.6-1.9×), every other character that is no word character (``\\w``) as a space: a whole word
#: typed is then `` word `` in the shadow, found by ``str.find`` with nothing to check around it.
_SHADOW = tuple(_SHADOW_OF.get(chr(code)) or (chr(code) if _is_word_character(chr(code)) else " ")
                for code in range(0x10000))
#: What the table cannot reach: characters past the Basic Multilingual Plane that are no word character.
_ASTRAL_NON_WORD_RE = re.compile(r"[^\w\x00-\uffff]")


def _shadow(text: str) -> str:
    """The shadow of ``text`` (``_SHADOW``, and a space for each character past the table that is
    no word character, such as an emoji)."""
    shadow = text.translate(_SHADOW)
    return shadow if text.isascii() else _ASTRAL_NON_WORD_RE.sub(" ", shadow)


#: Between the shadows of a document's texts in ``SearchText.snippet_shadows`` (``clean`` leaves none in a text).
_SHADOWS_SEPARATOR = "\x1f"
#: What stored shadows begin with: a checksum of everything that makes them (the table, how a snippet's
#: text is cleaned and cut, the Unicode data), so that shadows stored before any of it changed are made
#: anew at search time (``search_reindex`` stores the new ones), never trusted.
SHADOWS_MADE_BY = "{:08x}\x1e".format(zlib.crc32("\x1e".join([
    "shadows 2", "".join(_SHADOW), _ASTRAL_NON_WORD_RE.pattern, _CONTROL_RE.pattern, str(SNIPPET_SCAN_LENGTH),
    unicodedata.unidata_version,
]).encode("utf-8", "surrogatepass")))


def _first_character_class(firsts: Iterable[str]) -> str | None:
    """A plain class of the characters ``firsts`` can start with in a text's shadow, for a
    regex to start with: the scan then jumps between candidates in C instead of trying every
    alternative at every position (a word is found 3–4× faster, four words 1.8×). None when
    a first character is not a letter of the shadow, a digit or CJK (the caller scans the
    text itself, ignoring case)."""
    candidates: set[str] = set()
    for char in firsts:
        if char in _FIRST_CHARACTERS or char.isdigit() or has_cjk(char):  # in the shadow: only itself
            candidates.add(char)
        else:
            return None
    return "[" + "".join(re.escape(char) for char in sorted(candidates)) + "]"


def _in_shadow(strings: Iterable[str]) -> bool:
    """Can ``strings`` be found in a shadow as they are (every character a word character: the
    shadow has a space for each other one, such as the ・ of "ホー・チ・ミン" or the ⁄ NFKC makes of ½)?"""
    return all(_is_word_character(char) for string in strings for char in string)


def _shadow_word(folded_word: str) -> str:
    """``folded_word`` as it stands in a shadow: its letters, an apostrophe allowed between them."""
    return "'?".join(re.escape(char) for char in folded_word)


def _shadow_after_first_letter(folded_word: str) -> str:
    """:func:`_shadow_word` with its first letter checked by look-behind (the scan stepped over it)."""
    rest = "'?" + _shadow_word(folded_word[1:]) if len(folded_word) > 1 else ""
    return f"(?<={re.escape(folded_word[0])}){rest}"


def _spelling(text: str) -> str:
    """``text`` as the exact-spelling check compares it: case and apostrophes aside."""
    return text.translate(_NO_APOSTROPHES).lower()


_NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)


@dataclass
class _Matcher:
    """Finds the words of a text that match the query, whatever their
    diacritics; where a word appears in a text spelt exactly as typed, only
    those spellings are marked ("thang" marks "bậc thang", not "Tháng").

    Whole words typed in ASCII letters and digits (what folding leaves of
    Vietnamese and English) are found with ``str.find`` in the text's shadow,
    where every letter they match is that letter in lower case; other words are
    one group each of one regex, so a text is scanned once for all of them. Each
    match is then checked against the spellings typed."""

    #: The regex of every whole word typed, whatever its spelling (group ``n`` is ``spellings[n - 1]``'s word),
    #: compiled only when a text needs it (a new query's words found by ``str.find`` compile nothing).
    words_regex: str | None = None
    words_flags: int = 0
    #: Per group, the exact spellings typed of that word (case and apostrophes aside).
    spellings: tuple[frozenset[str], ...] = ()
    #: The words of the groups, in order, when all are ASCII and found in the shadow with ``str.find``.
    literal_words: tuple[str, ...] = ()
    #: Prefixes and CJK runs, whatever their spelling.
    others: re.Pattern | None = None
    #: Which of the two scan the text's shadow (``_SHADOW``) rather than the text.
    on_shadow: frozenset[str] = frozenset()

    @classmethod
    def for_query(cls, parsed: ParsedQuery, *, led: bool = True) -> _Matcher:
        """The matcher of ``parsed``; ``led=False`` forces the plain scan (what the tests compare with)."""
        words: dict[str, set[str]] = {}  # folded word → the spellings typed
        prefixes: set[str] = set()
        cjk: set[str] = set()
        for clause in parsed.highlight_terms():
            cjk.update(_CJK_RUN_RE.findall(unicodedata.normalize("NFKC", clause.text)))
            for index, (token, folded) in enumerate(zip(clause.tokens, clause.folded, strict=True)):
                if has_cjk(token):
                    continue
                if clause.prefix and index == len(clause.tokens) - 1:
                    prefixes.add(folded)
                else:
                    words.setdefault(folded, set()).add(_spelling(token))
        folded_words = sorted(words, key=len, reverse=True)
        prefixes_first = sorted(prefixes, key=len, reverse=True)
        runs_first = sorted(cjk, key=len, reverse=True)
        # Led by a class of first characters, each alternative checks its own first letter by
        # look-behind, and (?<!\w.) after it is (?<!\w) before; both scan the text's shadow, where
        # every letter an ASCII letter matches is that letter in lower case: no case to ignore.
        words_regex, words_flags, literal_words, others = None, 0, (), None
        on_shadow = set()
        if folded_words:
            led_words = led and _in_shadow(folded_words)
            start = _first_character_class(word[0] for word in folded_words) if led_words else None
            if start:
                groups = "|".join(f"({_shadow_after_first_letter(word)})" for word in folded_words)
                case = "" if all(word.isascii() for word in folded_words) else "i"
                words_regex, words_flags = rf"{start}(?<!\w.)(?{case}:{groups})(?!\w)", re.DOTALL
                literal_words = () if case else tuple(folded_words)
                on_shadow.add("words")
            else:
                groups = "|".join(f"({_word_pattern(word)})" for word in folded_words)
                words_regex, words_flags = rf"(?<!\w)(?:{groups})(?!\w)", re.IGNORECASE
        if prefixes_first or runs_first:
            firsts = [*(prefix[0] for prefix in prefixes_first), *(run[0] for run in runs_first)]
            start = _first_character_class(firsts) if led and _in_shadow([*prefixes_first, *runs_first]) else None
            runs = [f"(?<={re.escape(run[0])}){re.escape(run[1:])}" for run in runs_first]
            if start:
                prefixes = "|".join(_shadow_after_first_letter(prefix) for prefix in prefixes_first)
                starts = [rf"(?<!\w.)(?:{prefixes})\w*"]
                case = "" if all(prefix.isascii() for prefix in prefixes_first) else "i"
                others = re.compile(f"{start}(?{case}:{'|'.join(starts[:bool(prefixes_first)] + runs)})", re.DOTALL)
                on_shadow.add("others")
            else:
                alternatives = [rf"(?<!\w){_word_pattern(prefix)}\w*" for prefix in prefixes_first]
                alternatives += [re.escape(run) for run in runs_first]
                others = re.compile("|".join(alternatives), re.IGNORECASE)
        spellings = tuple(frozenset(words[word]) for word in folded_words)
        return cls(words_regex, words_flags, spellings, literal_words, others, frozenset(on_shadow))

    @functools.cached_property
    def words(self) -> re.Pattern | None:
        """The compiled words regex, compiled when a text first needs it (kept with the matcher)."""
        return None if self.words_regex is None else re.compile(self.words_regex, self.words_flags)

    def __bool__(self) -> bool:
        return self.words_regex is not None or self.others is not None

    def _spaced_spans(self, text: str, shadow: str) -> list[tuple[int, int]]:
        """:meth:`spans` of the words typed in ASCII, in a ``shadow`` without apostrophes: there
        each whole word is `` word `` (every character that is no word character is a space), found
        by ``str.find`` in C with nothing to check around it; whole words never overlap."""
        padded = f" {shadow} "  # one character ahead of ``shadow``: a match's space is the word's start
        found: list[tuple[int, int]] = []
        for word, spellings in zip(self.literal_words, self.spellings, strict=True):
            key, length = f" {word} ", len(word)
            at = padded.find(key)
            if at < 0:
                continue
            every, typed = [], []
            while at >= 0:
                every.append((at, at + length))
                spelled = text[at:at + length]
                if spelled in spellings or _spelling(spelled) in spellings:
                    typed.append(every[-1])
                at = padded.find(key, at + length + 1)
            found.extend(typed or every)
        return found

    def spans(self, text: str, shadow: str | None = None) -> list[tuple[int, int]]:
        """(start, end) of every matching stretch of ``text``; ``shadow``: its shadow, when stored."""
        found: list[tuple[int, int]] = []
        if shadow is None:
            shadow = _shadow(text) if self.on_shadow else text  # same length: same spans
        if self.literal_words and "'" not in shadow:
            found = self._spaced_spans(text, shadow)
        elif self.words_regex is not None:
            exact: dict[int, list[tuple[int, int]]] = {}
            other: dict[int, list[tuple[int, int]]] = {}
            if self.literal_words and _few_occurrences(shadow, self.literal_words):
                matches = _whole_words(shadow, self.literal_words)
            else:
                scanned = shadow if "words" in self.on_shadow else text
                matches = [(match.lastindex, *match.span()) for match in self.words.finditer(scanned)]
            for group, start, end in matches:
                typed = _spelling(text[start:end]) in self.spellings[group - 1]
                (exact if typed else other).setdefault(group, []).append((start, end))
            for group in exact.keys() | other.keys():
                found.extend(exact.get(group) or other[group])
        if self.others is not None:
            found.extend(match.span() for match in self.others.finditer(shadow if "others" in self.on_shadow else text))
        return found


def _few_occurrences(shadow: str, words: tuple[str, ...]) -> bool:
    """Are the words few enough in ``shadow``, counting those inside other words, for
    :func:`_whole_words` (about a microsecond in Python for each) to beat the regex, which
    rejects them in C? Short words in long texts ("a", "the" in 20 000 characters) are not."""
    return sum(shadow.count(word) for word in words) <= 4 + len(shadow) // 24


def _whole_words(shadow: str, words: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(group, start, end) of each of ``words`` in ``shadow``, as the led words regex finds them:
    whole words, at most one apostrophe between two letters, the longest word first where two
    start together, none overlapping. Found with ``str.find`` in the shadow without apostrophes
    (a search in C, where the regex was tried at every candidate letter), then checked in the shadow."""
    apostrophe = shadow.find("'")
    if apostrophe >= 0:
        apostrophes = []
        while apostrophe >= 0:
            apostrophes.append(apostrophe)
            apostrophe = shadow.find("'", apostrophe + 1)
        letters = shadow.replace("'", "")
        before = [position - count for count, position in enumerate(apostrophes)]  # other characters before each
    else:
        letters, before = shadow, []
    found: list[tuple[int, int, int]] = []  # (start, group, end): sorted, the leftmost and then longest first
    for group, word in enumerate(words, 1):
        at = letters.find(word)
        while at >= 0:
            last = at + len(word) - 1
            start = at + bisect.bisect_right(before, at)
            end = last + bisect.bisect_right(before, last) + 1
            if ((end - start == len(word) or "''" not in shadow[start:end])
                    and not (start and _is_word_character(shadow[start - 1]))
                    and not (end < len(shadow) and _is_word_character(shadow[end]))):
                found.append((start, group, end))
            at = letters.find(word, at + 1)
    found.sort()
    chosen: list[tuple[int, int, int]] = []
    reached = 0
    for start, group, end in found:
        if start >= reached:
            chosen.append((group, start, end))
            reached = end
    return chosen


@functools.lru_cache(maxsize=256)
def _matcher_for(parsed: ParsedQuery) -> _Matcher:
    """One compiled matcher per query, not one per result card."""
    return _Matcher.for_query(parsed)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """``text`` HTML-escaped, each span in ``<mark>``. The spans are first
    marked with control characters (``clean`` leaves none in the text), so the
    whole is escaped in one call (html.escape and SafeString are what Django's
    escape() and mark_safe() run, without their lazy-string wrappers)."""
    if not spans:
        return SafeString(html.escape(text))
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += (text[position:start], "\x01", text[start:end], "\x02")
        position = end
    parts.append(text[position:])
    escaped = html.escape("".join(parts))
    return SafeString(escaped.replace("\x01", "<mark>").replace("\x02", "</mark>"))


def snippet(parsed: ParsedQuery, *texts: str, length: int = 220) -> SafeString:
    """An HTML-safe excerpt of ``texts`` around the best matches, each match
    in ``<mark>``. Without matches, the beginning of the first text."""
    return _snippet(_matcher_for(parsed), *texts, length=length)


def highlighter(parsed: ParsedQuery) -> Callable[..., SafeString]:
    """:func:`snippet` for the result cards of one query: its matcher is looked up once, not once per card."""
    return functools.partial(_snippet, _matcher_for(parsed))


def snippet_shadows(*texts: str) -> str:
    """The shadows the highlighter scans to cut a snippet of ``texts``, made once when they are
    stored (``SearchText.snippet_shadows``): translating non-ASCII text cost a result page up to
    a millisecond at every search. An ASCII text's is left empty: ``str.translate`` makes it in C
    at search time, and it is not stored twice."""
    candidates = (_snippet_candidate(text or "") for text in texts)
    shadows = (("" if text.isascii() else _shadow(text)) for text in candidates)
    return SHADOWS_MADE_BY + _SHADOWS_SEPARATOR.join(shadows)


def _snippet_candidate(text: str) -> str:
    """The part of ``text`` a snippet is cut from."""
    return clean(text[:SNIPPET_SCAN_LENGTH]).strip()


def _snippet(matcher: _Matcher, *texts: str, length: int = 220, shadows: str | None = None) -> SafeString:
    """``shadows``: ``snippet_shadows(*texts)`` as stored; a shadow of another length than
    its text (none stored, an ASCII text) or made by other code (``SHADOWS_MADE_BY``) is made here."""
    stored = (shadows[len(SHADOWS_MADE_BY):].split(_SHADOWS_SEPARATOR)
              if shadows and shadows.startswith(SHADOWS_MADE_BY) else ())
    first: str | None = None
    best_text, best_spans, best_score = "", [], 0
    for index, text in enumerate(texts):
        if not text or text.isspace():
            continue
        candidate = _snippet_candidate(text)
        if first is None:
            first = candidate
            if not matcher:
                break
        shadow = stored[index] if index < len(stored) else None
        spans = matcher.spans(candidate, shadow if shadow is not None and len(shadow) == len(candidate) else None)
        if not spans:
            continue
        spans = _merge(spans)
        window_start, score = _best_window(candidate, spans, length)
        if score > best_score:
            best_score = score
            window_end = min(len(candidate), window_start + length)
            best_text = ("…" if window_start else "") + candidate[window_start:window_end] + (
                "…" if window_end < len(candidate) else "")
            shift = window_start - (1 if window_start else 0)
            best_spans = [(start - shift, end - shift) for start, end in spans
                          if start >= window_start and end <= window_end]
    if first is None:
        return SafeString("")
    if not best_spans:
        return _mark(_shorten(best_text if best_score else first, length), [])
    return _mark(best_text, best_spans)


def _best_window(text: str, spans: list[tuple[int, int]], length: int) -> tuple[int, int]:
    """Start of the ``length``-character window holding the most matches,
    moved back to a word boundary, and how many matches it holds."""
    best_start, best_count = 0, 0
    ends = [end for _start, end in spans]  # merged spans: their ends ascend too
    for index, (start, _end) in enumerate(spans):
        count = bisect.bisect_right(ends, start + length, index) - index
        if count > best_count:
            best_start, best_count = start, count
    if best_start + length >= len(text):
        best_start = max(0, len(text) - length)
    else:
        best_start = max(0, best_start - length // 4)
    if best_start:
        space = text.rfind(" ", 0, best_start + 1)
        best_start = space + 1 if space > best_start - 20 else best_start
    return best_start, best_count


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > length // 2 else length] + "…"
