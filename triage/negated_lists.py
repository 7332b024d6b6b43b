"""How far a negation reaches over a list: "denies pregnancy, breastfeeding", "keine
Schwangerschaft, Stillzeit", "no renal failure, dialysis or cirrhosis", "no antipsychotics,
metoclopramide or domperidone" deny every item, not only the first.

One rule for the state, cue and drug readers (triage/engine/state_words.py, triage/engine/text.py,
triage/knowledge/drugs.py), each of which reads a negation in its own clause: `negated_list_spans`
gives the parts of a text, after the first item of a negated list, that its negation covers; a
reader takes a finding that starts in one as negated.  A trailing stop after a list of drugs
("Risperidon, MCP: abgesetzt 2022") is the drug reader's, which asks `only_joiners` whether two
mentions are items of one list.

The vocabulary is synonyms.toml [negated_lists] (six languages): the list opens after an `openers`
phrase, its items are joined by commas, slashes, "&" and `joiners`, and it runs to the clause's
end (a full stop, ; ! ? | a new line, " - ", an arrow, an `ends` word such as "but", "aber",
"wel") and stops before the first item that is a statement of its own (a `stops` word, a number,
":", "=", "+", or more than `max_item_words` words).  Positions are those of the text as given.

A list of bare commas after the negated first item ("sin galactorrea, pérdida de visión", "no
galactorrhoea, bitemporal hemianopia") may as well be a denial followed by a finding: the cue
reader asks `enumerated_list_spans`, the lists whose items a word, "/" or "&" joins ("no headache,
nausea or visual disturbance", "keine Kopfschmerzen, Übelkeit oder Sehstörungen"), for the red
flags, which a comma alone does not deny (a missed chiasmal compression costs more than an urgent
review; clinical-reference §8).

A stop or a past before a list of drugs reaches over it the same way (`stopped_list_spans`,
synonyms.toml [stopped_lists]: "previously on risperidone, haloperidol; now aripiprazole",
"früher Risperdal, Haldol", "arrêt de Risperdal, Haldol", "vroeger risperidon, haloperidol"):
its own openers, the [negated_lists] words with its own `ends` (a time now: "now", "aktuell",
"actuellement", "actualmente", "attualmente", "nu"; a later time; a switch) and `stops` (a drug
added, started, continued), and a dose in an item is no statement ("früher Risperdal 4 mg, Haldol
5 mg").  The drug reader takes such a list only when the stop covers a drug of its first item.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

from triage.values import synonyms_data

__all__ = [
    "contrast_words",
    "enumerated_list_spans",
    "inside",
    "negated_list_spans",
    "only_joiners",
    "reach_start",
    "reach_words",
    "stopped_list_spans",
]

Span = tuple[int, int]
_CACHE_SIZE: Final = 1 << 14
# The clause ends: punctuation, a dash between spaces, an arrow ("no X - Y", "no X -> Y").
_PUNCTUATION_END: Final = re.compile(r"[.;!?|\n\r•]|\s[-–—]\s|->|→|=>|(?<![<>=\-])>")
_ITEM_MARK: Final = re.compile(r"[\d:=+]")  # a number, a heading or answer, a "+": a statement
_WORD: Final = re.compile(r"[^\W\d_]+")
_COLON: Final = re.compile(r"\s*:")


def _plain(text: str) -> str:
    """Lower case without accents, one character for one (positions stay valid); typographic
    apostrophes as "'"."""
    if text.isascii():
        return text.lower()
    out = []
    for char in text:
        lowered = char.lower()
        if len(lowered) != 1:
            lowered = char
        base = "".join(
            c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
        )
        out.append(base if len(base) == 1 else lowered)
    return "".join(out).replace("’", "'")


_Token = tuple[int, int, str]  # start, end, word


class _Phrases:
    """Word sequences (plain: no case, no accents), found by their first word; one ending with
    ":" is a heading, the colon after its last word ("excluded:", "exclu :")."""

    def __init__(self, phrases: Iterable[object]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        for phrase in {_plain(str(p).strip()) for p in phrases}:
            words = tuple(_WORD.findall(phrase))
            if words:
                by_first.setdefault(words[0], []).append((words, phrase.endswith(":")))
        self._by_first = {
            first: tuple(sorted(found, key=lambda f: -len(f[0])))
            for first, found in by_first.items()
        }

    def match(self, plain: str, tokens: Sequence[_Token], at: int) -> int | None:
        """Where the longest phrase starting at token `at` ends (past its colon), or None."""
        candidates = self._by_first.get(tokens[at][2])
        if not candidates:
            return None
        ahead = tuple(token[2] for token in tokens[at : at + len(candidates[0][0])])
        for words, heading in candidates:
            last = at + len(words) - 1
            if ahead[: len(words)] != words:
                continue
            if any(  # one phrase: only spaces or apostrophes between its words ("pas d'")
                plain[tokens[i][1] : tokens[i + 1][0]].strip(" '-") for i in range(at, last)
            ):
                continue
            end = tokens[last][1]
            if heading:
                colon = _COLON.match(plain, end)
                if colon is None:
                    continue
                end = colon.end()
            return end
        return None

    def first_in(self, plain: str, tokens: Sequence[_Token], low: int, high: int) -> int | None:
        """The index of the first token in tokens[low:high] a phrase starts at, or None."""
        by_first = self._by_first
        for at in range(low, high):
            if tokens[at][2] in by_first and self.match(plain, tokens, at) is not None:
                return at
        return None


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    openers: _Phrases
    weak_openers: _Phrases
    not_lists: _Phrases  # a first item that is no finding
    ends: _Phrases
    stops: _Phrases
    separator: re.Pattern[str]
    joined: re.Pattern[str]  # nothing but separators
    disjunctive: frozenset[str]
    max_item_words: int
    first_words: frozenset[str]  # the first words of the openers, weak or not
    dose: re.Pattern[str] | None = None  # a dose an item may carry (a stop's list), or None


def _alternation(phrases: Iterable[object]) -> str:
    """A regex of word sequences (plain), any spaces between the words."""
    ordered = sorted({_plain(str(p).strip()) for p in phrases}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered if p) or "(?!)"


@cache
def _vocabulary() -> _Vocabulary:
    table = synonyms_data()["negated_lists"]
    return _vocabulary_of(table)


@cache
def _stop_vocabulary() -> _Vocabulary:
    """synonyms.toml [stopped_lists]: its openers; [negated_lists]' words, with its own `ends`
    and `stops` added; an item may carry a dose."""
    negated = synonyms_data()["negated_lists"]
    table = synonyms_data()["stopped_lists"]
    units = _alternation(table["dose_units"])
    dose = re.compile(rf"\d+(?:[.,]\d+)?\s*(?:{units})(?![^\W\d_])")
    return _vocabulary_of(
        {
            **negated,
            "openers": table["openers"],
            "weak_openers": [],
            "ends": [*negated["ends"], *table["ends"]],
            "stops": [*negated["stops"], *table["stops"]],
        },
        dose=dose,
    )


def _vocabulary_of(table: Mapping[str, Any], dose: re.Pattern[str] | None = None) -> _Vocabulary:
    """The vocabulary of a [negated_lists]-like table; `dose`: a dose its items may carry."""
    joiners = _alternation(table["joiners"])
    between = _alternation([*table["joiners"], *table["joiners_between_words"]])
    separator = rf"\s*[,/&]\s*(?:(?:{joiners})\s+)?|\s+(?:{between})\s+"
    return _Vocabulary(
        openers=_Phrases(table["openers"]),
        weak_openers=_Phrases(table["weak_openers"]),
        not_lists=_Phrases(table["not_lists"]),
        ends=_Phrases(table["ends"]),
        stops=_Phrases(table["stops"]),
        separator=re.compile(separator),
        joined=re.compile(f"(?:{separator})+"),
        disjunctive=frozenset(_plain(str(w)) for w in table["disjunctive"]),
        max_item_words=int(table["max_item_words"]),
        first_words=frozenset(
            word
            for phrase in (*table["openers"], *table["weak_openers"])
            for word in _WORD.findall(_plain(str(phrase)))[:1]
        ),
        dose=dose,
    )


def contrast_words() -> tuple[str, ...]:
    """The `ends` words ("but", "aber", "mais", "pero", "ma", "maar", "wel", "except", "sauf",
    "tranne", "behalve"...), as written: a negation reaches no finding after one, in the cue
    reader (triage/engine/text.py) as over a list here."""
    return tuple(str(word) for word in synonyms_data()["negated_lists"]["ends"])


@cache
def reach_words() -> frozenset[str]:
    """synonyms.toml [negation_reach]: the words a negation reaches over to what it denies ("no
    está en diálisis", "not currently on metoclopramide", "n'est pas sous Risperdal"), in lower
    case as written and without accents."""
    words = [str(word).lower() for word in synonyms_data()["negation_reach"]["words"]]
    return frozenset(words) | frozenset(_plain(word) for word in words)


def reach_start(words: Sequence[str]) -> int:
    """Where the run of [negation_reach] words that ends `words` (lower case) starts: a negation
    that ends at or after it denies what follows `words` ("no está en tratamiento con": 1, after
    "no"); len(words) when the last word is none of them."""
    reach = reach_words()
    at = len(words)
    while at and words[at - 1] in reach:
        at -= 1
    return at


def negated_list_spans(text: str) -> tuple[Span, ...]:
    """The parts of `text` a negation before a list covers beyond the list's first item: from
    the end of that item to the end of the list's last item ("denies pregnancy, breastfeeding":
    ", breastfeeding").  A finding that starts inside one is denied."""
    if not text:
        return ()
    return tuple(span for span, _ in _spans(text))


def enumerated_list_spans(text: str) -> tuple[Span, ...]:
    """The spans of `negated_list_spans` whose list joins its items with more than bare commas
    (a joiner word, "/" or "&": "no headache, nausea or visual disturbance"), not those of a
    list of commas alone ("no galactorrhoea, bitemporal hemianopia")."""
    if not text:
        return ()
    return tuple(span for span, enumerated in _spans(text) if enumerated)


def stopped_list_spans(text: str) -> tuple[tuple[Span, Span], ...]:
    """The lists a stop or a past before them covers (synonyms.toml [stopped_lists]: "previously
    on risperidone, haloperidol; now aripiprazole", "früher Risperdal, Haldol", "arrêt de
    Risperdal, Haldol"): per list, (its first item, the part after that item up to the end of
    its last item), as negated_list_spans gives the second.  The drug reader takes the list
    only when a drug is its first item."""
    if not text:
        return ()
    return _stopped_spans(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _stopped_spans(text: str) -> tuple[tuple[Span, Span], ...]:
    words = _stop_vocabulary()
    plain = _plain(text)
    if words.dose is not None:  # "früher Risperdal 4 mg, Haldol 5 mg": a dose is no statement
        plain = words.dose.sub(lambda found: " " * len(found.group()), plain)
    return tuple(((first, span[0]), span) for span, _, first in _lists(plain, words))


@lru_cache(maxsize=_CACHE_SIZE)
def _spans(text: str) -> tuple[tuple[Span, bool], ...]:
    """Each negated list's span, and whether a word, "/" or "&" joins its items."""
    return tuple((span, enumerated) for span, enumerated, _ in _lists(_plain(text), _vocabulary()))


def _lists(plain: str, words: _Vocabulary) -> list[tuple[Span, bool, int]]:
    """Each list an opener of `words` covers in `plain`: its span after the first item, whether
    more than commas join its items, and where its first item starts."""
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(plain)]
    found = []
    at = 0
    while at < len(tokens):
        if tokens[at][2] not in words.first_words:
            at += 1
            continue
        end = words.openers.match(plain, tokens, at)
        weak = end is None
        if weak:
            end = words.weak_openers.match(plain, tokens, at)
        if end is None:
            at += 1
            continue
        span = _scope(plain, tokens, end, weak=weak, words=words)
        if span is not None:
            found.append((*span, end))
        at = bisect_left(tokens, (end,))
    return found


def _scope(
    plain: str, tokens: Sequence[_Token], at: int, *, weak: bool, words: _Vocabulary
) -> tuple[Span, bool] | None:
    """The part after the first item of the list that opens at `at`, and whether more than bare
    commas join the items it covers; or None."""
    first = bisect_left(tokens, (at,))
    if first >= len(tokens) or words.not_lists.match(plain, tokens, first) is not None:
        return None  # "no response to cabergoline, headache": no list of findings
    punctuation = _PUNCTUATION_END.search(plain, at)
    limit = punctuation.start() if punctuation is not None else len(plain)
    ended = words.ends.first_in(plain, tokens, first, bisect_left(tokens, (limit,)))
    if ended is not None:
        limit = tokens[ended][0]
    items: list[Span] = []
    joins: list[str] = []
    begin = at
    for separator in words.separator.finditer(plain, at, limit):
        if separator.start() == begin and not items:
            return None  # "no, ...": an answer, no list
        items.append((begin, separator.start()))
        joins.append(separator.group())
        begin = separator.end()
    items.append((begin, limit))
    if punctuation is not None and ended is None and punctuation.group() == "?":
        items.pop()  # "no pregnancy, breastfeeding?": a doubt, not a denial
    if len(items) < 2 or _a_statement(plain, tokens, items[0], words):
        return None
    if weak and not any(w in words.disjunctive for j in joins for w in _WORD.findall(j)):
        return None  # "nicht nüchtern, Stress bei Blutentnahme": no list
    reach = None
    enumerated = False
    for (start, stop), join in zip(items[1:], joins, strict=False):
        if not _WORD.search(plain, start, stop):
            continue
        if _a_statement(plain, tokens, (start, stop), words):
            break
        reach = stop
        enumerated = enumerated or join.strip() != ","
    if reach is None:
        return None
    return (items[0][1], reach), enumerated


def _a_statement(plain: str, tokens: Sequence[_Token], item: Span, words: _Vocabulary) -> bool:
    """An item that is a statement of its own, not a bare list item: a `stops` word, a number,
    ":", "=", "+", a negation of its own, or too many words."""
    low, high = bisect_left(tokens, (item[0],)), bisect_left(tokens, (item[1],))
    return (
        high <= low
        or _ITEM_MARK.search(plain, item[0], item[1]) is not None
        or high - low > words.max_item_words
        or words.stops.first_in(plain, tokens, low, high) is not None
        or words.openers.first_in(plain, tokens, low, high) is not None  # "no X, no Y, Z"
        or words.weak_openers.first_in(plain, tokens, low, high) is not None
    )


def inside(spans: Sequence[Span], at: int) -> bool:
    """Whether position `at` lies in one of `spans`."""
    return any(start <= at < end for start, end in spans)


def only_joiners(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is nothing but what joins two items of a list (", ", " und ",
    " / ", ", or "): the two are items of one list."""
    return _vocabulary().joined.fullmatch(_plain(text[start:end])) is not None
