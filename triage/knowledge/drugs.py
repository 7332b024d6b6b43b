"""Find the drugs of the lexicon in free text (a medication list as a lab export writes it).

``DrugMatcher(drugs).find("FLUPENTIXOL DECANOATE 40MG IM 2-WEEKLY; Motilium 10 mg")`` returns one
DrugMatch per distinct drug, in order of first appearance.

How matching works:

* Every generic name, brand and synonym becomes one branch of a single compiled regex, built as a
  trie so that the longest term wins ("Risperdal Consta" before "Risperdal") and matching stays
  fast on 100,000-row inputs.  Results are cached per distinct text.
* Case, accents, doses, routes and separators do not matter (``metoclopramide10mg``,
  ``ethinylestradiol/levonorgestrel``, new lines, ``;``, ``+``).  A term never matches inside a
  longer word: ``sulpiride`` is not found in ``amisulpride`` or ``levosulpiride``.  Inside a term,
  spaces, hyphens, slashes and dots are optional ("co-careldopa" = "co careldopa").
* Terms shorter than 3 characters (``EE``) match only in the case written in the lexicon.
* Negation, minimal and deliberate: a mention is skipped when its clause says the patient is not
  taking the drug (``no metoclopramide``, ``stopped risperidone``, ``nil domperidone``,
  ``risperidone (discontinued)``, ``allergic to haloperidol``, ``Allergies: haloperidol``).
  Clauses end at ``; , : + |``, new lines, full stops, and at "but", "then", "now".  A negation
  carries over "or"/"nor" ("no metoclopramide or domperidone").  ``mentions()`` returns every
  mention with its ``negated`` flag for callers that want the negated ones too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from triage.knowledge.loaders import drug_term_key
from triage.knowledge.model import Drug, DrugMatch

__all__ = ["DrugMatcher", "DrugMention", "drug_matcher"]

# Terms shorter than this are matched case-sensitively ("EE" must not match "ee").
CASE_SENSITIVE_BELOW: Final = 3
# Characters allowed (and optional) between the words of a multi-word term.
_INNER_SEPARATOR: Final = r"[\s\-/.+]*"
_NOT_LETTER_BEFORE: Final = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER: Final = r"(?![^\W\d_])"
_NOT_ALNUM_AFTER: Final = r"(?![^\W_])"
_SEP_MARK: Final = "\x00"  # between words of a term in the trie
_END_MARK: Final = ""  # a term ends at this trie node
_VIA_ORDER: Final = ("generic", "synonym", "brand")
DEFAULT_CACHE_SIZE: Final = 1 << 17


def _word_set_pattern(words: Iterable[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, word.split())) for word in ordered)
    return rf"{_NOT_LETTER_BEFORE}(?:{body}){_NOT_LETTER_AFTER}"


# Clause ends: punctuation, new lines, and words that start a new statement.
_CLAUSE_END: Final = re.compile(
    r"[;|\n\r•+]|,(?!\d)|:(?!\d)|\.(?=\s|$)|"
    + _word_set_pattern(("but", "then", "now", "however", "instead", "whereas"))
)
# Words that join two drugs of one statement; a negation carries over them.
_CONNECTOR: Final = re.compile(r"&|" + _word_set_pattern(("and", "or", "nor")))
# Words that say a drug is not taken, before it ("stopped risperidone") or after it
# ("risperidone (stopped)", "haloperidol - allergy").
_STOPPED: Final = frozenset(
    {
        "stopped",
        "discontinued",
        "ceased",
        "d/c",
        "dc",
        "dc'd",
        "d/c'd",
        "withdrawn",
        "withheld",
        "held",
        "on hold",
        "allergy",
        "allergic",
        "intolerant",
        "intolerance",
        "not tolerated",
        "not taking",
        "no longer",
        "previously",
        "in the past",
    }
)

# Cues before a drug ("no", "stopped", "allergic to" ...) and the ones that cancel them.
_NEGATING: Final = _STOPPED | frozenset(
    {
        "no",
        "not",
        "nil",
        "never",
        "none",
        "without",
        "w/o",
        "stopped taking",
        "off",
        "came off",
        "coming off",
        "weaned off",
        "avoid",
        "avoided",
        "denies",
        "denied",
        "declined",
        "refused",
        "allergic to",
        "allergy to",
        "allergies",
        "intolerant to",
        "intolerant of",
        "reaction to",
        "previous",
        "prev",
        "prior",
        "formerly",
        "former",
        "past",
        "from",
        "no longer taking",
        "not currently",
    }
)
_AFFIRMING: Final = frozenset(
    {
        "started",
        "starting",
        "commenced",
        "restarted",
        "resumed",
        "continue",
        "continued",
        "continuing",
        "taking",
        "takes",
        "currently",
        "to",
        "switched to",
        "changed to",
        "added",
        "plus",
        "with",
    }
)
# Cues after a drug that say it is not taken.
_POST_NEGATING: Final = _STOPPED
_ALL_CUES: Final = _NEGATING | _AFFIRMING | _POST_NEGATING
_LONGEST_CUE: Final = max(len(cue.split()) for cue in _ALL_CUES)
_NOT_A_CUE_AFTER: Final = {"off": "label"}  # "off-label risperidone" is being taken
# A label whose list is negated: "Allergies: ...", "Stopped meds: ...", "Previous medication: ...".
_NEGATED_LABEL: Final = re.compile(
    r"(?<![^\W\d_])(?:allerg\w*|adverse\s+(?:drug\s+)?reactions?|adrs?|intoleran\w*|"
    r"stopped|discontinued|ceased|previous|past|prior|old)"
    r"(?:\s+(?:meds?|medications?|medicines?|drugs?|treatments?))?\s*:",
    re.IGNORECASE,
)
# Fast path: a text with none of these words (or word starts) has no negated mention.
_WORD: Final = re.compile(r"[^\W\d_]+(?:['/][^\W\d_]+)*")
_NEGATION_WORDS: Final = frozenset(
    cue.split()[0] for cue in _NEGATING | _POST_NEGATING | {"adverse", "adr", "adrs", "old"}
)
_NEGATION_STEMS: Final = ("allerg", "intoleran")
# A label that starts a list of drugs being taken, ending a negated label's region.
_TAKING_LABEL: Final = re.compile(
    r"(?<![^\W\d_])(?:(?:current|regular|usual|new|repeat)\s+)?"
    r"(?:meds?|medications?|medicines?|drugs?|rx|treatment|plan)\s*:",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DrugMention:
    """One place in the text where a drug term was found."""

    match: DrugMatch
    start: int
    end: int
    negated: bool


class DrugMatcher:
    """Finds the lexicon's drugs in free text; see the module docstring for the rules."""

    def __init__(self, drugs: Sequence[Drug], *, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.drugs = tuple(drugs)
        self._terms = _term_index(self.drugs)
        self._regex = _compile(self.drugs)
        self._mentions_cached = lru_cache(maxsize=cache_size)(self._mentions_uncached)

    def find(self, text: str | None) -> list[DrugMatch]:
        """One match per distinct drug taken (negated mentions skipped), in order of appearance."""
        if not isinstance(text, str) or not text.strip():
            return []
        seen: set[str] = set()
        found: list[DrugMatch] = []
        for mention in self._mentions_cached(text):
            if mention.negated or mention.match.drug.name in seen:
                continue
            seen.add(mention.match.drug.name)
            found.append(mention.match)
        return found

    def mentions(self, text: str | None) -> list[DrugMention]:
        """Every mention of a lexicon term, negated ones included, in order."""
        if not isinstance(text, str) or not text.strip():
            return []
        return list(self._mentions_cached(text))

    def _mentions_uncached(self, text: str) -> tuple[DrugMention, ...]:
        folded = _fold(text)
        spans = [(m.start(), m.end()) for m in self._regex.finditer(folded)]
        if not spans:
            return ()
        negated = _negations(folded, spans) if _may_negate(folded) else [False] * len(spans)
        mentions = []
        for (start, end), is_negated in zip(spans, negated, strict=True):
            term = self._terms.get(drug_term_key(folded[start:end]))
            if term is None:  # pragma: no cover - a case-folding oddity of exotic scripts
                continue
            drug, via = term
            match = DrugMatch(drug=drug, matched_text=text[start:end], via=via)
            mentions.append(DrugMention(match, start, end, is_negated))
        return tuple(mentions)


@lru_cache(maxsize=8)
def drug_matcher(drugs: tuple[Drug, ...]) -> DrugMatcher:
    """A shared matcher for a lexicon (built once: compiling the regex takes a few ms)."""
    return DrugMatcher(drugs)


# ====================================================================================== regex ==
def _fold(text: str) -> str:
    """Accents removed, one character for one character (so positions stay valid)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if len(base) == 1 else char)
    return "".join(out)


def _term_index(drugs: Sequence[Drug]) -> dict[str, tuple[Drug, str]]:
    """Compact term key -> (drug, how it was named).  Generic beats synonym beats brand."""
    index: dict[str, tuple[Drug, str]] = {}
    for drug in drugs:
        named = {"generic": (drug.name,), "synonym": drug.synonyms, "brand": drug.brands}
        for via in _VIA_ORDER:
            for term in named[via]:
                index.setdefault(drug_term_key(_fold(term)), (drug, via))
    return index


def _term_words(term: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(term).casefold())


def _compile(drugs: Sequence[Drug]) -> re.Pattern[str]:
    """One regex for every term: a case-insensitive trie plus the short case-sensitive terms."""
    trie: dict[str, object] = {}
    exact: set[str] = set()
    for drug in drugs:
        for term in (drug.name, *drug.synonyms, *drug.brands):
            if len(drug_term_key(term)) < CASE_SENSITIVE_BELOW:
                exact.add(_fold(term).strip())
            else:
                _trie_add(trie, _SEP_MARK.join(_term_words(term)))
    branches = [_trie_pattern(trie, "")] if trie else []
    for term in sorted(exact, key=len, reverse=True):
        words = _INNER_SEPARATOR.join(re.escape(word) for word in re.findall(r"[^\W_]+", term))
        branches.append(f"(?-i:{words}){_tail(term[-1])}")
    return re.compile(f"{_NOT_LETTER_BEFORE}(?:{'|'.join(branches)})", re.IGNORECASE)


def _trie_add(trie: dict[str, object], key: str) -> None:
    node = trie
    for char in key:
        child = node.setdefault(char, {})
        assert isinstance(child, dict)
        node = child
    node[_END_MARK] = True


def _tail(last: str) -> str:
    """After a term: no letter (and no digit either when the term ends with a digit)."""
    return _NOT_ALNUM_AFTER if last.isdigit() else _NOT_LETTER_AFTER


def _trie_pattern(node: dict[str, object], last: str) -> str:
    branches = []
    for char in sorted(key for key in node if key != _END_MARK):
        child = node[char]
        assert isinstance(child, dict)
        head = _INNER_SEPARATOR if char == _SEP_MARK else re.escape(char)
        if not last and char.isdigit():
            head = r"(?<!\d)" + head
        branches.append(head + _trie_pattern(child, last if char == _SEP_MARK else char))
    if _END_MARK in node:
        branches.append(_tail(last))  # last: longer terms are tried first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# =================================================================================== negation ==
def _negations(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """For each mention, whether its clause says the drug is not being taken."""
    labelled = _negated_regions(text)
    bounds = [(m.start(), m.end()) for m in _CLAUSE_END.finditer(text)]
    result: list[bool] = []
    previous_end = -1
    previous_pre = False
    for index, (start, end) in enumerate(spans):
        clause_start = max([0] + [b_end for b_start, b_end in bounds if b_start < start])
        clause_end = min([len(text)] + [b_start for b_start, _ in bounds if b_start >= end])
        same_clause = previous_end >= clause_start
        before = text[previous_end if same_clause else clause_start : start]
        pre_part, joined = before, False
        if same_clause:
            connector = _CONNECTOR.search(before)
            if connector:
                pre_part, joined = before[connector.end() :], True
                if _has_cue(before[: connector.start()], _POST_NEGATING):
                    result[-1] = True
        pre = _last_cue_negates(pre_part)
        pre_negated = pre if pre is not None else (joined and previous_pre)
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        post_negated = next_start >= clause_end and _has_cue(text[end:clause_end], _POST_NEGATING)
        in_label = any(low <= start < high for low, high in labelled)
        result.append(pre_negated or post_negated or in_label)
        previous_end, previous_pre = end, pre_negated
    return result


def _may_negate(text: str) -> bool:
    lower = text.lower()
    if any(stem in lower for stem in _NEGATION_STEMS):
        return True
    return not _NEGATION_WORDS.isdisjoint(_WORD.findall(lower))


def _cues(text: str) -> list[str]:
    """The cue words and phrases of text in order, longest phrase first at each word."""
    words = _WORD.findall(text.lower())
    cues: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_CUE, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in _ALL_CUES:
                following = words[index + size] if index + size < len(words) else ""
                if _NOT_A_CUE_AFTER.get(phrase) != following:
                    cues.append(phrase)
                index += size
                break
        else:
            index += 1
    return cues


def _last_cue_negates(text: str) -> bool | None:
    """True/False by the last negating or affirming cue in text; None when there is none."""
    cues = [cue for cue in _cues(text) if cue in _NEGATING or cue in _AFFIRMING]
    return cues[-1] in _NEGATING if cues else None


def _has_cue(text: str, cues: frozenset[str]) -> bool:
    return any(cue in cues for cue in _cues(text))


def _negated_regions(text: str) -> list[tuple[int, int]]:
    """Spans after an "Allergies:"-like label, up to the next label or line end."""
    regions: list[tuple[int, int]] = []
    if ":" not in text:
        return regions
    for label in _NEGATED_LABEL.finditer(text):
        end = text.find("\n", label.end())
        end = len(text) if end < 0 else end
        following = _TAKING_LABEL.search(text, label.end(), end)
        regions.append((label.end(), following.start() if following else end))
    return regions
