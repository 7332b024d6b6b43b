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
* Terms shorter than 3 characters (``EE``), and abbreviations written in the lexicon in capitals
  of at most 4 letters and digits (German ``MCP`` for metoclopramide, ``OCP``, ``PP1M``), match
  only in the case written: ``mcp`` and ``pop`` are not drugs.  A note's matcher
  (``labelled=True``) reads those of one drug or product anywhere (drugs.toml
  note_abbreviations: ``MCP seit 3 Tagen``, ``on the OCP``, ``on COC``), the others (class
  mentions ``SSRI``, ``TCA``; ``HRT``, ``MST``) only in a list after a medication label
  (``Medikation: MCP 10 mg``: medication_lists).  Next to a joint's or a drug screen's words
  no abbreviation is a drug (``MCP joint``, ``MCP II-V``, ``right MCP``, ``COC neg``:
  _names_no_drug).
* A term followed, glued, by the second part of a German or Dutch compound (drugs.toml
  compound_tail: ``Haloperidoltropfen``, ``Methadonprogramm``, ``antipsychoticagebruik``) names
  the drug; glued to any other letters it does not.
* The lexicon holds the international (INN) spellings of German, French, Spanish, Italian and
  Dutch (``Metoclopramid``, ``metoclopramida``, ``aloperidolo``) and their national brands;
  accents do not matter (``halopéridol``).
* Negation, minimal and deliberate: a mention is skipped when its clause says the patient is not
  taking the drug (``no metoclopramide``, ``stopped risperidone``, ``nil domperidone``,
  ``risperidone (discontinued)``, ``allergic to haloperidol``, ``Allergies: haloperidol``).
  Clauses end at ``; , : + |``, new lines, full stops (not the dot of a dosage abbreviation
  such as ``Tbl.`` or ``cp.``), and at "but", "then", "now".  A negation carries over "or"/"nor"
  ("no metoclopramide or domperidone"), and one before a list over each item of it ("no
  antipsychotics, metoclopramide or domperidone": triage.negated_lists, shared with the state
  and cue readers); a stop after a list of bare names past a colon, or after a list joined by a
  word, stops each ("Risperidon, MCP: abgesetzt 2022", "Haldol und Risperdal abgesetzt"); a
  stop after another item joined by a connector is that item's ("Risperdal 2 mg and ramipril
  stopped": Risperdal is taken).  The
  cue words are also those of German, French, Spanish, Italian and Dutch medication lists:
  ``MCP abgesetzt``, ``kein Haldol``, ``arrêt du Primperan``, ``sin risperidona``, ``Plasil
  sospeso``, ``Dogmatil gestopt``, ``Allergien:``,
  while ``seit``/``depuis``/``desde``/``dal``/``sinds`` affirm.  ``contraindicated``,
  ``ex-``, ``h/o``/``history of`` (a past drug: decided not current, so no factor), a past
  time right before it (``anciennement sous Solian``, ``previamente con risperidona``, ``bis
  2022 Risperdal``: an end before the sample's date; not "as before", ``comme auparavant``, nor
  with "continued" after it, nor a span of years after ``seit`` or in a diagnosis' brackets; an
  earlier dose, ``2 mg, auparavant 4 mg par jour``, is no stop), the drug replaced
  (``aripiprazole instead of risperidone``, ``Abilify statt Risperdal``, ``au lieu de``, ``en
  lugar de``, ``invece di``, ``in plaats van``: the one after is the old one, unless the one
  before is stopped: "stopped haloperidol instead of risperidone" kept risperidone) and verb
  negation (``no toma``, ``non assume``, ``ne prend pas``, ``gebruikt geen``) negate too; so do
  the end of its treatment (``Ende der Risperdal-Therapie``, ``fin du traitement par``: _END_OF),
  ``post-`` glued to it (``aménorrhée post-pilule``), a past marker alone after it (``Risperdal
  (ex)``), a schedule of zeros (``0-0-0-0``), a start tomorrow (``ab morgen``, ``from
  tomorrow``), "not started", an intolerance or contraindication (``intolerance to``, ``KI:``,
  ``contraindicated:``), a switch arrow ``>`` and a status alone on the next line of a cell
  (``Risperdal\n(abgesetzt)``: _status_line), or in the clause after "but"/"now" (``prescribed
  but not started``).  A drug stopped less than the withdrawal days before the sample, or a
  depot stopped days or weeks ago (``last week``, ``vor einer Woche``), is still taken (it keeps
  acting; see _still_acting), as is one whose stop is only planned (``due to be stopped``,
  ``soll abgesetzt werden``, ``Absetzen von Risperdal geplant``: _PLANNED_STOP, _STOP_NOUN).  A
  start after the sample's date (``started risperidone on 2026-12-01``, ``Risperdal (Beginn
  12/2026)``, ``since December 2026``) or a baseline before the drug (``baseline prolactin
  before risperidone``, ``vor Risperdal-Eindosierung``: _before_its_start) is not taken.
  ``mentions()`` returns every mention with its ``negated`` flag for callers that want the
  negated ones too.  A drug taken but written with doubt (``?risperidone``, ``Risperdal
  (unclear)``), taken irregularly (``poor compliance with risperidone``) or as needed
  (``MCP bei Bedarf``) carries ``DrugMatch.doubt`` ("unconfirmed", "irregular", "as_needed":
  _doubt), and one stopped at a time that may fall within its acting days (``recently
  stopped``, ``stopped in October``) "stop_time" (_acting): a possible factor only.

The cue words of every language are data: triage/data/drugs.toml ``[words]`` (word lists) and
``[patterns]`` (regular expressions for phrases with variants), read once and validated by
loaders.load_drug_words; this module keeps the regular expressions that place them in a clause.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Final

from triage.absence_marks import absent_after, may_hold_absence_mark
from triage.knowledge.loaders import drug_term_key, load_drug_words
from triage.knowledge.model import Drug, DrugMatch
from triage.negated_lists import (
    inside,
    negated_list_spans,
    only_joiners,
    reach_start,
    stopped_list_spans,
)
from triage.regex_cache import compile_vocabulary
from triage.transliteration import pattern as with_ascii_spellings
from triage.values import (
    TEXT_CACHE_SIZE,
    ended_ago,
    last_dose_before,
    last_dose_days,
    last_issue,
    month_name_pattern,
    month_name_regex,
    month_number,
    month_of_name,
    names_last_dose,
    normalise_word,
    stop_drug_gap,
    stop_time_spans,
    stopped_days,
    stopped_month,
    stopped_recently,
    stopped_year,
    stopped_year_gap,
    synonyms_data,
    text_dayfirst,
    without_general_statements,
    writes_a_date,
    writes_a_year,
    written_day_month,
    written_end,
)

__all__ = [
    "DrugMatcher",
    "DrugMention",
    "dose_minutes_before",
    "doubt_clause",
    "drug_matcher",
    "given_intravenously",
    "gives_medications",
    "medication_lists",
    "no_longer_clause",
    "not_yet_started",
    "own_part",
    "reads_a_date",
    "says_stopped",
    "stop_days",
    "stop_status_line",
    "switch_stop_text",
    "taken_before",
]

# Terms shorter than this are matched case-sensitively ("EE" must not match "ee").
CASE_SENSITIVE_BELOW: Final = 3
# Terms written in capitals (letters and digits) up to this length are matched case-sensitively
# too: "MCP" (metoclopramide in German lists) must not match "mcp".
CASE_SENSITIVE_CAPITALS_UPTO: Final = 4
# The name suffix of a lexicon entry for a class mention without the drug ("ssri (unspecified)").
_UNSPECIFIED: Final = " (unspecified)"
# Characters allowed (and optional) between the words of a multi-word term.
_INNER_SEPARATOR: Final = r"[\s\-/.+]*"
_NOT_LETTER_BEFORE: Final = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER: Final = r"(?![^\W\d_])"
_NOT_ALNUM_AFTER: Final = r"(?![^\W_])"
_SEP_MARK: Final = "\x00"  # between words of a term in the trie
_END_MARK: Final = ""  # a term ends at this trie node
_VIA_ORDER: Final = ("generic", "synonym", "brand")
DEFAULT_CACHE_SIZE: Final = 1 << 17


def _plain(words: Iterable[str]) -> frozenset[str]:
    """Cue words as the matcher compares them: lower case, no accents ("arrêté" -> "arrete")."""
    return frozenset(
        "".join(c for c in unicodedata.normalize("NFKD", w.lower()) if not unicodedata.combining(c))
        for w in words
    )


def _word_set_pattern(words: Iterable[str]) -> str:
    ordered = sorted(sorted(_plain(words)), key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, word.split())) for word in ordered)
    return rf"{_NOT_LETTER_BEFORE}(?:{body}){_NOT_LETTER_AFTER}"


# The medication free-text vocabulary: drugs.toml [words] and [patterns] (read and validated
# once by loaders.load_drug_words); the regular expressions below put those words in context.
_VOCABULARY: Final = load_drug_words()


def _fold_word(word: str) -> str:
    """One cue word as the matcher compares it (see _plain)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def _words(key: str) -> tuple[str, ...]:
    """drugs.toml [words] `key`, folded (_fold_word), in the file's order."""
    return tuple(_fold_word(word) for word in _VOCABULARY.words[key])


def _word_alternatives(key: str) -> str:
    """drugs.toml [words] `key` as the alternatives of a regular expression, in the file's order
    (the words of a phrase separated by any spaces)."""
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in _words(key))


def _pattern_alternatives(key: str) -> str:
    """drugs.toml [patterns] `key` as the alternatives of one regular expression."""
    return "|".join(_VOCABULARY.patterns[key])


# Dosage-form abbreviations whose dot does not end a clause ("Dogmatil 50 mg Tbl. abgesetzt").
_DOSAGE_ABBREVIATIONS: Final = _words("dosage_abbreviations")
_NOT_AN_ABBREVIATION: Final = "".join(
    rf"(?<!\b{re.escape(word)}\.)" for word in _DOSAGE_ABBREVIATIONS
)
# A switch arrow ">", when no number or "=" follows it ("Risperdal > Abilify", "Haldol >>
# Solian"; "> 4 mg", ">= 2" compare): a clause end, as "->" and "→" are.
_GREATER_ARROW: Final = r"(?<![<>=\-])>>?(?![=>]|\s*[\d.,])"
# Clause ends: punctuation, new lines, and words that start a new statement.
# "instead" and "invece" end a clause unless they open "instead of"/"invece di", which replaces
# the drug after them (_INSTEAD_OF) within one clause; Spanish "después" (then) unless it opens
# "después de" (after: "inicia Risperdal después de la analítica", _AFTER_SAMPLE).
# The dot of a day written German-style before its month and year ("bis 1. August 2026",
# "abgesetzt am 3. Okt. 2026"): no clause end.
_DAY_DOT: Final = (
    r"(?!(?<=\d\.)\s+" + re.sub(r"\(\?P<\w+>", "(?:", month_name_pattern()) + r"\s*(?:19|20)\d\d)"
)
# A colon before a whole date ("date de fin : 01/02/2026", "fecha de fin: 2026-02-01", "Enddatum:
# 01.02.2026"): the label's and its date's, one clause (review 25).
_COLON_BEFORE_DATE: Final = (
    r"\s*(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d|(?:19|20)\d\d-\d{1,2}-\d{1,2})\b"
)
# The dot of a day and month written without a year right before a stop word ("Domperidon wurde
# am 20.10. abgesetzt", "Risperidon (seit 20.10. abgesetzt)"): the date's, no clause end, as the
# dot of a whole date is not one (review 27).
_YEARLESS_DAY_DOT: Final = (
    r"(?!(?:(?<=\d\.\d\.)|(?<=\d\.\d\d\.))\s+" + _word_set_pattern(_words("stopped")) + ")"
)
_CLAUSE_END: Final = compile_vocabulary(
    rf"[;|\n\r•+→]|->|=>|{_GREATER_ARROW}|,(?!\d)|:(?!\d)(?!{_COLON_BEFORE_DATE})|"
    rf"\.(?=\s|$){_NOT_AN_ABBREVIATION}{_DAY_DOT}{_YEARLESS_DAY_DOT}|"
    rf"{_NOT_LETTER_BEFORE}(?:instead(?!\s+of\b)|invece(?!\s+d[ie]\b)|despues(?!\s+de\b))"
    rf"{_NOT_LETTER_AFTER}|" + _word_set_pattern(_words("clause_end"))
)  # matched in lower-cased text (see _negations), faster than re.IGNORECASE
# Words that join two drugs of one statement; a negation carries over them.
_CONNECTOR: Final = compile_vocabulary(r"&|" + _word_set_pattern(_words("connector")))
# Words that say a drug is not taken, before it ("stopped risperidone") or after it
# ("risperidone (stopped)", "haloperidol - allergy").
# fmt: off
_STOPPED: Final = frozenset(_words("stopped"))
# Replaced by another drug: the one before is not taken, the one after is ("risperidone replaced
# by aripiprazole", "Risperdal ersetzt durch Abilify", "remplacé par", "sustituido por",
# "sostituito da", "vervangen door").
_REPLACED: Final = frozenset(_words("replaced"))

# Not yet started at this sample, right before the drug: "prior to risperidone initiation",
# "before starting haloperidol", "vor Beginn der Risperidon-Therapie", "avant introduction de la
# rispéridone", "antes de iniciar risperidona", "prima di iniziare risperidone", "voor start
# risperidon", "naïf de tout traitement antipsychotique".  Only right before it: "prior to
# sampling took metoclopramide" took it.
_NOT_YET: Final = compile_vocabulary(
    rf"\b(?:{_pattern_alternatives('not_yet')})"
    r"(?:\s+(?:the|der|die|das|dem|den|la|le|les|el|il|lo|de|het|l\W))?\s*$"
)

# A sample taken before the drug (drugs.toml [patterns] before_drug, start_after_drug, baseline):
# "before" right before it, with its start right after it ("vor Risperdal-Eindosierung") or a
# baseline in its clause ("baseline prolactin before risperidone"); see _before_its_start.
_BEFORE_DRUG: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('before_drug')})"
    r"(?:\s+(?:the|der|die|das|dem|den|la|le|les|el|il|lo|de|het|l\W))?\s*$"
)
_START_AFTER_DRUG: Final = compile_vocabulary(
    rf"[\s\-/]*(?:{_pattern_alternatives('start_after_drug')})(?![^\W\d_])"
)
_BASELINE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('baseline')})(?![^\W\d_])"
)

# A stop only planned (drugs.toml [patterns] planned_stop: "due to be stopped", "soll abgesetzt
# werden", "à arrêter", "se suspenderá", "da sospendere", "wordt gestopt"): the drug is still
# taken at the sample; _negations reads the text with these phrases blanked out.
_PLANNED_STOP: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('planned_stop')})(?![^\W\d_])"
)

# No longer taken, written as a clause with a verb of intake (drugs.toml [patterns]
# no_longer_taken: "ya no la toma", "nimmt sie nicht mehr", "ne la prend plus", "non la prende
# più", "neemt het niet meer"): _negations reads each as the stop word _NO_LONGER_AS.
_NO_LONGER_TAKEN: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('no_longer_taken')})(?![^\W\d_])"
)
_NO_LONGER_AS: Final = "stopped"
# A stop written short with its time after it (drugs.toml [patterns] stop_abbreviations: "susp.
# hace 10 d", "sosp. da 2 sett."): read as the shortest stop word of [words] stopped and
# synonyms.toml [values.stopped] words, which fits in it.
_STOP_ABBREVIATION: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('stop_abbreviations')})"
)
_ABBREVIATION_AS: Final = "dc"


def _no_longer_as_stop(text: str) -> str:
    """Text (folded, lower case) with each _NO_LONGER_TAKEN phrase written as the stop word
    _NO_LONGER_AS padded with spaces to its length, so positions stay valid; a time written
    inside the phrase stays where it was ("nimmt sie seit 3 Wochen nicht mehr" → "stopped
    seit 3 wochen": values.stopped_days reads it as the stop's time).  A stop abbreviation
    before its time (_STOP_ABBREVIATION: "susp. hace 10 d") is written as _ABBREVIATION_AS
    ("dc    hace 10 d")."""
    text = _STOP_ABBREVIATION.sub(
        lambda found: _ABBREVIATION_AS.ljust(len(found.group())), text
    )

    def as_stop(found: re.Match[str]) -> str:
        phrase = found.group()
        if len(phrase) < len(_NO_LONGER_AS):
            return phrase
        out = list(_NO_LONGER_AS.ljust(len(phrase)))
        for start, end in stop_time_spans(phrase):
            if start > len(_NO_LONGER_AS):
                out[start:end] = phrase[start:end]
        return "".join(out)

    return _NO_LONGER_TAKEN.sub(as_stop, text)

# The drug's stop named right before it (drugs.toml [patterns] stop_noun): with a plan after the
# drug, a stop only planned ("Absetzen von Risperdal geplant").
_STOP_NOUN: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('stop_noun')})"
    r"(?:(?:the|der|die|das|dem|den|la|le|les|el|il|lo|de|het|l\W)\s*)?$"
)

# The end of its treatment, right before the drug: "Ende der Risperdal-Therapie", "end of
# risperidone treatment", "end of treatment with risperidone", "fin du traitement par Risperdal",
# "final del tratamiento con risperidona", "fine della terapia con risperidone", "einde van de
# behandeling met risperidon".  Only right before it (an article between), like _NOT_YET: "end of
# March risperidone" is no end of risperidone.
_END_OF: Final = compile_vocabulary(
    rf"\b(?:{_pattern_alternatives('end_of')})"
    r"(?:\s+(?:the|la|de|het|l\W))?\s*"
    rf"(?:(?:{_word_alternatives('end_of_treatment')})\s+(?:{_word_alternatives('end_of_with')})?)?"
    r"(?:\s*(?:the|der|die|das|dem|den|la|le|les|el|il|lo|het|de|du|l\W))?\s*$"
)
# "post-" glued to the drug: after it was stopped ("aménorrhée post-pilule", "amenorrea
# post-píldora", "Post-Pill-Amenorrhoe", "post-pill amenorrhoea": after stopping the pill).
_POST_PREFIX: Final = compile_vocabulary(r"(?<![^\W\d_])post\s*-\s*$")
# A past marker alone after the drug and its dose: "Risperdal (ex)", "Risperdal 2 mg - ex.",
# "Haldol (früher)", "Risperdal (previous)", "Solian (ancien)", "risperidona (anterior)",
# "risperidone (precedente)", "risperidon (vroeger)".  Alone: "Risperdal (ex-Raucherin)" is not.
_PAST_ALONE_WORDS: Final = _words("past_alone")
_PAST_ALONE_AFTER: Final = compile_vocabulary(
    r"[\s\d.,/()\-]*(?:(?:mg|µg|mcg|ug)\b[\s().,\-]*)?[(\[\-–]?\s*"
    rf"(?:{_word_alternatives('past_alone')})"
    r"\.?\s*[)\]]?\s*$"
)
# Free of the drug, right after it: "antipsychotic-free", "risperidone-free since 2023",
# "Risperdal-frei seit 2 Jahren" (drugs.toml [words] free_after).  "seizure-free" after the dose
# is not the drug's.
_FREE_AFTER: Final = compile_vocabulary(rf"[ \t]*-?[ \t]*(?:{_word_alternatives('free_after')})\b")
# Its treatment finished, right after any drug: "methadone detox completed" (drugs.toml [words]
# ended_after); abstinent, clean or in remission right after a drug of misuse: "heroin in
# remission", "heroin: abstinent since 2019", "Alkoholkrankheit, trocken seit 2018" ([words]
# abstinent_after; a comma too); _abstinent_after reads what follows.
_ENDED_AFTER: Final = compile_vocabulary(
    rf"[ \t]*[:(\[\-–]?[ \t]*(?:{_word_alternatives('ended_after')}){_NOT_LETTER_AFTER}"
)
_ABSTINENT_AFTER: Final = compile_vocabulary(
    rf"[ \t]*[:,(\[\-–]?[ \t]*(?:{_word_alternatives('abstinent_after')}){_NOT_LETTER_AFTER}"
)
# The first words of _END_OF and _POST_PREFIX (for _may_negate's fast path).
_END_OF_WORDS: Final = _words("end_of_first")
# Replaced by what comes before, right before the drug: "aripiprazole instead of risperidone",
# "Abilify statt Risperdal", "anstelle von", "au lieu de", "à la place du", "en lugar de", "en vez
# de", "invece di", "al posto del", "in plaats van", "rather than", "replacing": the drug after is
# the old one, not taken.  Only right before it (an article between), like _NOT_YET.
_INSTEAD_OF_WORDS: Final = rf"\b(?:{_pattern_alternatives('instead_of')})"
_INSTEAD_OF: Final = compile_vocabulary(
    _INSTEAD_OF_WORDS
    + r"(?:\s*(?:the|der|die|das|dem|den|des|la|le|les|el|il|lo|de|het|l\W))?\s*$"
)
_INSTEAD_OF_ANYWHERE: Final = compile_vocabulary(_INSTEAD_OF_WORDS)  # for _may_negate's fast path
# A past time right before the drug and the word that puts the patient on it: "anciennement sous
# Solian", "previously on", "früher unter Risperdal", "previamente con risperidona", "antes
# risperidona", "precedentemente in terapia con", "vroeger met", "formerly treated with".  The
# past word alone negates by its cue; with "sous"/"con"/"mit" after it, that word would affirm.
_PAST_WORDS: Final = rf"\b(?:{_pattern_alternatives('past_time')})\b"
_PAST_THEN_ON: Final = compile_vocabulary(
    _PAST_WORDS
    + rf"(?:\s+(?:{_word_alternatives('past_on')}))?"
    rf"(?:\s+(?:{_pattern_alternatives('past_treated_with')}))?"
    r"(?:\s+(?:the|der|die|das|dem|den|la|le|les|el|il|lo|het|du|l\W))?\s*$"
)

# "As before" ("comme auparavant Risperdal", "wie zuvor", "igual que antes", "come prima",
# "zoals eerder"): the past word says the drug is continued, right before a _PAST_THEN_ON match.
_AS_BEFORE: Final = compile_vocabulary(rf"\b(?:{_word_alternatives('as_before')})\s*$")
# Continued, after the drug in its list item: "zuvor mit Risperdal eingestellt, weiter so",
# "previously on risperidone, continued", "auparavant sous Solian, poursuivi": a past word before
# it was no stop.
_CONTINUED_AFTER: Final = compile_vocabulary(rf"\b(?:{_pattern_alternatives('continued_after')})\b")
# Taken now, after a never before the drug ("mai stata in terapia con risperidone prima di marzo,
# ora sì"): drugs.toml [patterns] now_taken_after (review 25 mend), at its clause's end ("ora si
# sente meglio" is no "ora sì").
_NOW_TAKEN_AFTER: Final = compile_vocabulary(
    rf"\b(?:{_pattern_alternatives('now_taken_after')})(?=\s*(?:[.,;:!)\n]|$))"
)
# Cues before a drug ("no", "stopped", "allergic to" ...) and the ones that cancel them.
_NEGATING: Final = _STOPPED | frozenset(_words("negating"))
_AFFIRMING_WORDS: Final = frozenset(_words("affirming"))
# Switched from the drug before to the drug after, between two drugs of one clause ("Haldol,
# switched to aripiprazole", "Risperdal umgestellt auf Abilify", "relais par", "cambio a",
# "passato a", "overgezet op"; an arrow: "Haldol -> Abilify"): the first is no longer taken.
_SWITCHED_TO: Final = frozenset(_words("switched_to"))
_SWITCHED_AWAY: Final = frozenset(_words("switched_away"))
_ARROW: Final = compile_vocabulary(rf"->|→|=>|⇒|⟶|{_GREATER_ARROW}")
# Only proposed, offered or declined, or to start later, right after the drug (its dose and a
# "was"/"wurde" between): "risperidone proposed by psychiatrist", "Risperidon abgelehnt",
# "rispéridone proposée", "risperidona rechazada", "risperidone rifiutato", "risperidon
# geweigerd", "risperidona la próxima semana".  Only right after it: "risperidone dose reduction
# proposed" is taking it.
_PROPOSED_AFTER: Final = compile_vocabulary(
    r"[\s\d.,/()\-]*(?:(?:mg|µg|mcg|ug)\b[\s().,\-\d]*)?"
    rf"(?:(?:{_pattern_alternatives('proposed_copula')})\s+)?"
    rf"(?:{_pattern_alternatives('proposed_after')}|"
    rf"(?:{_pattern_alternatives('proposed_from')})\s+(?:{_pattern_alternatives('proposed_when')}))"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
# A switch with its verb last (German, Dutch): "Risperidon (2 mg) wurde auf Aripiprazol
# umgestellt", "Risperidon durch Abilify ersetzt", "risperidon is naar aripiprazol omgezet",
# "risperidon door aripiprazol vervangen": the words between the two drugs, and the verb after the
# second.  The first is no longer taken.
_SWITCH_BETWEEN: Final = compile_vocabulary(
    r"^[\s\d.,/()]*(?:(?:mg|µg|mcg|ug)\b[\s().,]*)?"
    rf"(?:(?:{_word_alternatives('switch_between_copula')})\s+)?"
    rf"(?:{_word_alternatives('switch_between')})\s+(?:(?:der|die|das|den|dem|de|het)\s+)?$"
)
# A switch written around the old drug: a switch word right before it and the new one after
# "par", "auf", "to" ("relais Risperdal par Abilify", "Umstellung Risperdal auf Abilify", "switch
# risperidone to aripiprazole", "cambio risperidona a aripiprazol", "passaggio risperidone ad
# aripiprazolo", "omzetting risperidon naar aripiprazol").  The switch word alone is no stop:
# "relais Abilify" is Abilify taking over.
_SWITCH_ARTICLE: Final = (
    r"(?:\s+(?:der|des|von|du|de|la|le|del|della|dello|di|da|dal|dalla|dallo|van|the|het|l\W))?"
)
_SWITCH_OPEN: Final = compile_vocabulary(
    rf"\b(?:{_word_alternatives('switch_open')})"
    # "cambio de tratamiento: risperidona por aripiprazol", "change of medication: X to Y",
    # "Umstellung der Therapie: X auf Y", "wijziging medicatie: X naar Y"
    rf"(?:(?:\s+(?:of|in))?{_SWITCH_ARTICLE}\s+(?:{_word_alternatives('end_of_treatment')}))?"
    rf"(?:\s*[:\-–])?{_SWITCH_ARTICLE}\s*$"
)
_SWITCH_JOIN: Final = compile_vocabulary(
    r"[\s\d.,/()\-]*(?:(?:mg|µg|mcg|ug)\b[\s().,\-\d]*)?"
    rf"(?:{_word_alternatives('switch_join')})"
    r"\s*(?:(?:the|der|die|das|den|dem|la|le|l\W|el|il|lo|de|het)\s*)?$"
)
_SWITCH_VERB: Final = compile_vocabulary(
    rf"[^;,]{{0,30}}?\b(?:{_word_alternatives('switch_verb')})\b"
)
_AFFIRMING: Final = _AFFIRMING_WORDS | _REPLACED | _SWITCHED_TO  # the drug after is taken
# The new drug first, then the old one after "from" ("switched to aripiprazole from risperidone",
# "umgestellt auf Abilify von Risperdal"): the words between the two, after a switch cue before
# the first.
_SWITCHED_FROM: Final = compile_vocabulary(
    r"[\s\d.,/()\-]*(?:(?:mg|µg|mcg|ug)\b[\s().,\-\d]*)?"
    rf"(?:{_word_alternatives('switched_from')})"
    r"\s*(?:(?:the|der|die|das|dem|den|la|le|l\W|el|il|lo|de|het)\s*)?"
)
# The new drug named first after a `substituted` word, the old one after a `substituted_join`
# word ("substituted aripiprazole for risperidone", "a substitué l'Abilify au Risperdal"): the
# second is no longer taken, the first is.
_SUBSTITUTED: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('substituted')})"
    r"(?:\s+(?:the|le|la|les|l\W))?\s*$"
)
_SUBSTITUTED_JOIN: Final = compile_vocabulary(
    r"[\s\d.,/()\-]*(?:(?:mg|µg|mcg|ug)\b[\s().,\-\d]*)?"
    rf"(?:{_word_alternatives('substituted_join')})"
    r"\s*(?:(?:the|le|la|les|l\W)\s*)?"
)
# Another person as the subject at its clause's start ("Mutter nimmt Risperdal", "mother on HRT",
# "Bruder mit Schizophrenie unter Haldol"): the drugs of that clause are not the patient's.
_PERSON_ARTICLE: Final = (
    r"(?:the|his|her|my|their|die|der|dem|seine|ihre|meine|ihr|sein|mein|ihrem|seinem|ihren|"
    r"seinen|sa|son|ses|mon|ma|leur|la|le|su|sus|mi|el|la\s+sua|il\s+suo|sua|suo|de|het|zijn|"
    r"haar|hun|mijn)"
)
# a word for another person, never the first part of a hyphenated word ("child-bearing age")
_OTHER_PERSON_WORD: Final = (
    rf"(?:{_word_alternatives('other_person')}){_NOT_LETTER_AFTER}(?!-[^\W\d_])"
)
_OTHER_PERSON: Final = compile_vocabulary(rf"\W*(?:{_PERSON_ARTICLE}\s+)?{_OTHER_PERSON_WORD}")
# Anywhere in a text (for _may_negate's fast path: "husband's methadone" is one word there).
_ANY_OTHER_PERSON: Final = compile_vocabulary(rf"{_NOT_LETTER_BEFORE}{_OTHER_PERSON_WORD}")
# What makes the other person at a clause's start only tell of or give the patient's drug
# ("Mother reports patient takes risperidone", "Mutter gibt ihm abends Risperdal", "mère lui
# donne", "Sohn (Patient) nimmt Risperdal"): drugs.toml [words] person_for_patient.
_PERSON_FOR_PATIENT: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('person_for_patient')}){_NOT_LETTER_AFTER}"
)
# Given to another person, before the drug in its clause ("gives her son Risperdal", "gibt ihrem
# Sohn", "donne à son fils", "le da a su hijo", "dà al figlio", "geeft haar zoon"): drugs.toml
# [words] gives_to, for_person.
_GIVEN_TO_OTHER: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('gives_to')})\s+"
    rf"(?:(?:{_word_alternatives('for_person')})\s+)?(?:{_PERSON_ARTICLE}\s+)?{_OTHER_PERSON_WORD}"
)
# Another person right after the drug (its dose between): for that person ("Risperdal (for her
# son)", "domperidone for the baby", "Domperidon für Säugling", "du Risperdal à son fils"), or
# alone in brackets or after a dash ("Risperdal (mother)", "Haldol – Ehemann").
_FOR_OTHER_PERSON: Final = compile_vocabulary(
    r"[^\S\n]*(?:\d+(?:[.,]\d+)?[^\S\n]*(?:mg|µg|mcg|ug|ml|g)?(?![^\W\d_])[^\S\n]*)*"
    rf"(?:(?P<open>[(\[][^\S\n]*|[-–][^\S\n]*)?(?P<for>(?:{_word_alternatives('for_person')})\s+)"
    rf"(?:{_PERSON_ARTICLE}\s+)?{_OTHER_PERSON_WORD}"
    rf"|(?:[(\[]|[-–])[^\S\n]*(?:{_PERSON_ARTICLE}\s+)?{_OTHER_PERSON_WORD}[^\S\n]*(?:[)\]]|$))"
)
# A person's label right before the drug's clause ("Mutter: Risperdal", "Mother:risperidone",
# "Husband: Haldol", "Partner: methadone programme", "Kind: Domperidon"): its colon is the last one
# before the drug in its part of the note (_LABEL_SEGMENT).
_OTHER_PERSON_LABEL: Final = compile_vocabulary(
    rf"(?:^|[(,;:]|\s[-–])\s*(?:{_PERSON_ARTICLE}\s+)?{_OTHER_PERSON_WORD}"
    r"(?:\s*\([^()\n]{0,20}\))?\s*$"
)
_LABEL_COLON: Final = compile_vocabulary(r"(?<!\d):(?!\d)")
# The patient named again after another person's label, and a breast before a label's colon:
# drugs.toml [patterns] back_to_patient, breast_label.
_BACK_TO_PATIENT: Final = compile_vocabulary(_pattern_alternatives("back_to_patient"))
_BREAST_LABEL: Final = compile_vocabulary(_pattern_alternatives("breast_label"))
_LABEL_SEGMENT: Final = compile_vocabulary(r"[;|\n\r]|\.(?=\s|$)")
# Her own milk as the drug's purpose, after it in its clause: drugs.toml [patterns] own_purpose.
_OWN_PURPOSE: Final = compile_vocabulary(_pattern_alternatives("own_purpose"))
_OWN_PURPOSE_ANY_CASE: Final = compile_vocabulary(
    _pattern_alternatives("own_purpose"), re.IGNORECASE
)


# A purpose other than hyperprolactinaemia after a dopamine agonist: drugs.toml [patterns]
# agonist_other_purpose.
_OTHER_PURPOSE: Final = compile_vocabulary(
    _pattern_alternatives("agonist_other_purpose"), re.IGNORECASE
)


def _for_milk(
    text: str,
    spans: Sequence[tuple[int, int]],
    index: int,
    purpose: re.Pattern[str] = _OWN_PURPOSE_ANY_CASE,
) -> bool:
    """Whether the drug at spans[index] of the folded text has a mother's milk as its purpose
    (or the `purpose` given), after it in its own item, before the next drug, list break or
    sentence end ("mother takes domperidone to increase milk supply", "Domperidon zur
    Milchbildung"; "cabergoline for OHSS prevention": _OTHER_PURPOSE)."""
    end = spans[index][1]
    high = spans[index + 1][0] if index + 1 < len(spans) else len(text)
    stop = _LABEL_SEGMENT.search(text, end, high)
    return purpose.search(text, end, stop.start() if stop else high) is not None


def _other_purpose(text: str, spans: Sequence[tuple[int, int]], index: int) -> bool:
    """Whether a purpose other than hyperprolactinaemia (_OTHER_PURPOSE) is written for the drug
    at spans[index] of the folded text: after it as _for_milk reads a purpose ("cabergoline for
    OHSS prevention"), or before it in its own item, after the previous drug ("Abstillen mit
    Dostinex", "prévention SHO : cabergoline")."""
    if _for_milk(text, spans, index, _OTHER_PURPOSE):
        return True
    low = spans[index - 1][1] if index > 0 else 0
    start = spans[index][0]
    breaks = [found.end() for found in _LABEL_SEGMENT.finditer(text, low, start)]
    return _OTHER_PURPOSE.search(text, breaks[-1] if breaks else low, start) is not None


def _other_persons(text: str, clause_start: int, start: int, end: int, clause_end: int) -> bool:
    """Whether the drug at start:end is another person's: that person opens its clause
    (_OTHER_PERSON) and does not only report or give the patient's drug (_PERSON_FOR_PATIENT),
    labels it ("Mutter: Risperdal"), is given it ("gives her son Risperdal") or follows it
    ("Risperdal (for her son)"); never when its purpose is her own milk ("Mutter: Domperidon
    zur Milchbildung", _OWN_PURPOSE)."""
    person = _OTHER_PERSON.match(text, clause_start, start)
    if person is not None:
        if _PERSON_FOR_PATIENT.search(text, person.end(), start):
            return False
    elif not (
        _GIVEN_TO_OTHER.search(text, clause_start, start)
        or _labelled_other(text, start)
        or _followed_by_other(text, end, clause_end)
    ):
        return False
    return _OWN_PURPOSE.search(text, end, clause_end) is None


def _labelled_other(text: str, start: int) -> bool:
    """The last label before `start` in its part of the note names another person, and no item
    after it names the patient again (_BACK_TO_PATIENT: "Mother: diabetes, patient on
    risperidone"); a breast is no person ("Mamma: galattorrea", _BREAST_LABEL)."""
    segment = max((m.end() for m in _LABEL_SEGMENT.finditer(text, 0, start)), default=0)
    colons = [m.start() for m in _LABEL_COLON.finditer(text, segment, start)]
    if not colons or _OTHER_PERSON_LABEL.search(text[segment : colons[-1]]) is None:
        return False
    if _BREAST_LABEL.search(text[segment:start]):
        return False
    items = text[colons[-1] + 1 : start].split(",")[1:]
    return not any(_BACK_TO_PATIENT.search(item) for item in items)


def _followed_by_other(text: str, end: int, clause_end: int) -> bool:
    """Another person right after the drug, who does not only give it to the patient."""
    found = _FOR_OTHER_PERSON.match(text, end, clause_end)
    return found is not None and not _PERSON_FOR_PATIENT.search(text, found.end(), clause_end)


# A drug screen and its result (drugs.toml [patterns] screen, screen_negative, screen_positive).
_SCREEN: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('screen')}){_NOT_LETTER_AFTER}"
)
_SCREEN_NEGATIVE: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('screen_negative')})(?![^\W\d_])"
)
_SCREEN_POSITIVE: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('screen_positive')})(?![^\W\d_])"
)
_SCREEN_END: Final = compile_vocabulary(r"[\n;|]|\.(?=\s)")
# The negating cues that only say "in the past" (a later "continued" overrides them)
_PAST_CUES: Final = frozenset(_words("past"))
# "plus de Solian" (French: no more Solian) right before the drug; "plus de 2 mg" is a quantity
_NO_MORE: Final = compile_vocabulary(r"\bplus\s+d(?:e\s+la\s+|e\s+l\W\s*|u\s+|es\s+|e\s+|\W\s*)$")
# A dose of nothing right after the drug ("Risperdal 0 mg", "Haldol: 0,0 mg"): not taken.
_ZERO = r"(?<![\d.,])0+(?:[.,]0+)?\s*(?:mg|mcg|µg|ug|g|ml|tbl|tabl?|tablets?|cp|cpr)\b"
# A schedule of no dose at all ("Risperdal 0-0-0-0", "Haldol 5 mg 0-0-0", "Solian (0-0-0)"):
# not taken; "1-0-1", "0-0-1" are taken.
# A fraction ("0-0-0-½", "½-0-0", "0-0-0-1/2") is a dose, no zero.
_FRACTION = "½¼¾⅓⅔⅛⅜⅝⅞"
_ZERO_SCHEDULE = (
    rf"(?<![\d.,/{_FRACTION}])(?<![\d{_FRACTION}][-–/])(?<![\d{_FRACTION}]\s[-–/])"
    rf"(?<![\d{_FRACTION}][-–/]\s)(?<![\d{_FRACTION}]\s[-–/]\s)"
    rf"0(?:\s*[-–/]\s*0){{2,3}}(?![\d.,{_FRACTION}]|\s*[-–/]\s*[\d{_FRACTION}])"
)
_ZERO_DOSE: Final = compile_vocabulary(
    r"[\s:=(]*(?:(?:\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|ml)\b[\s:=(,]*)?" + _ZERO_SCHEDULE + "|"
    + _ZERO
    + ")"
)
# whether a text may hold one
_ZERO_ANYWHERE: Final = compile_vocabulary(rf"{_ZERO}|{_ZERO_SCHEDULE}")
# fmt: on
# A dose with its unit ("20 mg", "1 Tbl"), as _DOSE_UNIT below.
_DOSE_UNIT_TEXT: Final = (
    r"\d+(?:[.,]\d+)?\s*(?:mg|µg|ug|mcg|g|ml|gtt|tropfen|gouttes|gotas|gocce|druppels|cp|tbl|"
    r"tabl?|x)\b"
)
# Where a negative screen's tested substances end before its line's or sentence's end: at a word
# that names a positive ("tox: negative except methadone", "außer", "sauf", "excepto", "tranne",
# "behalve": drugs.toml [words] screen_except), or at a comma before an intake word ("Tox screen
# neg, takes haloperidol", "Drogenscreening negativ, Substitution mit L-Polamidon": screen_intake)
# or before a drug with its dose ("Drogenscreening negativ, Haloperidol 5 mg").
_SCREEN_STOP: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('screen_except')}){_NOT_LETTER_AFTER}"
    rf"|,\s*(?:(?:{_word_alternatives('screen_intake')}){_NOT_LETTER_AFTER}"
    rf"|[^\W\d_][^\s,;]*\s+{_DOSE_UNIT_TEXT})",
    re.IGNORECASE,
)
# Cues after a drug that say it is not taken.
_POST_NEGATING: Final = _STOPPED | _REPLACED
_ALL_CUES: Final = _NEGATING | _AFFIRMING | _POST_NEGATING
_LONGEST_CUE: Final = max(len(cue.split()) for cue in _ALL_CUES)
_NOT_A_CUE_AFTER: Final = {"off": "label"}  # "off-label risperidone" is being taken
# A label whose list is negated: "Allergies: ...", "Stopped meds: ...", "Previous medication: ...".
_NEGATED_LABEL: Final = compile_vocabulary(
    r"(?<![^\W\d_])(?:allerg\w*|alerg\w*|adverse\s+(?:drug\s+)?reactions?|adrs?|intoleran\w*|"
    # an adverse drug reaction's record ("RAM: haloperidol", "UAW: MCP", "EIM : Primpéran",
    # "reazione avversa: Plasil", "bijwerking: haloperidol"; review 25): a drug not to be given
    r"ram|uaw|eim|unerwunschte\s+arzneimittelwirkung(?:en)?|nebenwirkung(?:en)?|"
    r"effets?\s+indesirables?(?:\s+medicamenteux)?|reacci(?:on|ones)\s+advers[ao]s?|"
    r"reazion[ei]\s+avvers[ae]|bijwerking(?:en)?|"
    r"unvertraglich\w*|stopped|discontinued|ceased|previous|past|prior|old|abgesetzt\w*|"
    r"pausiert\w*|fruhere?|vorherige?|arretes?|anciens?|suspendid[oa]s?|previa|sospes[oi]|"
    r"precedente|gestopte?|gestaakte?|vroegere?|"
    # ended or tapered off, before the drug list: "Vortherapie: Risperdal", "ausgeschlichen:
    # Solian", "Vortherapie:", "tapered off:", "terminés :", "ex:"
    r"vortherapie|vorbehandlung|altmedikation|ausgeschlichen|beendet|tapered(?:\s+off)?|"
    r"ended|finished|termine(?:e|s|es)?|terminad[oa]s?|terminat[oi]|afgebouwd|beeindigd|ex|"
    r"ehemalige?|eerdere?|vorige?|"
    # tried before, failed: "Previously tried:", "Failed trials:", "Bisherige Medikation:",
    # "Prior antipsychotics:" (a noun below)
    r"previously(?:\s+(?:tried|used|taken|given))?|tried|failed|bisherige?[nrs]?|"
    # a contraindication or intolerance: "contraindicated: haloperidol", "Kontraindikation:
    # MCP", "contre-indication : métoclopramide", "contraindicado:", "controindicazioni:"
    r"contra[\s-]?indicat\w*|contraindica\w*|kontraindi\w*|contre[\s-]?indi\w*|controindica\w*|"
    r"(?:ge)?contra[\s-]?indic\w*|intolleranz\w*|"
    # planned, not yet started, or a warning: "geplant: Start Risperdal", "CAVE: Haloperidol"
    r"cave|(?:start\s+)?geplant\w*|planned|to\s+start|prevue?s?|a\s+debuter|previst[oa]s?|"
    r"programad[oa]s?|da\s+iniziare|pianificat[oa]|gepland|te\s+starten|"
    # not to be given: "avoid:", "da evitare:", "evitar:" (drugs.toml [patterns] avoid_label)
    rf"{_pattern_alternatives('avoid_label')})"
    r"(?:\s+(?:meds?|medications?|medicines?|drugs?|treatments?|medikament\w*|medikation|"
    r"traitements?|medicaments?|medicacion|medicamentos?|farmaci|terapi[ae]|medicatie|"
    r"medicijnen|geneesmiddelen|antipsychotics?|neuroleptics?|neuroleptika|neuroleptiques?|"
    r"antipsicotic[oi]s?|antipsychotica|trials?|therapies|therapien|therapieversuche|"
    r"essais|ensayos|tentativi|pogingen))?\s*:"
    # the medication noun first: "medicación previa:", "traitement antérieur :", "terapia
    # precedente:", "previous medication:" is above
    r"|(?<![^\W\d_])(?:medications?|medikation|medikamente|traitements?|medicaments?|medicacion|"
    r"medicamentos?|tratamientos?|farmaci|terapi[ae]|trattamenti|medicatie|therapie|"
    r"behandlung|tentativi|essais|ensayos|pogingen|trials?|antipsicotici|neurolettici)\s+"
    r"(?:previ[ao]s?|anterior(?:es)?|anterieure?s?|precedente?s?|precedenti|pregress[aoie]|"
    r"fallit[oaie]|fallid[oa]s?|echoue(?:e|s|es)?|mislukte|"
    r"arretee?s?|suspendid[oa]s?|sospes[aoie]|interrott[aoie]|abgesetzt|beendet|gestopt|"
    r"voorheen|vroeger|termine(?:e|s|es)?|terminad[oa]s?|terminat[aoie]|finished|ended|"
    r"afgebouwd|gestaakt|beeindigd)\s*:",
    re.IGNORECASE,
)


# A time now or a switch in a stopped label's list (synonyms.toml [stopped_lists] ends: "now",
# "aktuell", "actuellement", "actualmente", "attualmente", "nu"): the drugs after it are taken.
@cache
def _now_after_label() -> re.Pattern[str]:
    return re.compile(_word_set_pattern(synonyms_data()["stopped_lists"]["ends"]))


# An abbreviated contraindication label, in capitals: "KI: MCP" (Kontraindikation), "CI:
# neuroleptiques" (contre-indication, contraindication), "K.I.:".  Read in the text as written.
_NEGATED_ABBREVIATION: Final = compile_vocabulary(r"(?<![^\W\d_])(?:KI|CI|K\.\s?I\.|C\.\s?I\.)\s*:")
# Fast path: a text with none of these words (or word starts) has no negated mention.
_WORD: Final = compile_vocabulary(r"[^\W\d_]+(?:['/][^\W\d_]+)*")
# A form's answer that is all the item says after the drug ("Haldol: nein", "metoclopramide - no",
# "Tercian ? non"): the drug is asked about, not taken.
_ANSWER_NO: Final = frozenset(_words("answer_no"))
_ONE_LETTER_ANSWERS: Final = frozenset(a for a in _ANSWER_NO if len(a) == 1 and a.isalpha())
_ANSWER_AFTER: Final = compile_vocabulary(
    rf"(?:[\s\-]*(?:{_word_alternatives('answer_subject')}))?"  # "estrogen exposure: none"
    r"(?:[\s:=?\-–(\[]*(?:"
    + "|".join(
        sorted(sorted(map(re.escape, _ANSWER_NO - _ONE_LETTER_ANSWERS)), key=len, reverse=True)
    )
    # a one-letter answer after a mark ("Methadone: N", "Methadone (N)", "Methadone - N"; not
    # "Briserin N", a brand's variant)
    + r")|\s*[:=?\-–(\[][\s:=?\-–(\[]*(?:"
    + "|".join(map(re.escape, sorted(_ONE_LETTER_ANSWERS)))
    + r"))(?![^\W\d_])[\s.!)\]]*(?:$|[;\n|,])"
)
# A one-letter answer after a generic name and a space, all its item says ("Methadone N").
_BARE_LETTER_ANSWER: Final = compile_vocabulary(
    r"[ \t]+(?:" + "|".join(map(re.escape, sorted(_ONE_LETTER_ANSWERS))) + r")[\s.!]*(?:$|[;\n|,])",
    re.IGNORECASE,
)
# The answers of _ANSWER_NO that are no word ("✗"), for _may_negate's fast path.
_ANSWER_MARKS: Final = tuple(answer for answer in _ANSWER_NO if not _WORD.search(answer))
_NEGATION_WORDS: Final = frozenset(
    cue.split()[0]
    for cue in _NEGATING
    | _POST_NEGATING
    | _SWITCHED_TO
    | _ANSWER_NO
    | {"adverse", "adr", "adrs", "old", "plus"}
    | {*_words("fast_path"), *_words("switch_verb"), *_words("switch_open")}
    | {*_PAST_ALONE_WORDS, *_END_OF_WORDS, *_words("free_after")}
    | {word.split()[0] for word in (*_words("abstinent_after"), *_words("ended_after"))}
    | {word.split()[0] for word in _words("now_switch")}
    # one-word persons only ("her son", "twin sister": _ANY_OTHER_PERSON, not every "her")
    | {word for word in _words("other_person") if " " not in word}
    | {"ki", "ci"}  # _NEGATED_ABBREVIATION
)
_NEGATION_STEMS: Final = (
    *("allerg", "alerg", "intoleran", "intolleran", "unvertraglich"),
    *("indic", "indik", "indiz"),  # contraindicated, Kontraindikation, kontraindiziert
)
# A label that starts a list of drugs being taken, ending a negated label's region.
_TAKING_LABEL: Final = compile_vocabulary(
    r"(?<![^\W\d_])(?:(?:current|regular|usual|new|repeat|aktuelle|neue|huidige|nieuwe)\s+)?"
    r"(?:meds?|medications?|medicines?|drugs?|rx|treatment|plan|medikation|medikamente|"
    r"dauermedikation|traitement|medicaments|medicacion|medicamentos|tratamiento|farmaci|terapia|"
    r"medicatie|medicijnen)(?:\s+(?:actuel(?:le)?|en\s+cours|actual|attuale|in\s+corso))?\s*:",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DrugMention:
    """One place in the text where a drug term was found."""

    match: DrugMatch
    start: int
    end: int
    negated: bool


def named_classes(matches: Iterable[DrugMatch]) -> frozenset[str]:
    """The classes that `matches` name a drug of: each named drug's class and the class it is
    within (drugs.toml [[class]] within: aripiprazole, a D2 partial agonist, is an
    antipsychotic); class mentions ("... (unspecified)") name none."""
    return frozenset(
        c
        for m in matches
        if not m.drug.name.endswith(_UNSPECIFIED)
        for c in (m.drug.drug_class, m.drug.within_class)
        if c
    )


def class_mention_of(drug: Drug, named: frozenset[str]) -> bool:
    """Whether `drug` is a class mention without the drug ("antipsychotic (unspecified)") of a
    class `named` names a drug of (named_classes): the named drug is the one meant."""
    return drug.name.endswith(_UNSPECIFIED) and drug.drug_class in named


class DrugMatcher:
    """Finds the lexicon's drugs in free text; see the module docstring for the rules."""

    def __init__(
        self,
        drugs: Sequence[Drug],
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        abbreviations: bool = True,
        labelled: bool = False,
    ) -> None:
        """`abbreviations=False` leaves out the short capital abbreviations ("MCP", "HRT"): for
        clinical notes, where capitals name many other things ("MCP joint").  With `labelled`,
        they still count in a list after a medication label ("Medikation: MCP 10 mg 1-1-1":
        medication_lists), read there as the medication column is, and those of one drug
        (drugs.toml note_abbreviations: "MCP seit 3 Tagen", "on the OCP") anywhere."""
        self.drugs = tuple(drugs)
        self._terms = _term_index(self.drugs)
        self._regex = _compile(self.drugs, abbreviations=abbreviations or labelled)
        # the keys of the abbreviations that count only in a labelled list (all but those a
        # note names its drug by: drugs.toml note_abbreviations, "MCP", "OCP")
        self._listed_only = (
            _abbreviation_keys(self.drugs) - _NOTE_ABBREVIATIONS
            if labelled and not abbreviations
            else frozenset()
        )
        self._abbreviations = _abbreviation_keys(self.drugs)
        self._mentions_cached = lru_cache(maxsize=cache_size)(self._mentions_uncached)
        self._mentions_dated = lru_cache(maxsize=cache_size)(self._mentions_as_of)

    def find(self, text: str | None, as_of: tuple[int, int, int] | None = None) -> list[DrugMatch]:
        """One match per distinct drug taken (negated mentions skipped), in order of appearance.
        A class mention ("ISRS", "TCA": an entry named "... (unspecified)") is dropped when a
        named drug of its class is found too ("ISRS (sertralina 50)" is sertraline), or of a
        class within it (drugs.toml [[class]] within: "Antipsychotic: aripiprazole 10 mg" is
        aripiprazole, a D2 partial agonist, not an antipsychotic unspecified).
        ``as_of``: the (year, month, day) of the sample, which an end written as a date ("bis 2017",
        "until 03/2018") is compared with (default: this month)."""
        if not isinstance(text, str) or not text.strip():
            return []
        seen: set[str] = set()
        found: list[DrugMatch] = []
        dated = as_of is not None and reads_a_date(text)
        order = text_dayfirst()
        mentions = (
            self._mentions_dated(text, as_of, order)
            if dated
            else self._mentions_cached(text, order)
        )
        for mention in mentions:
            if mention.negated:
                continue
            if mention.match.drug.name in seen:
                # "risperidone?; ... risperidone 2 mg": a plain mention outweighs a doubtful one
                if not mention.match.doubt:
                    found = [
                        mention.match if m.drug.name == mention.match.drug.name and m.doubt else m
                        for m in found
                    ]
                continue
            seen.add(mention.match.drug.name)
            found.append(mention.match)
        named = named_classes(found)
        return [m for m in found if not class_mention_of(m.drug, named)]

    def mentions(
        self, text: str | None, as_of: tuple[int, int, int] | None = None
    ) -> list[DrugMention]:
        """Every mention of a lexicon term, negated ones included, in order; ``as_of`` as for
        find (a stop or start dated against the sample)."""
        if not isinstance(text, str) or not text.strip():
            return []
        if as_of is not None and reads_a_date(text):
            return list(self._mentions_dated(text, as_of, text_dayfirst()))
        return list(self._mentions_cached(text, text_dayfirst()))

    def _mentions_as_of(
        self, text: str, as_of: tuple[int, int, int], _dayfirst: bool = True
    ) -> tuple[DrugMention, ...]:
        token = _AS_OF.set(as_of)
        try:
            return self._mentions_uncached(text)
        finally:
            _AS_OF.reset(token)

    def _names_a_drug(self, folded: str, start: int, end: int) -> bool:
        """Whether a term found names a drug by its neighbours: a class adjective only next to a
        word of intake (_with_intake), a capital abbreviation not glued to a noun by a hyphen
        (_glued_to_noun)."""
        if _TERM_NOT_DRUG_AFTER.match(folded, end):
            return False
        key = drug_term_key(folded[start:end])
        if key in _CLASS_ADJECTIVES:
            return _with_intake(folded, start, end)
        if key in self._abbreviations:
            return not _glued_to_noun(folded, end) and not _names_no_drug(folded, start, end)
        return True

    def _acts_after_stop(self, folded: str, start: int, end: int) -> str:
        """The thresholds.toml name of how long the drug of the term at start:end still acts
        after its stop (drugs.toml acts_after_stop), "" for the withdrawal days."""
        term = self._terms.get(drug_term_key(folded[start:end]))
        return term[0].acts_after_stop if term is not None else ""

    def _misuse(self, folded: str, start: int, end: int) -> bool:
        """Whether the drug of the term at start:end is one of misuse (drugs.toml misuse)."""
        term = self._terms.get(drug_term_key(folded[start:end]))
        return term is not None and term[0].misuse

    def _switched_to(
        self, text: str, folded: str, spans: list[tuple[int, int]], switched_into: dict[int, int]
    ) -> dict[int, tuple[str, str]]:
        """By the old drug's index, the name of the drug each drug switched to another was
        switched to, and the words after the new one that date the switch, as
        _switched_recently reads them (_negations: an index mapped to itself was switched to the
        drug before it, "aripiprazole instead of risperidone since 19.11.", dated after it)."""
        out: dict[int, tuple[str, str]] = {}
        nexts = [s for s, _ in spans[1:]] + [len(text)]
        for old, new in switched_into.items():
            target = old - 1 if new == old else new
            if target < 0:
                continue
            start, end = spans[target]
            term = self._terms.get(drug_term_key(folded[start:end]))
            if term is None:  # pragma: no cover - a span always names a term
                continue
            after = text[spans[new][1] : nexts[new]]
            after = after[verb.end() :] if (verb := _SWITCH_VERB.match(after)) else after
            out[old] = (term[0].name, after.strip())
        return out

    def _old_drug_until(
        self,
        folded: str,
        terms: list[tuple[int, int]],
        nexts: list[int],
        old: int,
        new: int | None,
    ) -> int | None:
        """Where the words that date the switch of the drug at `old` to the one at `new` end:
        past the mentions of the old drug right after the new one ("switch Xeplion -> Seroquel,
        dernière injection Xeplion le 15/08/2025": its last injection dates its stop); None when
        the next mention names another drug (the words up to it are read)."""
        if new is None or new <= old:
            return None

        def drug_at(index: int) -> str:
            term = self._terms.get(drug_term_key(folded[slice(*terms[index])]))
            return term[0].name if term is not None else ""

        last = new
        while last + 1 < len(terms) and drug_at(last + 1) == drug_at(old):
            last += 1
        return nexts[last] if last > new else None

    def _mentions_uncached(self, text: str, _dayfirst: bool = True) -> tuple[DrugMention, ...]:
        """Every mention in `text` (cached per text and day/month order, `_dayfirst`: the
        run's, text_dayfirst, which the dates written in it are read in)."""
        folded = without_others_pauses(_fold(without_general_statements(text)))
        spans = [(m.start(), m.end()) for m in self._regex.finditer(folded)]
        if spans and self._listed_only:
            spans = _abbreviations_listed(folded, spans, self._listed_only)
        spans = [span for span in spans if self._names_a_drug(folded, *span)]
        if not spans:
            return ()
        # the words read after a term start after a salt or compound glued to it
        # ("Haloperidoltropfen 0-0-0", "Domperidonmaleat: nein"); its key is the term's
        terms = spans
        spans = [(start, _word_end(folded, end)) for start, end in terms]
        listed = negated_list_spans(folded)  # "no antipsychotics, metoclopramide or domperidone"
        # "previously on risperidone, haloperidol", "früher Risperdal, Haldol": a stop before a
        # list of drugs
        stop_lists = stopped_list_spans(folded)
        negated, carriers, switched_into = (
            _negations(
                folded,
                spans,
                listed,
                [self._acts_after_stop(folded, *term) for term in terms],
                stop_lists,
                [self._misuse(folded, *term) for term in terms],
            )
            if listed or stop_lists or _may_negate(folded)
            else ([False] * len(spans), list(range(len(spans))), {})
        )
        stopped = list(negated)
        perhaps: set[int] = set()  # stopped at a time that may be within its acting days
        later: set[int] = set()  # stopped only after the sample: taken at it, not stopped
        if any(negated):  # a drug stopped days ago (a depot: weeks) still acts: still taken
            nexts = [s for s, _ in spans[1:]] + [len(text)]
            acting = [
                _acting(
                    *_stop_item(text, spans, nexts, index, carrier),
                    acting=self._acts_after_stop(folded, *terms[index]),
                )
                if is_negated
                else ""
                for index, (is_negated, carrier) in enumerate(zip(negated, carriers, strict=True))
            ]
            # a drug switched to another: the new one's start is its stop
            acting = [
                state
                or (
                    _switched_recently(
                        text,
                        spans,
                        nexts,
                        index,
                        switched_into.get(index),
                        self._acts_after_stop(folded, *terms[index]),
                        self._old_drug_until(folded, terms, nexts, index, switched_into.get(index)),
                    )
                    if negated[index]
                    else ""
                )
                for index, state in enumerate(acting)
            ]
            perhaps = {index for index, state in enumerate(acting) if state == PERHAPS_ACTING}
            later = {index for index, state in enumerate(acting) if state == STOPPED_LATER}
            negated = [is_negated and not acting[index] for index, is_negated in enumerate(negated)]
        mentions = []
        index_of = {start: index for index, (start, _) in enumerate(terms)}
        switched_to = self._switched_to(text, folded, spans, switched_into)
        for (start, end), is_negated, was_stopped in zip(terms, negated, stopped, strict=True):
            term = self._terms.get(drug_term_key(folded[start:end]))
            if term is None:  # pragma: no cover - a case-folding oddity of exotic scripts
                continue
            drug, via = term
            if via == "generic" and _BARE_LETTER_ANSWER.match(folded, end):
                is_negated = True  # "Methadone N" (a brand's "Briserin N" is its variant)
            if drug.drug_class == "estrogen" and _a_hormone_level(folded, start, end):
                continue  # "Östradiol 20 pg/ml erniedrigt", "low oestradiol": a lab value
            if not _a_brand_as_drug(text, folded, start, end):
                continue  # "Mutter Yasmin", "Dr Maxim Weber", "gastric antra normal"
            doubt = "" if is_negated else _doubt(folded, spans, index_of[start])
            if not is_negated and index_of[start] in perhaps:
                doubt = doubt or "stop_time"  # "Risperdal recently stopped": perhaps acting
            match = DrugMatch(
                drug=drug,
                matched_text=text[start:end],
                via=via,
                doubt=doubt,
                stopped=was_stopped and not is_negated and index_of[start] not in later,
                switched_to=switched_to.get(index_of[start], ("", ""))[0],
                switch_time=switched_to.get(index_of[start], ("", ""))[1],
                for_milk=_for_milk(folded, spans, index_of[start]),
                other_purpose=_other_purpose(folded, spans, index_of[start]),
            )
            mentions.append(DrugMention(match, start, end, is_negated))
        return tuple(_none_taken_after(folded, _replaced_now(folded, mentions)))


_GLUED_WORD: Final = compile_vocabulary(r"[^\W\d_]+")

# A drug written with doubt (drugs.toml [patterns] unconfirmed_before, unconfirmed_after) or taken
# irregularly (irregular_before, irregular_after): still taken, a possible factor whose evidence
# says so.  Before it: right before (an intake word, a pronoun, an article between); after it:
# right after its dose and a bracket, or a clause of its item after a comma that is only that.
# An article between the word and the drug, then the drug (the end of the text before it).
_ARTICLE_BEFORE_DRUG: Final = (
    r"(?:\s*(?:the|der|die|das|dem|den|le|la|les|el|il|lo|de|het|du|des|l\W))?\s*$"
)
_DOUBT_INTAKE: Final = (
    r"(?:\s+(?:she|he|sie|er|elle|il|ella|lei|zij|hij|the\s+patient|patient|pt))?"
    r"(?:\s+(?:is\s+)?(?:on|taking|takes|with|unter|nimmt|mit|sous|prend|avec|toma|con|assume|"
    r"in\s+terapia\s+con|neemt|gebruikt|op|met))?" + _ARTICLE_BEFORE_DRUG
)
_UNCONFIRMED_BEFORE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('unconfirmed_before')}){_DOUBT_INTAKE}",
    re.IGNORECASE,
)
_IRREGULAR_BEFORE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('irregular_before')})" + _ARTICLE_BEFORE_DRUG,
    re.IGNORECASE,
)
_DOSE_AND_BRACKET: Final = (
    r"(?:[\s\d./\-]|(?<=\d),(?=\d))*(?:(?:mg|µg|mcg|ug|ml)\b(?:[\s./\-\d]|(?<=\d),(?=\d))*)?"
    r"[(\[\-–:]?\s*"
)
_UNCONFIRMED_AFTER: Final = compile_vocabulary(
    _DOSE_AND_BRACKET
    + rf"(?:is\s+|was\s+)?(?:{_pattern_alternatives('unconfirmed_after')})(?![^\W\d_])",
    re.IGNORECASE,
)
_IRREGULAR_AFTER: Final = compile_vocabulary(
    _DOSE_AND_BRACKET + rf"(?:{_pattern_alternatives('irregular_after')})(?![^\W\d_])",
    re.IGNORECASE,
)
_IRREGULAR_ALONE: Final = compile_vocabulary(
    rf"\s*(?:{_pattern_alternatives('irregular_after')})\s*[.)\]]*\s*",
    re.IGNORECASE,
)
# "if" and a passing symptom ("bei Übelkeit", "si nausées", "if nauseous"): as needed, after the
# drug or before it (drugs.toml as_needed_if, as_needed_severity, as_needed_symptom)
_IF_SYMPTOM: Final = (
    rf"(?:{_pattern_alternatives('as_needed_if')})"
    rf"(?:(?:{_pattern_alternatives('as_needed_severity')})\s+)?"
    rf"(?:{_pattern_alternatives('as_needed_symptom')}|{_pattern_alternatives('as_needed_state')})"
)
# "If" and an acute state only (drugs.toml as_needed_state: "bei Delir", "bij delier", "if
# confused"): as needed unless a regular schedule is written before it (_REGULAR_SCHEDULE).
_IF_STATE: Final = compile_vocabulary(
    rf"\s*\(?\s*(?:{_pattern_alternatives('as_needed_if')})"
    rf"(?:(?:{_pattern_alternatives('as_needed_severity')})\s+)?"
    rf"(?:{_pattern_alternatives('as_needed_state')})\s*[.)\]]*\s*",
    re.IGNORECASE,
)
# A regular schedule ("1-0-1", "2x daags", "bid": drugs.toml regular_schedule).
_REGULAR_SCHEDULE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('regular_schedule')})(?![^\W\d_])", re.IGNORECASE
)


def _scheduled_state(state: str, before: str) -> bool:
    """Whether ``state`` is only "if" and an acute state (_IF_STATE: "bei Delir") and ``before``
    (the drug's text before it) writes a regular schedule: a regular drug given for that state
    ("Haloperidol 1 mg 1-0-1 bei Delir", "2x daags bij delier"), not one taken as needed."""
    return _IF_STATE.fullmatch(state) is not None and _REGULAR_SCHEDULE.search(before) is not None


_AS_NEEDED_BEFORE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('as_needed_before')}|{_IF_SYMPTOM})"
    + _ARTICLE_BEFORE_DRUG,
    re.IGNORECASE,
)
# As needed after the drug, its dose and its schedule (drugs.toml item_words: "tds prn", "c/8h si
# precisa", "3x/j si besoin", "1 cp x 3/die al bisogno"): searched in the item up to its first
# comma, only schedule words before it (_only_schedule).
_AS_NEEDED_AFTER: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('as_needed_after')}|{_IF_SYMPTOM})(?![^\W\d_])",
    re.IGNORECASE,
)
_AS_NEEDED_ALONE: Final = compile_vocabulary(
    rf"\s*\(?\s*(?:{_pattern_alternatives('as_needed_after')}|{_IF_SYMPTOM})\s*[.)\]]*\s*",
    re.IGNORECASE,
)
# "z.n.", "zn": Dutch "zo nodig" (as needed) or German "zur Nacht" (a regular bedtime dose), read
# by the language of the text (_zo_nodig).
_AS_NEEDED_OR_BEDTIME: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('as_needed_or_bedtime')})(?![^\W\d_])",
    re.IGNORECASE,
)
_AS_NEEDED_OR_BEDTIME_ALONE: Final = compile_vocabulary(
    rf"\s*\(?\s*(?:{_pattern_alternatives('as_needed_or_bedtime')})\s*[.)\]]*\s*",
    re.IGNORECASE,
)
_GERMAN_SCHEDULE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('german_schedule')})(?![^\W\d_])", re.IGNORECASE
)
_DUTCH_SCHEDULE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('dutch_schedule')})(?![^\W\d_])", re.IGNORECASE
)
# The end of an item's first clause: a comma (not a decimal one: "37,5 mg") or a sentence's end
# (a word's full stop before a capital: "Risperdal 2 mg. Bei Übelkeit MCP"; not "z. N.", "b. B.").
_CLAUSE_BREAK: Final = compile_vocabulary(r"(?<!\d),|,(?!\d)|(?<=[^\W\d_]{2})\.\s+(?=[A-Z])")
_SCHEDULE_WORDS: Final = frozenset((*_words("item_words"), *_words("dose_counts")))
# A dose's range of two counts ("one or two", "1 or 2", "ein oder zwei": drugs.toml dose_counts,
# count_or): its "or" is part of the dose; any other "or" joins a second dose (_only_schedule).
_COUNT: Final = rf"(?:(?<![^\W\d_])(?:{_word_alternatives('dose_counts')})(?![^\W\d_])|\d+)"
_COUNT_RANGE: Final = compile_vocabulary(
    rf"(?P<first>{_COUNT})\s+(?:{_word_alternatives('count_or')})\s+(?={_COUNT})", re.IGNORECASE
)
# What is left of "or" before a count once the ranges are read: a second dose ("one daily or two
# when required", "uno al día o dos si precisa"), its as-needed word that dose's only.
_OR_ANOTHER_DOSE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_word_alternatives('count_or')})\s+(?={_COUNT})", re.IGNORECASE
)
_LETTERS: Final = compile_vocabulary(r"[^\W\d_]+")


# A drug's indication before its as-needed word ("for nausea", "gegen Übelkeit", "pour nausées":
# drugs.toml as_needed_for, as_needed_severity, as_needed_symptom): no schedule, yet no other use.
_INDICATION: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('as_needed_for')})\s+"
    rf"(?:(?:{_pattern_alternatives('as_needed_severity')})\s+)?"
    rf"(?:{_pattern_alternatives('as_needed_symptom')}|{_pattern_alternatives('as_needed_state')})"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def _only_schedule(text: str) -> bool:
    """Whether ``text`` (between a drug and an as-needed word) holds only its dose and schedule:
    numbers, signs and drugs.toml item_words ("10 mg c/8h", "10 mg tds", "1 cp x 3/die"), and
    perhaps its indication ("for nausea": _INDICATION)."""
    text = _DOTTED.sub(r"\1\2", _INDICATION.sub(" ", text))  # "e.v.", "i.m.": "ev", "im"
    text = _COUNT_RANGE.sub(r"\g<first> ", _fold(text))  # "one or two": one dose
    if _OR_ANOTHER_DOSE.search(text):
        return False  # "one daily or two when required": a regular dose, one more as needed
    return all(_fold_word(word) in _SCHEDULE_WORDS for word in _LETTERS.findall(text))


# A route abbreviated with dots ("e.v.", "i.m.", "s.c.", "p.o."): one word of item_words.
_DOTTED: Final = compile_vocabulary(r"(?<![^\W\d_])([^\W\d_])\.\s?([^\W\d_])\.(?![^\W\d_])")


# A label of the drugs taken as needed ("Bedarfsmedikation:", "PRN medication:", "Médicaments si
# besoin :", "Terapia al bisogno:": drugs.toml as_needed_label), before its colon.
_AS_NEEDED_LABEL_WORDS: Final = (
    rf"(?:{_pattern_alternatives('as_needed_label')}|"
    rf"{_pattern_alternatives('as_needed_word_label')})"
)
# The as-needed words as a label ("b.B.:", "As needed:", "Si precisa:": drugs.toml
# as_needed_word_label): their list ends at a semicolon too.
_AS_NEEDED_WORD_LABEL: Final = compile_vocabulary(
    rf"(?:{_pattern_alternatives('as_needed_word_label')})\s*:", re.IGNORECASE
)
_AS_NEEDED_LABEL: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_AS_NEEDED_LABEL_WORDS})\s*:(?!\d)", re.IGNORECASE
)
_AS_NEEDED_HEADER: Final = compile_vocabulary(
    rf"\W*(?:{_AS_NEEDED_LABEL_WORDS})[\W_]*", re.IGNORECASE
)
# Where an as-needed label's list ends: its line's end or a sentence's end.
_AS_NEEDED_LIST_END: Final = compile_vocabulary(r"[\n\r|]|\.(?=\s+[A-Z])")


def as_needed_header(header: str) -> bool:
    """Whether a medication column's header says its drugs are taken as needed
    ("Bedarfsmedikation", "PRN medication", "Médicaments si besoin", "Terapia al bisogno (PRN)",
    "Zo nodig medicatie": drugs.toml as_needed_label)."""
    return _AS_NEEDED_HEADER.fullmatch(_fold(header.strip())) is not None


def _in_as_needed_list(text: str, spans: Sequence[tuple[int, int]], start: int) -> bool:
    """Whether the drug starting at `start` is listed after an as-needed label
    ("Bedarfsmedikation: Haldol 5 mg, Tavor 1 mg"): the last such label before it, with no line
    or sentence end and no other label between (a drug named before its colon is no label)."""
    if ":" not in text[:start]:
        return False
    labels = list(_AS_NEEDED_LABEL.finditer(text, 0, start))
    if not labels:
        return False
    begin = labels[-1].end()
    if _AS_NEEDED_LIST_END.search(text, begin, start):
        return False
    if ";" in text[begin:start] and _AS_NEEDED_WORD_LABEL.fullmatch(labels[-1].group()):
        return False  # "b.B.: Paracetamol; Risperidon 1 mg 1-0-1": the label's item only
    starts = {s for s, _ in spans}
    return not any(
        found.start() not in starts for found in _NEXT_LABEL.finditer(text, begin, start)
    )


def _as_needed_after(item: str, whole: str) -> bool:
    """Whether ``item`` (the text after a drug in its own item) says it is taken as needed: an
    as-needed word after its dose and schedule (_AS_NEEDED_AFTER), "z.n." read as "zo nodig"
    (_zo_nodig, ``whole`` the text it is in), or one alone after a comma."""
    clause_break = _CLAUSE_BREAK.search(item)
    first = item[: clause_break.start()] if clause_break else item
    for pattern in (_AS_NEEDED_AFTER, _AS_NEEDED_OR_BEDTIME):
        found = pattern.search(first)
        if (
            found
            and _only_schedule(first[: found.start()])
            and (pattern is _AS_NEEDED_AFTER or _zo_nodig(found.group(), whole))
            and not _scheduled_state(found.group(), first[: found.start()])
        ):
            return True
    for part in item.split(",")[1:]:  # "risperidone, prn"
        if _AS_NEEDED_ALONE.fullmatch(part) and not _scheduled_state(part, first):
            return True
        if _AS_NEEDED_OR_BEDTIME_ALONE.fullmatch(part) and _zo_nodig(part.strip(" ()."), whole):
            return True
    return False


def _zo_nodig(abbreviation: str, whole: str) -> bool:
    """Whether "z.n." (or "zn") in ``whole`` is Dutch "zo nodig" (as needed), not German "zur
    Nacht" (at night, a regular dose): the text's schedule words of one language only
    (drugs.toml dutch_schedule, german_schedule) decide; else the case: Dutch writes "z.n." in
    small letters, German "z.N.".  Unclear ("Z.N." with no such word) is no claim of "as needed"
    (drugs.toml as_needed_or_bedtime says why)."""
    dutch = _DUTCH_SCHEDULE.search(whole) is not None
    german = _GERMAN_SCHEDULE.search(whole) is not None
    if dutch != german:
        return dutch
    return abbreviation.islower()


_UNCONFIRMED_ALONE: Final = compile_vocabulary(
    rf"\s*\(?\s*(?:{_pattern_alternatives('unconfirmed_after')})\s*[.)\]]*\s*",
    re.IGNORECASE,
)


def _doubt(text: str, spans: Sequence[tuple[int, int]], index: int) -> str:
    """Whether the drug at spans[index] of the folded text is written with doubt ("unconfirmed":
    "?risperidone", "poss. on risperidone", "Risperdal (unclear)"), taken irregularly
    ("irregular": "poor compliance with risperidone", "nimmt Risperdal unregelmäßig",
    "risperidone, mauvaise observance", "nimmt es nicht regelmäßig") or as needed ("as_needed":
    "Paspertin bei Bedarf", "PRN metoclopramide"); "" when none.  Only the drug's own item is
    read: from the drug (or list break) before it to the drug (or list break) after it."""
    start, end = spans[index]
    low = spans[index - 1][1] if index else 0
    high = spans[index + 1][0] if index + 1 < len(spans) else len(text)
    breaks = [found.end() for found in _ITEM_END.finditer(text, low, start)]
    before = text[max([low, *breaks]) : start]
    after_break = _ITEM_END.search(text, end, high)
    after = text[end : after_break.start() if after_break else high]
    question = _UNCONFIRMED_AFTER.match(after)
    if question and question.group().endswith("?") and _ANSWER_YES.match(after, question.end()):
        question = None  # "Risperdal? ja, seit 2 Jahren": answered
    clauses = after.split(",")[1:]  # "risperidone, mauvaise observance"
    if (
        _UNCONFIRMED_BEFORE.search(before)
        or question
        or any(_UNCONFIRMED_ALONE.fullmatch(clause) for clause in clauses)
    ):
        return "unconfirmed"
    if (
        _IRREGULAR_BEFORE.search(before)
        or _IRREGULAR_AFTER.match(after)
        or any(_IRREGULAR_ALONE.fullmatch(clause) for clause in clauses)
    ):
        return "irregular"
    if (
        _AS_NEEDED_BEFORE.search(before)
        or _as_needed_after(after, text)
        or _in_as_needed_list(text, spans, start)
    ):
        return "as_needed"
    return ""


# A treatment stopped, paused or tapered off (drugs.toml [patterns] treatment_stopped), not a
# "no", a "never", an allergy nor a plan.
_TREATMENT_STOPPED: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('treatment_stopped')}){_NOT_LETTER_AFTER}",
    re.IGNORECASE,
)


def says_stopped(item: str) -> bool:
    """Whether a medication-list item says its drug was stopped, paused or tapered off
    ("Dostinex pausiert wegen Kinderwunsch", "cabergoline stopped 2019", "Dostinex arrêté"), or
    taken until a past end ("Dostinex bis 01.08.2026", "last dose 2026-08-01": _ended): taken
    before, so what it treated may come back."""
    folded = _fold(item).lower()
    return (
        _TREATMENT_STOPPED.search(folded) is not None
        or _NO_LONGER_TAKEN.search(folded) is not None
        or _STOP_ABBREVIATION.search(folded) is not None
        or _ended(folded)
    )


# The cues before a drug that say it was taken once and no longer is (drugs.toml [words]
# taken_before and past).
_TAKEN_BEFORE: Final = frozenset(_words("taken_before")) | _PAST_CUES


def taken_before(item: str, drug: str) -> bool:
    """Whether a medication-list or note item says before its ``drug`` (the words matched) that
    the drug was taken once and no longer is ("off cabergoline since June", "previously on
    cabergoline", "hx of", "früher Cabergolin", "ancien traitement par cabergoline", "vroeger
    cabergoline": drugs.toml taken_before, past, [patterns] past_time), not that it never was
    (no other negating cue before it: "no previous cabergoline", "never on")."""
    folded = _fold(item).lower()
    at = folded.find(_fold(drug).lower())
    if at < 0:
        return False
    before = folded[:at]
    negating = [cue for cue in _cues(before) if cue in _NEGATING]
    return (bool(negating) or _past_then_on(before)) and all(
        cue in _TAKEN_BEFORE for cue in negating
    )


def no_longer_clause(clause: str) -> bool:
    """Whether a clause after a drug's comma only says it is no longer taken ("ya no la toma",
    "nimmt sie nicht mehr": drugs.toml [patterns] no_longer_taken), perhaps with its time ("ne la
    prend plus depuis 2 jours"): the evidence quotes it with the drug."""
    folded = _fold(clause).lower()
    found = _NO_LONGER_ALONE.match(folded)
    if found is None:
        return False
    rest = folded[found.end() :]
    times = stop_time_spans(rest)  # "ne la prend plus depuis 2 jours": its time too
    if times and not rest[: times[0][0]].strip():
        rest = rest[times[0][1] :]
    return _WORDS_LEFT.search(rest) is None


_NO_LONGER_ALONE: Final = compile_vocabulary(
    rf"\s*(?:{_pattern_alternatives('no_longer_taken')})(?![^\W\d_])"
)
_WORDS_LEFT: Final = compile_vocabulary(r"[^\W_]")


def doubt_clause(clause: str) -> bool:
    """Whether a clause after a drug's comma only says how it is taken: with doubt ("unclear"),
    irregularly ("nimmt es nicht regelmäßig", "poor compliance") or as needed ("bei Bedarf"):
    the evidence quotes it with the drug."""
    folded = _fold(clause).lower()
    alone = (_UNCONFIRMED_ALONE, _IRREGULAR_ALONE, _AS_NEEDED_ALONE, _AS_NEEDED_OR_BEDTIME_ALONE)
    return any(pattern.fullmatch(folded) for pattern in alone)


# A class adjective and the words of intake next to it (drugs.toml [words] class_adjectives,
# intake_nouns): "unter neuroleptischer Therapie", "in terapia antipsicotica" name the drug taken;
# "neuroleptisch bedingte Hyperprolaktinämie", "malignes neuroleptisches Syndrom" do not.
_CLASS_ADJECTIVES: Final = frozenset(drug_term_key(word) for word in _words("class_adjectives"))
_INTAKE_AFTER: Final = compile_vocabulary(
    rf"[\s\-]+(?:{_word_alternatives('intake_nouns')}){_NOT_LETTER_AFTER}", re.IGNORECASE
)
_INTAKE_BEFORE: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('intake_nouns')})\s+$", re.IGNORECASE
)
# A capital abbreviation glued by a hyphen to a word, after any other abbreviations so glued
# ("MCP-Gelenk", "MCP-/MTP-Gelenke"): the word, which names the drug only as a maker or a
# compound's tail ("MCP-ratiopharm", "MCP-Tropfen": drugs.toml abbreviation_makers,
# compound_tail).
_HYPHEN_GLUED: Final = compile_vocabulary(r"\s?-\s?/?\s?(?:[A-Z0-9]{2,5}\s?-\s?/?\s?)*([^\W_]+)")
_GLUED_DRUG_WORDS: Final = frozenset(
    _fold_word(word) for word in (*_words("abbreviation_makers"), *_words("compound_tail"))
)


# The capital abbreviations a note names its drug by, anywhere in it (drugs.toml [words]
# note_abbreviations: "MCP seit 3 Tagen", "on the OCP"); the others only in a labelled list.
_NOTE_ABBREVIATIONS: Final = frozenset(
    drug_term_key(word) for word in _VOCABULARY.words["note_abbreviations"]
)
# The words right after or right before a capital abbreviation that make it a joint or a drug
# screen's analyte ("MCP joint", "MCP II", "right MCP", "COC neg", "THC, COC"): drugs.toml
# [patterns] abbreviation_not_drug_after, abbreviation_not_drug_before.
_NOT_DRUG_AFTER: Final = compile_vocabulary(
    rf"\s*(?:{_pattern_alternatives('abbreviation_not_drug_after')})", re.IGNORECASE
)
_NOT_DRUG_BEFORE: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('abbreviation_not_drug_before')})",
    re.IGNORECASE,
)
# Right after any term: its receptor or its opposite ("dopamine antagonist", "dopamine receptor"):
# [patterns] term_not_drug_after.
_TERM_NOT_DRUG_AFTER: Final = compile_vocabulary(
    rf"(?:{_pattern_alternatives('term_not_drug_after')})", re.IGNORECASE
)
# How far before an abbreviation _NOT_DRUG_BEFORE looks (a screen's line: "UDS: THC pos, COC").
_NOT_DRUG_BEFORE_WINDOW: Final = 80


def _names_no_drug(text: str, start: int, end: int) -> bool:
    """Whether the words next to a capital abbreviation make it something else than its drug:
    a joint ("MCP joint", "MCP II-V", "MCP re.", "swollen MCP") or a drug screen's analyte ("COC
    neg", "Drogenscreening: THC, COC")."""
    if _NOT_DRUG_AFTER.match(text, end):
        return True
    line_start = max(text.rfind("\n", 0, start) + 1, start - _NOT_DRUG_BEFORE_WINDOW)
    return _NOT_DRUG_BEFORE.search(text, line_start, start) is not None


def _with_intake(text: str, start: int, end: int) -> bool:
    """Whether a word of intake stands right after or right before a class adjective."""
    return bool(
        _INTAKE_AFTER.match(text, end) or _INTAKE_BEFORE.search(text[max(0, start - 40) : start])
    )


def _glued_to_noun(text: str, end: int) -> bool:
    """Whether a capital abbreviation ending at `end` is glued by a hyphen to a word that is no
    maker nor a compound's tail ("MCP-Gelenk", "MCP-Arthrodese")."""
    found = _HYPHEN_GLUED.match(text, end)
    return found is not None and _fold_word(found.group(1)) not in _GLUED_DRUG_WORDS


def _word_end(text: str, end: int) -> int:
    """Where the word a term ending at `end` is glued to ends (`end` when none is)."""
    found = _GLUED_WORD.match(text, end)
    return found.end() if found else end


def _switched_recently(
    text: str,
    spans: list[tuple[int, int]],
    nexts: list[int],
    index: int,
    new: int | None,
    acting: str = "",
    until: int | None = None,
) -> str:
    """A drug switched to the one at `new` ("risperidone replaced by aripiprazole on
    2026-11-19", "switched from risperidone to aripiprazole 2 days ago", "Haldol -> Abilify seit
    2 Tagen", "Haldol -> Abilify seit 18.11.", "seit 11/2026"): the time written after the new
    drug (its start) is the old one's stop, read as a stop is (_acting: surely or perhaps still
    acting, or stopped only after the sample; "" when not acting).  ``until``: where the words
    read after the new drug end, past later mentions of the old drug that date its last dose
    ("switch Xeplion -> Seroquel, dernière injection Xeplion le 15/08/2025"; default: the next
    mention)."""
    if new is None:
        return ""
    start, end = spans[index]
    after = text[spans[new][1] : nexts[new] if until is None else until]
    after = after[verb.end() :] if (verb := _SWITCH_VERB.match(after)) else after
    item = f"{text[start:end]} stopped {after}"
    return _acting(item, 0, len(item), acting=acting)


def _stop_item(
    text: str, spans: list[tuple[int, int]], nexts: list[int], index: int, carrier: int
) -> tuple[str, int, int]:
    """The text, start and end _still_acting reads for a mention: its own item; for a drug of a
    list stopped together ("Xeplion, Haldol: gestoppt vor 3 Wochen"), its name followed by the
    words after the list's last drug ("Xeplion: gestoppt vor 3 Wochen")."""
    if carrier == index:
        return text, spans[index][0], nexts[index]
    start, end = spans[index]
    item = text[start:end] + text[spans[carrier][1] : nexts[carrier]]
    return item, 0, len(item)


# A drug right before "now" and another drug ("prolactin rise on risperidone, now on
# aripiprazole", "Galaktorrhoe unter Haldol, jetzt Abilify"): drugs.toml [words] now_switch,
# now_also.
_NOW_SWITCH: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('now_switch')})"
    r"\s*(?:(?:the|der|die|das|dem|den|la|le|l\W|el|il|lo|de|het)\s*)?$"
)
_NOW_ALSO: Final = compile_vocabulary(_word_set_pattern(_words("now_also")))


def _replaced_now(text: str, mentions: list[DrugMention]) -> list[DrugMention]:
    """A drug that raises prolactin, named in a clause before "now" and another drug taken ("on
    risperidone, now on aripiprazole"), is replaced by it: not taken.  Not when the other is
    added ("now also"), nor across a list break; a drug that lowers prolactin stays (it may
    mask a prolactinoma)."""
    out = list(mentions)
    for index in range(1, len(out)):
        old, new = out[index - 1], out[index]
        if old.negated or new.negated or old.match.drug.effect != "raises":
            continue
        if old.match.drug.name == new.match.drug.name:
            continue
        between = text[old.end : new.start].lower()
        if _LIST_BREAK.search(between) or _NOW_ALSO.search(between):
            continue
        if _NOW_ALSO.search(_added_after(text, mentions, index)):
            continue  # "now aripiprazole 5 mg added", "jetzt Abilify dazu", "as add-on"
        if _NOW_SWITCH.search(between) and not _planned_switch(text, old.start, new.end):
            switched = replace(old.match, switched_to=new.match.drug.name, switch_time="")
            out[index - 1] = DrugMention(switched, old.start, old.end, True)
    return out


# The patient takes no medicines now, after a drug (drugs.toml [patterns] none_now), unless a
# word before it says "other", "else" ("sonst keine Medikamente", "otherwise no medications").
_NONE_NOW: Final = compile_vocabulary(rf"\b(?:{_pattern_alternatives('none_now')})", re.IGNORECASE)
_OTHER_BEFORE: Final = compile_vocabulary(
    r"\b(?:sonst|ansonsten|otherwise|else|besides|sinon|autrement|por\s+lo\s+dem[aá]s|"
    r"altrimenti|per\s+il\s+resto|verder|overigens|anders)\W*$",
    re.IGNORECASE,
)


def _none_taken_after(text: str, mentions: list[DrugMention]) -> list[DrugMention]:
    """A drug named without a dose, followed in its text by a statement that no medicines are
    taken ("vorherige Risperidontherapie, jetzt keine Medikamente", "Risperidontherapie, keine
    Medikamente"), is not taken: the statement of the patient's medicines now wins over a name.
    Not "Risperdal 2 mg, sonst keine Medikamente", nor "no other medications"."""
    if not mentions or not _NONE_NOW.search(text, mentions[0].end):
        return mentions
    out = list(mentions)
    for index, mention in enumerate(out):
        if mention.negated or _DOSE_AFTER.match(text, _word_end(text, mention.end)):
            continue
        found = _NONE_NOW.search(text, mention.end)
        if found is not None and not _OTHER_BEFORE.search(text, 0, found.start()):
            out[index] = DrugMention(mention.match, mention.start, mention.end, True)
    return out


# Where the words after a drug that say it was added stop: a clause's end, a list's break
_ADDED_END: Final = compile_vocabulary(r"[;|\n\r•,.]")


def _added_after(text: str, mentions: list[DrugMention], index: int) -> str:
    """The words after mention `index` in its clause, up to the next mention ("aripiprazole 5 mg
    added", "Abilify zusätzlich", "aripiprazole as add-on", "Abilify augmentation")."""
    until = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
    found = _ADDED_END.search(text, mentions[index].end, until)
    return text[mentions[index].end : found.start() if found else until].lower()


# A brand that is also a given name or an ordinary word (drugs.toml [words] name_brands,
# word_brands), the words for a person or a title before a name (person) and the words that make
# it a medicine (brand_context, or a dose or schedule after it: "Yasmin 1-0-0", "Antra 20 mg").
_NAME_BRANDS: Final = frozenset(drug_term_key(word) for word in _words("name_brands"))
_WORD_BRANDS: Final = frozenset(drug_term_key(word) for word in _words("word_brands"))
_DOSE_BRANDS: Final = frozenset(drug_term_key(word) for word in _words("dose_brands"))
_PERSON_WORDS: Final = frozenset(_words("person"))
_BRAND_CONTEXT: Final = frozenset(_words("brand_context"))
_DOSE_AFTER: Final = compile_vocabulary(
    rf"[\s:(\-]*(?:{_DOSE_UNIT_TEXT}|\d\s*[-–/]\s*\d\s*[-–/]\s*\d)", re.IGNORECASE
)

# A bare dose after a dose-brand: a number, then a schedule ("q2w", "every 2 weeks", "/2
# Wochen", "alle 14 Tage") or the item's end ("Consta 37.5 q2w", "Consta 50").
_NUMBER_AFTER: Final = compile_vocabulary(
    r"[\s:(\-]*\d+(?:[.,]\d+)?\s*(?:$|[;,)+]|q\s?\d|/|x\s?\d|every|alle|toutes|tous|cada|ogni|elke)",
    re.IGNORECASE,
)


def _a_brand_as_drug(text: str, folded: str, start: int, end: int) -> bool:
    """Whether a mention names a drug: a name-brand right after a person's word or a title
    ("Mutter Yasmin", "sister Jasmine", "Dr Maxim Weber") and a word-brand ("gastric antra normal")
    do only with a medication word before them or a dose after them ("Pille Yasmin", "Yasmin
    1-0-0"); a word-brand written with a capital ("Antra") is a drug too.  A dose-brand
    ("Consta") is a drug only with a dose after it (_DOSE_AFTER, _NUMBER_AFTER)."""
    key = drug_term_key(folded[start:end])
    if key in _DOSE_BRANDS:  # "Consta 37.5 q2w", never "no consta" (not recorded)
        return bool(_DOSE_AFTER.match(folded, end) or _NUMBER_AFTER.match(folded, end))
    if key not in _NAME_BRANDS and key not in _WORD_BRANDS:
        return True
    before = [_fold_word(word) for word in _WORD.findall(folded[max(0, start - 60) : start])]
    if _BRAND_CONTEXT.intersection(before[-2:]) or _DOSE_AFTER.match(folded, end):
        return True
    if key in _NAME_BRANDS:
        return not before or before[-1] not in _PERSON_WORDS
    return text[start : start + 1].isupper()


# An oestrogen named as a hormone measured or lacking, not as a medicine: a level after it
# ("Östradiol 20 pg/ml", "estradiol: 35 pmol/l"), a finding word after it ("oestradiol bas",
# "estrogen deficiency", "estrogen receptor positive", "Östradiol erniedrigt"), or a level word
# before it ("low oestradiol", "niedriges Östradiol", "taux d'oestradiol").
_HORMONE_AFTER: Final = compile_vocabulary(
    r"[\s:=-]*(?:(?:[<>]\s*)?\d+(?:[.,]\d+)?\s*(?:pg|pmol|ng/l|nmol)"
    r"|(?:receptors?|rezeptor\w*|recepteurs?|receptores?|recettor[ei]|deficiency|defizit|mangel"
    r"|deficit|deficiencia|carenza|tekort|erniedrigt|niedrig|bas|basse|bajos?|bajas?|bass[oa]|laag"
    r"|spiegel|levels?|werte?|taux|valor|valore|erhoht|eleve|elevad[oa]|elevat[oa]|verhoogd)\b)",
    re.IGNORECASE,
)
_HORMONE_BEFORE: Final = compile_vocabulary(
    r"(?:\blow|\bhigh|\braised|\belevated|\bserum|\bplasma|\bniedrige[snr]?|\berniedrigte[snr]?"
    r"|\bhohe[snr]?|\bfaible|\btaux\s+d.|\bdosage\s+d.|\bnivel(?:es)?\s+de|\blivell[oi]\s+di"
    r"|\b(?:er|re)?\s*-?\s*positive?|\bER\+?|\bhormone?\s+receptor)\s*$",
    re.IGNORECASE,
)


def _a_hormone_level(text: str, start: int, end: int) -> bool:
    return bool(
        _HORMONE_AFTER.match(text, end) or _HORMONE_BEFORE.search(text[max(0, start - 24) : start])
    )


_MATCHERS_KEPT: Final = 8  # lexicons (run's, tests', a --drugs file's) whose matchers are kept

# The matchers of the lexicon tuples asked for lately, by the tuple's identity (each kept with
# its tuple, so that no other takes its id): the rules ask per decision, and hashing a whole
# lexicon (a tuple of ~160 drugs) for the value-keyed cache below each time costs more than the
# rule (a bounded dict: emptied when full).
_MATCHER_OF: dict[tuple[int, bool, bool], tuple[tuple[Drug, ...], DrugMatcher]] = {}


def drug_matcher(
    drugs: tuple[Drug, ...], *, abbreviations: bool = True, labelled: bool = False
) -> DrugMatcher:
    """A shared matcher for a lexicon (built once: compiling the regex takes a few ms)."""
    key = (id(drugs), abbreviations, labelled)
    found = _MATCHER_OF.get(key)
    if found is not None and found[0] is drugs:
        return found[1]
    matcher = _drug_matcher(drugs, abbreviations, labelled)
    if len(_MATCHER_OF) >= _MATCHERS_KEPT:
        _MATCHER_OF.clear()
    _MATCHER_OF[key] = (drugs, matcher)
    return matcher


@lru_cache(maxsize=_MATCHERS_KEPT)
def _drug_matcher(drugs: tuple[Drug, ...], abbreviations: bool, labelled: bool) -> DrugMatcher:
    return DrugMatcher(drugs, abbreviations=abbreviations, labelled=labelled)


# ============================================================= medication lists inside a note ==
# A label that opens a list of the medicines taken ("Medikation:", "Med:", "Traitement :", "TTT
# habituel :", "Tratamiento:", "Terapia:", "Medicatie:"): drugs.toml [patterns] medication_label,
# matched in the folded text (no accents) at a word start, before a colon.
_MEDICATION_LABEL: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:(?P<plan>{_pattern_alternatives('plan_label')})|"
    rf"{_pattern_alternatives('medication_label')})\s*:(?!\d)",
    re.IGNORECASE,
)
# A bare plan word ("Therapie:", "Treatment:", "Rx:": drugs.toml plan_label) opens a medication
# list only when the list gives a dose ("Therapie: MST 30 mg"; "Therapie: Infiltration MCP-Gelenk",
# "Rx: CT head, MST later" list none).
_LISTED_DOSE: Final = compile_vocabulary(_DOSE_UNIT_TEXT, re.IGNORECASE)
# Where a labelled list ends: its line's end, a sentence's end (not the dot of a dosage
# abbreviation: "MCP 10 mg Tbl. 1-1-1"), or a closing bracket (one it did not open: see
# medication_lists).
_LIST_END: Final = compile_vocabulary(
    rf"[\n\r|]|\.(?=\s|$){_NOT_AN_ABBREVIATION}|\)", re.IGNORECASE
)
# A label alone on its line: its list is the lines below it, up to a blank line.
_LIST_BELOW: Final = compile_vocabulary(r"[ \t]*\r?\n")
_BLANK_LINE: Final = compile_vocabulary(r"\n[ \t]*(?:\r?\n|$)")
# The next label ("Allergien:", "Diagnose:", "Befund:"): a word with a small letter before a colon.
_NEXT_LABEL: Final = compile_vocabulary(r"(?<![^\W\d_])[^\W\d_]*[^\W\d_A-Z][^\W\d_]*\s*:(?!\s*\d)")


# A medication list that tells nothing ("unbekannt", "not known", "see attached list", "?"):
# drugs.toml [patterns] medication_unknown, the whole list but its punctuation.
_UNKNOWN_LIST: Final = compile_vocabulary(
    rf"[\s.,;:!()\[\]]*(?:{_pattern_alternatives('medication_unknown')})[\s.,;:!()\[\]]*",
    re.IGNORECASE,
)


def gives_medications(listed: str) -> bool:
    """Whether the text of a medication list gives the medications: a drug, another word, or a
    "none"; not when it is empty or says they are unknown ("Medikation: unbekannt", "Meds: not
    known", "Medication: see attached list", "Med: ?")."""
    return bool(listed.strip()) and _UNKNOWN_LIST.fullmatch(_fold(listed)) is None


def medication_lists(text: str, spans: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The parts of a note that list the medicines taken: each starts after a medication label
    (_MEDICATION_LABEL) and ends at the end of its line or sentence, a closing bracket it did not
    open, or the next label ("Medikation: MCP 10 mg 1-1-1, Pantozol. Befund: ...", "Med: MCP;
    Allergien: keine"; a drug named before a colon, one of ``spans``, is no label).  A label of
    stopped or past drugs ("previous medication:", "Stopped meds:") opens none: the matcher's
    negation reads it (_NEGATED_LABEL)."""
    if ":" not in text:
        return []
    folded = _fold(text)
    stopped = {found.end() for found in _NEGATED_LABEL.finditer(folded)}
    starts = {start for start, _ in spans}
    lists: list[tuple[int, int]] = []
    for label in _MEDICATION_LABEL.finditer(folded):
        if label.end() in stopped or (lists and label.start() < lists[-1][1]):
            continue
        begin, end = label.end(), len(text)
        below = _LIST_BELOW.match(folded, begin)
        if below is not None:  # "Medikation:\n- MCP 10 mg\n- Pantozol": the lines below it
            blank = _BLANK_LINE.search(folded, below.end())
            end = blank.start() if blank else len(text)
        for found in _LIST_END.finditer(folded, begin, end if below else len(text)):
            if below is not None and found.group() in "\n\r":
                continue
            at = found.start()
            if found.group() == ")" and folded.count("(", begin, at) > folded.count(")", begin, at):
                continue  # "MCP (10 mg) 1-1-1": a bracket of the list's own
            end = at
            break
        for found in _NEXT_LABEL.finditer(folded, begin, end):
            if found.start() not in starts:
                end = found.start()
                break
        if label.group("plan") is not None and not _LISTED_DOSE.search(folded, begin, end):
            continue
        lists.append((begin, end))
    return lists


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
        named = {
            "generic": (drug.name,),
            "synonym": (*drug.synonyms, *_full_atc(drug)),
            "brand": drug.brands,
        }
        for via in _VIA_ORDER:
            for term in named[via]:
                index.setdefault(drug_term_key(_fold(term)), (drug, via))
    return index


_FULL_ATC: Final = compile_vocabulary(r"[A-Z]\d\d[A-Z]{2}\d\d")


def _full_atc(drug: Drug) -> tuple[str, ...]:
    """The drug's full (7-character) ATC codes, matched as written in a list ("N05AX08 2 mg",
    "ATC N05AL05"); a class code (N05A) names no drug."""
    return tuple(code for code in drug.atc if _FULL_ATC.fullmatch(code))


def _term_words(term: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(term).casefold())


def _compile(drugs: Sequence[Drug], *, abbreviations: bool = True) -> re.Pattern[str]:
    """One regex for every term: a case-insensitive trie plus the short case-sensitive terms
    (left out with `abbreviations=False`)."""
    trie: dict[str, object] = {}
    exact: set[str] = set()
    for drug in drugs:
        for term in (drug.name, *drug.synonyms, *drug.brands, *_full_atc(drug)):
            if _case_sensitive(term):
                if abbreviations:
                    exact.add(_fold(term).strip())
            else:
                _trie_add(trie, _SEP_MARK.join(_term_words(term)))
    branches = [_trie_pattern(trie, "") + _TERM_END] if trie else []
    for term in sorted(exact, key=lambda t: (-len(t), t)):  # one pattern text every run
        words = _INNER_SEPARATOR.join(re.escape(word) for word in re.findall(r"[^\W_]+", term))
        branches.append(f"(?-i:{words}){_tail(term[-1])}")
    return compile_vocabulary(f"{_NOT_LETTER_BEFORE}(?:{'|'.join(branches)})", re.IGNORECASE)


def _case_sensitive(term: str) -> bool:
    """Short terms ("EE") and short capital abbreviations ("MCP", "PP1M") match as written."""
    key = drug_term_key(term)
    if len(key) < CASE_SENSITIVE_BELOW:
        return True
    letters = re.sub(r"[\W\d_]+", "", term)
    return len(key) <= CASE_SENSITIVE_CAPITALS_UPTO and letters.isupper()


def _abbreviation_keys(drugs: Sequence[Drug]) -> frozenset[str]:
    """The term keys of the case-sensitive terms ("MCP", "OCP") that no other term shares."""
    exact: set[str] = set()
    other: set[str] = set()
    for drug in drugs:
        for term in (drug.name, *drug.synonyms, *drug.brands, *_full_atc(drug)):
            (exact if _case_sensitive(term) else other).add(drug_term_key(_fold(term)))
    return frozenset(exact - other)


def _abbreviations_listed(
    text: str, spans: list[tuple[int, int]], keys: frozenset[str]
) -> list[tuple[int, int]]:
    """`spans` less the abbreviations (`keys`) outside a labelled medication list of `text`
    (medication_lists): a note's "MCP joint" is no drug, its "Medikation: MCP 10 mg" is."""
    abbreviated = {span for span in spans if drug_term_key(text[span[0] : span[1]]) in keys}
    if not abbreviated:
        return spans
    lists = medication_lists(text, spans)
    return [span for span in spans if span not in abbreviated or inside(lists, span[0])]


def _trie_add(trie: dict[str, object], key: str) -> None:
    node = trie
    for char in key:
        child = node.setdefault(char, {})
        assert isinstance(child, dict)
        node = child
    node[_END_MARK] = True


def _tail(last: str) -> str:
    """After a term: no letter (and no digit either when the term ends with a digit); a salt
    written as one word with it ("Metoclopramidhydrochlorid", "zuclopentixoldecanoaat",
    "Domperidonmaleat") still names the drug."""
    if last.isdigit():
        return _NOT_ALNUM_AFTER
    glued = rf"(?:{_SALT_GLUED}|{_COMPOUND_GLUED})"
    return rf"(?:{_NOT_LETTER_AFTER}|(?={glued}{_NOT_LETTER_AFTER}))"  # the cheap test first


# looked ahead at, not matched: the term's own letters name the drug
# The second part of a German or Dutch compound whose first part is the term ("Haloperidoltropfen",
# "Risperidontherapie", "Neuroleptikatherapie", "antipsychoticagebruik"): drugs.toml compound_tail,
# whole words only.
_COMPOUND_GLUED: Final = rf"(?:{_word_alternatives('compound_tail')})"
_SALT_GLUED: Final = (
    r"(?:(?:di)?hydrochlori[dt]e?|hydrogenmaleat|maleaa?te?|decanoa?a?te?|palmitaa?te?|"
    r"enanthate?|mesylate?|mesilate?|tartraa?te?|fumaraa?te?|hydrobromide?|citraa?te?|"
    r"sulfaa?te?|phosphaa?te?|embonate?|pamoate?)"
)


# _tail once after the whole trie, for every term: the term's last character is the one before
# the position it is tested at.  A term that fails it gives way to a shorter one by backtracking,
# as a tail at each of the trie's ends would, in a pattern a tenth the size (~0.75 s less to
# compile per matcher).
_TERM_END: Final = rf"(?:(?<=\d){_tail('0')}|(?<!\d){_tail('a')})"


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
        branches.append("")  # last: longer terms are tried first; _TERM_END follows the trie
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# =================================================================================== negation ==
def _negations(
    text: str,
    spans: list[tuple[int, int]],
    listed: Sequence[tuple[int, int]] = (),
    acting: Sequence[str] = (),
    stop_lists: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    misused: Sequence[bool] = (),
) -> tuple[list[bool], list[int], dict[int, int]]:
    """For each mention, whether its clause says the drug is not being taken; the mention
    whose words decide that (itself, or the last drug of a list a stop after it ends: "Risperidon,
    MCP: abgesetzt 2022").  `listed`: the parts of the text a negation before a list covers ("no
    antipsychotics, metoclopramide or domperidone": triage.negated_lists), where a drug is not
    taken unless an affirming word is right before it.  Third: each drug switched to another, the
    index of the mention whose words after it give the switch's time (_switched_recently).
    `acting`: per mention, the thresholds.toml name of the days its drug acts after a stop
    (drugs.toml acts_after_stop; "": the withdrawal days), within which a last dose written with
    its date is the latest of a drug taken (_dated_end_passed).  `stop_lists`: (first item, the
    rest) of each list a stop or a past opens (triage.negated_lists.stopped_list_spans: "früher
    Risperdal, Haldol"); a drug in the rest is not taken, as in a negated list, when the stop
    before the list said so of a drug in its first item.  `misused`: per mention, whether its
    drug is one of misuse (drugs.toml misuse), which abstinence after it ends."""
    written = text  # as written: the capitals of "KI:", "CI:"
    lowered = text.lower()
    if len(lowered) == len(text):  # positions stay valid (always, for folded text)
        text = lowered
    # "(früher 4 mg)", "2 mg, previously 4 mg": an earlier dose of a drug still taken, not a stop
    text = _without_earlier_doses(text, spans)
    # "Risperdal 2 mg due to be stopped", "soll abgesetzt werden": a stop only planned, no stop
    planned = [found.start() for found in _PLANNED_STOP.finditer(text)]
    text = _PLANNED_STOP.sub(lambda found: " " * len(found.group()), text)
    # "cabergolina, ya no la toma", "Dostinex, nimmt sie nicht mehr": a stop after the drug
    text = _no_longer_as_stop(text)
    # "Haldol, Risperdal (both stopped)": the stop of the last drug, said of the list too
    text, list_stops = _list_stops(text)
    labelled = (
        _negated_regions(text, written, spans)
        + _general_regions(text, spans)
        + _negative_screen_regions(text)
    )
    bounds = [(m.start(), m.end()) for m in _CLAUSE_END.finditer(text)]
    result: list[bool] = []
    stopped_after: list[bool] = []  # a stop written after the drug
    stopped_before: list[bool] = []  # a stop written before the drug
    switched_into: dict[int, int] = {}  # an old drug -> the new one it was switched to
    previous_end = -1
    previous_pre = previous_switched_to = previous_substituted = previous_switched_away = False
    for index, (start, end) in enumerate(spans):
        clause_start = max([0] + [b_end for b_start, b_end in bounds if b_start < start])
        clause_end = min([len(text)] + [b_start for b_start, _ in bounds if b_start >= end])
        same_clause = previous_end >= clause_start
        # "Haldol -> aripiprazole", "Haldol, switched to aripiprazole": the first is gone once
        # the second is taken ("Risperdal (-> Abilify geplant)": not yet)
        switched = bool(index) and not same_clause and _switched_into(text[previous_end:start])
        before = text[previous_end if same_clause else clause_start : start]
        pre_part, joined = before, False
        if same_clause and not _INSTEAD_OF.search(before):  # its "of", "en", "in": no "or"
            first_start = spans[index - 1][0]
            connector = _CONNECTOR.search(before)
            if connector:
                pre_part, joined = before[connector.end() :], True
                if _has_cue(before[: connector.start()], _POST_NEGATING):
                    result[-1] = True
            elif _planned_switch(text, first_start, end):
                pass  # "switch risperidone to aripiprazole next month": still on risperidone
            elif previous_substituted and _SUBSTITUTED_JOIN.fullmatch(before):
                pass  # "substituted aripiprazole for risperidone": the second is the old one
            elif (
                _has_cue(before, _REPLACED | _SWITCHED_TO)
                or _ARROW.search(before)
                # "Risperidon wurde auf Aripiprazol umgestellt"
                or (_SWITCH_BETWEEN.search(before) and _SWITCH_VERB.match(text, end, clause_end))
                # "relais Risperdal par Abilify", "Umstellung X auf Y", "cambio de tratamiento: X
                # por Y"
                or (_SWITCH_JOIN.match(before) and _SWITCH_OPEN.search(text, 0, first_start))
            ):
                result[-1] = True  # "risperidone replaced by aripiprazole": the first is gone
                switched_into[index - 1] = index
            elif previous_switched_away and previous_pre and _SWITCH_JOIN.match(before):
                switched_into[index - 1] = index  # "umgestellt von Risperidon auf Abilify"
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        # "stopped haloperidol instead of risperidone": the one kept instead of a stopped one
        kept = same_clause and previous_pre and bool(_INSTEAD_OF.search(pre_part))
        past = _past_then_on(pre_part)
        # "switched to aripiprazole from risperidone": the one after "from" is the old one
        switched_from = same_clause and (
            (previous_switched_to and _SWITCHED_FROM.fullmatch(before) is not None)
            or (previous_substituted and _SUBSTITUTED_JOIN.fullmatch(before) is not None)
        )
        pre = (
            True
            if _NOT_YET.search(pre_part)
            or switched_from
            or _other_persons(text, clause_start, start, end, clause_end)
            or _before_its_start(text, pre_part, end, clause_start, clause_end)
            or _END_OF.search(pre_part)
            or _POST_PREFIX.search(pre_part)
            or _NO_MORE.search(pre_part)
            or (_INSTEAD_OF.search(pre_part) and not kept)
            or past
            or (not same_clause and _ended_before(pre_part))
            else _last_cue_negates(pre_part)
        )
        if kept or (
            pre
            and (past or _last_cue(pre_part) in _PAST_CUES)
            and _continued_after(text, end, next_start, bounds)
        ):
            pre = False
        elif pre and _continued_after(text, end, next_start, bounds, _NOW_TAKEN_AFTER):
            # "non è mai stata in terapia con risperidone prima di marzo, ora sì": taken now
            pre = False
        pre_negated = pre if pre is not None else (joined and previous_pre)
        if switched_from or (_INSTEAD_OF.search(pre_part) and not kept):
            switched_into[index] = index  # "... instead of risperidone since 19.11.": its stop
        # "Risperdal 2 mg and ramipril stopped": the stop after another item is that item's
        other = _other_item(text, end, clause_end)
        drug = text[start:end]
        if other is not None and (
            _post_stop(text[end:other]) or _ended(text[end:other], drug=drug)
        ):
            other = None  # stopped or ended before the other item: "… jusqu'à il y a 3 …"
        own_end = clause_end if other is None else other
        lasts = _threshold(acting[index]) if index < len(acting) and acting[index] else None
        post_negated = (
            next_start >= clause_end
            and (
                _post_stop(_before_label(text, end, clause_end)[: own_end - end])
                # "started methadone in the 90s": the period is when it started, not when taken
                or _ended(
                    text[end:own_end],
                    lasts,
                    started=_START_BEFORE.search(pre_part) is not None,
                    drug=drug,
                )
                # "dernière injection Xeplion le 15/08/2025", "letzte Gabe MCP vor 3 Monaten":
                # the last dose written before the drug, its time after it
                or _ended_after_last_dose(pre_part, text[end:own_end], lasts, drug)
                or _started_after_sample(text[end:own_end])
                # "tras la analítica se prescribe Haloperidol", "se pauta Primperan tras la
                # extracción": the phrase or its start word before the drug (a start word
                # needed: "nach Befund weiter Risperdal" is taken)
                or _start_after_sample_written(pre_part + " " + text[end:own_end])
                # "(Acute) Issued: 03-Jan-2025": an issue date may stand past a colon
                or _issue_lapsed(text[end : _item_end(text, end, next_start)], lasts, drug)
                or (
                    _START_BEFORE.search(pre_part) is not None
                    and _started_after_sample("started " + text[end:own_end])
                )
                or (other is None and _stopped_next(text, clause_end, bounds, next_start, lasts))
            )
        )
        in_label = any(low <= start < high for low, high in labelled)
        answered_no = (
            _ANSWER_AFTER.match(text, end) is not None
            # "Neuroleptika: Ø", "MCP Ø", "Haldol (-)", "Risperdal: -"; not "Risperdal -"
            or absent_after(text, end, bare_dash=False)
            or _ZERO_DOSE.match(text, end) is not None
            # "will stop risperidone next week": the stop is planned, not the start
            or (_proposed_after(text, end) and not any(clause_start <= p < start for p in planned))
            or _PAST_ALONE_AFTER.match(text, end, clause_end) is not None
            or _FREE_AFTER.match(text, end, clause_end) is not None
            or _abstinent_after(text, end, index < len(misused) and misused[index])
        )
        in_list = pre is not False and (
            inside(listed, start)
            or any(
                inside((rest,), start)
                and any(stopped_before[i] and inside((first,), spans[i][0]) for i in range(index))
                for first, rest in stop_lists
            )
        )
        # "Absetzen von Risperdal geplant": its stop planned, taken now
        planned_stop = bool(_STOP_NOUN.search(pre_part)) and bool(
            _PLAN_WORDS.search(text, end, clause_end)
        )
        result.append(
            not planned_stop and (pre_negated or post_negated or in_label or answered_no or in_list)
        )
        stopped_after.append(post_negated)
        stopped_before.append(bool(pre_negated) or in_list)
        if switched and not result[-1] and not _planned_switch(text, spans[index - 1][0], end):
            result[-2] = True
            switched_into[index - 1] = index
        previous_end, previous_pre = end, pre_negated
        previous_switched_to = _last_cue(pre_part) in _SWITCHED_TO
        previous_switched_away = _last_cue(pre_part) in _SWITCHED_AWAY
        previous_substituted = _SUBSTITUTED.search(pre_part) is not None
    reach = _list_stop_reach(text, spans, list_stops)
    return result, _stopped_lists(text, spans, result, stopped_after, reach), switched_into


def _abstinent_after(text: str, end: int, misuse: bool) -> bool:
    """The drug ending at `end` is followed right after by its treatment's end (_ENDED_AFTER) or,
    a drug of `misuse`, by abstinence from it (_ABSTINENT_AFTER) whose word takes no object of
    its own ("heroin: abstinent since 2019", "heroin in remission"; not "heroin, clean urine" nor
    "abstinent from alcohol": _own_object; not "Cabergolin in Remission": a prescribed drug)."""
    found = _ENDED_AFTER.match(text, end) or (_ABSTINENT_AFTER.match(text, end) if misuse else None)
    if found is None:
        return False
    after = _CLAUSE_END.search(text, found.end())
    return not _own_object(text[found.end() : after.start() if after else len(text)])


def _before_its_start(
    text: str, pre_part: str, end: int, clause_start: int, clause_end: int
) -> bool:
    """A sample taken before the drug: "before" right before it (_BEFORE_DRUG) and its start right
    after it ("vor Risperdal-Eindosierung", "before risperidone initiation") or a baseline in its
    clause ("baseline prolactin before risperidone", "Basiswert vor Neuroleptika", "bilan
    pré-thérapeutique avant rispéridone").  "Galaktorrhoe schon vor Risperdal" alone says nothing
    of when the sample was taken: the drug stays taken."""
    if not _BEFORE_DRUG.search(pre_part):
        return False
    if _START_AFTER_DRUG.match(text, end, clause_end):
        return True
    return _BASELINE.search(text, clause_start, clause_end) is not None


# A connector's word inside a fixed phrase joins no items: French "il y a" (ago).
_NOT_A_JOIN: Final = compile_vocabulary(
    rf"\b(?:{_pattern_alternatives('not_a_join')})\b", re.IGNORECASE
)


def _other_item(text: str, end: int, clause_end: int) -> int | None:
    """Where another item of a list starts after the drug ending at `end`, in its clause: the
    connector ("and", "und", "et", "y", "e", "en", "&") before a word that is none of the drug's
    own (_ITEM_WORDS) and comes before any stop word ("Risperdal 2 mg and ramipril stopped",
    "Risperdal 2 mg und L-Thyroxin abgesetzt").  A stop or an end written after that item is
    its own, not the drug's.  None when there is none, or when the drug is a bare name joined to
    it ("Risperdal und Ramipril abgesetzt": a list stopped together, as _stopped_lists reads "Haldol
    und Risperdal abgesetzt")."""
    fixed = [m.span() for m in _NOT_A_JOIN.finditer(text, end, clause_end)]
    connectors = [
        joint
        for joint in _CONNECTOR.finditer(text, end, clause_end)
        if not any(low <= joint.start() < high for low, high in fixed)
    ]
    if not connectors:
        return None
    found = list(_WORD.finditer(text, connectors[0].end(), clause_end))
    words = [_fold(word.group().lower()) for word in found]
    for index, word in enumerate(found):
        if _opening_cue(words[index:]):
            return None  # the stop comes first: "Risperdal 2 mg and stopped"
        if words[index] in _ITEM_WORDS:
            continue
        if only_joiners(text, end, word.start()):
            return None
        return [joint for joint in connectors if joint.end() <= word.start()][-1].start()
    return None


# What parts two drugs of one medication-list item: a list mark ("+", "&", "/" that no number
# follows: "mg/2 sem" is a schedule), a comma, semicolon or line break, or a connector ("und",
# "et", "y", "e", "en", "and" ...: drugs.toml [words] connector).
_PART_BREAK: Final = compile_vocabulary(
    r"[+&;|\n]|/(?!\s*\d)|,(?!\d)|(?<!\d),|" + _word_set_pattern(_words("connector")),
    re.IGNORECASE,
)


def own_part(text: str, spans: Sequence[tuple[int, int]], index: int) -> str:
    """The words of `text` that belong to the drug mention `index` of `spans` (its positions, in
    order): from the last list break before it (after the previous drug) to the first one after
    it (before the next drug).  Words between two drugs with no break between are the first
    drug's ("Abilify Maintena 400 mg Haldol 5 mg").  "Abilify Maintena 400 mg + Haldol 5 mg":
    "Maintena" (a depot) is Abilify's, not Haldol's."""
    start, end = spans[index]
    begin = 0
    if index:
        breaks = list(_PART_BREAK.finditer(text, spans[index - 1][1], start))
        begin = breaks[-1].end() if breaks else start
    stop = len(text)
    if index + 1 < len(spans):
        found = _PART_BREAK.search(text, end, spans[index + 1][0])
        stop = found.start() if found else spans[index + 1][0]
    return text[begin:stop]


# A "+" between two drugs of a list ("Haldol + Risperdal: stopped last year"), as "and" is.
_PLUS_JOIN: Final = compile_vocabulary(r"\s*\+\s*")
# A status written after a list past a colon or a dash ("Risperidon, MCP: abgesetzt 2022").
_LIST_STATUS: Final = compile_vocabulary(r"\s*[:\-–—]")
# A stop said of the list before it: "both" or "all" and maybe its verb, right before the stop
# word ("Haldol, Risperdal (both stopped)", "beide abgesetzt", "tous deux arrêtés", "ambos
# suspendidos", "entrambi sospesi", "beide gestopt", "alle abgesetzt": drugs.toml [words] both,
# all_of_them, list_stop_copula).
_LIST_STOP: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:(?P<both>{_word_alternatives('both')})|"
    rf"{_word_alternatives('all_of_them')})"
    rf"(?:\s+(?:{_word_alternatives('list_stop_copula')}))*{_NOT_LETTER_AFTER}\s*"
)


def _list_stops(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Text (folded, lower case) with each _LIST_STOP before a stop word as spaces, so the stop
    reads as the last drug's; and, for each, (where it was, how many drugs before that drug's
    it stops too: one for "both", all of them for "all")."""
    found: list[tuple[int, int]] = []

    def blank(match: re.Match[str]) -> str:
        words = _WORD.findall(text, match.end(), match.end() + _LIST_STOP_LOOKAHEAD)
        if not _opening_cue(words):
            return match.group()
        found.append((match.start(), 1 if match.group("both") else len(text)))
        return " " * len(match.group())

    return _LIST_STOP.sub(blank, text), found


# The characters after a _LIST_STOP that may hold its stop word ("discontinued", "ausgeschlichen").
_LIST_STOP_LOOKAHEAD: Final = 40


def _list_stop_reach(
    text: str, spans: list[tuple[int, int]], list_stops: list[tuple[int, int]]
) -> dict[int, int]:
    """By the index of the drug a _LIST_STOP follows in its list item, how many drugs before it
    the stop covers too."""
    reach: dict[int, int] = {}
    for at, many in list_stops:
        index = max((i for i, (_, end) in enumerate(spans) if end <= at), default=None)
        if index is not None and not _ITEM_END.search(text, spans[index][1], at):
            reach[index] = many
    return reach


def _stopped_lists(
    text: str,
    spans: list[tuple[int, int]],
    result: list[bool],
    stopped_after: list[bool],
    reach: dict[int, int] | None = None,
) -> list[int]:
    """A stop written after a list of bare drug names, past a colon or a dash ("Risperidon, MCP:
    abgesetzt 2022", "Solian, Dogmatil - gestopt") or after a list joined by a word ("Haldol und
    Risperdal abgesetzt", "risperidone, haloperidol and MCP stopped"), stops every drug of it;
    `result` is changed in place.  Joined by commas alone the stop is the last drug's ("Risperdal,
    Haldol abgesetzt"), and a drug with words of its own between it and the next ("Risperidon 2
    mg, MCP: abgesetzt") is no item of the list.  A stop said of the list ("both", "all":
    `reach`, _list_stop_reach) stops that many drugs before the last, back to a list break,
    whatever stands between them ("Haldol 5 mg, Risperdal 2 mg (both stopped)").  Returns, per
    mention, the mention whose words stop it."""
    carriers = list(range(len(spans)))
    for index in range(len(spans) - 1, 0, -1):
        if not stopped_after[index] or not result[index]:
            continue
        many = (reach or {}).get(index, 0)
        before = index - 1
        while (
            many
            and before >= 0
            and not _ITEM_END.search(text, spans[before][1], spans[before + 1][0])
        ):
            result[before] = True
            carriers[before] = carriers[index]
            before, many = before - 1, many - 1
        joined = text[spans[index - 1][1] : spans[index][0]]
        if not _LIST_STATUS.match(text, spans[index][1]) and not _WORD.search(joined):
            continue
        before = index - 1
        while before >= 0 and (
            only_joiners(text, spans[before][1], spans[before + 1][0])
            or _PLUS_JOIN.fullmatch(text, spans[before][1], spans[before + 1][0])
        ):
            result[before] = True
            carriers[before] = carriers[index]
            before -= 1
    return carriers


# The (year, month, day) a written end or start date is compared with: the sample's, while a text
# is read for a sample of known date (DrugMatcher.find's as_of); else today.
_AS_OF: Final[ContextVar[tuple[int, int, int] | None]] = ContextVar("drug_as_of", default=None)

# A start written after the drug ("started 2026-03-05", "since 10/03/2026", "ab 05.03.2026",
# "débuté le 05/03/2026", "desde el 5/3/2026", "iniziato il 05/03/2026", "gestart 5-3-2026"):
# taken from then on, so not at a sample taken before it.
# A date written day first (10.03.2026, 10/03/2026) or as ISO (2026-03-10), read by _date_of.
_WRITTEN_DATE: Final = (
    r"(?:(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>(?:19|20)\d\d)"
    r"|(?P<iso_year>(?:19|20)\d\d)-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2}))\b"
)


def _date_of(found: re.Match[str]) -> date | None:
    """The _WRITTEN_DATE a match holds (None: no such day, "31.02.2026")."""
    if found.group("year"):
        mark = found.string[found.end("day")]
        day, month = written_day_month(int(found.group("day")), int(found.group("month")), mark)
        year = found.group("year")
    else:
        day, month, year = (int(n) for n in found.group("iso_day", "iso_month", "iso_year"))
    try:
        return date(int(year), month, day)
    except ValueError:
        return None


# A start's month, written with its year ("Dec 2026", "Dezember 2026", "12/2026") or with its day
# too ("25 Nov 2026"): read by _start_of as the month's first day (a start in the sample's own
# month may have come before it: taken).
_WRITTEN_MONTH: Final = (
    r"|(?P<nday>\d{1,2})(?:\.?\s*|-)(?P<nname>[^\W\d_]{3,})(?:\.?\s*|-)(?P<nyear>(?:19|20)\d\d)\b"
    r"|(?P<mname>[^\W\d_]{3,})\.?\s*(?P<myear>(?:19|20)\d\d)\b"
    r"|(?P<mnum>\d{1,2})[./](?P<mnumyear>(?:19|20)\d\d)\b"
)
_STARTED_ON: Final = compile_vocabulary(
    r"\b(?:started|starting|start(?:ed)?\s+on|start|commenced|initiated|begun|since|seit|ab|"
    r"begonnen|beginn|eindosiert|angesetzt|d[ée]but[ée]e?|d[ée]but|commenc[ée]e?|instaur[ée]e?|"
    r"depuis|desde|iniciad[oa]|inicio|comenz[oó]|empez[oó]|dal|dall\W|iniziat[oa]|inizio|"
    r"avviat[oa]|sinds|vanaf|gestart|aanvang|"
    # a first dose or injection, or a start date ("1re inj. 12/03/2026", "first injection",
    # "erste Gabe am", "primera inyección", "prima iniezione", "eerste injectie", "start date",
    # "Startdatum", "fecha de inicio", "data di inizio"; review 25): taken from then on
    r"(?:first|1st|erste[nrs]?|1\.|1(?:r?e|[eè]re|er)|premi[eè]re?|premier|primer[ao]?|1[aª]|"
    r"prim[ao]|eerste)\s+(?:dose|dosis|injection|injektion|inyecci[oó]n|iniezione|injectie|"
    r"inj|iny|gabe|spritze|einnahme|prise|administration|toma|somministrazione|assunzione|"
    r"gift|inname)|start\s*-?\s*(?:date|datum)|beginn?datum|date\s+de\s+d[ée]but|"
    r"fecha\s+(?:de\s+)?inicio|data\s+(?:di\s+)?inizio|begindatum)\W{0,2}\s*"
    # a dose and its schedule may stand between ("started 2 mg 1-0-1 on 01.12.2026")
    r"(?:\d+(?:[.,]\d+)?\s*(?:mg|µg|mcg|ug)\b\s*(?:\d(?:-\d){2,3}\s*)?)?"
    r"(?:(?:on|am|le|el|il|op|the|den|in|im|en|au|a|in)\s+)?(?:"
    + _WRITTEN_DATE
    + _WRITTEN_MONTH
    + ")",
    re.IGNORECASE,
)
# A start word right before the drug ("started risperidone on 01.12.2026", "Beginn Risperdal am
# 01.12.2026", "débuté rispéridone le", "iniziato risperidone il"): its date after the drug.
_START_WORDS: Final = (
    r"\b(?:started|starting|start(?:ed)?\s+(?:on|with)|start|commenced|initiated|began|begun|"
    r"beginn(?:\s+mit)?|begonnen\s+mit|start\s+mit|d[ée]but[ée]?e?|d[ée]but\s+d[eu]?|"
    r"introduction\s+d[eu]?|instauration\s+d[eu]?|inicio\s+de|iniciad[oa]|iniziat[oa]|"
    r"inizio\s+d[ie]|comenz[oó]|empez[oó]|gestart\s+met|start\s+met|aanvang)"
)
_START_BEFORE: Final = compile_vocabulary(_START_WORDS + r"\s*$")
_START_WORD: Final = compile_vocabulary(_START_WORDS)


def _start_of(found: re.Match[str]) -> date | None:
    """The first day a _STARTED_ON date allows: the day written, else its month's first day."""
    if found.group("year") or found.group("iso_year"):
        return _date_of(found)
    if found.group("nyear") or found.group("myear"):
        name = found.group("nname") or found.group("mname")
        month = month_number(name)
        year = int(found.group("nyear") or found.group("myear"))
    else:
        month, year = int(found.group("mnum")), int(found.group("mnumyear"))
    day = int(found.group("nday") or 1)
    try:
        return None if month is None else date(year, month, day)
    except ValueError:
        return None


# A start opened by a word for "from" (drugs.toml [patterns] start_from, start_from_article):
# "Risperdal from 25/11/2026", "ab dem 25.11.2026", "à partir du 25/11/2026", "dès le
# 25/11/2026", "a partir del 25/11/2026", "per 25-11-2026", "from 01 Dec 2026"; without a year,
# "ab 25.11." (group sday, smonth) and "ab Dezember" (group sname): the one nearest the sample.
_STARTS_FROM: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('start_from')})\s*:?\s*"
    rf"(?:(?:{_pattern_alternatives('start_from_article')})\s*)?(?:"
    + _WRITTEN_DATE
    + _WRITTEN_MONTH
    + r"|(?P<sday>\d{1,2})\.(?P<smonth>\d{1,2})(?:\.(?!\d)|\s*$)"
    + rf"|{month_name_pattern('sname')}(?!\s*\.?\s*\d)"
    + ")",
    re.IGNORECASE,
)


def _nearest(sample: date, month: int, day: int) -> date | None:
    """The day of that month and day nearest the sample (the year before, its own, or the year
    after); None when there is no such day."""
    days = []
    for year in (sample.year - 1, sample.year, sample.year + 1):
        try:
            days.append(date(year, month, day))
        except ValueError:
            continue  # 29.02. of a year without it
    return min(days, key=lambda when: abs((when - sample).days), default=None)


def _start_from(found: re.Match[str], sample: date) -> date | None:
    """The first day a _STARTS_FROM start allows (a yearless one: the nearest the sample)."""
    if found.group("sday"):
        return _nearest(sample, int(found.group("smonth")), int(found.group("sday")))
    if found.group("sname"):
        month = month_of_name(found.group("sname"))
        return None if month is None else _nearest(sample, month, 1)
    return _start_of(found)


# Written as started after the sample ("started after this sample", "nach der Blutentnahme
# begonnen", "débuté après le prélèvement", "iniciado después de la extracción", "tras la
# analítica se prescribe Haloperidol"): drugs.toml [patterns] after_sample_word, its article and
# after_sample, in the folded, lower-cased text.
_AFTER_SAMPLE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('after_sample_word')})\s+"
    rf"(?:(?:{_pattern_alternatives('after_sample_article')})\s*)?"
    rf"(?:{_pattern_alternatives('after_sample')}){_NOT_LETTER_AFTER}"
)
# The start word that phrase needs, and the continuation that overrides it (drugs.toml
# [patterns] after_sample_start, after_sample_kept; review 28 B): "risperidone 2 mg review after
# results", "nach Befund weiter Risperdal" are taken now.
_AFTER_SAMPLE_START: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('after_sample_start')}){_NOT_LETTER_AFTER}"
)
_AFTER_SAMPLE_KEPT: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('after_sample_kept')}){_NOT_LETTER_AFTER}"
)


def _start_after_sample_written(clause: str) -> bool:
    """A drug's clause (folded, lower-cased) starts it after the sample: the after-sample phrase
    with a start word and no continuation ("se pauta Primperan tras la extracción", "nach der
    Blutabnahme Risperdal angesetzt"; not "Dosis nach Befund", "dopo esami continua Plasil")."""
    return (
        _AFTER_SAMPLE.search(clause) is not None
        and _AFTER_SAMPLE_START.search(clause) is not None
        and _AFTER_SAMPLE_KEPT.search(clause) is None
    )


def _started_after_sample(after: str) -> bool:
    """The words after a drug start it after the sample: a start date later than the sample's
    (as_of; a dateless text is read with no start), or "started after this sample"."""
    if _start_after_sample_written(after):
        return True
    now = _AS_OF.get()
    if now is None:
        return False
    for found in _STARTED_ON.finditer(after):
        start = _start_of(found)
        if start is not None and start > date(*now):
            return True
    for found in _STARTS_FROM.finditer(after):
        start = _start_from(found, date(*now))
        if start is not None and start > date(*now):
            return True
    return False


def reads_a_date(text: str) -> bool:
    """Whether reading a medication text depends on the sample's date: it writes a date
    (values.writes_a_date), or a month's name that dates a stop ("stopped in October":
    values.stopped_month; "arrêté le 30 novembre": _STOPPED_ON) or a start after a word for
    "from" ("ab Dezember": _STARTS_FROM).  A
    month's name alone ("may cause", "2 weeks ago") does not, so such texts stay shared between
    samples."""
    if writes_a_date(text):
        return True
    plain = normalise_word(text)
    if month_name_regex().search(plain) is None:
        return False
    return (
        stopped_month(text) is not None
        or _STARTS_FROM.search(plain) is not None
        or _STOPPED_ON.search(_fold(text)) is not None  # "arrêté le 30 novembre"
    )


def not_yet_started(text: str, end: int, as_of: tuple[int, int, int] | None) -> bool:
    """Whether the words after a drug mention ending at `end` (up to its list item's end) start
    it only after the sample of date `as_of` ("Risperdal from 25/11/2026", "ab Dezember",
    "started after this sample") or from tomorrow on ("Risperdal ab morgen", "from next week"):
    a drug not yet taken when the sample was drawn, rather than one stopped."""
    folded = _fold(text).lower()
    item_end = _SEGMENT_END.search(folded, end)
    after = folded[end : item_end.start() if item_end else len(folded)]
    # the item's words before the drug too: "se pauta Primperan tras la extracción"
    item_start = max((found.end() for found in _SEGMENT_END.finditer(folded, 0, end)), default=0)
    if _start_after_sample_written(folded[item_start:end] + after):
        return True
    token = _AS_OF.set(as_of)
    try:
        if _started_after_sample(after):
            return True
    finally:
        _AS_OF.reset(token)
    found = _PROPOSED_AFTER.match(folded, end)
    return found is not None and _FUTURE_MARKER.search(found.group()) is not None


# An end written after the drug ("bis 2023", "until 2022", "hasta 2021", "jusqu'en 2023", "fino al
# 2023", "tot 2023", "2018-2022"): taken until a year before this one, so not now.
_UNTIL_YEAR: Final = compile_vocabulary(
    r"(?:\b(?:until|till|up\s+to|to|bis|hasta|jusqu.(?:en|à|au)|jusque\s+en|fino\s+(?:al|a)|tot|t/m)"
    r"\s+(?:(?:end\s+of|ende|fin|finales\s+de|fine|eind)\s+)?(?:(?P<name>[^\W\d_]+)\.?\s+)?"
    r"(?:(?:(?P<first>\d{1,2})(?P<mark>[./]))?(?P<month>\d{1,2})[./])?"
    r"|\b(?:\d{1,2}[./])?(?:19|20)\d\d\s*[-–/]\s*(?:(?P<month2>\d{1,2})[./])?"
    r")(?P<year>(?:19|20)\d\d)\b"
)


def _before_label(text: str, end: int, clause_end: int) -> str:
    """The words after a drug up to its clause's end, less a label that ends the clause ("Risperdal
    2 mg (Allergie: keine)": "Allergie" heads a list of its own, it does not stop the drug)."""
    after = text[end:clause_end]
    if text[clause_end : clause_end + 1] != ":":
        return after
    bracket = after.rfind("(")
    return after[:bracket] if bracket >= 0 else _LAST_WORDS.sub("", after)


_LAST_WORDS: Final = compile_vocabulary(r"[^\W\d_]+(?:\s+[^\W\d_]+)?\s*$")
_DOSE_UNIT: Final = _DOSE_UNIT_TEXT
_EARLIER_DOSE: Final = (
    rf"(?:{_PAST_WORDS}|\b(?:bisher|before|was|avant|prima|prev)\b\.?)\s*:?\s*" + _DOSE_UNIT
)
# An earlier dose in brackets ("(früher 4 mg)"), or after a comma as all its clause says ("2 mg,
# previously 4 mg", "200 mg, auparavant 400 mg par jour.", "2 mg daily, previously 4 mg daily",
# "2 mg, früher 4 mg/Tag"): its schedule ("tail", up to three words) may follow the dose.
_PREVIOUS_DOSE: Final = compile_vocabulary(
    rf"\(\s*{_EARLIER_DOSE}[^)]{{0,30}}\)|,\s*{_EARLIER_DOSE}(?P<tail>(?:[\s/.-]*[^\W_]+){{0,3}}?)"
    r"\s*(?=[;,|\n)]|\.(?:\s|$)|$)"
)


def _without_earlier_doses(text: str, spans: list[tuple[int, int]]) -> str:
    """Text with each earlier dose of a drug still taken (_PREVIOUS_DOSE) as spaces, so positions
    stay valid: a dose history, no stop.  A schedule that names a drug or holds a cue ("previously
    4 mg, stopped" ends at the comma; "früher 4 mg abgesetzt", "früher 4 mg Haldol") is no mere
    schedule."""

    def blank(found: re.Match[str]) -> str:
        tail = found.group("tail") or ""
        if _cues(tail) or any(found.start() <= start < found.end() for start, _ in spans):
            return found.group()
        return " " * len(found.group())

    return _PREVIOUS_DOSE.sub(blank, text)


def _ended(
    after: str, lasts: float | None = None, *, started: bool = False, drug: str = ""
) -> bool:
    """The words after a drug end it in a past year ("bis 2023", "2018-2022") or a past month
    ("bis 01/2026", "until Jan 2026"), a while ago ("until 2 weeks ago", "bis vor 3 Monaten",
    "jusqu'au mois dernier": values.ended_ago), or give its last dose longer ago than the
    withdrawal test's days ("letzte Einnahme vor 10 Tagen", "einmalig vor 3 Wochen":
    values.last_dose_days; a dose yesterday still acts).  ``started``: a start word stands
    before the drug, so a period of life after it is when it started (_PAST_PERIOD: "started
    methadone in the 90s"), no end.  ``drug``: the drug's own words before ``after`` (a depot's
    brand: _issue_lapsed)."""
    if any(
        _a_past_end(found) and _a_stated_end(found, after) for found in _UNTIL_YEAR.finditer(after)
    ):
        return True
    if _dated_end_passed(after, lasts):
        return True
    if _issue_lapsed(after, lasts, drug):
        return True
    if ended_ago(after) is not None:
        return True
    days = last_dose_days(after)
    if days is not None:
        return days > _withdrawal_days()
    stop_year = stopped_year(after)  # "zuletzt eingenommen 2023", "last dose 2023"
    if stop_year is not None and stop_year < _sample_year():
        return True
    if _PAST_PERIOD.search(after) and not started:
        return True  # "Risperidonbehandlung in der Jugend", "risperidone as a teenager"
    one_off = _ONE_OFF_YEAR.search(after)
    return one_off is not None and int(one_off.group("year")) < _sample_year()


def _ended_after_last_dose(before: str, after: str, lasts: float | None, drug: str) -> bool:
    """A last-dose opener right before the drug (values.last_dose_before: "dernière injection",
    "letzte Gabe", "last dose of") with the words after the drug end it as they would after the
    opener (_ended): "dernière injection Xeplion le 15/08/2025"."""
    opener = last_dose_before(before)
    return opener is not None and _ended(f"{opener} {after}", lasts, drug=drug)


# A period of life long past, after the drug in its clause ("in der Jugend", "in childhood", "dans
# l'adolescence", "en la infancia", "nell'adolescenza", "in de puberteit"), and a single dose in a
# year ("Haloperidolgabe einmalig 2019", "once in 2019", "une seule fois en 2019"): drugs.toml
# [patterns] past_period, one_off.
_PAST_PERIOD: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('past_period')}){_NOT_LETTER_AFTER}",
    re.IGNORECASE,
)
_ONE_OFF_YEAR: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('one_off')})"
    r"\W+(?:(?:in|im|en|nel|del|au|het|jahr|year|annee|ano|anno|jaar)\W+)*"
    r"(?P<year>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)


def _dated_end_passed(after: str, lasts: float | None = None) -> bool:
    """The words after a drug end it on a day or in a month written with its year, on or before
    the sample's day (as_of; else today): "until 2026-08-01", "tot 01-08-2026", "until 1 Aug
    2026", "letzte Einnahme 01.08.2026", "last dose 01/08/2026", a span "2024-01 to 2026-08",
    "01/06/2026-01/08/2026" (values.written_end).  A start written after that end ("01/06/2026-
    01/08/2026 4 mg, since 02/08/2026 2 mg") is the drug taken on: no end; so is a last dose
    within the days the drug acts after it (`lasts`, else the withdrawal days: the latest dose
    of a drug taken, "Dostinex last dose 2026-11-14", "letzte Einnahme 19.11.2026").  How long
    before the sample an end was (within the washout: still acting) is stop_span's."""
    end = written_end(after)
    if end is None:
        return False
    now = _sample_day()
    if end.last > now:
        return False  # an end still to come: taken at the sample
    if end.last_dose and (now - end.last).days <= (lasts or _withdrawal_days()):
        return False  # the latest dose of a drug taken ("Dostinex last dose 2026-11-14"): no end
    return _STARTED_ON.search(_fold(after).lower(), end.stops_at) is None


def _item_end(text: str, end: int, next_start: int) -> int:
    """Where the list item of the drug ending at `end` ends: a list break (_ITEM_END) or the
    next drug's start."""
    found = _ITEM_END.search(text, end, next_start)
    return found.start() if found else next_start


def _issue_lapsed(after: str, lasts: float | None = None, drug: str = "") -> bool:
    """The words after a drug give its latest issue of a GP drug list ("acute - 12-Oct-2025",
    "Last issued 12-Nov-2024": values.last_issue) longer before the sample's day (as_of; else
    today) than one supply (thresholds.toml drug_issue_supply_days) and the days the drug acts
    after it (`lasts`, else the withdrawal days): it was no longer taken at the sample.

    A depot (cues.toml depot in ``drug`` and ``after``: "Trevicta 350mg injection - acute -
    01-Jul-2026", "Xeplion 100mg monthly depot - Last issued ...") acts for weeks to months after
    its last injection: its issue lapses only after the longer of one supply plus
    depot_acting_max_days and its own dosing interval plus depot_acting_max_days (a 3- or
    6-monthly depot: depot_acting_days; clinical-reference §7.9, SmPC dosing intervals)."""
    from triage.engine.text import load_cue_book  # lazy: the engine imports this module

    issued = last_issue(after)
    if issued is None:
        return False
    now = _sample_day()
    supply = _threshold("drug_issue_supply_days")
    item = f"{drug} {after}"
    if "depot" in load_cue_book().match("medications", item):
        return (now - issued).days > max(supply + _depot_days(), depot_acting_days(item))
    return (now - issued).days > supply + (lasts or _withdrawal_days())


def _sample_day() -> date:
    """The day of the sample (as_of), else today."""
    found = _AS_OF.get()
    return date(*found) if found else date.today()


def _sample_year() -> int:
    """The year of the sample (as_of), else this year."""
    found = _AS_OF.get()
    return found[0] if found else date.today().year


def _a_past_end(found: re.Match[str]) -> bool:
    """An _UNTIL_YEAR end before the sample's year, or its month (as_of; else today's)."""
    today = date.today()
    now = _AS_OF.get() or (today.year, today.month, today.day)
    year = int(found.group("year"))
    named = month_number(found.group("name")) if found.group("name") else None
    month = int(found.group("month") or found.group("month2") or named or 0)
    if found.group("first"):  # "until 10/11/2026": in the run's day/month order
        month = written_day_month(int(found.group("first")), month, found.group("mark"))[1]
    return year < now[0] or bool(month and year == now[0] and month < now[1])


# What may stand between an end written before the drug and the drug: up to two words ("until
# 2022 on risperidone", "jusqu'en 2022 sous Solian", "hasta 2022 con"), no number and no closing
# bracket ("Schizophrenie (ED 2019-2020) Risperdal": the diagnosis' dates).
_END_TO_DRUG: Final = compile_vocabulary(r"[^\w)]*(?:[^\W\d_]+[^\w)]+){0,2}")
# Nothing but punctuation before an end at its clause's start ("- bis 2022 Risperdal").
_NO_WORD: Final = compile_vocabulary(r"\W*")
# A start word right before a span of years ("seit 2021/2022 Risperdal", "since 2021-2022",
# "desde 2021/2022"): when it started, not an end.
_SINCE_BEFORE: Final = compile_vocabulary(
    r"\b(?:since|from|seit|ab|depuis|des|desde|a\s+partir\s+de|dal|dall\W|da|sinds|vanaf)\s*$"
)


def _ended_before(before: str) -> bool:
    """An end written right before the drug, at its clause's start, is past: "bis 2022 Risperdal",
    "until 2022 risperidone", "hasta 2022 risperidona", "jusqu'en 2022 Solian", "2018-2022
    Haldol".  A later end ("bis 2030", "until further notice": no year), a start ("seit 2022",
    "seit 2021/2022") or another thing's dates ("Schizophrenie (ED 2019-2020) Risperdal") leave it
    taken."""
    return any(
        _NO_WORD.fullmatch(before, 0, found.start())
        and _END_TO_DRUG.fullmatch(before, found.end())
        and _a_past_end(found)
        for found in _UNTIL_YEAR.finditer(before)
    )


def _a_stated_end(found: re.Match[str], text: str) -> bool:
    """An _UNTIL_YEAR match that is an end: a span of years right after a start word ("seit
    2021/2022", "since 2021-2022") is when the drug was started."""
    return not (found.group()[:1].isdigit() and _SINCE_BEFORE.search(text, 0, found.start()))


@lru_cache(maxsize=1)
def _threshold(name: str) -> float:
    """A thresholds.toml value by name."""
    from triage.knowledge.loaders import load_thresholds

    return load_thresholds().get(name)


def _withdrawal_days() -> float:
    """thresholds.toml drug_withdrawal_retest_days: a drug stopped longer ago no longer acts."""
    from triage.knowledge.loaders import load_thresholds

    return load_thresholds().get("drug_withdrawal_retest_days")


def _stopped_next(
    text: str,
    clause_end: int,
    bounds: list[tuple[int, int]],
    next_start: int,
    lasts: float | None = None,
) -> bool:
    """The clause after a drug's, past a comma, colon, arrow or a word such as "but" or "now",
    opens with a stop and names no drug ("Risperdal, abgesetzt", "Risperdal 2 mg, stopped 2 years
    ago", "Risperdal: gestoppt", "Risperdal prescribed but not started", "Risperdal -> stopped");
    or the next line of the cell says only that ("Risperdal\n(abgesetzt)": _status_line).  A
    stop word that is a rule or another noun ("Risperdal 2 mg, Stopp-Schild beachten":
    _CONDITIONAL_STOP) is none."""
    text = _CONDITIONAL_STOP.sub(_blank, text)
    found = _next_clause(text, clause_end, bounds)
    if found is None:
        return False
    begin, stop, new_line = found
    if next_start < stop:
        # another drug in that clause: the stop is its own, unless the clause opens with a stop
        # that takes no object ("domperidone: avoid (QT prolongation with methadone)")
        if new_line or next_start < begin:
            return False
        words = list(_WORD.finditer(text[begin:next_start].lower()))
        size = _opening_cue([word.group() for word in words])
        rest = text[begin + words[size - 1].end() : next_start] if size else ""
        reason = rest.strip()[:1] in ("(", "[")  # "avoid (QT ...)"
        words_after = [word for word in _WORD.findall(_fold(rest)) if word not in _STOP_SKIPPED]
        return reason or (bool(words_after) and not _own_object(rest))
    if text[stop : stop + 1] == ":" and text[stop + 1 :].strip():
        return False  # the label of a list of its own ("Risperdal 2 mg, Allergie: Penicillin")
    clause = text[begin:stop]
    if new_line:
        return _status_line(clause)
    if _anothers_stop(clause):
        return False  # "risperidone, alcohol stopped 2020", "risperidona, suspendió litio en 2024"
    found_words = list(_WORD.finditer(clause.lower()))
    size = _opening_cue([word.group() for word in found_words])
    if size:
        return not _own_object(clause[found_words[size - 1].end() :])
    return _ended(clause, lasts)


# The habits and substances a stop word in the clause after a drug's may be about (drugs.toml
# other_stop_subjects), and a holiday that is a drug's break only with a treatment word
# (holiday_words, holiday_of_treatment): review 25 mend.
_OTHER_STOP_SUBJECTS: Final = frozenset(_words("other_stop_subjects"))
_HOLIDAY_WORDS: Final = frozenset(_words("holiday_words"))
_HOLIDAY_OF_TREATMENT: Final = frozenset(_words("holiday_of_treatment"))


def _anothers_stop(clause: str) -> bool:
    """The clause after a drug's (past a comma) says what its stop word is about, not the drug:
    a habit or substance before any reason or time (_OTHER_STOP_SUBJECTS: "alcohol stopped 2020",
    "Rauchen sistiert seit 2020", "sevrage tabagique 2024", "anc. fumeuse jusqu'en 2020"; not
    "abgesetzt wegen Alkohol"), a holiday without a treatment word ("holiday in Spain 2024"), or
    an object between a stop word and its year (_own_object: "suspendió litio en 2024")."""
    words = _WORD.findall(_fold(clause).lower())
    for word in words:
        if word in _STOP_FOLLOWERS:
            break  # a reason or a time first: the stop is the drug's
        if word in _OTHER_STOP_SUBJECTS:
            return True
    if not _HOLIDAY_WORDS.isdisjoint(words) and _HOLIDAY_OF_TREATMENT.isdisjoint(words):
        return True
    gap = stopped_year_gap(clause)
    return gap is not None and _own_object(gap)


# What may follow a stop word that is the drug's: a time, a reason, who stopped it, how ("stopped
# 2 years ago", "abgesetzt wegen Gewichtszunahme", "arrêté il y a 3 mois", "suspendido hace 2
# meses", "sospeso da 1 mese", "gestopt sinds maart", "stopped (weight gain)").  Any other word
# is the stop word's own object ("stopped smoking", "terminata radioterapia", "sevrée de
# l'alcool", "intolerancia a la lactosa", "contraindication to gadolinium", "ended up in A&E"):
# it is about something else.  Compared folded (no accents).
_STOP_FOLLOWERS: Final = frozenset(_words("stop_followers"))
# Skipped before a follower: articles, "last" ("stopped a week ago", "la semana pasada", "la
# settimana scorsa", "il y a", "vorige week").
_STOP_SKIPPED: Final = frozenset(_words("stop_skipped"))
# The words of a drug's own list item after a connector (drugs.toml item_words): its dose, unit,
# form, schedule, route, and how or when it was stopped ("Risperdal 1 mg morgens und 2 mg abends
# abgesetzt", "and was later stopped").
_ITEM_WORDS: Final = frozenset(
    (
        *_words("item_words"),
        *_words("dose_counts"),
        *_words("item_stop_words"),
        *_words("connector"),
        *_STOP_FOLLOWERS,
        *_STOP_SKIPPED,
    )
)
_TIME_UNIT: Final = compile_vocabulary(
    r"(?:week|month|year|day|woche|monat|jahr|tag|semaine|mois|an|annee|jour|semana|mes|ano|dia|"
    r"settiman|mes|ann|giorn|maand|jaar|dag)\w*"
)


def _own_object(rest: str) -> bool:
    """The words after a stop word (``rest``) give it an object of its own (_STOP_FOLLOWERS)."""
    rest = _fold(rest).strip()
    if not rest or not rest[0].isalpha():
        return False  # "stopped", "stopped 2 years ago", "stopped (weight gain)"
    words = _WORD.findall(rest)
    index = 0
    while index < len(words) - 1 and words[index] in _STOP_SKIPPED:
        index += 1
    word = words[index] if words else ""
    if word in _STOP_FOLLOWERS or _TIME_UNIT.fullmatch(word):
        return False
    return word not in _STOP_SKIPPED  # "smoking", "radioterapia", "lactosa": an object


# The clause-end words after which a stop is still the drug's ("Risperdal prescribed but not
# started", "Risperdal, now stopped"); not "then", "dann", "puis" ("2 weeks, then stop": a plan).
_JOINING_WORDS: Final = frozenset(_words("joining"))


def _next_clause(
    text: str, clause_end: int, bounds: list[tuple[int, int]]
) -> tuple[int, int, bool] | None:
    """(start, end, on a new line) of the clause after the one ending at clause_end, past the
    bounds that join it to the drug's (",", ":", an arrow, "but", "now", a line end) with nothing
    but spaces between them; None when a list break (";", "|", a full stop) comes first."""
    position, new_line, joined = clause_end, False, False
    for start, end in bounds:
        if start < position:
            continue
        if start > position and text[position:start].strip():
            break  # the clause's words start before this bound
        mark = text[start:end].strip()
        if not mark:  # a line end
            new_line = True
        elif mark not in (",", ":") and not _ARROW.fullmatch(mark) and mark not in _JOINING_WORDS:
            return None  # ";", "|", "+", a full stop, "then" (a plan: "then stop"): a break
        position, joined = end, True
    if not joined:
        return None
    stop = min([len(text)] + [s for s, _ in bounds if s >= position])
    return position, stop, new_line


def _opening_cue(words: list[str]) -> int:
    """How many of the first words form a stop cue (_POST_NEGATING); 0 when they do not."""
    return next(
        (
            size
            for size in range(_LONGEST_CUE, 0, -1)
            if len(words) >= size and " ".join(words[:size]) in _POST_NEGATING
        ),
        0,
    )


def stop_status_line(line: str) -> bool:
    """Whether a line of a cell only says that the drug on the line above was stopped (maybe with
    when): "(abgesetzt)", "stopped 2 weeks ago" (see _status_line)."""
    return _status_line(line)


def _status_line(line: str) -> bool:
    """A line of a cell that only says the drug of the line before was stopped, maybe with when
    ("(abgesetzt)", "stopped 2 weeks ago", "arrêté en 2022"): a word of its own after the stop
    cue ("Allergie Penicillin", "früher Depression") makes it a line of its own."""
    lower = line.lower()
    found = list(_WORD.finditer(lower))
    size = _opening_cue([word.group() for word in found])
    if not size:
        return False
    only_numbers = not _WORD.search(lower, found[size - 1].end())  # "abgesetzt 03/2024"
    return only_numbers or _ended(line) or stop_days(line) is not None


_SEGMENT_END: Final = compile_vocabulary(r"[;\n|]|,(?!\d)")
_ITEM_END: Final = compile_vocabulary(r"[;\n|]")  # a list's break between drugs (never a comma)


def _still_acting(text: str, start: int, until: int | None = None, *, acting: str = "") -> bool:
    """Whether the drug of the mention at `start` still acts, surely or perhaps (_acting)."""
    return bool(_acting(text, start, until, acting=acting))


# _acting's answers: the stop was surely within the drug's acting days, or perhaps (its time
# known only as a month or as "recently"), or it came only after the sample (taken at it).
ACTING: Final = "acting"
PERHAPS_ACTING: Final = "perhaps"
STOPPED_LATER: Final = "later"


def _acting(text: str, start: int, until: int | None = None, *, acting: str = "") -> str:
    """Whether the medication-list item holding the mention at `start` says the drug was stopped
    (or last given) so recently that it still acts, so it is still taken:

    * a drug stopped less than drug_withdrawal_retest_days before the sample ("risperidone stopped
      yesterday", "Risperidon vor 2 Tagen abgesetzt", "rispéridone arrêtée hier": the guideline
      re-measures that many days after the stop, ES 2011; clinical-reference §0);
    * a depot antipsychotic stopped or last injected days or weeks ago, up to
      depot_acting_max_days ("Modecate stopped 3 weeks ago", "Risperdal Consta 37.5 mg 2-weekly
      (stopped 5 days ago)", "last given 10 days ago"): a depot keeps releasing the drug for weeks
      after the last injection (clinical-reference §7.9: depots "need far longer" to wash out [M];
      Risperdal Consta label: release subsides about 7 weeks after an injection).  Cues depot and
      depot_stopped_recently are cues.toml data; the time is values.stopped_days;
    * a drug whose effect outlasts the oral washout (``acting``: its drugs.toml acts_after_stop,
      a thresholds.toml name), stopped at most that many days before the sample ("Dostinex
      abgesetzt vor 4 Tagen", "Cabaser sospeso da 10 giorni": cabergoline keeps prolactin down
      for up to 28 days, SmPC).

    A stop after the sample (a date later than its own) leaves the drug taken at the sample
    (STOPPED_LATER; clinical-reference §8: a drug present at sampling).  A stop whose time is
    known only as a span (a month: "stopped in October", "abgesetzt 10/2026"; or "recently":
    stop_span) acts when all of the span lies within the drug's acting days (a depot's, its own
    ``acting`` days, else the washout), and perhaps acts (PERHAPS_ACTING: a possible factor)
    when only part of it does; "recently" is within a depot's acting days (weeks to months), and
    perhaps within a drug's own acting days (cabergoline's 28) or its 3-day washout.

    A stop without a time, or longer ago, stays "not taken" ("")."""
    from triage.engine.text import load_cue_book  # lazy: the engine imports this module

    begin = max([0] + [m.end() for m in _SEGMENT_END.finditer(text, 0, start)])
    after = _SEGMENT_END.search(text, start)
    if after is not None and after.group() == "\n":  # "Xeplion\n(gestoppt vor 3 Wochen)"
        below = _SEGMENT_END.search(text, after.end())
        line_end = below.start() if below else len(text)
        if _status_line(text[after.end() : line_end]):
            after = below
    item = text[begin : after.start() if after else len(text)]
    # the item's schedule may follow a comma ("Xeplion 100 mg monatlich, letzte Injektion vor 3
    # Wochen"): the text up to the next drug named or the next list break counts too
    hard = _ITEM_END.search(text, start)
    stop = min(hard.start() if hard else len(text), until if until is not None else len(text))
    wider = text[begin:stop] if stop > start else item
    hits = set(load_cue_book().match("medications", item))
    if "depot_stopped_recently" not in hits:
        hits |= set(load_cue_book().match("medications", wider))
    span = stop_span(item)
    if span is None:
        span = stop_span(wider)
    if span is None and _STOP_NOUN_BEFORE.search(_fold(text[begin:start]).lower()):
        # "seit Absetzen von Risperdal vor 2 Tagen": the time after the drug is the stop's
        span = stop_span("stopped " + _FIRST_WORD.sub("", text[start:stop]))
    if span is None:
        return ACTING if "depot" in hits and "depot_stopped_recently" in hits else ""
    low, high = span
    if high is not None and high < 0:
        return STOPPED_LATER  # stopped after the sample: taken when it was drawn
    if "depot" in hits:
        if "depot_stopped_recently" in hits or high is None:
            return ACTING  # "recently": within a depot's weeks to months
        most = depot_acting_days(wider)
        return ACTING if high <= most else PERHAPS_ACTING if low <= most else ""
    if acting:  # its own days after a stop (cabergoline: 28), longer than the washout
        most = _threshold(acting)
        if high is not None and high <= most:
            return ACTING
        if low <= most:
            return PERHAPS_ACTING  # "recently", a month reaching back past them
    washout = _withdrawal_days()
    if high is not None and high < washout:
        return ACTING
    return PERHAPS_ACTING if low < washout else ""


# A stop noun or gerund right before the drug, its preposition and article between ("Absetzen von",
# "l'arrêt du", "la suspensión de la", "stopping the"): drugs.toml [words] stop_nouns.
_STOP_NOUN_BEFORE: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('stop_nouns')})"
    r"(?:\s+(?:von|vom|des|der|dem|den|du|de|des|la|le|l\W|of|the|met|van|het|di|del|della|dello|"
    r"dell\W|el|da|dal|dalla))*\s*$"
)
_FIRST_WORD: Final = compile_vocabulary(r"^\s*[^\W_]+")


@lru_cache(maxsize=1)
def _depot_days() -> float:
    """thresholds.toml depot_acting_max_days: a depot stopped at most this long ago still acts."""
    from triage.knowledge.loaders import load_thresholds

    return load_thresholds().get("depot_acting_max_days")


# A depot given every 3 or 6 months (drugs.toml [patterns] depot_3_monthly, depot_6_monthly).
_DEPOT_3_MONTHLY: Final = compile_vocabulary(_pattern_alternatives("depot_3_monthly"))
_DEPOT_6_MONTHLY: Final = compile_vocabulary(_pattern_alternatives("depot_6_monthly"))


def depot_acting_threshold(item: str) -> str:
    """The thresholds.toml name of how long after its last injection (or stop) the depot of a
    medication-list item still acts: depot_6_monthly_acting_max_days for a 6-monthly depot
    (Byannli, "q6 months"), depot_3_monthly_acting_max_days for a 3-monthly one (Trevicta,
    "alle 3 Monate"), depot_acting_max_days for any other.  A last injection within its dosing
    interval is the patient on treatment (clinical-reference §7.9)."""
    folded = _fold(item).lower()
    if _DEPOT_6_MONTHLY.search(folded):
        return "depot_6_monthly_acting_max_days"
    if _DEPOT_3_MONTHLY.search(folded):
        return "depot_3_monthly_acting_max_days"
    return "depot_acting_max_days"


def depot_acting_days(item: str) -> float:
    """How many days after its last injection the depot of `item` still acts
    (depot_acting_threshold)."""
    from triage.knowledge.loaders import load_thresholds

    return load_thresholds().get(depot_acting_threshold(item))


# A stop or last injection with its date ("last injection 2026-01-10", "letzte Injektion am
# 10.01.2026", "dernière injection le 10/01/2026", "arrêté le 10/01/2026"), or the day it was
# taken until ("Risperdal bis 28.02.2026", "until 28/02/2026", "jusqu'au 28/02/2026", "hasta el
# 28/02/2026", "fino al 28/02/2026", "tot 28-02-2026"): an end date is a stop date, so a drug
# taken until two days before the sample still acts (the withdrawal rule), as one stopped then.
# What may stand between a stop word and its date: "on", "am", "le", or a word for since and its
# article ("seit", "since", "depuis le", "desde el", "dal", "sinds", "ab", "from", "vanaf").
_STOP_DATE_OPENER: Final = (
    r"(?:(?:on|am|le|el|il|op|seit(?:\s+de[mn])?|since|depuis(?:\s+l[ea])?|desde(?:\s+el)?|"
    r"dal|dall\W|sinds|ab(?:\s+de[mn])?|from|vanaf|a\s+partir\s+del?|[àa]\s+partir\s+du)\s*)?"
)
# Matched in the text with its accents removed (_fold: "arrêté" as "arrete"), as the stop words of
# synonyms.toml [values.stopped] are written: each of them ("pausiert seit 03.11.", "en pause
# depuis le 01/11", "Stopp am 01.09.2026", review 27) has its date read as "abgesetzt am" has.
_STOPPED_ON: Final = compile_vocabulary(
    r"\b(?:until|till|bis(?:\s+(?:zum|einschl(?:ie(?:ß|ss)lich|\.)))?|jusqu.(?:au|à|a)|"
    r"hasta|fino\s+al?|tot(?:\s+en\s+met)?|t/m|"
    # a last dose or a stop word, the drug perhaps between ("stopped metoclopramide on
    # 19/11/2026", "dernière injection Xeplion le 15/08/2025")
    r"(?:last\s+(?:dose|injection|inj\.?|given)|"
    r"letzte\s+(?:Gabe|Injektion|Spritze)|derniere\s+injection|"
    r"ultima\s+(?:dosis|inyeccion)|ultima\s+(?:dose|iniezione)|laatste\s+(?:dosis|injectie)|"
    + "|".join(synonyms_data()["values"]["stopped"]["words"])
    + rf")(?:{stop_drug_gap()})?)\W+"
    # "on", or since when ("abgesetzt seit 18.11.", "stopped since 12/10"; a switch's time,
    # "Haldol -> Abilify seit 18.11.", is read as the old drug's stop: _switched_recently)
    + _STOP_DATE_OPENER
    # or day and month alone, German-style ("abgesetzt am 18.11.") or with a slash ("depuis le
    # 12/10", "dal 5/9", "desde el 2/11"; no unit or word after it: "1/2 tablet"): of the
    # sample's year, or the year before when that day would fall after the sample
    + r"(?:"
    + _WRITTEN_DATE
    + r"|(?P<yday>\d{1,2})\.(?P<ymonth>\d{1,2})\.(?!\d)"
    + r"|(?P<sday>\d{1,2})/(?P<smonth>\d{1,2})(?![\d/.,])(?!\s*[^\W\d_])"
    # review 28: a two-digit year ("arrêté le 30/11/26", "abgesetzt am 02.11.26"), and a day with
    # its month's name, its year or none ("arrêté le 30 novembre", "am 2. November 2026",
    # "suspendido el 2 de noviembre", "sospeso il 2 novembre", "stopped on 2 November")
    + r"|(?P<tday>\d{1,2})(?P<tmark>[./-])(?P<tmonth>\d{1,2})[./-](?P<tyear>\d\d)(?![\d./-])"
    + r"|(?P<nday>\d{1,2})(?:\.|er|st|nd|rd|th)?\s*(?:de\s+|of\s+)?"
    + month_name_pattern("nmonth")
    + r"(?:\s*(?:de\s+|del\s+)?(?P<nyear>(?:19|20)\d\d)(?!\d))?)",
    re.IGNORECASE,
)
_CENTURY: Final = 100  # a two-digit year is of this century, unless that is after the sample's


def _stopped_on(item: str) -> re.Match[str] | None:
    """The stop date _STOPPED_ON finds in a medication-list item, its no-longer phrase or stop
    abbreviation read as the stop word ("Plasil sosp. il 02/11/2026", "sosp.to il 02/11/2026":
    _no_longer_as_stop)."""
    folded = _fold(item)
    found = _STOPPED_ON.search(folded)
    if found is None:
        as_stop = _no_longer_as_stop(folded.lower())
        found = _STOPPED_ON.search(as_stop) if as_stop != folded.lower() else None
    return found


def stop_days(item: str) -> float | None:
    """How many days before the sample the drug of a medication-list item was stopped or last
    given: a time written with the stop ("stopped yesterday", "vor 2 Tagen abgesetzt":
    values.stopped_days), or a stop date before the sample's (as_of: "stopped on 03.12.2026");
    None when the item says neither."""
    days = stopped_days(item)
    if days is None:
        # "Risperdal, nimmt sie seit 3 Wochen nicht mehr", "ne la prend plus depuis 2 semaines":
        # no longer taken, with the time written
        folded = _fold(item).lower()
        as_stop = _no_longer_as_stop(folded)
        days = stopped_days(as_stop) if as_stop != folded else None
    if days is not None:
        return days
    now = _AS_OF.get()
    found = _stopped_on(item)
    if now is None or found is None:
        return None
    stopped = _stop_date(found, date(*now))
    return None if stopped is None else float((date(*now) - stopped).days)


def _stop_date(found: re.Match[str], sample: date) -> date | None:
    """The day a _STOPPED_ON match writes: a whole date, a day and month without a year (the
    latest not after the sample: _yearless), with a two-digit year (of the sample's century, or
    the one before when that year is after the sample's), or with its month's name."""
    if found.group("yday") is not None or found.group("sday") is not None:
        return _yearless(found, sample)
    if found.group("tday") is not None:
        day, month = written_day_month(
            int(found.group("tday")), int(found.group("tmonth")), found.group("tmark")
        )
        year = sample.year - sample.year % _CENTURY + int(found.group("tyear"))
        year -= _CENTURY if year > sample.year else 0
        return _day_or_none(year, month, day)
    if found.group("nday") is not None:
        named = month_of_name(found.group("nmonth"))
        if named is None:
            return None
        if found.group("nyear") is None:
            return _nearest_before(sample, named, int(found.group("nday")))
        return _day_or_none(int(found.group("nyear")), named, int(found.group("nday")))
    return _date_of(found)


def _day_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def stop_span(item: str) -> tuple[float, float | None] | None:
    """The fewest and the most days before the sample the drug of a medication-list item was
    stopped or last given: one day when its time or date is written (stop_days); a month's span
    when only its month is ("stopped in October", "abgesetzt 10/2026": values.stopped_month; a
    month without a year is the latest not after the sample's, the sample's own month counts
    from the sample back); (0, None) when it is written only as recent ("recently stopped",
    "kürzlich abgesetzt": values.stopped_recently); a year's span when only its year is
    ("abgesetzt 2025": values.stopped_year, the sample's own year counted from the sample back).
    None when the item says none of these (or a month or year is written but the sample's date
    is not known)."""
    item = without_others_pauses(item)
    days = stop_days(item)
    if days is not None:
        return days, days
    now = _AS_OF.get()
    end = written_end(item) if now is not None else None
    if end is not None and now is not None:  # "until 1 Aug 2026", "2024-01 to 2026-08"
        sample = date(*now)
        return float((sample - end.last).days), float((sample - end.first).days)
    month = stopped_month(item)
    if month is not None and now is not None:
        sample = date(*now)
        number, year = month
        if year is None:
            year = sample.year if number <= sample.month else sample.year - 1
        first = date(year, number, 1)
        last = date(year, number, monthrange(year, number)[1])
        fewest = float((sample - last).days)  # stopped on the month's last day
        return max(fewest, 0.0) if first <= sample else fewest, float((sample - first).days)
    year = stopped_year(item)
    if year is not None and now is not None:  # "abgesetzt 2025", "arrêté en 2024"
        sample = date(*now)
        # stopped on the year's last day, the day before the next year's first
        fewest = float((sample - date(year + 1, 1, 1)).days + 1)
        return max(fewest, 0.0) if year <= sample.year else fewest, float(
            (sample - date(year, 1, 1)).days
        )
    if stopped_recently(item):
        return 0.0, None
    return None


# A dose's time before the sample, in minutes or hours (drugs.toml [patterns] dose_time_before,
# dose_time_after, [words] minute_units; the hours of synonyms.toml [values.durations]): "30 min
# before sample", "Morphin s.c. vor 90 min", "1 h avant le prélèvement", "hace 1 hora", "1 ora
# prima del prelievo", "1 uur geleden" (review 29).
_MINUTE_UNITS: Final = _words("minute_units")
_HOUR_UNITS: Final = tuple(
    normalise_word(word) for word in synonyms_data()["values"]["durations"]["hours"]
)
_MINUTES_PER_HOUR: Final = timedelta(hours=1) // timedelta(minutes=1)
_DOSE_TIME_UNIT: Final = "|".join(
    re.escape(word) for word in sorted({*_MINUTE_UNITS, *_HOUR_UNITS}, key=len, reverse=True)
)
_DOSE_TIME: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('dose_time_before')})\s+"
    rf"(?P<before>\d+(?:[.,]\d+)?)\s*(?P<before_unit>{_DOSE_TIME_UNIT})\.?(?![^\W\d_])"
    rf"|(?<![\w.,/])(?P<after>\d+(?:[.,]\d+)?)\s*(?P<after_unit>{_DOSE_TIME_UNIT})\.?\s+"
    rf"(?:(?:{_pattern_alternatives('dose_time_after')})(?![^\W\d_])"
    # "before" the sample, or before nothing more ("1 h before"); never "before meals", "vor
    # dem Schlafen", "pre-op" (review 29 mend B2)
    rf"|(?:{_pattern_alternatives('dose_time_until')})(?![^\W\d_])"
    rf"(?:\s+(?:{_pattern_alternatives('dose_time_sample')})(?![^\W\d_])|\s*(?=$|[;,.)\]|/])))",
    re.IGNORECASE,
)
_INTRAVENOUS: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('intravenous_route')})(?![^\W\d_])",
    re.IGNORECASE,
)


# A pause word about something else in a drug's item, or a pause that has ended (drugs.toml
# [patterns] pause_of_other, past_pause: "Physiotherapie unterbrochen seit 1 Woche", "Therapie
# unterbrochen 2021 für 3 Monate", "interrumpido en 2020 durante 1 mes"): review 29 mend B2.
_OTHERS_PAUSE: Final = compile_vocabulary(
    rf"(?<![^\W\d_])(?:{_pattern_alternatives('pause_of_other')}"
    rf"|{_pattern_alternatives('past_pause')})(?![^\W\d_])",
    re.IGNORECASE,
)


def without_others_pauses(text: str) -> str:
    """`text` with each pause that is not the drug's stop now (_OTHERS_PAUSE) blanked to spaces
    of its length (positions stay valid): the drug is read as current."""
    folded = _fold(text)
    if _OTHERS_PAUSE.search(folded) is None:
        return text
    return _OTHERS_PAUSE.sub(lambda found: " " * len(found.group()), folded)


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct medication item
def dose_minutes_before(item: str) -> float | None:
    """How many minutes before the sample a medication-list item writes a dose was given ("30
    min before sample": 30; "Morphin 10 mg s.c. vor 90 min": 90; "oxycodone 10 mg 2 h before
    sample": 120), else None."""
    found = _DOSE_TIME.search(_fold(item).lower())
    if found is None:
        return None
    side = "before" if found.group("before") else "after"
    number = float(found.group(side).replace(",", "."))
    unit = found.group(f"{side}_unit").lower()
    return number if unit in _MINUTE_UNITS else number * _MINUTES_PER_HOUR


def given_intravenously(item: str) -> bool:
    """Whether a medication-list item writes the intravenous route ("IV bolus", "i.v.", "e.v.",
    "endovenosa", "intraveineuse": drugs.toml [patterns] intravenous_route)."""
    return _INTRAVENOUS.search(_fold(item).lower()) is not None


def stop_span_at(
    item: str, as_of: tuple[int, int, int] | None
) -> tuple[float, float | None] | None:
    """stop_span of `item` for a sample of date `as_of` (None: not known)."""
    if not names_stop_time(item):
        return None  # the usual item: no stop time for any sample day (asked once per item)
    return _stop_span_at(item, as_of, text_dayfirst())


def names_stop_time(item: str) -> bool:
    """_names_stop_time in the run's day/month order (text_dayfirst)."""
    return _names_stop_time(item, text_dayfirst())


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _names_stop_time(item: str, _dayfirst: bool) -> bool:
    """Whether stop_span may find a stop in `item` for some sample day (False: stop_span_at is
    None whatever the day): what it reads without the sample's date, or a date, a month, a year
    or an end that it would read with one."""
    item = without_others_pauses(item)
    return (
        _stop_span_at(item, None, _dayfirst) is not None
        or _stopped_on(item) is not None
        or written_end(item) is not None
        or stopped_month(item) is not None
        or stopped_year(item) is not None
    )


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct item, sample day and day/month order
def _stop_span_at(
    item: str, as_of: tuple[int, int, int] | None, _dayfirst: bool = True
) -> tuple[float, float | None] | None:
    token = _AS_OF.set(as_of)
    try:
        return stop_span(item)
    finally:
        _AS_OF.reset(token)


def _yearless(found: re.Match[str], sample: date) -> date | None:
    """A day and month written without a year ("18.11.", "12/10"): in the sample's year, or the
    year before when that day would fall after the sample (None: no such day)."""
    if found.group("yday"):  # dotted ("18.11."): day first
        day, month = int(found.group("yday")), int(found.group("ymonth"))
    else:  # "12/10": in the run's order
        day, month = written_day_month(int(found.group("sday")), int(found.group("smonth")), "/")
    return _nearest_before(sample, month, day)


def _nearest_before(sample: date, month: int, day: int) -> date | None:
    """A day and month in the sample's year, or the year before when that day would fall after
    the sample (None: no such day)."""
    for year in (sample.year, sample.year - 1):
        try:
            when = date(year, month, day)
        except ValueError:
            continue  # 29.02. of a year without it: the year before may have it
        if when <= sample:
            return when
    return None


_LIST_BREAK: Final = compile_vocabulary(r"[;|\n\r•]")
_SWITCH_MARK: Final = compile_vocabulary(
    rf"(?:{_ARROW.pattern}|\b(?:"
    + "|".join(
        sorted(sorted(re.escape(p) for p in _SWITCHED_TO | _REPLACED), key=len, reverse=True)
    )
    + rf"))\W*(?:(?:{_ARROW.pattern})\W*)?(?:(?:switched|changed)\s+to\W*)?$"
)


# A switch after a drug to the next one and what follows it ("Haldol -> Abilify seit 18.11.",
# "Haldol remplacé par Abilify depuis le 12/10"): an arrow or a `switched_to` / `replaced`
# phrase, the new drug's first word, then the words that date the switch.
_SWITCH_AFTER: Final = compile_vocabulary(
    rf"(?:{_ARROW.pattern}|(?<![^\W\d_])(?:"
    + "|".join(
        sorted(sorted(re.escape(p) for p in _SWITCHED_TO | _REPLACED), key=len, reverse=True)
    )
    + r")(?![^\W\d_]))\s*[^\W\d_][\w\-]*(?P<after>[^;|\n]*)"
)


def switch_stop_text(item: str, matched: str) -> str | None:
    """A medication-list item's drug (`matched`) switched to another, written as the stop it is
    ("Haldol -> Abilify seit 18.11." → "haldol stopped seit 18.11."): the new drug's start is the
    old one's stop, which stop_span reads (_switched_recently).  None when no switch follows it."""
    folded, key = _fold(item).lower(), _fold(matched).lower()
    at = folded.find(key)
    if at < 0:
        return None
    found = _SWITCH_AFTER.search(folded, at + len(key))
    return None if found is None else f"{key} stopped {found.group('after').strip()}"


def _switched_into(between: str) -> bool:
    """The words between two drugs in clauses side by side say the first was switched to the
    second: an arrow or a switch phrase right before the second ("Haldol -> aripiprazole",
    "Haldol, switched to aripiprazole"), and no list break (";", a new line) between them; an
    arrow between doses ("risperidone 2 mg -> 4 mg, metoclopramide") is no switch."""
    return not _LIST_BREAK.search(between) and bool(_SWITCH_MARK.search(between))


# A new dose right after a future marker: "Risperdal 2 mg ab morgen 3 mg", "risperidone from
# tomorrow 4 mg", "à partir de demain 3 mg", "a partir de mañana 3 mg", "da domani 3 mg", "vanaf
# morgen 3 mg": a dose change of a drug taken now, no start.
_NEW_DOSE: Final = compile_vocabulary(r"\s*[:=]?\s*" + _DOSE_UNIT)
_FUTURE_MARKER: Final = compile_vocabulary(
    with_ascii_spellings(  # "naechste" as well (triage.transliteration)
        r"tomorrow|morgen|demain|ma[ñn]ana|domani|next|n[äa]chste|prochaine?|pr[óo]xim|prossim|"
        r"volgende"
    ),
    re.IGNORECASE,
)


def _proposed_after(text: str, end: int) -> bool:
    """Only proposed, declined or to start later, right after the drug (_PROPOSED_AFTER); a
    future marker with a new dose after it is a dose change of a drug taken now."""
    found = _PROPOSED_AFTER.match(text, end)
    if found is None:
        return False
    if found.group().rstrip().endswith("?") and (
        _DOSE_BEFORE_QUESTION.search(found.group()) or _ANSWER_YES.match(text, found.end())
    ):
        return False  # "Risperdal 2 mg?", "Risperdal? ja", "On risperidone? yes 2 mg": taken
    return not (_FUTURE_MARKER.search(found.group()) and _NEW_DOSE.match(text, found.end()))


# A question mark after the drug is only a drug asked about when it is bare: a dose before it
# ("Risperdal 2 mg?") or an answer after it ("Risperdal? ja, seit 2 Jahren", "On risperidone?
# yes 2 mg", "Compliance with risperidone? good": drugs.toml [words] answer_yes, or a dose) say
# it is taken.
_DOSE_BEFORE_QUESTION: Final = compile_vocabulary(r"\d")
_ANSWER_YES: Final = compile_vocabulary(
    rf"[\s:=\-–]*(?:(?:{_word_alternatives('answer_yes')}){_NOT_LETTER_AFTER}|\d)",
    re.IGNORECASE,
)


# A switch only planned ("Plan: switch risperidone to aripiprazole next month", "Umstellung
# Risperdal auf Abilify geplant", "relais Risperdal par Abilify prévu la semaine prochaine",
# "cambio risperidona a aripiprazol previsto", "passaggio ad aripiprazolo programmato",
# "omzetting naar aripiprazol gepland"): the old drug is still taken.  Read in the list item
# that holds both drugs.
_PLAN_WORDS: Final = compile_vocabulary(
    with_ascii_spellings(  # "naechste Woche" as well
        r"(?<![^\W\d_])(?:plan|planned|planning|to\s+be\s+switched|will\s+(?:switch|change)|"
        r"next\s+(?:week|month)|tomorrow|geplant|vorgesehen|planung|"
        r"n[äa]chste[rn]?\s+(?:woche|monat)|"
        r"ab\s+morgen|pr[ée]vue?s?|[àa]\s+pr[ée]voir|envisag[ée]e?|(?:la\s+)?semaine\s+prochaine|"
        r"(?:le\s+)?mois\s+prochain|demain|previst[oa]s?|programad[oa]s?|planificad[oa]s?|"
        r"pr[óo]xim[oa]\s+(?:semana|mes)|ma[ñn]ana|programmat[oa]|pianificat[oa]|"
        r"prossim[oa]\s+(?:settimana|mese)|domani|gepland|volgende\s+(?:week|maand))(?![^\W\d_])"
    ),
    re.IGNORECASE,
)


def _planned_switch(text: str, first: int, end: int) -> bool:
    """The list item holding the old drug (at ``first``) and the new one (ending at ``end``) says
    the switch is only planned (_PLAN_WORDS)."""
    begin = max([0] + [m.end() for m in _ITEM_END.finditer(text, 0, first)])
    after = _ITEM_END.search(text, end)
    return bool(_PLAN_WORDS.search(text, begin, after.start() if after else len(text)))


# A stop word after the drug that is not about it: after a concession ("Risperdal trotz
# Kontraindikation weitergeführt", "despite intolerance", "malgré", "a pesar de", "nonostante",
# "ondanks") or in a clause with a subject of its own ("since her marriage ended", "seit ihre Ehe
# beendet ist", "depuis que son mariage est terminé", "desde que su matrimonio terminó", "da
# quando il suo matrimonio è finito", "sinds haar huwelijk beëindigd is").
_NOT_THE_DRUGS_STOP: Final = compile_vocabulary(
    r"(?<![^\W\d_])(?:trotz|despite|in\s+spite\s+of|malgr[ée]|a\s+pesar\s+de|pese\s+a|nonostante|"
    r"malgrado|ondanks|(?:since|seit|depuis(?:\s+que)?|desde(?:\s+que)?|da\s+quando|sinds|when|"
    r"after|als|nachdem|quand|lorsque|cuando|quando|toen)\s+(?:(?:the\s+)?(?:her|his|their|ihre[mnrs]?|"
    r"seine[mnrs]?|sa|son|ses|leur|su|sus|il\s+suo|la\s+sua|sua|suo|haar|zijn|hun)))"
    r"(?![^\W\d_])"
)


# A switch after the drug to a drug the lexicon does not hold ("metoclopramide switched to
# ondansetron 3 weeks ago", "Primperan cambiado a ondansetrón", "MCP umgestellt auf Ondansetron",
# "Plasil passato a ondansetron", "omgezet naar ondansetron"; drugs.toml [words] switched_to):
# the drug before is no longer taken.  Not a new dose, form, schedule or route ("changed to 4
# mg", "switched to depot", "umgestellt auf abends": item_words): the same drug taken on.
_SWITCH_TARGET_ARTICLE: Final = (
    r"(?:(?:the|der|die|das|den|dem|la|le|el|il|lo|de|het|un|une|una|uno|a|an)\s+|l\W\s*)"
)
_SWITCHED_AWAY_AFTER: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_word_alternatives('switched_to')})\s+"
    rf"(?!{_SWITCH_TARGET_ARTICLE}?"
    rf"(?:{_word_alternatives('item_words')})"
    rf"(?![^\W\d_])){_SWITCH_TARGET_ARTICLE}?[^\W\d_]"
)


# A stop word that is a rule, an instruction or part of another noun (drugs.toml
# conditional_stop: "Stopp bei QT-Verlängerung", "stop if QT prolonged", "Stopp-Datum offen"):
# no stop of the drug (review 27 mends).
_CONDITIONAL_STOP: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('conditional_stop')})", re.IGNORECASE
)


def _blank(found: re.Match[str]) -> str:
    """The matched text as as many spaces (a word taken out, every offset kept)."""
    return " " * len(found.group())


def _post_stop(after: str) -> bool:
    """The words after a drug, in its clause, stop it (_POST_NEGATING) or switch from it to
    another (_SWITCHED_AWAY_AFTER), unless the stop word is about something else
    (_NOT_THE_DRUGS_STOP)."""
    after = _CONDITIONAL_STOP.sub(_blank, after)  # "Stopp bei QT-Verlängerung": a rule, no stop
    switched = _SWITCHED_AWAY_AFTER.search(after)
    if switched is not None:
        other = _NOT_THE_DRUGS_STOP.search(after, 0, switched.start())
        if other is None:
            return True
    if not _has_cue(after, _POST_NEGATING):
        return False
    other = _NOT_THE_DRUGS_STOP.search(after)  # before any stop word of the drug's own
    return other is None or _has_cue(after[: other.start()], _POST_NEGATING)


def _may_negate(text: str) -> bool:
    lower = text.lower()
    if any(stem in lower for stem in _NEGATION_STEMS) or _UNTIL_YEAR.search(lower):
        return True
    if writes_a_year(lower) and (
        written_end(lower) is not None
        or last_issue(lower) is not None
        or stopped_year(lower) is not None
        or names_last_dose(lower)
    ):
        return True  # "last dose 01/08/2026", "last issued 12-Nov-2024", "last dose of X 2023"
    if _NO_LONGER_TAKEN.search(lower) or _STOP_ABBREVIATION.search(lower):
        return True  # "she doesn't take it anymore", "susp. hace 10 d"
    if ":" in lower and (_NEGATED_LABEL.search(lower) or _NEGATED_ABBREVIATION.search(text)):
        return True
    if _ANY_OTHER_PERSON.search(lower):  # "husband's methadone", "(for her son)"
        return True
    if ended_ago(lower) is not None or "prola" in lower:  # _general_regions
        return True
    if last_dose_days(lower) is not None or _ARROW.search(lower) or _ZERO_ANYWHERE.search(lower):
        return True
    if _STARTED_ON.search(lower) or _AFTER_SAMPLE.search(lower) or _STARTS_FROM.search(lower):
        return True
    if _BASELINE.search(lower) or (_START_WORD.search(lower) and writes_a_year(lower)):
        return True
    if _INSTEAD_OF_ANYWHERE.search(lower) or "?" in lower or _SCREEN.search(lower):
        return True
    if _PAST_PERIOD.search(lower) or _ONE_OFF_YEAR.search(lower):
        return True
    if any(mark in lower for mark in _ANSWER_MARKS) or may_hold_absence_mark(text):
        return True  # "Metoclopramide ✗", "MCP Ø"
    return not _NEGATION_WORDS.isdisjoint(_WORD.findall(lower))


# A stop word with a negation right before it, only spaces between ("nicht abgesetzt", "not
# stopped", "never held", "no suspendida", "nunca interrumpida", "niet onderbroken", "jamais
# arrêté", "mai interrotto", "noch nicht abgesetzt", "not yet stopped"): the drug goes on
# (drugs.toml [patterns] stop_negation, negatable_stop; review 29 mend D).  _cue_words reads it
# as "continued", an affirming cue; "stopped, not restarted" and "no longer taking" stay stops.
_NEGATED_STOP: Final = compile_vocabulary(
    rf"{_NOT_LETTER_BEFORE}(?:{_pattern_alternatives('stop_negation')})\s+"
    rf"(?:{_pattern_alternatives('negatable_stop')}){_NOT_LETTER_AFTER}"
)
_GOES_ON: Final = " continued "


def _cue_words(text: str) -> list[str]:
    """The words of text in lower case as the cues read them: a negated stop (_NEGATED_STOP) is
    the affirming "continued"."""
    return _WORD.findall(_NEGATED_STOP.sub(_GOES_ON, text.lower()))


def _cues(text: str) -> list[str]:
    """The cue words and phrases of text in order, longest phrase first at each word."""
    return [cue for cue, _ in _cue_ends(_cue_words(text))]


def _cue_ends(words: Sequence[str]) -> list[tuple[str, int]]:
    """The cue words and phrases of `words` in order, longest phrase first at each word, each
    with the index of the word after it."""
    cues: list[tuple[str, int]] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_CUE, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in _ALL_CUES:
                following = words[index + size] if index + size < len(words) else ""
                if _NOT_A_CUE_AFTER.get(phrase) != following:
                    cues.append((phrase, index + size))
                index += size
                break
        else:
            index += 1
    return cues


def _last_cue_negates(text: str) -> bool | None:
    """True/False by the last negating or affirming cue in text; None when there is none.  An
    affirming "on", "con", "sous", "unter", "met", "currently" that a negation reaches over
    (synonyms.toml [negation_reach]: "not currently on", "no está en tratamiento con", "n'est pas
    sous", "is niet in behandeling met") is the negation's: True."""
    last = _last_cue(text)
    if last is None:
        return None
    return last in _NEGATING or _negation_reaches(text)


def _negation_reaches(text: str) -> bool:
    """A negating cue ends at or inside the run of [negation_reach] words that ends `text` ("non
    è attualmente in terapia con", "mai stata in terapia con"); any other word between ends its
    reach ("no side effects on", "keine Nebenwirkungen unter": taken)."""
    words = _cue_words(text)
    at = reach_start(words)
    return at < len(words) and any(cue in _NEGATING and end >= at for cue, end in _cue_ends(words))


def _last_cue(text: str) -> str | None:
    """The last negating or affirming cue in text; None when there is none."""
    cues = [cue for cue in _cues(text) if cue in _NEGATING or cue in _AFFIRMING]
    return cues[-1] if cues else None


def _past_then_on(before: str) -> bool:
    """A past time right before the drug (_PAST_THEN_ON) that is no "as before" (_AS_BEFORE)."""
    found = _PAST_THEN_ON.search(before)
    return found is not None and not _AS_BEFORE.search(before, 0, found.start())


def _continued_after(
    text: str,
    end: int,
    next_start: int,
    bounds: list[tuple[int, int]],
    words: re.Pattern[str] | None = None,
) -> bool:
    """The drug's list item goes on to say it is continued ("zuvor mit Risperdal eingestellt,
    weiter so", "previously on risperidone, continued") in a clause that names no other drug
    ("früher Haldol, weiter Risperdal" continues Risperdal); ``words``: what says so (default
    _CONTINUED_AFTER; _NOW_TAKEN_AFTER: "ora sì")."""
    item_end = _ITEM_END.search(text, end)
    found = (words or _CONTINUED_AFTER).search(
        text, end, item_end.start() if item_end else len(text)
    )
    if found is None:
        return False
    stop = min([len(text)] + [s for s, _ in bounds if s >= found.end()])
    return next_start >= stop


def _has_cue(text: str, cues: frozenset[str]) -> bool:
    return any(cue in cues for cue in _cues(text))


# A general statement that drugs can raise prolactin, as a lab's comment or a leaflet gives it
# ("Please note: metoclopramide, domperidone and risperidone can cause hyperprolactinaemia",
# "Neuroleptika wie Risperidon können Prolaktin erhöhen", "des médicaments comme le
# métoclopramide peuvent augmenter la prolactine"): a sentence that says a drug CAN raise
# prolactin and names examples (a list word, or two drugs or more) without saying the patient
# takes one.  Its drugs are examples, not the patient's (they made a suspected prolactinoma
# "drug-induced, likely").
# a sentence ends at ; ! ? a line end, or a full stop before a space that does not end a one-letter
# abbreviation ("z.B.", "e.g.", "p.ex.")
_SENTENCE_END: Final = compile_vocabulary(r"[;!?\n]|(?<!\b[^\W\d_])\.(?=\s|$)")
_CAN_RAISE: Final = compile_vocabulary(
    with_ascii_spellings(  # "koennen" as well
        r"\b(?:can|may|might|could|known\s+to|kann|k[oö]nnen|peut|peuvent|puede|pueden|pu[oò]|"
        r"possono|kan|kunnen)\b[^.;!?\n]*(?:prola[ck]t|prolatt)"  # "... can raise prolactin"
        r"|(?:prola[ck]t|prolatt)\w*\s+(?:can|may|kann|peut|puede|pu[oò]|kan)\b"  # "prolactin can"
    ),
    re.IGNORECASE,
)
_EXAMPLES: Final = compile_vocabulary(
    r"\b(?:such\s+as|e\.\s?g\.|including|like|drugs|medications|medicines|wie|z\.\s?b\.|u\.\s?a\.|"
    r"medikamente|arzneimittel|neuroleptika|comme|notamment|p\.\s?ex\.|medicaments|como|por\s+ejemplo|"
    r"farmacos|medicamentos|come|ad\s+esempio|tra\s+cui|farmaci|zoals|bijv\.?|bijvoorbeeld|"
    r"waaronder|geneesmiddelen|antipsychoti\w*|neurolepti\w*|antipsic[oó]tic\w*|neurol[eé]ptic\w*|"
    r"neurolettic\w*)\b",
    re.IGNORECASE,
)
_TAKES: Final = compile_vocabulary(
    with_ascii_spellings(  # "erhaelt" as well
        r"\b(?:on|taking|takes|taken|receives?|receiving|nimmt|erh[aä]lt|unter|prend|sous|toma|"
        r"recibe|assume|prende|in\s+terapia|gebruikt|neemt|krijgt)\b"
    ),
    re.IGNORECASE,
)


def _general_regions(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of text that state in general that drugs can raise prolactin."""
    regions: list[tuple[int, int]] = []
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    for begin, end in zip([0, *ends], [*ends, len(text)], strict=True):
        words = text[begin:end]
        if not _CAN_RAISE.search(words) or _TAKES.search(words):
            continue
        named = sum(begin <= start < end for start, _ in spans)
        if named >= 2 or (named and _EXAMPLES.search(words)):
            regions.append((begin, end))
    return regions


def _negative_screen_regions(text: str) -> list[tuple[int, int]]:
    """The parts of text a negative drug screen covers: from the screen's name to the line's,
    item's or sentence's end, when they say negative and nothing positive ("Drogenscreening:
    Opiate negativ, THC negativ", "urine drug screen negative for opiates, cocaine and
    amphetamines"); the drugs tested for are no intake."""
    regions: list[tuple[int, int]] = []
    for screen in _SCREEN.finditer(text):
        found = _SCREEN_END.search(text, screen.end())
        end = found.start() if found else len(text)
        stop = _SCREEN_STOP.search(text, screen.end(), end)
        end = stop.start() if stop else end
        if _SCREEN_NEGATIVE.search(text, screen.end(), end) and not _SCREEN_POSITIVE.search(
            text, screen.end(), end
        ):
            regions.append((screen.start(), end))
    return regions


_LABEL_REGION_END: Final = compile_vocabulary(r"[\n;)]|\.(?=\s)")


# A label's answer that negates nothing after it ("Contraindications: none, risperidone 2 mg",
# "KI: keine, Risperdal", "CI: aucune", "contraindicaciones: ninguna", "nessuna", "geen").
_LABEL_ANSWERED_NONE: Final = compile_vocabulary(
    r"\s*(?:none|nil|no|nothing|n/?a|nein|kein|keine|nichts|aucune?|rien|non|ningun[oa]|nada|no|"
    r"nessun[oa]|niente|geen|nee|neen)\s*(?:known\s*)?(?:[,.;\n)]|$)"
)
# An ambiguous abbreviated label ("CI:" clinical information or contraindication, "KI:", "Ex:"
# examination or former) negates only the drugs right after it, with their doses and list
# marks between ("KI: MCP, Haloperidol 5 mg"); a word of its own first ("CI: galactorrhoea, on
# risperidone") makes it a note, not a contraindication.
_AMBIGUOUS_LABEL_GAP: Final = compile_vocabulary(
    r"(?:[\s\d.,/()\-&+]|(?:mg|µg|mcg|ug|and|und|et|y|e|en|or|oder|ou|o)(?![^\W\d_]))*"
)


# A label of drugs the patient reacted to (an allergy, an intolerance, an adverse reaction:
# "Allergie:", "Allergy:", "Alergia:", "Allergia:", "intolérance :", "Unverträglichkeit:"), not
# of drugs stopped, planned or contraindicated.  An allergy lists drugs not taken, so it gives no
# dose: a later item of its list with a dose or schedule of its own ("Allergie: Haloperidol,
# Risperidon 2 mg 1-0-1") is a drug taken, written after the allergy.
_ALLERGY_STEMS: Final = r"allerg|alerg|intoleran|intolleran|unvertraglich"
_REACTION_LABEL: Final = compile_vocabulary(
    rf"(?:{_ALLERGY_STEMS}|advers|adr|(?:ram|uaw|eim)\b|"
    r"unerwunscht|nebenwirkung|effets?\s+indesirable|reacci|reazion|bijwerking)",
    re.IGNORECASE,
)
# a word that puts the patient on the drug right before it ("Galaktorrhoe unter Risperidon",
# "galactorrhée sous rispéridone"): the reaction's drug, taken (drugs.toml reaction_on)
_REACTION_ON: Final = compile_vocabulary(_word_set_pattern(_words("reaction_on")) + r"\s*$")
# an adverse reaction's label (not an allergy's or an intolerance's), where a drug named as the
# reaction's cause ("bijwerking: galactorroe door risperidon": drugs.toml reaction_cause) or
# after a reaction listed first ("Nebenwirkung: Gewichtszunahme, Risperidon": reaction_signs)
# is a drug taken (review 25 mend)
_ALLERGY_LABEL: Final = compile_vocabulary(rf"(?:{_ALLERGY_STEMS})", re.IGNORECASE)
_REACTION_CAUSE: Final = compile_vocabulary(_word_set_pattern(_words("reaction_cause")) + r"\s*$")
_REACTION_SIGN: Final = compile_vocabulary(
    _NOT_LETTER_BEFORE + "(?:" + "|".join(map(re.escape, _words("reaction_signs"))) + ")"
)
# a list mark or connector right before a drug: it opens an item of its own
_ITEM_OPENING: Final = compile_vocabulary(
    r"(?:[,+&/]|" + _word_set_pattern(_words("connector")) + r")\s*$", re.IGNORECASE
)


def _reactions_end(
    text: str, spans: Sequence[tuple[int, int]], begin: int, end: int, adverse: bool = False
) -> int:
    """Where an allergy-like label's list (from `begin` to `end`) ends: at its first drug after
    another item that opens an item of its own and carries its own dose or schedule
    (_DOSE_AFTER: "Allergie: Haloperidol, Risperidon 2 mg", "Alergia: haloperidol, risperidona
    2 mg 1-0-1"), or right after a word that puts the patient on it (_REACTION_ON: "UAW:
    Galaktorrhoe unter Risperidon").  The first item stays in the list, with a dose or not
    ("Allergie: Haloperidol 5 mg"), and so do bare names ("Allergie: Haloperidol, Risperidon").
    An adverse reaction's label (``adverse``: not an allergy's or an intolerance's) lists
    reactions: it also ends right before a drug named as a reaction's cause (_REACTION_CAUSE:
    "bijwerking: galactorroe door risperidon") or after a reaction written first (_REACTION_SIGN:
    "Nebenwirkung: Gewichtszunahme, Risperidon"); "RAM: haloperidol" stays a drug not given."""
    first = True
    for start, stop in sorted(spans):
        if start <= begin or start >= end:
            continue
        if _REACTION_ON.search(text, begin, start):
            return start  # "UAW: Galaktorrhoe unter Risperidon": a reaction on a drug taken
        if adverse and (
            _REACTION_CAUSE.search(text, begin, start)
            or (first and _REACTION_SIGN.search(text, begin, start))
        ):
            return start  # "bijwerking: gewichtstoename, haloperidol": the reaction's drug
        first = False
        if not _WORD.search(text, begin, start) or not _ITEM_OPENING.search(text, begin, start):
            continue
        if _DOSE_AFTER.match(text, _word_end(text, stop)):
            return start
    return end


def _ambiguous_label(label: re.Match[str]) -> bool:
    """An abbreviation label (_NEGATED_ABBREVIATION) or "Ex:" alone."""
    return label.re is _NEGATED_ABBREVIATION or label.group().rstrip(":").strip().lower() == "ex"


def _negated_regions(
    text: str, written: str | None = None, spans: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Spans after an "Allergies:"-like label, up to the next label or line end.  ``written``:
    the text in its own case (same positions), where "KI:" and "CI:" are read.  A label answered
    "none" negates nothing; an ambiguous one ("CI:", "KI:", "Ex:") only the drugs (``spans``)
    right after it."""
    regions: list[tuple[int, int]] = []
    if ":" not in text:
        return regions
    labels = list(_NEGATED_LABEL.finditer(text))
    if written is not None and len(written) == len(text):
        labels += _NEGATED_ABBREVIATION.finditer(written)
    for label in labels:
        if _LABEL_ANSWERED_NONE.match(text, label.end()):
            continue
        # up to the line's end, a semicolon, a sentence's end or a closing bracket ("Allergie:
        # Penicillin; Haldol 5 mg", "CAVE: Penicillinallergie. Risperdal 2 mg")
        found = _LABEL_REGION_END.search(text, label.end())
        end = found.start() if found else len(text)
        following = _TAKING_LABEL.search(text, label.end(), end)
        end = following.start() if following else end
        # "Prior antipsychotics: risperidone, haloperidol, now aripiprazole": taken from then on
        current = _now_after_label().search(text, label.end(), end)
        end = current.start() if current else end
        if _ambiguous_label(label):
            reach = label.end()
            for start, stop in sorted(spans):
                if start < reach:
                    continue
                if start >= end or not _AMBIGUOUS_LABEL_GAP.fullmatch(text, reach, start):
                    break
                reach = stop
            end = reach
        elif _REACTION_LABEL.match(label.group()):
            adverse = not _ALLERGY_LABEL.match(label.group())
            end = _reactions_end(text, spans, label.end(), end, adverse)
        regions.append((label.end(), end))
    return regions
