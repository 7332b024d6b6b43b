"""Who a condition in a note belongs to: a relative's is not the patient's.

One reading, from states.toml [relative], for both vocabularies of the notes: the states
(state_words: "mother on dialysis", "FH: diabetes, dialysis") and the cues (text.py:
"Schwester Prolaktinom", "Vater Hypothyreose", "prolactinoma (mother)").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

from triage.regex_cache import compile_vocabulary
from triage.resources import data_file
from triage.schema import ConfigError
from triage.transliteration import vocabulary

STATES_FILE: Final = "states.toml"
# Where a clause of a note ends for this reading (as state_words reads the states): ; | new
# lines, a comma not inside a number, a full stop before a space, a spaced dash, "but".  A dash
# that ends its item ("Gravidität - ", "Dialyse -\n") is a sign for "absent" (absence_marks.py),
# no clause's end.
CLAUSES: Final = re.compile(
    r"[;\n|]|,(?!\d)|(?<!\d)\.(?=\s|$)|\s[-–][^\S\n](?![^\S\n]*(?:$|[,;|\n]))"
    r"|\b(?:but|aber|mais|pero|ma|maar)\b",
    re.IGNORECASE,
)
# A label's colon (never a time's: "08:10")
LABEL_COLON: Final = re.compile(r"(?<!\d):(?!\d)")


def compile_alternatives(patterns: Sequence[object], source: str, name: str) -> re.Pattern[str]:
    """One case-insensitive regex for a vocabulary's patterns (never matching when there are
    none); a bad pattern is a ConfigError naming the file and the entry."""
    try:
        return compile_vocabulary("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(source, f"{name}: bad pattern: {exc}", field=name) from None


class Relatives:
    """The [relative] table compiled: a family-history heading, a relative before the match,
    one right after it, a donor (the graft is then the patient's)."""

    def __init__(self, table: Mapping[str, Any], *, source: str = STATES_FILE) -> None:
        self.heading = compile_alternatives(table.get("heading", []), source, "relative.heading")
        self.kin = compile_alternatives(table.get("kin", []), source, "relative.kin")
        self.after = compile_alternatives(table.get("after", []), source, "relative.after")
        self.unless = compile_alternatives(table.get("unless", []), source, "relative.unless")
        self.patient = compile_alternatives(table.get("patient", []), source, "relative.patient")
        self.tail = re.compile(rf"(?:\S+\s*){{0,{int(table.get('before_window_words', 0))}}}$")
        self.label_words = int(table.get("label_words", 0))

    def opens_list(self, clause: str) -> bool:
        """`clause` opens a relative's list with a colon: a family-history heading ("FH:
        diabetes", "FA: Diabetes", "ATCD familiaux : diabète") or a relative's label ("Mutter:
        Hashimoto", "mère : hypothyroïdie"; at most `label_words` words before the colon): the
        comma-separated clauses after it are that relative's list."""
        colon = clause.rfind(":")
        if colon < 0:
            return False
        heading = self.heading.search(clause, 0, colon + 1)
        if heading is not None:
            return True
        if len(clause[:colon].split()) > self.label_words:
            return False
        # the words after the colon still seen ("mama: galactorrea" is the Spanish breast)
        return any(kin.end() <= colon for kin in self.kin.finditer(clause))

    def closes_list(self, clause: str) -> bool:
        """`clause` ends a relative's list: it names the patient again or a heading of her own
        ("patient on risperidone", "Pat.: Hypothyreose", "la paciente toma", "sonst:", "VG:",
        "Eigenanamnese"; `patient`), or opens a new label that is not a relative's ("PMH:
        hypothyroid", "Medikation: Risperdal")."""
        if self.patient.search(clause):
            return True
        return LABEL_COLON.search(clause) is not None and not self.opens_list(clause)

    def in_clause(
        self, clause: str, start: int, end: int, *, family: bool, own: bool = False
    ) -> bool:
        """The match at start:end of `clause` is a relative's: under a family-history heading
        ("Family history: dialysis"; an item of a list under one or under a relative's label,
        `family`, whoever is named after it, for a concept without `own` only: "FH: none,
        pregnant" is pregnant; "Mutter: Hashimoto, Prolaktinom"), after a relative ("mother on
        dialysis", "Schwester Prolaktinom"; for a concept without `own`) or with one right after
        it ("cirrhosis family hx", "prolactinoma (mother)"); never where the clause names a
        donor ("kidney transplant, donor: brother")."""
        if self.unless.search(clause):
            return False
        written = clause[:start]
        if family and not own:
            return True
        if self.heading.search(written) or self.after.match(clause[end:]):
            return True
        if own:
            return False
        found = self.tail.search(written)
        return found is not None and self.kin.search(found.group(0)) is not None

    def in_text(self, text: str, start: int, end: int) -> bool:
        """`in_clause` for a match at start:end of a whole note, read clause by clause as the
        states are (CLAUSES), with the list under a family-history heading."""
        begin = 0
        family = False
        for sep in CLAUSES.finditer(text):
            if sep.start() >= start:
                break
            before = text[begin : sep.start()]
            family = (family and not self.closes_list(before)) or self.opens_list(before)
            family = family and sep.group().startswith(",")
            begin = sep.end()
        after = CLAUSES.search(text, end)
        clause = text[begin : after.start() if after is not None else len(text)]
        family = family and not self.closes_list(clause)
        return self.in_clause(clause, start - begin, end - begin, family=family)


def load_relatives() -> Relatives:
    """The bundled states.toml [relative] table, compiled once."""
    return _bundled()


def load_other_persons() -> re.Pattern[str]:
    """The bundled states.toml [person] `others` (another person than the patient named as the
    subject: "Mutter", "partner", "mère"), compiled once."""
    return _other_persons()


@cache
def _states() -> dict[str, Any]:
    with data_file(STATES_FILE).open("rb") as handle:
        return vocabulary(tomllib.load(handle))


@cache
def _bundled() -> Relatives:
    return Relatives(_states().get("relative", {}), source=STATES_FILE)


@cache
def _other_persons() -> re.Pattern[str]:
    others = _states().get("person", {}).get("others", [])
    return compile_alternatives(others, STATES_FILE, "person.others")
