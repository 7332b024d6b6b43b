"""Reading one cell of a patient-state column or of free text into facts (state.py combines
them per row).  Vocabulary: triage/data/states.toml, English, German, French, Spanish, Italian and
Dutch.

A bare answer ("Y", "ja", "nee", "n/a") means its column's state; descriptive words mean what they
say whatever the column; a negation just before a match, or a negation / exclusion / ended word
just after it in its clause ("Schwangerschaft ausgeschlossen", "allaitement arrêté", "dialysis
stopped"), gives its `negated` facts, a doubt mark next to it (or "not excluded") its `doubted`
facts ("unknown": never yes or no).  A bare answer that is the whole rest of the clause
("dialyse : non", "Dialyse: nein", "dialysis? no") is a negation too.  A state written as past
history ("antécédent de grossesse", "Stillzeit bis 2020", "pregresso allattamento") gives the
concept's `past` facts ([history] in states.toml); so does, for a concept with `ends`, its end or
the time after it written right before it ("nach der Schwangerschaft", "fin de l'allaitement",
"after breastfeeding", "PMH: LSCS").  A concept with `recent` (a delivery) gives those facts only
when written as recent ("delivered last week"), else its own ("undated").  A due date ("EDD
10/12/2026", "ET 10.12.2026", "FPP 10/12/2026") gives, at a dated sample, the gestation at it
(thresholds.toml pregnancy_term_weeks less the weeks until it), or nothing when no reading of the
date places a current pregnancy (_due_weeks).  Cached per distinct (column, text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

import pandas as pd

from triage import toml_cache
from triage.absence_marks import absent_after
from triage.engine.relatives import CLAUSES, Relatives
from triage.engine.relatives import compile_alternatives as _compile
from triage.engine.text import require_table
from triage.knowledge.loaders import load_thresholds
from triage.knowledge.model import Thresholds
from triage.negated_lists import inside, negated_list_spans, reach_start, reach_words
from triage.numbers import CENTURY_YEARS, DAYS_PER_WEEK, MONTHS_PER_YEAR, WEEKS_PER_YEAR
from triage.resources import data_file
from triage.schema import ConfigError, field_words
from triage.transliteration import vocabulary
from triage.values import (
    MONTH_YEAR,
    PERCENT_FULL,
    code_label,
    code_text,
    complement_percent,
    dates_its_stop,
    ended_ago,
    event_days_ago,
    hcg_unit_factor,
    is_ambiguous_date_text,
    normalise_unit,
    normalise_word,
    obstetric_weeks_days,
    one_as_digit,
    opens_with_until,
    parse_date_text,
    says_past,
    stopped_month,
    stopped_month_match,
    text_dayfirst,
    without_general_statements,
    writes_a_date,
)

STATES_FILE = "states.toml"
# The yes/no flag behind each state column (used when a frame has the flag but no text).
FLAG_OF = {
    "pregnant_text": "pregnant",
    "lactating_text": "lactating",
    "menopausal_text": "menopausal",
    "dialysis_text": "dialysis",
    "kidney_transplant_text": "kidney_transplant",
}
_WEEKS_PER_MONTH = WEEKS_PER_YEAR / MONTHS_PER_YEAR
_CLAUSES = CLAUSES  # where a clause of a note ends (engine/relatives.py)
# A spaced dash that ends a clause's line ("Stillzeit -\n")
_LINE_END_DASH = re.compile(r"[^\S\n][-–—−]+[^\S\n]*$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# a question mark right after a word ("zwanger? test negatief", "grossesse ? test négatif")
_ASKED_BEFORE = re.compile(r"[^\W\d_][^\S\n]?\?[^\S\n]*$")
_TOKEN = re.compile(r"\w+(?:-\w+)*")  # a word with its hyphenated parts ("Shunt-OP", "HCV-RNA")
_OPENING = re.compile(r"[:(\[]")  # a colon or a bracket that may open another finding
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ISO_DATE = re.compile(r"\d{4}-")
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_PARENS = re.compile(r"\([^)]*\)")
_FIRST = re.compile(r"^\s*([^\s,;:(]+)")
# A statistics package's "code = label" cell of a state column ("2 = post", "[1] schwanger",
# "(0) nein"); not "12. SSW" or "20 - 24 weeks", whose numbers are the state's own
_CODED_CELL = re.compile(
    r"\s*(?:\d{1,2}\s*=|\[\s*\d{1,2}\s*\]|\(\s*\d{1,2}\s*\))\s*([^\W\d_].*?)\s*"
)
# a day and month without a year ("11/1", "01.11."): a delivery's date read at the sample's
_DAY_MONTH_ONLY: Final = re.compile(r"(?P<a>\d{1,2})(?P<mark>[./])(?P<b>\d{1,2})\.?")
_BLANKED_DATE = re.compile(r"(?P<a>\d{1,2})(?P<mark>[./-])(?P<b>\d{1,2})\s+(?P<y>\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"[./-]\d\d$")  # a due date's two-digit year ("15.06.26")
_SPANISH_DE = re.compile(r"\s+de(?:l)?\s+", re.IGNORECASE)  # "10 de diciembre de 2026"


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a cell says: field, value (or number) and where it was read."""

    field: str
    value: str
    column: str
    quote: str
    number: float | None = None
    unit: str = ""  # a lab number's prolactin unit as written, normalised ("ng/mL", "mIU/L")
    # read by a concept whose words also say how a young child is fed, or its age ("breastfed",
    # "gestillt", "lactante 2 meses": states.toml `infant`): on a child's own row, the child's
    infant: bool = False

    def evidence(self) -> str:
        """`column: 'as written'` (a yes/no column named without its `_text`)."""
        return f"{field_words(self.column.removesuffix('_text'))}: '{self.quote}'"


# Columns a concept reads only when its `only` names them: a medication list says a state only
# through a drug's purpose ("domperidone for milk supply": breastfeeding), never through a word
# such as "pregnancy" in "pill (to prevent pregnancy)".
OPT_IN_COLUMNS: Final = frozenset({"medications"})
LAB: Final = "lab:"  # the prefix of a lab number's `number` (states.toml)
# a pregnancy said only when nothing else says it (IVF words, an hCG between its limits)
WEAK_UNKNOWN: Final = "weak_unknown"
UNITS_HCG: Final = "hcg"  # a concept's `units`: its number is an hCG (synonyms.toml [hcg])
# A lab number with its thousands grouped ("18.500", "25 000", "25,000"): a separator before
# exactly three digits, the same one each time.  Only a concept whose `value` allows it (an hCG,
# reported in whole numbers) ever gives one; a decimal fraction has at most two digits there.
_GROUPED_THOUSANDS: Final = re.compile(r"[1-9]\d{0,2}([.,'\s\u00a0\u202f])\d{3}(?:\1\d{3})*")
_ONE_MARK_GROUP: Final = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


@dataclass(frozen=True, slots=True)
class _Concept:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    probe: re.Pattern[str]  # all patterns in one, without group names: a quick first test
    sets: tuple[tuple[str, str], ...]
    negated: tuple[tuple[str, str], ...] | None
    doubted: tuple[tuple[str, str], ...] | None
    past: tuple[tuple[str, str], ...] | None  # written as past history ("bis 2020", "h/o")
    only: frozenset[str]
    skip: frozenset[str]
    number: str
    own: bool = False  # the patient's own current state: another person or a plan says nothing
    ckd_stage: int | None = None  # the CKD stage the words mean by definition ("end-stage")
    event: bool = False  # an event (a loss): months ago is recent, not past history
    # a year or a time written after it is its onset, not its end ("CKD 4 (2019)", "renal
    # failure 2019": a chronic disease diagnosed then): only words make it past
    onset_years: bool = False
    # a day or a month written after it is when it began, not when it ended ("Breastfeeding
    # 01/01/2026": feeding lasts months to years, so the pregnancy_post_term_weeks cut-off of a
    # dated pregnancy does not apply): only words make it past
    dated_onset: bool = False
    # its own date decides (a delivery written with its day, "s/p C-section 10/31/2026", "Z.n.
    # Sectio am 01.11.2026"): a history word before it says only that it happened, not that it
    # is long past
    dated_event: bool = False
    # a test result (a lab number, a pregnancy test): a date before or after it dates it as an
    # earlier sample's ([history] result_before, result_after)
    result: bool = False
    ends: bool = False  # its end written before it is past history ([history] ended_before)
    repeated: bool = False  # a repeated act (a feed): "pain after breastfeeding" is no end
    headings: bool = False  # a past-history heading before it is ([history] heading_before)
    recent: tuple[tuple[str, str], ...] | None = None  # written as recent ("delivered last week")
    complement: bool = False  # the number is the rest of 100% ("20% precipitated": 80% recovery)
    # what the `unit` group names: a prolactin unit (converted), or an hCG unit (UNITS_HCG:
    # synonyms.toml [hcg] units, all the same number; none written is IU/L, as in the hcg column)
    units: str = ""
    infant: bool = False  # its words also say how a young child is fed, or its age ("breastfed")
    # a due date's facts when it places a current pregnancy at the sample's date (group `due`)
    dated: tuple[tuple[str, str], ...] | None = None
    # its facts when the time it writes since the last period (an LMP `date` at the sample's
    # date, or weeks / months / years) reaches thresholds.toml menopause_amenorrhoea_months
    lapsed: tuple[tuple[str, str], ...] | None = None
    # another word of the cell that makes its words mean something else ("IVF ... ET 10.12.2026":
    # an embryo transfer, not the German errechneter Termin): then it says nothing
    unless: re.Pattern[str] | None = None
    # words one of which the cell must hold for its words to mean the state (`needs`: an
    # abbreviation that is also something else, "HD", "RRT", "ERC", read only beside renal words)
    needs: re.Pattern[str] | None = None
    # a word anywhere before its words in the same clause that makes them mean something else
    # ("AVB à terme le 15/11/2026", "parto spontaneo a termine il": a delivery at term on a day,
    # not a due date, review 27): then that match says nothing
    unless_before: re.Pattern[str] | None = None
    # words of the cell that make a `lapsed` match say nothing (an operation that ends the
    # periods: "periods stopped 2 years ago after hysterectomy", review 29 mend A)
    lapsed_unless: re.Pattern[str] | None = None

    def reads(self, column: str) -> bool:
        if column in OPT_IN_COLUMNS:  # read only by the concepts that name it
            return column in self.only
        return (not self.only or column in self.only) and column not in self.skip

    def matches(self, text: str) -> list[re.Match[str]]:
        """Every match of every pattern, leftmost first and, at one place, longest first (the
        patterns are kept apart so that each may name its own groups)."""
        if self.probe.search(text) is None:
            return []
        found = [m for pattern in self.patterns for m in pattern.finditer(text)]
        return sorted(found, key=lambda m: (m.start(), m.start() - m.end()))


def _blank_word(found: re.Match[str]) -> str:
    """The match with its group `word` blanked (positions kept)."""
    start, end = found.start("word") - found.start(), found.end("word") - found.start()
    text = found.group(0)
    return text[:start] + " " * (end - start) + text[end:]


class StateVocabulary:
    """The compiled vocabulary of states.toml; `read(column, text)` is cached per distinct cell."""

    def __init__(self, spec: Mapping[str, Any], *, source: str = STATES_FILE) -> None:
        self.source = source
        spec = vocabulary(spec)  # German words also in their ASCII spelling ("Stoerung")
        settings = require_table(spec, "settings", source)
        self.window = int(settings.get("window_words", 0))
        self.after_chars = int(settings.get("after_chars", 0))
        self.quote_max = int(settings.get("quote_max_chars", 0))
        self._abbreviations = tuple(str(a).lower() for a in settings.get("abbreviations", []))
        # a mark between a state and what qualifies it that ends no clause ("pregnant, 10 weeks")
        joined = [str(p) for p in settings.get("joined", [])]
        self._joined = _compile(joined, source, "settings.joined") if joined else None
        answers = require_table(spec, "answers", source)
        self._answers = {
            kind: frozenset(normalise_word(str(w)) for w in answers.get(kind, []))
            for kind in ("yes", "no", "unknown", "not_applicable")
        }
        self._columns = {
            str(name): {str(k): str(v) for k, v in body.items()}
            for name, body in require_table(spec, "columns", source).items()
        }
        negation = require_table(spec, "negation", source)
        self._negation_words = frozenset(str(w).lower() for w in negation.get("words", []))
        self._negation_phrases = tuple(str(p).lower() for p in negation.get("phrases", []))
        # Negation or an ended state AFTER the match ("Schwangerschaft ausgeschlossen",
        # "allaitement arrêté", "dialysis stopped"); a negation in between is a doubt ("not
        # excluded", "kann nicht ausgeschlossen werden").
        words = int(negation.get("after_window_words", 0))
        gap = r"[^\w]*(?:[\w'’.-]+[^\w]+){0," + str(words) + "}?"
        self._negation_after = re.compile(
            "^(?P<gap>"
            + gap
            + ")(?:"
            + _compile(negation.get("after", []), source, "negation.after").pattern
            + r")(?!\w)",
            re.IGNORECASE,
        )
        self._negation_adjacent = re.compile(
            r"^(?P<gap>[^\w]*(?:"
            + _compile(negation.get("copulas", []), source, "negation.copulas").pattern
            + r")?[^\w]*)(?:"
            + _compile(
                negation.get("after_adjacent", []), source, "negation.after_adjacent"
            ).pattern
            + r")(?!\w)",
            re.IGNORECASE,
        )
        # a bare answer that is the whole rest of the clause ("dialyse : non", "Dialyse: nein"),
        # after the person a label names ("Stillende Mutter: nein", "Pregnant woman - no")
        no_word = _compile(negation.get("answers", []), source, "negation.answers").pattern
        person = _compile(
            negation.get("answer_labels", []) or ["(?!)"], source, "negation.answer_labels"
        ).pattern
        self._negation_answer = re.compile(
            r"^[^\w]*(?:(?:"
            + person
            + r")(?!\w)[^\w]*)?(?:(?:"
            + _compile(negation.get("copulas", []), source, "negation.copulas").pattern
            + r")(?!\w))?[^\w]*(?:"
            + no_word
            + r")[^\w]*$",
            re.IGNORECASE,
        )
        # the clause after a spaced dash that is only that answer ("Lactating - no")
        self._answer_only = re.compile(r"^[^\w]*(?:" + no_word + r")[^\w]*$", re.IGNORECASE)
        self._negation_cancel = frozenset(str(w).lower() for w in negation.get("cancel", []))
        # a negation after the noun is its own within the window ("pregnancy biochemically
        # excluded"), unless another finding stands between: a word naming one ("Dialyse HBsAg
        # nicht nachweisbar", "cirrhosis HCC not seen"), or a colon or a bracket opening one
        # ("haemodialysis: HBsAg not detected", "cirrhosis (ascites not seen)"); after a colon
        # or a bracket the fillers, copulas, cancel and reach words and adverbs name none
        self._after_others = _compile(
            [str(p) for p in negation.get("after_others", [])], source, "negation.after_others"
        )
        self._after_adverbs = _compile(
            [str(p) for p in negation.get("after_adverbs", [])], source, "negation.after_adverbs"
        )
        fillers = frozenset(
            w
            for item in (*negation.get("copulas", []), *negation.get("after_fillers", []))
            for w in _WORD.findall(str(item).lower())
        )
        self._after_fillers = frozenset(
            normalise_word(w) for w in fillers | self._negation_cancel | reach_words()
        )
        # a negation word in another sense, its group `word` ("seit Mai", "depuis mai", "le 3
        # mai": the German and French month, not the Italian "never")
        other = [str(p) for p in negation.get("other_sense", [])]
        self._other_sense = _compile(other, source, "negation.other_sense") if other else None
        # where a negation of another word stops reaching the noun ("keine Restdiurese unter
        # Hämodialyse", "eGFR nicht berechenbar (Dialyse)"); what may stand between a negation
        # and a barrier it still reaches over ("not yet on dialysis", "no longer on dialysis")
        self._barriers = _compile(negation.get("barriers", []), source, "negation.barriers")
        self._barrier_fillers = (
            self._negation_words
            | frozenset(w for p in self._negation_phrases for w in _WORD.findall(p))
            | frozenset(str(w).lower() for w in negation.get("barrier_fillers", []))
            | reach_words()  # "no está en diálisis", "non è in terapia con": synonyms.toml
        )
        # the negation words and phrases as word sequences, for a negation that reaches the
        # noun over [negation_reach] words past the window ("no está actualmente en diálisis")
        self._negation_sequences = tuple(
            {(w,) for w in self._negation_words}
            | {tuple(_WORD.findall(p)) for p in self._negation_phrases if _WORD.search(p)}
        )
        doubt = require_table(spec, "doubt", source)
        self._doubt_before = _compile(doubt.get("before", []), source, "doubt.before")
        self._doubt_after = _compile(doubt.get("after", []), source, "doubt.after")
        history = spec.get("history", {})
        self._past_before = _compile(history.get("before", []), source, "history.before")
        self._past_clause = _compile(
            history.get("before_clause", []), source, "history.before_clause"
        )
        self._past_clause_after = _compile(
            history.get("after_clause", []), source, "history.after_clause"
        )
        past_gap = r"[^\w]*(?:[\w'’./-]+[^\w]+){0," + str(int(history.get("after_window_words", 0)))

        def after(patterns: Sequence[str], name: str) -> tuple[re.Pattern[str], ...]:
            # one regex per pattern: each may name its own `year` group
            return tuple(
                _compile([f"^(?P<gap>{past_gap}}}?)(?:{p})"], source, name) for p in patterns
            )

        self._past_after = after(
            [*history.get("after", []), history.get("adjacent_year", "(?!)")], "history.after"
        )
        self._past_after_months = after(history.get("after_months", []), "history.after_months")
        self._dash_continues = _compile(
            history.get("dash_continues", []) or ["(?!)"], source, "history.dash_continues"
        )
        self._result_after = after(history.get("result_after", []), "history.result_after")
        self._result_before = _compile(
            history.get("result_before", []) or ["(?!)"], source, "history.result_before"
        )
        self._result_ago = after(history.get("result_ago", []), "history.result_ago")
        self._current = _compile(history.get("current", []), source, "history.current")
        self._current_value = _compile(
            history.get("current_value", []), source, "history.current_value"
        )
        self._past_words = int(history.get("after_window_words", 0))
        # the end of a state, or the time after it, right before it ("nach der Stillzeit")
        ended_words = int(history.get("ended_window_words", 0))
        self._ended_tail = re.compile(rf"(?:\S+\s*){{0,{ended_words}}}$")
        self._ended_before = _compile(
            history.get("ended_before", []), source, "history.ended_before"
        )
        self._ended_placed = _compile(
            history.get("ended_placed", []), source, "history.ended_placed"
        )
        self._heading_before = _compile(
            history.get("heading_before", []), source, "history.heading_before"
        )
        self._recent_before = _compile(
            history.get("recent_before", []), source, "history.recent_before"
        )
        self._recent_after = _compile(
            history.get("recent_after", []), source, "history.recent_after"
        )
        # another person as the subject, or a plan ([person]): an `own` concept says nothing
        person = spec.get("person", {})
        self._other_before = _compile(person.get("others", []), source, "person.others")
        self._other_after = _compile(person.get("after", []), source, "person.after")
        # a child's word for a parent ("Mama schwanger"): another person on a child's row only
        self._child_others = _compile(
            person.get("child_others", []) or ["(?!)"], source, "person.child_others"
        )
        self._child = False  # the row read is a child's (`read`'s child) while a cell is read
        self._planned_before = _compile(
            person.get("planned_before", []), source, "person.planned_before"
        )
        plan_gap = r"^[^\w]*(?:[\w'’./-]+[^\w]+){0," + str(int(person.get("after_window_words", 0)))
        self._planned_after = re.compile(
            plan_gap
            + "}?(?:"
            + _compile(person.get("planned_after", []), source, "person.planned_after").pattern
            + r")(?!\w)",
            re.IGNORECASE,
        )
        # a relative's state ([relative], read as the cues read it: engine/relatives.py)
        self._relatives = Relatives(spec.get("relative", {}), source=source)
        # prevented, failed, forbidden, outside it, feared or wished ([not_current]): an `own`
        # concept's doubted facts, never its current state
        not_current = spec.get("not_current", {})
        articles = _compile(not_current.get("articles", []), source, "not_current.articles")
        self._not_current_tail = re.compile(
            rf"(?:\S+\s*){{0,{int(not_current.get('before_window_words', 0))}}}$"
        )
        self._not_current_before = re.compile(
            "(?:"
            + _compile(not_current.get("before", []), source, "not_current.before").pattern
            + r")(?:[\s\x27’]*(?:"
            + articles.pattern
            + r")(?:(?<=[\x27’])|(?=[\s\x27’]|$)))*[\s\x27’]*$",
            re.IGNORECASE,
        )
        # after the state only its own words (a week count, "28/40", twins, an article, a copula)
        # may stand before the qualifier, never a connective, a bracket, a slash or another noun
        # ("pregnant so MRI contraindicated" forbids the MRI); a colon only right before it (a
        # form's answer, "Stillen: Abstillen"); and a qualifier followed by a word that is not a
        # function word qualifies that word ("pregnant 28 weeks failed glucose test")
        own = _compile(
            [*not_current.get("own_words", []), articles.pattern], source, "not_current.own_words"
        )
        followers = _compile(
            [
                *not_current.get("gap_stops", []),
                *not_current.get("followers", []),
                articles.pattern,
            ],
            source,
            "not_current.followers",
        )
        self._not_current_after = re.compile(
            r"^(?:[^\S\n]*:[^\S\n]*|[^\S\n]*(?:(?:"
            + own.pattern
            + r")(?:(?<=[\x27’])|[^\S\n]+)){0,"
            + str(int(not_current.get("after_window_words", 0)))
            + "})(?:"
            + _compile(not_current.get("after", []), source, "not_current.after").pattern
            + r")(?!\w)(?=[^\S\n]*(?:$|[^\w\s]|(?:"
            + followers.pattern
            + r")(?!\w)))",
            re.IGNORECASE,
        )
        self._ordinals = {str(k).lower(): int(v) for k, v in spec.get("ordinals", {}).items()}
        concepts = spec.get("concept", [])
        if not isinstance(concepts, list) or not concepts:
            raise ConfigError(source, "no [[concept]] tables")
        # shared context word lists a concept's `needs` may name ([contexts])
        self._contexts = {str(k): [str(p) for p in v] for k, v in spec.get("contexts", {}).items()}
        self._concepts = tuple(self._concept(body) for body in concepts)
        self._tail = re.compile(rf"(?:\S+\s*){{0,{self.window}}}$")
        # a doubt may be longer than the negation window ("non si esclude una gravidanza", "no se
        # ha descartado embarazo"): its patterns end at the match, so a wider tail adds no other
        doubt_words = int(settings.get("doubt_window_words", self.window))
        self._doubt_tail = re.compile(rf"(?:\S+\s*){{0,{max(doubt_words, self.window)}}}$")
        self._cache: dict[tuple[str, str, int | date | None, int, bool], tuple[Fact, ...]] = {}
        # the year a past year written in a cell is compared with ("Stillzeit bis 2017"): the
        # sample's while a cell of a dated sample is read (`read`'s year), else this one
        self._year = date.today().year
        self._sample: date | None = None  # the sample's date while a dated cell is read
        # the run's thresholds while a cell is read (`read`'s thresholds; default: the shipped
        # thresholds.toml), and every set read with, kept so that its id in the cache stays its own
        self._limits: Thresholds = load_thresholds()
        self._held: dict[int, Thresholds] = {}

    # --- reading one cell -----------------------------------------------------------------
    def may_say(self, column: str, text: str) -> bool:
        """Whether a concept that reads `column` could match `text` (its quick probe)."""
        return any(c.reads(column) and c.probe.search(text) is not None for c in self._concepts)

    def may_lapse(self, text: str) -> bool:
        """Whether a concept with a `lapsed` reading (a last period long ago) could match
        `text` (its quick probe)."""
        return any(
            c.lapsed is not None and c.probe.search(text) is not None for c in self._concepts
        )

    def read(
        self,
        column: str,
        text: str,
        year: int | date | None = None,
        thresholds: Thresholds | None = None,
        *,
        child: bool = False,
    ) -> tuple[Fact, ...]:
        """Every fact the cell `text` of `column` states (cached per distinct cell).  ``year``:
        the sample's year, which a year written in the cell is compared with (default: this
        one), or the sample's date, which a delivery's date is also compared with.
        ``thresholds``: the run's (Knowledge.thresholds; default: the shipped file), which the
        pregnancy, term and amenorrhoea lengths are read from.  ``child``: the row is a child's
        (below the child-bearing age), whose parent words ("Mama schwanger") name another
        person ([person] child_others)."""
        # a year, or a month "until" which the state goes ("BF until Jan": _ended_in_month)
        dated = year if year is not None and writes_a_state_date(text) else None
        limits = thresholds if thresholds is not None else load_thresholds()
        self._held.setdefault(id(limits), limits)
        key = (column, text, dated, id(limits), child)
        found = self._cache.get(key)
        if found is None:
            shipped = self._limits
            self._sample = dated if isinstance(dated, date) else None
            self._year = dated.year if isinstance(dated, date) else dated or date.today().year
            self._limits = limits
            self._child = child
            try:
                found = self._read(column, without_general_statements(text))
            finally:
                self._year = date.today().year
                self._sample = None
                self._limits = shipped
                self._child = False
            self._cache[key] = found
        return found

    def _read(self, column: str, text: str) -> tuple[Fact, ...]:
        meaning = self._columns.get(column)
        if meaning is not None:
            coded = _CODED_CELL.fullmatch(text)
            if coded is not None:  # "2 = post", "[1] schwanger": the value label is the cell
                return self._read(column, coded.group(1))
        quote = self._quote(text)
        if meaning is not None:
            # "1 = ja" (a statistics package's value label): the label is the answer
            answer = (  # "Ø", "(-)": a sign for "absent", also in brackets
                "no" if absent_after(text) else self._answer(code_label(_PARENS.sub(" ", text)))
            )
            if answer is not None:
                said = self._answer_facts(meaning, answer, column, quote)
                if answer != "yes":
                    return said
                # a yes with its detail in brackets ("ja (AD 32+2)", "sì (32 sett.)", "yes
                # (T3)"): the detail is read too, as it would be alone in the column
                detail = [
                    f
                    for inner in _PARENS.findall(text)
                    if any(c.isdigit() for c in inner)
                    for f in self._read(column, inner.strip("() "))
                    if f.field != meaning["field"] or f.value == meaning.get("yes")
                ]
                return said + tuple(
                    Fact(f.field, f.value, column, quote, f.number, f.unit) for f in detail
                )
        facts: list[Fact] = []
        current: list[Fact] = []  # lab values marked as the one now
        past: list[Fact] = []  # facts of a state written as past history or as ended
        over: list[bool] = []  # a pregnancy over at the sample: a past due date or delivery
        work = self._protect(text)
        # concepts whose words another word of the cell makes mean something else (`unless`)
        # ... or whose context words it lacks (`needs`)
        vetoed = frozenset(
            c.name
            for c in self._concepts
            if (c.unless is not None and c.unless.search(text))
            or (c.needs is not None and not c.needs.search(text))
        )
        listed = negated_list_spans(work)  # "denies pregnancy, breastfeeding": both denied
        start = 0
        family = False  # under a family-history heading ("FH: diabetes, dialysis")
        for sep in [*(s for s in _CLAUSES.finditer(work) if not self._goes_on(work, s)), None]:
            end = sep.start() if sep is not None else len(work)
            clause = work[start:end]
            dash = (
                _LINE_END_DASH.search(clause) if sep is not None and sep.group() == "\n" else None
            )
            if dash is not None and not absent_after(work, start + dash.start()):
                # "Stillzeit -\nseit Geburt", "Schwangerschaft -\n12. SSW": the item goes on on
                # the next line, its dash is no sign for "absent" (absence_marks), nor an answer
                clause = clause[: dash.start()] + " " * len(dash.group())
            # the patient named again, or a label of her own, ends a relative's list
            family = family and not self._relatives.closes_list(clause)
            if clause.strip():
                denied = tuple((a - start, b - start) for a, b in listed if a < end and b > start)
                facts.extend(
                    self._clause(
                        column,
                        text[start:end],
                        clause,
                        current,
                        past,
                        denied,
                        vetoed,
                        family=family,
                        over=over,
                    )
                )
            if self._relatives.opens_list(clause):
                family = True
            # a list under the heading goes on after a comma only
            family = family and sep is not None and sep.group().startswith(",")
            start = sep.end() if sep is not None else len(work)
        if past:  # "s/p breastfeeding counselling, currently breastfeeding": the state now wins
            now = {f.field for f in facts if not any(f is p for p in past)}
            facts = [f for f in facts if f.field not in now or not any(f is p for p in past)]
        if over and not any(f.field == "explicit" for f in facts):
            # "Pregnancy (EDD 01/03/2025)", "Pregnant, delivered 03/04/2024": the pregnancy word
            # is the entry of the pregnancy that due date or delivery ended (a gestation or a
            # positive test written beside it is a pregnancy now)
            facts = [f for f in facts if f.field != "pregnancy" or f.value != "yes"]
        if current:  # "TSH 14; aktuell TSH 1,2": the value now wins over the older one
            now = {fact.field for fact in current}
            facts = [f for f in facts if f.field not in now or any(f is c for c in current)]
        field = meaning["field"] if meaning is not None else ""
        # a weak word (IVF: "Sí, FIV", "oui, ICSI") says the state only when nothing else does:
        # the leading answer says more
        if meaning is not None and not any(
            f.field == field and f.value != WEAK_UNKNOWN for f in facts
        ):
            lead = _FIRST.match(text.lower())
            word = lead.group(1).rstrip(".!") if lead else ""
            answer = self._answer(word) if len(word) > 1 or word in ("y", "n") else None
            if answer is not None:
                facts = [f for f in facts if f.field != field or f.value != WEAK_UNKNOWN]
                facts.extend(self._answer_facts(meaning, answer, column, quote))
        return tuple(facts)

    def _goes_on(self, work: str, sep: re.Match[str]) -> bool:
        """A spaced dash that goes on with the entry's own date or end ("Pregnancy - EDD
        01/03/2025", "Breast fed baby - stopped 2024": [history] dash_continues, [negation]
        after), or a comma before an end word that only its time follows ("was BF, stopped
        3/12 ago", "borstvoeding, gestopt in juli", "allaitement, arrêté il y a 3 mois":
        values.dates_its_stop; not "BF, stopped sertraline"): no new clause there."""
        mark = sep.group().strip()
        if mark not in ("-", "–", ","):
            return False
        rest = work[sep.end() :]
        if mark != "," and self._dash_continues.match(rest):
            return True
        if mark != "," and self._is_answer(rest):
            return True  # a form's answer: "Lactating - no", "Pregnant - unknown"
        after = self._negation_adjacent.match(rest) or self._negation_after.match(rest)
        if after is None or after.group("gap").strip(" "):
            return False
        if mark != ",":
            return True
        following = _CLAUSES.search(rest, after.end())
        return dates_its_stop(rest[after.end() : following.start() if following else None])

    def _is_answer(self, rest: str) -> bool:
        """Whether the clause that `rest` opens is only a no or a not-known answer ([negation]
        answers, [answers] unknown: "no", "nein", "nee", "unknown", "?")."""
        following = _CLAUSES.search(rest)
        clause = rest[: following.start() if following is not None else None]
        return self._answer_only.match(clause) is not None or self._answer(clause) == "unknown"

    @staticmethod
    def _answer_facts(
        meaning: Mapping[str, str], answer: str, column: str, quote: str
    ) -> tuple[Fact, ...]:
        """What a bare answer means in its column (a positive hCG is explicit evidence)."""
        value = meaning.get(answer, "")
        if not value:
            return ()
        fact = Fact(meaning["field"], value, column, quote)
        if value == "yes" and meaning.get("explicit"):
            return (fact, Fact("explicit", "yes", column, quote))
        return (fact,)

    def flag(self, column: str, value: bool) -> tuple[Fact, ...]:
        """What a bare yes/no flag (no text kept) of a state column means."""
        meaning = self._columns.get(column, {})
        answer = meaning.get("yes" if value else "no", "")
        if not answer:
            return ()
        return (Fact(meaning["field"], answer, FLAG_OF[column], "yes" if value else "no"),)

    def answer_of(self, column: str, text: str) -> str | None:
        """What a cell of the state column ``column`` (pregnant_text ...) says of the column's
        own state, read as the engine reads that column: "yes" / "no" when it states the state
        or its absence ("Postmenopausal", "nicht schwanger"), "" when it says something else of
        it or answers that it is not known ("Perimenopausal", "Unknown", "n/a"), None when it
        says nothing of it (an unreadable cell: "xyz")."""
        meaning = self._columns.get(column)
        if meaning is None:
            return None
        values = {f.value for f in self.read(column, text) if f.field == meaning["field"]}
        if not values:
            said = self._answer(code_label(_PARENS.sub(" ", text)).strip())
            return None if said is None else ""
        if values == {meaning["yes"]}:
            return "yes"
        return "no" if values == {meaning["no"]} else ""

    def says_no(self, text: str) -> bool:
        """The whole text is a no answer ([answers] no: "none", "keine", "aucun", "ninguno",
        "nessuno", "geen"): a medication cell saying no drug is taken."""
        return self._answer(text) == "no"

    def _answer(self, text: str) -> str | None:
        # accents too: Italian "sì", "Sí", "NON" are answers; "1.0" is the code 1
        word = normalise_word(code_text(text))
        if not word:
            return None
        for kind, answer in (
            ("unknown", "unknown"),
            ("not_applicable", "na"),
            ("yes", "yes"),
            ("no", "no"),
        ):
            if word in self._answers[kind]:
                return answer
        return "no" if absent_after(text) else None  # "Ø", "∅", "(-)": a sign for "absent"

    def _protect(self, text: str) -> str:
        """`text` with the full stops of abbreviations, and the marks between a state and its
        qualifier ([settings] joined: "pregnant, 10 weeks"), blanked, and a gestation in weeks
        and days written as the obstetric "weeks+days" ("14 SA + 3 j": "14+3 SA", "SSW 32+4",
        "34 2/7 weeks": values.obstetric_weeks_days, as a gestation column reads them), and a
        word for one before a time unit as the digit ("hace un mes": values.one_as_digit) (same
        length, same offsets)."""
        text = one_as_digit(obstetric_weeks_days(text, note=True))
        if self._joined is not None:
            text = self._joined.sub(lambda m: " " * len(m.group()), text)
        lowered = text.lower()
        if not any(a in lowered for a in self._abbreviations):
            return text
        chars = list(text)
        for abbreviation in self._abbreviations:
            at = lowered.find(abbreviation)
            while at >= 0:
                for i in range(at, at + len(abbreviation)):
                    if chars[i] == ".":
                        chars[i] = " "
                at = lowered.find(abbreviation, at + len(abbreviation))
        return "".join(chars)

    def _clause(
        self,
        column: str,
        original: str,
        clause: str,
        current: list[Fact],
        past: list[Fact],
        listed: Sequence[tuple[int, int]] = (),
        vetoed: frozenset[str] = frozenset(),
        *,
        family: bool = False,
        over: list[bool] | None = None,
    ) -> list[Fact]:
        """The facts of one clause; a lab value marked as the one now ("aktuell TSH 1,2", "TSH
        actuelle 1,2") is also put in `current`, the facts of a state written as past or ended
        ("h/o breastfeeding", "nach der Stillzeit") in `past`.  `listed`: the parts of the clause
        (its own positions) a negation before a list covers ("denies pregnancy, breastfeeding");
        `family`: the clause is an item of a list under a family-history heading ("FH: DM,
        dialysis"), a relative's ([relative]); `over` gets an entry for a due date or a
        delivery that dates a pregnancy over before the sample (_pregnancy_over)."""
        facts: list[Fact] = []
        taken: list[tuple[int, int]] = []
        read: list[tuple[int, int, frozenset[tuple[str, str]]]] = []  # spans and what they set
        blanked = clause
        quote = self._quote(original)
        for concept in self._concepts:
            if not concept.reads(column) or concept.name in vetoed:
                continue
            for match in concept.matches(clause):
                start, end = match.span()
                if any(start < b and a < end for a, b in taken):
                    continue
                if concept.unless_before is not None and concept.unless_before.search(
                    clause[:start]
                ):
                    continue  # "AVB à terme le 15/11/2026": a delivery on a day, no due date
                before = blanked[:start]
                taken.append((start, end))
                rest = blanked[end:]
                if self._is_relative(concept, clause, start, end, family=family):
                    continue  # "mother on dialysis", "FH: cirrhosis": a relative's, not hers
                if concept.negated:  # a span after it read as its negation ("Stillzeit
                    # (abgestillt)"): its words are there for the negation after it
                    denied = frozenset(concept.negated)
                    for a, b, said in read:
                        if a >= end and said <= denied:
                            rest = rest[: a - end] + clause[a:b] + rest[b - end :]
                meant = concept
                lapsed = self._lapsed(match) if concept.lapsed is not None else None
                if lapsed is not None and concept.lapsed is not None:
                    # a last period a year or more before the sample ("LMP 15.03.2015",
                    # "amenorrhoea for 2 years"): no longer its plain facts (premenopausal);
                    # beside an operation that ended the periods, nothing (`lapsed_unless`)
                    unless = concept.lapsed_unless
                    ended = unless is not None and unless.search(original) is not None
                    meant = replace(concept, sets=() if ended else concept.lapsed)
                sets = self._effect(
                    meant,
                    before,
                    rest,
                    clause[:start],
                    listed=inside(listed, start),
                    written_rest=clause[end:],
                    matched=clause[start:end],
                )
                due = match.groupdict().get("due")
                if over is not None and sets and self._pregnancy_over(match):
                    over.append(True)
                if sets and due is not None and self._sample is not None:
                    # a due date at a dated sample: a pregnancy only where the date places one
                    sets = (concept.dated or sets) if self._due_weeks(due) else ()
                if sets:
                    read.append((start, end, frozenset(sets)))
                stated = [Fact(k, v, column, quote, infant=concept.infant) for k, v in sets]
                if (
                    lapsed is not None
                    and concept.lapsed is not None
                    and not match.groupdict().get("date")
                ):
                    # the weeks since the periods stopped: the age at the stop decides the
                    # menopause (engine/state.py _menopause; review 29, reviewer B finding 4);
                    # a last period's date keeps review 24's reading
                    stated = [
                        replace(f, number=lapsed) if (f.field, f.value) in concept.lapsed else f
                        for f in stated
                    ]
                facts.extend(stated)
                if concept.past is not None and sets is concept.past and sets != concept.sets:
                    past.extend(stated)
                if sets or (
                    concept.number.startswith(LAB) and not self._past_lab(concept, before, rest)
                ):
                    numbers = self._numbers(concept, match, column, quote, clause)
                    if concept.infant:
                        numbers = [replace(f, infant=True) for f in numbers]
                    facts.extend(numbers)
                    if concept.number.startswith(LAB) and self._is_current_value(before, match):
                        current.extend(f for f in numbers if f.field == concept.number)
            for a, b in taken:
                blanked = blanked[:a] + " " * (b - a) + blanked[b:]
        return facts

    def _effect(
        self,
        concept: _Concept,
        before: str,
        rest: str,
        written: str = "",
        *,
        listed: bool = False,
        written_rest: str = "",
        matched: str = "",
    ) -> tuple[tuple[str, str], ...]:
        """What a match means: its past, doubted, negated, recent or plain facts.  `before` is
        its clause up to the match (spans other concepts read blanked), `rest` the clause after
        it, `written` the clause up to the match as written; `listed`: an item of a negated list
        ("denies pregnancy, breastfeeding"), denied as after a negation word; `written_rest` the
        clause after it as written (other concepts' words kept: [history] after_clause)."""
        tail_match = self._tail.search(before)
        tail = tail_match.group(0) if tail_match else ""
        if concept.own and self._not_own(tail, rest):
            return ()  # "partner pregnant", "pregnant colleague", "plans to breastfeed"
        if concept.past is not None and self._has_ended(concept, written):
            return concept.past  # "nach der Schwangerschaft", "fin de l'allaitement", "PMH:"
        if concept.past is not None and self._is_past(
            tail,
            rest,
            event=concept.event,
            result=concept.result,
            onset=concept.onset_years,
            dated_onset=concept.dated_onset,
            dated_event=concept.dated_event,
            word=matched,
        ):
            return concept.past
        if concept.past is not None and (
            self._past_clause.search(written) or self._past_clause_after.match(written_rest)
        ):
            return concept.past  # "NTX after 6 years of HD", "HD until the kidney transplant"
        if self._negation_answer.match(rest) or absent_after(rest):
            # "dialyse : non", "dialysis? no": a form's answer; "Dialyse: Ø", "Gravidität -": a
            # sign for "absent"
            return concept.negated or ()
        doubt_tail = self._doubt_tail.search(before)
        doubt = doubt_tail.group(0) if doubt_tail is not None else ""
        if concept.result and _ASKED_BEFORE.search(written):
            # the question mark of the word before, "zwanger? test negatief", "?pregnant - UPT
            # neg": that word's query, which the test answers, not a doubt of the test
            doubt = doubt.rstrip()[:-1]
        if self._doubt_before.search(doubt) or self._doubt_after.search(rest[: self.after_chars]):
            return concept.doubted or ()
        if self._other_sense is not None:  # "seit Mai Dialyse": the month, not "never"
            before = self._other_sense.sub(_blank_word, before)
            tail = before[len(before) - len(tail) :] if tail else ""
        if not concept.own:
            scope = self._negated_scope(before)
            # a negation another word took reaches no list after it either ("sin diuresis
            # residual en hemodiálisis": "en" is no "and" there)
            listed = listed and scope == before
            before = scope
            tail = tail[-len(before) :] if before else ""
        lowered = before.lower()
        words = _WORD.findall(tail.lower())
        if (
            listed
            or any(w in self._negation_words for w in words)
            or any(p in lowered for p in self._negation_phrases)
            or self._reaches(before)
        ):
            return concept.negated or ()
        after = self._negation_adjacent.match(rest) or self._negation_after.match(rest)
        if after is not None:
            between = _WORD.findall(after.group("gap").lower())
            if self._other_finding_between((written_rest or rest)[: after.end("gap")]):
                after = None  # "Dialyse HBsAg nicht nachweisbar": the negation is HBsAg's
        if after is not None:
            if any(w in self._negation_cancel for w in between):
                return concept.doubted or ()  # "not excluded": a doubt, never a "no"
            return concept.negated or ()
        if concept.own and self._not_current(written, rest):
            return concept.doubted or ()  # "lactation suppressed", "unable to breastfeed"
        if concept.recent is not None and self._is_recent(tail, rest):
            return concept.recent  # "delivered last week", "kürzlich entbunden"
        return concept.sets

    def _other_finding_between(self, gap: str) -> bool:
        """Whether `gap`, the words as written between a noun and its `after` negation, names
        another finding the negation is that finding's ([negation] after_others: "HBsAg", "HCC",
        "Shunt-OP"; or a colon or a bracket opening one: "haemodialysis: HBsAg not detected",
        "cirrhosis (ascites not seen)").  Anything else, an unlisted adverb too ("pregnancy
        biochemically excluded"), leaves the negation the noun's: the safe default."""
        lowered = gap.lower()
        for token in _TOKEN.findall(lowered):
            if any(self._after_others.fullmatch(t) for t in (token, *token.split("-"))):
                return True
        opening = _OPENING.search(lowered)
        if opening is None:
            return False
        return any(
            normalise_word(w) not in self._after_fillers and not self._after_adverbs.fullmatch(w)
            for w in _WORD.findall(lowered[opening.end() :])
        )

    def _reaches(self, before: str) -> bool:
        """A negation word or phrase that ends at or inside the run of [negation_reach] words
        ending `before` (synonyms.toml: "no está actualmente en tratamiento con", "non è mai
        stata in"): it reaches the noun after them, however many they are."""
        words = _WORD.findall(before.lower())
        at = reach_start(words)
        if at == len(words):
            return False  # no word between: the window reads it
        return any(
            0 < len(sequence) <= end and tuple(words[end - len(sequence) : end]) == sequence
            for end in range(max(at, 1), len(words) + 1)
            for sequence in self._negation_sequences
        )

    def _negated_scope(self, before: str) -> str:
        """The part of `before` a negation in it may still reach the noun from: after the last
        barrier ([negation] barriers: a bracket, a setting's preposition) with another word
        between it and the negation before it ("keine Restdiurese unter Hämodialyse", "eGFR nicht
        berechenbar (Dialyse)": the negation is that word's); all of it when only negation
        words or fillers stand between ("not yet on dialysis", "nicht mehr unter Dialyse")."""
        barrier = next(reversed(list(self._barriers.finditer(before))), None)
        if barrier is None:
            return before
        at = barrier.start("at") if barrier.groupdict().get("at") is not None else barrier.start()
        head = _WORD.findall(before[:at].lower())
        for word in reversed(head):
            if word in self._negation_words:
                return before  # "not on", "keine (", "no longer on": the negation reaches
            if word not in self._barrier_fillers:
                return before[barrier.end() :]
        return before

    def _not_current(self, written: str, rest: str) -> bool:
        """The state is prevented or suppressed, failed or impossible, forbidden, outside it, or
        only feared or wished ([not_current]: "lactation suppressed with cabergoline", "failed
        lactation", "unable to breastfeed", "breastfeeding contraindicated", "Stillen nicht
        möglich", "außerhalb der Stillzeit", "concern about pregnancy"): not the current one."""
        found = self._not_current_tail.search(written)
        tail = found.group(0) if found is not None else ""
        return bool(self._not_current_before.search(tail) or self._not_current_after.match(rest))

    def _has_ended(self, concept: _Concept, written: str) -> bool:
        """For a concept with `ends`, its end or the time after it written right before it
        ("nach der Schwangerschaft", "Ende der Stillzeit", "post-allaitement": [history]
        ended_before); with `ends` or `headings`, a past-history heading ("PMH: LSCS": [history]
        heading_before).  In the last ended_window_words words of the clause before the match."""
        if not (concept.ends or concept.headings):
            return False
        found = self._ended_tail.search(written)
        tail = found.group(0) if found is not None else ""
        # a repeated act (a feed) that another event is placed after ("pain after
        # breastfeeding", "gemessen nach dem Stillen", "MRT nach Ende der Stillzeit") goes on
        placed = concept.repeated and self._ended_placed.search(tail) is not None
        if concept.ends and not placed and self._ended_before.search(tail) is not None:
            return True
        return self._heading_before.search(tail) is not None

    def _is_recent(self, tail: str, rest: str) -> bool:
        """Written as recent: a recent word before the match ("recently delivered") or right
        after it ("delivered last week", "Sectio vor 5 Tagen"): [history] recent_*."""
        return bool(
            self._recent_before.search(tail)
            or self._recent_after.search(rest[: 2 * self.after_chars])
        )

    def _past_lab(self, concept: _Concept, before: str, rest: str) -> bool:
        """A lab number written as an earlier one ("previous TSH 12", "TSH 15 (2023)", "eGFR 12
        before transplant"): not the patient's value now, for a concept with a `past` table."""
        if concept.past is None:
            return False
        tail_match = self._tail.search(before)
        return self._is_past(tail_match.group(0) if tail_match else "", rest, result=True)

    def _is_current_value(self, before: str, match: re.Match[str]) -> bool:
        """A lab value marked as the one now, in the words before it or in its own ("aktuell TSH
        1,2", "TSH actuelle 1,2", "TSH 12 jetzt 1,1"): [history] current_value."""
        tail_match = self._tail.search(before)
        tail = tail_match.group(0) if tail_match else ""
        return bool(self._current_value.search(tail) or self._current_value.search(match.group(0)))

    def _is_relative(
        self, concept: _Concept, clause: str, start: int, end: int, *, family: bool
    ) -> bool:
        """The match is a relative's state ([relative]: engine/relatives.py), read for an `own`
        concept only under a heading or with a relative right after it ("FH: none, pregnant" is
        pregnant, "madre lactante" the patient)."""
        return self._relatives.in_clause(clause, start, end, family=family, own=concept.own)

    def _not_own(self, tail: str, rest: str) -> bool:
        """Another person is the subject of the match ("Schwester schwanger", "pregnant
        colleague", "mother is breastfeeding twins"), or it is only planned ("plans to
        breastfeed", "IVF planned 2027"): not the patient's current state."""
        return bool(
            self._other_before.search(tail)
            or (self._child and self._child_others.search(tail) is not None)
            or self._other_after.match(rest)
            or self._planned_before.search(tail)
            or self._planned_after.match(rest)
        )

    def _is_past(
        self,
        tail: str,
        rest: str,
        *,
        event: bool = False,
        result: bool = False,
        onset: bool = False,
        dated_onset: bool = False,
        dated_event: bool = False,
        word: str = "",
    ) -> bool:
        """Written as past history: a history word before the match ("antécédent de", "h/o",
        "Z.n.", "pregressa") or a past year / date / "years ago" after it ("bis 2020", "(2019)",
        "en 2023", "fino al 2021"), and no "current" or "since" word in between; or ended a
        while ago, however recently ("bis vor 2 Wochen", "until last month": values.ended_ago).
        For a test `result`, also a date before it or after it in the forms a result is dated
        ("2019: TSH 12", "TSH 8,2 am 12.03.2019", "Kreatinin 350 im Jahr 2019": [history]
        result_before, result_after), in a year before the sample's, or days, weeks or months
        before it ("TSH 11.2 three weeks ago": [history] result_ago)."""
        if result:
            dated = self._result_before.search(tail)
            if dated is not None and int(dated.group("year")) < self._year:
                return True
            for pattern in self._result_after:
                found = pattern.match(rest)
                if (
                    found is not None
                    and not self._current.search(found.group("gap"))
                    and int(found.group("year")) < self._year
                ):
                    return True
            # days, weeks or months before the sample ("TSH 11.2 three weeks ago"): an earlier
            # sample's value, however recent ([history] result_ago)
            for pattern in self._result_ago:
                found = pattern.match(rest)
                if found is not None and not self._current.search(found.group("gap")):
                    return True
        ended = ended_ago(rest[: 2 * self.after_chars])
        if ended is not None and len(ended.string[: ended.start()].split()) <= self._past_words:
            return True
        if self._ended_in_month(rest[: 2 * self.after_chars], word):
            return True
        if self._current.search(rest[: 2 * self.after_chars]):
            return False
        if self._past_before.search(tail) and not dated_event:
            return True
        if onset:  # "CKD 4 (2019)": the year it was found, not the year it ended
            return False
        months = () if event else self._past_after_months  # an event months ago is recent
        for pattern in (*self._past_after, *months):
            found = pattern.match(rest)
            if found is None or self._current.search(found.group("gap")):
                continue
            year = found.groupdict().get("year")
            on = found.groupdict().get("on")
            if dated_onset and (on or found.groupdict().get("month")):
                continue  # "Breastfeeding 01/01/2026": the day it began (_Concept.dated_onset)
            sample = self._sample
            written = _date(_unblanked(on)) if on and sample is not None else None
            if sample is not None and written is not None:
                # the entry's own day: past when no pregnancy dated so could last to the sample
                longest = self._limits.get("pregnancy_post_term_weeks")
                if (sample - written).days / DAYS_PER_WEEK > longest:
                    return True
                continue
            if year is None or int(year) < self._year:
                return True
        return False

    def _ended_in_month(self, rest: str, word: str = "") -> bool:
        """Ended in a month written right after the match ("BF until March", "borstvoeding tot
        maart", "Stillen bis März", "allaitement jusqu'en mars", "lactancia hasta marzo",
        "allattamento fino a marzo": values.stopped_month, a month without its year the latest
        one not after the sample's); not a month of a later year or, at a dated sample, a later
        month of its year ("until March 2027": a plan)."""
        found = stopped_month_match(rest)
        if found is None or len(found.string[: found.start()].split()) > self._past_words:
            return False
        month, year = stopped_month(found.group(0)) or (0, None)
        sample = self._sample
        if year is None and sample is not None and opens_with_until(found.group(0)):
            # "breastfeeding until December", "BF until Jan" on a November sample: the coming
            # month, a plan (thresholds.toml until_month_ahead_months), unless a past-tense or
            # ended word stands in the clause ("breastfed until December"; review 27 mend)
            ahead = (month - sample.month) % MONTHS_PER_YEAR
            if ahead <= self._limits.get("until_month_ahead_months") and not says_past(
                f"{word} {rest}"
            ):
                return False
        if year is None:
            return True
        sample = self._sample
        if sample is not None and year == sample.year:
            return month <= sample.month
        return year <= self._year

    def _numbers(
        self, concept: _Concept, match: re.Match[str], column: str, quote: str, clause: str
    ) -> list[Fact]:
        groups = {k: v for k, v in match.groupdict().items() if v}
        out: list[Fact] = []
        weeks = _weeks(groups)
        if weeks is not None and concept.number:
            out.append(Fact(concept.number, "", column, quote, weeks))
        written = groups.get("date") or groups.get("conceived")
        if written is not None:
            parsed = _date(_unblanked(_SPANISH_DE.sub(" ", written).strip()))
            if parsed is not None and "conceived" in groups:
                # a conception or an embryo transfer ("DDG 15/04/2026", "FET 15/04/2026 (D5)"):
                # the last period it stands for, conception_gestation_days and the embryo's age
                # before it (thresholds.toml; ACOG Committee Opinion 700)
                days = self._limits.get("conception_gestation_days")
                parsed -= timedelta(days=days + float(groups.get("embryo", 0)))
            if parsed is not None:
                out.append(Fact("lmp_date", parsed.isoformat(), column, quote))
        if "delivered" in groups and self._sample is not None:
            # a delivery's date ("Sectio am 01.12.2026"): the time since it at the sample's date
            # (a date after the sample, or none: it stays a delivery without a date)
            born = _delivered(groups["delivered"], self._sample)
            days = (self._sample - born).days if born is not None else -1
            if days >= 0 and concept.recent is not None:
                out.extend(Fact(k, v, column, quote) for k, v in concept.recent)
                out.append(Fact(concept.number, "", column, quote, days / DAYS_PER_WEEK))
        if "due" in groups and self._sample is not None and concept.number:
            # the gestation at the sample's date; none where the two readings of an ambiguous
            # day and month both place a pregnancy (its trimester is then not known)
            readings = self._due_weeks(groups["due"])
            if len(readings) == 1:
                out.append(Fact(concept.number, "", column, quote, readings[0]))
        ordinal = groups.get("ordinal") or groups.get("trimester")
        ordinal = "".join(ordinal.lower().split()) if ordinal is not None else None
        if ordinal is not None and ordinal in self._ordinals:
            number = float(self._ordinals[ordinal])
            out.append(Fact("trimester", "", column, quote, number))
        if "stage" in groups:
            out.append(Fact("ckd_stage", "", column, quote, _stage(groups["stage"])))
        elif concept.ckd_stage is not None:
            out.append(Fact("ckd_stage", "", column, quote, float(concept.ckd_stage)))
        # a lab number written in a note ("eGFR 14", "TSH 25", "eGFR >60"), with its < or >
        if ("value" in groups or "fraction" in groups) and concept.number.startswith(LAB):
            # a share written as a fraction of 1 ("Makroprolaktin-Anteil 0,70": 70 %), as the
            # columns and the long lines read it (values.fraction_of_one)
            value = (
                _lab_number(groups["value"])
                if "value" in groups
                else _lab_number(groups["fraction"]) * PERCENT_FULL
            )
            qualifier = groups.get("qualifier", "")
            if concept.complement:  # "<20% precipitated": more than 80% recovered
                value, qualifier = complement_percent(value, qualifier)
            if concept.units == UNITS_HCG:
                # an hCG in a unit of the hcg column's, or without one (IU/L, as there); in
                # another unit ("free β-hCG 1.2 MoM", "5 ng/mL") it is not read
                factor = hcg_unit_factor(groups["unit"]) if "unit" in groups else 1.0
                if factor is not None:
                    out.append(Fact(concept.number, qualifier, column, quote, value * factor))
                return out
            # a concentration is read only in a prolactin unit it names ("12 ng/mL", "250 mIU/l")
            info = normalise_unit(groups["unit"]) if "unit" in groups else None
            if info is not None and info.factor != 1 and "value" in groups:
                # a unit written with decimals (IU/L): "2,400 IU/L" is 2.4, not 2400 (as a
                # result cell in IU/L is read: values.parse_number)
                value = _lab_number(groups["value"], grouped=False)
            if info is not None:
                out.append(
                    Fact(concept.number, qualifier, column, quote, value * info.factor, info.unit)
                )
            elif "unit" not in groups:
                out.append(Fact(concept.number, qualifier, column, quote, value))
        if "letter" in groups:
            out.append(Fact("child_pugh", groups["letter"].upper(), column, quote))
        elif "points" in groups:  # "Child-Pugh 11": the class of the score
            letter = _child_pugh_class(float(groups["points"]), self._limits)
            if letter:
                out.append(Fact("child_pugh", letter, column, quote))
        if concept.sets and dict(concept.sets).get("transplant") == "yes":
            year = _YEAR.search(clause)
            if year is not None:
                out.append(Fact("transplant_year", "", column, quote, float(year.group(0))))
            # how long ago ("vor 2 Wochen", "il y a 2 semaines", "10/2026"): a graft weeks old
            # may not have brought prolactin down yet (clinical-reference §4)
            graft_days = event_days_ago(clause, self._sample)
            if graft_days is not None:
                out.append(Fact("transplant_days", "", column, quote, graft_days))
        return out

    def _pregnancy_over(self, match: re.Match[str]) -> bool:
        """The match dates a pregnancy ended before the sample's date: a due date past
        pregnancy_post_term_weeks at it (every reading of the date), or a delivery's date on or
        before it ("delivered 03/04/2024")."""
        if self._sample is None:
            return False
        groups = match.groupdict()
        if groups.get("due"):
            longest = self._limits.get("pregnancy_post_term_weeks")
            readings = self._due_readings(groups["due"])
            return bool(readings) and all(weeks > longest for weeks in readings)
        if groups.get("delivered"):
            born = _delivered(groups["delivered"], self._sample)
            return born is not None and born <= self._sample
        return False

    def _due_readings(self, written: str) -> tuple[float, ...]:
        """The gestation at the sample's date (thresholds.toml pregnancy_term_weeks less the
        weeks until it) of each reading of a written due date (an ambiguous day and month,
        "10/12/2026", reads two ways)."""
        sample = self._sample
        if sample is None:
            return ()
        text = _unblanked(_SPANISH_DE.sub(" ", written).strip())
        orders = (True, False) if is_ambiguous_date_text(text) else (True,)
        term = self._limits.get("pregnancy_term_weeks")
        found: set[float] = set()
        two_digit = _TWO_DIGIT_YEAR.search(text) is not None
        for dayfirst in orders:
            stamp = parse_date_text(text, dayfirst)
            if stamp is not None:
                due = _nearest_century(stamp.date(), sample) if two_digit else stamp.date()
                found.add(term - (due - sample).days / DAYS_PER_WEEK)
        return tuple(sorted(found))

    def _lapsed(self, match: re.Match[str]) -> float | None:
        """The weeks since the last period when a match writes it at least
        menopause_amenorrhoea_months before the sample (else None): its `date` at the sample's
        date, its weeks / months / years, or the year since which none came (`since_year`)."""
        groups = {k: v for k, v in match.groupdict().items() if v}
        weeks = _weeks(groups)
        if weeks is None and "since_year" in groups:
            # "no menses since 2022": the last period at the latest at that year's end, counted
            # to the sample's date (else to the first day of the sample's year: never longer)
            sample = self._sample or date(self._year, 1, 1)
            ended = date(int(groups["since_year"]) + 1, 1, 1)
            weeks = (sample - ended).days / DAYS_PER_WEEK
        if weeks is None and "date" in groups and self._sample is not None:
            written = _date(_unblanked(_SPANISH_DE.sub(" ", groups["date"]).strip()))
            if written is not None:
                weeks = (self._sample - written).days / DAYS_PER_WEEK
        months = self._limits.get("menopause_amenorrhoea_months")
        return weeks if weeks is not None and weeks >= months * _WEEKS_PER_MONTH else None

    def _due_weeks(self, written: str) -> tuple[float, ...]:
        """The gestations at the sample's date that a written due date gives (thresholds.toml
        pregnancy_term_weeks less the weeks until it), one per reading of the date (an ambiguous
        day and month, "10/12/2026", reads two ways), only those that place a current pregnancy:
        not more than pregnancy_term_weeks before the due date, nor past
        pregnancy_post_term_weeks."""
        longest = self._limits.get("pregnancy_post_term_weeks")
        return tuple(weeks for weeks in self._due_readings(written) if 0 < weeks <= longest)

    def _quote(self, text: str) -> str:
        flat = " ".join(text.split())
        return flat if len(flat) <= self.quote_max else flat[: self.quote_max].rstrip() + "…"

    def _units(self, name: str, body: Mapping[str, Any]) -> str:
        units = str(body.get("units", ""))
        if units not in ("", UNITS_HCG):
            raise ConfigError(self.source, f"concept {name!r}: units {units!r} is not 'hcg'")
        return units

    def _concept(self, body: Mapping[str, Any]) -> _Concept:
        name = str(body.get("name", ""))
        patterns = [str(p) for p in body.get("patterns", [])]
        if not name or not patterns:
            raise ConfigError(self.source, f"concept {name!r} needs a name and patterns")

        def pairs(key: str) -> tuple[tuple[str, str], ...] | None:
            table = body.get(key)
            if table is None:
                return None
            return tuple((str(k), str(v)) for k, v in table.items())

        return _Concept(
            name=name,
            patterns=tuple(_compile([p], self.source, name) for p in patterns),
            probe=_compile([_GROUP_NAME.sub("(?:", p) for p in patterns], self.source, name),
            sets=pairs("sets") or (),
            negated=pairs("negated"),
            doubted=pairs("doubted"),
            past=pairs("past"),
            only=frozenset(str(c) for c in body.get("only", [])),
            skip=frozenset(str(c) for c in body.get("skip", [])),
            number=str(body.get("number", "")),
            own=bool(body.get("own", False)),
            ckd_stage=int(body["ckd_stage"]) if "ckd_stage" in body else None,
            event=bool(body.get("event", False)),
            onset_years=bool(body.get("onset_years", False)),
            dated_onset=bool(body.get("dated_onset", False)),
            dated_event=bool(body.get("dated_event", False)),
            result=bool(body.get("result", False)) or str(body.get("number", "")).startswith(LAB),
            ends=bool(body.get("ends", False)),
            repeated=bool(body.get("repeated", False)),
            headings=bool(body.get("headings", False)),
            recent=pairs("recent"),
            complement=bool(body.get("complement", False)),
            units=self._units(name, body),
            infant=bool(body.get("infant", False)),
            dated=pairs("dated"),
            lapsed=pairs("lapsed"),
            unless=self._cell_words(name, body, "unless"),
            needs=self._cell_words(name, body, "needs"),
            unless_before=self._cell_words(name, body, "unless_before"),
            lapsed_unless=self._cell_words(name, body, "lapsed_unless"),
        )

    def _cell_words(self, name: str, body: Mapping[str, Any], key: str) -> re.Pattern[str] | None:
        """A concept's `needs`, `unless` or `unless_before`: its own regular expressions, and the
        [contexts] lists it names ("@renal", "@other_meanings_hd")."""
        needs = body.get(key)
        if not needs:
            return None
        patterns: list[str] = []
        for item in needs:
            if str(item).startswith("@"):  # "@renal": the [contexts] list renal
                listed = self._contexts.get(str(item)[1:])
                if listed is None:
                    raise ConfigError(self.source, f"concept {name!r} {key} unknown {item!r}")
                patterns.extend(listed)
            else:
                patterns.append(str(item))
        return _compile(patterns, self.source, name)


_ROMAN_STAGES: Final = {
    numeral: float(stage) for stage, numeral in enumerate(("I", "II", "III", "IV", "V"), start=1)
}


def _child_pugh_class(points: float, limits: Thresholds) -> str:
    """The Child-Pugh class of a score (thresholds.toml child_pugh_*, Pugh 1973): "A", "B",
    "C", or "" for a number that is no score."""
    if not limits.get("child_pugh_min_points") <= points <= limits.get("child_pugh_max_points"):
        return ""
    if points >= limits.get("child_pugh_class_c_min_points"):
        return "C"
    return "B" if points >= limits.get("child_pugh_class_b_min_points") else "A"


def _stage(text: str) -> float:
    """A CKD stage as written: "4" or "IV"."""
    return _ROMAN_STAGES.get(text.upper(), 0.0) if not text.isdigit() else float(text)


def writes_a_state_date(text: str) -> bool:
    """Whether a state cell writes a year, or a day and month without one ("s/p SVD 11/1":
    values.writes_a_date), or a state's end as "until" a month ("BF until Jan", "Stillen bis
    Dezember", which the sample's date places: _ended_in_month): only then does the sample's
    date matter to reading it."""
    if writes_a_date(text):
        return True
    found = stopped_month_match(text)
    return found is not None and opens_with_until(found.group(0))


def _nearest_century(written: date, sample: date) -> date:
    """A date written with a two-digit year ("15.06.26") in the century that puts it nearest
    the sample (the reader's fixed pivot would make a due date of "15.06.31" one of 1931 at a
    sample of 2031)."""
    readings = []
    for shift in (-CENTURY_YEARS, 0, CENTURY_YEARS):
        try:
            readings.append(
                written.replace(
                    year=sample.year
                    - sample.year % CENTURY_YEARS
                    + written.year % CENTURY_YEARS
                    + shift
                )
            )
        except ValueError:  # 29 February of a century's year that is no leap year
            continue
    return min(readings, key=lambda d: abs((d - sample).days), default=written)


def _lab_number(text: str, *, grouped: bool = True) -> float:
    """A lab number as a note writes it: "14", "1,2", or with its thousands grouped ("18.500",
    "25 000": _GROUPED_THOUSANDS); not `grouped`, one mark before three digits is a decimal
    mark ("2,400" = 2.4)."""
    if not grouped and _ONE_MARK_GROUP.fullmatch(text):
        return float(text.replace(",", "."))
    if _GROUPED_THOUSANDS.fullmatch(text):
        return float("".join(c for c in text if c.isdigit()))
    return float(text.replace(",", "."))


def _weeks(groups: Mapping[str, str]) -> float | None:
    if "weeks" in groups:
        extra = float(groups["days"]) / DAYS_PER_WEEK if "days" in groups else 0.0
        return float(groups["weeks"]) + extra
    if "days" in groups:
        return float(groups["days"]) / DAYS_PER_WEEK
    if "months" in groups:
        return float(groups["months"]) * _WEEKS_PER_MONTH
    if "years" in groups:
        return float(groups["years"]) * WEEKS_PER_YEAR
    return None


def _delivered(written: str, sample: date) -> date | None:
    """A delivery's written date: with its year (_date), or a day and month without one ("s/p
    SVD 11/1", "Sectio am 01.11."), the reading of that day nearest the sample's, in the
    sample's year or the one before or after (day first when dotted, else in the run's order:
    values.text_dayfirst).  A day shortly after the sample is an upcoming, planned delivery
    ("Sectio am 01.12." written on 24 November: no delivery yet, never the 1 December of the
    year before, review 29 mend A); a tie goes to the day before it."""
    found = _DAY_MONTH_ONLY.fullmatch(written.strip())
    if found is None:
        return _date(_unblanked(written))
    first, second = int(found["a"]), int(found["b"])
    day, month = (first, second) if found["mark"] == "." or text_dayfirst() else (second, first)
    readings: list[date] = []
    for year in (sample.year - 1, sample.year, sample.year + 1):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue  # no such day that year (29 February)
    if not readings:
        return None
    return min(readings, key=lambda d: (abs((d - sample).days), d > sample))


def _unblanked(written: str) -> str:
    """A numeric date whose last mark [settings] joined blanked ("01-12 2026"), with it again."""
    found = _BLANKED_DATE.fullmatch(written)
    if found is None:
        return written
    return found["a"] + found["mark"] + found["b"] + found["mark"] + found["y"]


def _date(text: str) -> date | None:
    """An LMP or delivery date as written: ISO; a month and year (its first day); dotted, day
    first (03.04.2026 = 3 April); else
    in the run's day/month order (values.text_dayfirst: 03/04/2026 = 3 April, or 4 March in a
    month-first file); with the month as a word ("1er avril 2026": values.parse_date_text)."""
    month_year = MONTH_YEAR.fullmatch(text)
    if month_year is not None and 1 <= int(month_year["m"]) <= MONTHS_PER_YEAR:
        return date(int(month_year["y"]), int(month_year["m"]), 1)
    dayfirst = not _ISO_DATE.match(text) and ("." in text or text_dayfirst())
    if any(c.isalpha() for c in text):
        # a month written as a word ("1er avril 2026", "1 abril 2026"), in any language
        named = parse_date_text(text, dayfirst)
        return named.date() if named is not None else None
    try:
        stamp = pd.to_datetime(text, dayfirst=dayfirst, errors="coerce")
    except (ValueError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def load_state_vocabulary(path: Path | None = None) -> StateVocabulary:
    """The state vocabulary from `path` (default: the bundled triage/data/states.toml)."""
    if path is None:
        return _bundled()
    return StateVocabulary(toml_cache.load(path), source=path.name)


@cache
def _bundled() -> StateVocabulary:
    return StateVocabulary(toml_cache.load(data_file(STATES_FILE)), source=STATES_FILE)
