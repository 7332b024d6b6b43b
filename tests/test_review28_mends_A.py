"""Review 28 mend A: red flags that a resolution of something else cancelled, and two false
urgents (reviewer A's findings 1-5 on fix219).

Clinical-reference §5 ("Red flags -> urgent referral": visual field defects, diplopia, sudden
severe headache) and §8; output-contract §7 `urgent`; docs/output-contract-extensions.md (review
28: a red flag resolved after a comma).

1. A clause after the comma that resolves something else, in the verb-first order of Spanish,
   Italian and Dutch ("resuelta la fiebre", "già risolta la cefalea"), leaves the red flag.
2. "rientrato/a" (came back home, from holiday) resolves nothing in its clause.
3. Other words that mostly mean something else ("recovered from flu", "normalised prolactin",
   "peu/mal amendée", "Menstruation sistiert", "guérie de sa pneumonie") resolve nothing in the
   clause; "all over" (a diffuse headache) is no "over".
4. A visual deficit corrected with glasses is no red flag; a sudden onset of the fever named
   after a headache is no sudden headache.
Synthetic patients only.
"""

from __future__ import annotations

import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.engine.text import load_cue_book

BOOK = load_cue_book()
HEADER = "patient_id,sex,age,prolactin,unit,clinical notes"


def _red_flag(text: str) -> bool:
    return "red_flag" in BOOK.match("comments", text)


def _priorities(tmp_path, notes: list[str]) -> list[str]:
    """Each note as the clinical notes of a man of 66 with 60 ng/mL (ULN ~15-20)."""
    lines = [f"P{i},M,66,60,ng/mL,{csv_quoted(note)}" for i, note in enumerate(notes)]
    out = triage_lines(tmp_path, HEADER, lines)
    return [str(out.loc[f"P{i}", "priority"]) for i in range(len(notes))]


# 1. A resolution of something else after the comma --------------------------------------------
OTHER_RESOLVED_AFTER = [
    "cefalea improvvisa intensa, risolta la febbre",
    "Hemianopsia bitemporal, resuelta la fiebre",
    "diplopía, ha desaparecido la fiebre",
    "diplopia, si è normalizzata la sodiemia",
    "hemianopsia bitemporal, se ha normalizado el sodio",
    "hemianopsia bitemporal, ya resuelta la cefalea",
    "diplopia, già risolta la cefalea",
    "dubbelzien, is verholpen de hypoglykemie",
    "hémianopsie bitemporale, résolue la fièvre",
    "Doppelbilder, abgeklungen das Fieber",
]

# 2 and 3. Words that mostly mean something else --------------------------------------------------
OTHER_MEANING = [
    "emianopsia bitemporale, rientrata a domicilio",
    "Paziente rientrata dalle vacanze con cefalea improvvisa intensa",
    "cefalea improvvisa intensa, rientrato dal lavoro",
    "galattorrea e cefalea improvvisa, rientrata in reparto",
    "thunderclap headache, recovered from flu last week",
    "sudden severe headache in patient recovered from COVID",
    "sudden severe headache, recovered from syncope",
    "bitemporal hemianopia despite normalised prolactin on cabergoline",
    "céphalée brutale peu amendée par le paracétamol",
    "céphalée brutale intense mal amendée par les antalgiques",
    "Doppelbilder und Menstruation sistiert",
    "hémianopsie bitemporale, guérie de sa pneumonie",
    "sudden severe headache, all over",
    "diplopia partly resolved",
    "diplopia solo in parte risolta",
]


@pytest.mark.parametrize("text", OTHER_RESOLVED_AFTER + OTHER_MEANING)
def test_a_resolution_of_something_else_leaves_the_red_flag(text: str) -> None:
    assert _red_flag(text), text


# The cue's own resolution still reads as gone ---------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "diplopia, resolved",
        "diplopia, resolved completely",
        "hemianopsia, resuelta",
        "diplopia, ora risolta",
        "diplopia, rientrata",
        "diplopia rientrata",
        "céphalées brutales amendées",
        "Doppelbilder, sistiert",
        "dubbelzien, genormaliseerd",
        "Doppelbilder zurückgebildet",
        "diplopia, all gone",
    ],
)
def test_the_cue_own_resolution_is_still_gone(text: str) -> None:
    assert not _red_flag(text), text


# 4. False urgents -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "deficit visivo corretto con occhiali",
        "déficit visuel corrigé par des lunettes",
        "déficit visual corregido con gafas",
        "visual deficit corrected with glasses",
        "deficit visivo refrattivo",
        "cefalea, inizio improvviso della febbre",
        "céphalée, début brutal de la fièvre",
        "cefalea, inicio brusco de la fiebre",
        "headache, sudden onset of fever",
    ],
)
def test_no_red_flag_for_a_corrected_deficit_or_another_onset(text: str) -> None:
    assert not _red_flag(text), text


@pytest.mark.parametrize(
    "text",
    [
        "deficit visivo",
        "visual deficit, glasses worn",
        "cefalea, inizio improvviso",
        "headache, sudden onset",
        "céphalée d'installation brutale",
    ],
)
def test_the_red_flags_beside_them_stay(text: str) -> None:
    assert _red_flag(text), text


def test_through_the_pipeline(tmp_path) -> None:
    notes = [
        "Hemianopsia bitemporal, resuelta la fiebre",
        "emianopsia bitemporale, rientrata a domicilio",
        "bitemporal hemianopia despite normalised prolactin on cabergoline",
        "sudden severe headache, all over",
        "diplopia, resolved",
        "deficit visivo corretto con occhiali",
        "cefalea, inizio improvviso della febbre",
    ]
    got = _priorities(tmp_path, notes)
    assert [p == "urgent" for p in got] == [True, True, True, True, False, False, False], got
