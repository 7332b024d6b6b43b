"""Diagnosis codes a note's label names, read with their words (review 29).

"Dx: D35.2, H53.47" is read as "Dx: D35.2 pituitary adenoma, H53.47 visual field defect", as an
HL7 DG1 or a FHIR Condition sent as a code is (values.coded_words: synonyms.toml
[coded_conditions], one table for every reader); the labels, doubting headings and history
words are synonyms.toml [coded_condition_labels].  Used by the text rules once per distinct cell
(engine/text.py texts_as_read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from triage.engine.relatives import load_other_persons, load_relatives
from triage.regex_cache import compile_vocabulary
from triage.values import (
    TEXT_CACHE_SIZE,
    coded_words,
    folded_chars,
    split_certainty,
    synonyms_data,
)

# A diagnosis code as a note writes it after its label: an ICD-10 category (a letter, a digit,
# a digit or the ICD-10-CM "A": "R51", "Z3A", "O9A"), then its subcategory after a dot
# ("H53.47") or written on ("H534"), then an ICD-10-GM certainty letter or a mark ("N18.5 V",
# "E22.1!").  Never a bare "E2", "T4" or "G2P1".
_NOTE_CODE: Final = (
    r"[A-Z]\d[\dA](?:\.[\dA-Z]{1,4}|\d{1,2})?(?:[!*+\u2020]|(?-i:\s+[GVAZ]))?(?![\w.])"
)


@dataclass(frozen=True, slots=True)
class _CodeLabels:
    """synonyms.toml [coded_condition_labels], compiled."""

    label: re.Pattern[str]  # a label of diagnoses (its words, then its tail: "Dx codes")
    doubting: re.Pattern[str]  # a heading's word that says the diagnoses are not established
    heading: re.Pattern[str]  # a list item that is a heading: its words, then ":"
    codes: re.Pattern[str]  # the codes that open a list item
    code: re.Pattern[str]  # one of them
    past: re.Pattern[str]  # words after a code that date it to the past ("Z.n.", "2019")
    not_past: re.Pattern[str]  # words after it that say it goes on ("seit 2019", "since 2019")
    history: str  # the words that make a code's words a past condition ("history of")
    history_letters: frozenset[str]  # the ICD-10-GM certainty letters of a past condition (Z)


@cache
def _code_labels() -> _CodeLabels:
    table = synonyms_data()["coded_condition_labels"]
    certainty = synonyms_data()["diagnosis_certainty"]
    tail = "|".join(table["label_tail"])
    label = rf"(?<!\w)(?:{'|'.join(table['labels'])})(?!\w)(?:[\s-]*\(?(?:{tail})\)?(?!\w))*"
    return _CodeLabels(
        past=compile_vocabulary(rf"(?:{'|'.join(table['past_after'])})", re.IGNORECASE),
        not_past=compile_vocabulary(rf"(?:{'|'.join(table['not_past_after'])})", re.IGNORECASE),
        history=str(table["history_words"]),
        history_letters=frozenset(str(c).upper() for c in certainty["icd10gm_history"]),
        label=compile_vocabulary(label, re.IGNORECASE),
        doubting=compile_vocabulary(
            rf"(?<!\w)(?:{'|'.join(table['doubting'])})(?!\w)", re.IGNORECASE
        ),
        heading=compile_vocabulary(r"\s*([^\W\d][^:;,\n|]{0,60}?)\s*:(?!\d)"),
        codes=compile_vocabulary(rf"\s*(?:{_NOTE_CODE}[\s,/&+]*)+", re.IGNORECASE),
        code=compile_vocabulary(_NOTE_CODE, re.IGNORECASE),
    )


# A note's list items: between ";", "|", a line's end, a comma or a slash not inside a number;
# a full stop ending a sentence ends the codes' list too.
_CODE_ITEMS: Final = re.compile(r"[;|\n]|,(?!\d)|/(?!\d)|\.(?=\s|$)")
_SENTENCE_END: Final = "."


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct note
def labelled_codes_read(text: str) -> str:
    """``text`` with the words of each ICD-10 code a label of diagnoses names
    (synonyms.toml [coded_condition_labels]) written after it, as an HL7 DG1 or a FHIR
    Condition sent as a code is read (coded_words): "Dx: D35.2, H53.47" -> "Dx: D35.2 pituitary
    adenoma, H53.47 visual field defect"; "ICD-10 Z33.1" -> "ICD-10 Z33.1 pregnant".  A label
    opens the list items after it (up to another heading, "Meds:", or a sentence's end), and a
    code is read where it opens an item (or follows the label).  Not read: a code with the
    ICD-10-GM letter V or A (diagnosis_certainty), the codes under a heading that doubts them
    ("Differential diagnosis:", "Verdachtsdiagnose:") or that names a relative or another
    person ("Mutter – Diagnose:"), a code-shaped word with no label.  A code with the letter Z
    or dated to the past ("O80 Z", "O80 Z.n.", "O80 2015") is read as history ("O80 Z history
    of pregnant": _code_words)."""
    words = _code_labels()
    folded = folded_chars(text)  # the same length: positions carry over to ``text``
    if words.label.search(folded) is None:  # most notes: no label, nothing to read
        return text
    inserts: list[tuple[int, str]] = []
    reading = False
    start = 0
    for end in [*(m.start() for m in _CODE_ITEMS.finditer(text)), len(text)]:
        item, at = folded[start:end], start
        sentence_ended = text[end : end + 1] == _SENTENCE_END
        start = end + 1
        heading = words.heading.match(item)
        if heading is not None:  # "Dx:", "Meds:": a list of diagnoses opens, or another one
            # (not a relative's or another person's: "Mutter – Diagnose: D35.2")
            reading = _names_codes(words, heading.group(1)) and not _someone_elses(
                words, heading.group(1)
            )
            item, at = item[heading.end() :], at + heading.end()
        elif reading is False and (label := words.label.match(item.lstrip())) is not None:
            # "ICD-10 H53.4": the label right before its code
            skip = len(item) - len(item.lstrip()) + label.end()
            if words.doubting.search(item[:skip]) is None and words.codes.match(item, skip):
                item, at = item[skip:], at + skip
                reading = True
        if reading and (found := words.codes.match(item)) is not None:
            run = item[: found.end()]
            # the words after the codes up to the item's end, a full stop's included ("O80
            # Z.n. 2019"): "Z.n." or a year dates them to the past ("O80 2015", not "seit 2019")
            after = _ITEM_END.split(folded[at + found.end() :], maxsplit=1)[0]
            past = words.past.search(after) is not None and words.not_past.search(after) is None
            for code in words.code.finditer(run):
                said = _code_words(code.group(), words, past=past)
                if said:
                    inserts.append((at + code.end(), f" {said}"))
        if sentence_ended:
            reading = False
    out = text
    for position, said in reversed(inserts):
        out = f"{out[:position]}{said}{out[position:]}"
    return out


def _names_codes(words: _CodeLabels, heading: str) -> bool:
    """The heading ("Dx", "Problem list", "ICD-10 code(s)") opens a list of diagnoses, not one
    it doubts ("Differential diagnosis", "Verdachtsdiagnose")."""
    return words.label.search(heading) is not None and words.doubting.search(heading) is None


def _someone_elses(words: _CodeLabels, heading: str) -> bool:
    """The heading names a relative's or another person's diagnoses ("Mutter – Diagnose",
    "Diagnose der Mutter", "Vater: Dx", "FHx diagnoses"; states.toml [relative] `kin` and
    `heading` anywhere in it, [person] `others` before its label), not the patient's."""
    relatives = load_relatives()
    if relatives.kin.search(heading) or relatives.heading.search(heading):
        return True
    label = words.label.search(heading)
    before = heading[: label.start()] if label is not None else heading
    return load_other_persons().search(before) is not None


# The end of a note's list item for the words after its codes: ";", "|", a line's end, a comma
# not inside a number (a full stop does not end it here: "O80 Z.n. 2019")
_ITEM_END: Final = re.compile(r"[;|\n]|,(?!\d)")


def _code_words(written: str, words: _CodeLabels, *, past: bool = False) -> str | None:
    """The words of one code as a note writes it ("D35.2", "N18.5 G"), "" when none are listed,
    None when its certainty letter says it is not established ("N18.5 V", "E22.1 A").  A code
    with the ICD-10-GM letter Z (Zustand nach: "O80 Z") or dated to the past (``past``: "O80
    Z.n.", "O80 2015") is a past condition: its words after the history words ("history of
    pregnant" is no pregnancy now; "history of pituitary adenoma" is a known lesion, as "Z.n.
    Hypophysenadenom" is)."""
    joined = " ".join(written.split()).upper()
    code, certainty = split_certainty(joined)
    if certainty:
        return None
    letter = joined[len(code) :].strip() if code != joined else ""
    said = coded_words(code.rstrip("!*+\u2020"))
    if said and (past or letter in words.history_letters):
        return f"{words.history} {said}"
    return said
