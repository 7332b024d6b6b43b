"""Review 23 (a Dutch and a Belgian, Flemish and Walloon, laboratory export): the words such
exports write.  Through the pipeline (in-process CSV runs, several phrasings per run).
Synthetic patients only.

1. A visual-field loss or a sudden loss of sight in other words or another order ("verlies van
   gezichtsveld rechts", "uitval gezichtsveld links", "plots blind links", "suddenly blind in
   left eye", "plötzlich blind links", "scotoom") was `soon`; only the compound
   "gezichtsveldverlies" was urgent.  Output-contract §7 (raised prolactin with visual
   disturbance or other mass-effect red flags: urgent), clinical-reference §1.3 (BNSSG, Metro
   North: sudden headache, visual loss, diplopia) and §8.
2. A drug marked stopped in Flemish ("stopgezet", "onderbroken", "weggelaten", "geschrapt") was
   taken as current: the raised result was put down to a drug no longer taken and lowered to
   `routine` (contract §7; §2: free text is read for what it says).
3. Benelux brands and Dutch spellings (Frenactil = benperidol, broomperidol, Lodixal =
   verapamil, Redomex / Sarotex = amitriptyline, Aropax = paroxetine, Prolopa =
   levodopa/benserazide) were no drug: no factor, no masking caution (contract §2 "generic and
   brand drug names"; clinical-reference §0b, §3, §8 "Masking").
4. Flemish "neen" was no answer, and one cell that is no answer turned a liver-cirrhosis
   column's "ja" into unread text (contract §2: yes/no fields accept the common words of a
   clinical export; §7 and clinical-reference §8: cirrhosis contributes).
5. Words of the same exports: a seizure named by the disease ("crise d'épilepsie ce matin",
   "epilepsie-aanval vanochtend"; clinical-reference §1.1, §4), a creatinine as "kreat 4,2
   mg/dl" (Belgian labs report mg/dl), and a symptom dated years back ("dubbelzien in 2015"),
   a past episode, not a current red flag.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from pipeline_helpers import triage_csv_warned, triage_lines

NL_COLUMNS = "Patiëntnummer;Geslacht;Leeftijd;Afnamedatum;Prolactine;Eenheid;Referentiewaarde"
NL_LAB = NL_COLUMNS + ";Opmerking"


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c and c != "nan"]


def _man(i: int, note: str) -> str:
    """A man of 50 with 1100 mU/l (interval 86-324: raised) and ``note``."""
    return f"P{i};M;50;14/05/2024 10:00;1100;mU/l;86 - 324;{note}"


def _woman(i: int, note: str) -> str:
    """A woman of 40 with 1100 mU/l (interval 102-496: raised) and ``note``."""
    return f"P{i};V;40;14/05/2024;1100;mU/l;102 - 496;{note}"


def _run(
    tmp_path: Path, notes: list[str], row: Callable[[int, str], str] = _man
) -> dict[str, pd.Series]:
    out = triage_lines(tmp_path, NL_LAB, [row(i, n) for i, n in enumerate(notes)])
    return {note: out.loc[f"P{i}"] for i, note in enumerate(notes)}


# 1. visual-field loss and sudden blindness ------------------------------------------------------
FIELD_OR_SIGHT_LOST = [
    "verlies van gezichtsveld rechts",
    "uitval gezichtsveld links",
    "gezichtsveld links uitgevallen",
    "verlies van het linker gezichtsveld",
    "verlies van het zicht rechts",
    "zicht links plots weg",
    "plots blind links",
    "suddenly blind in left eye",
    "blind on the right since yesterday",
    "plötzlich blind links",
    "Visus rechts plötzlich weg",
    "Ausfall Gesichtsfeld links",
    "perte brutale de la vision de l'œil gauche",
    "pérdida súbita de la visión",
    "perdita improvvisa della vista",
    "centraal scotoom",
    "scotome central gauche",
    "Zentralskotom links",
]
NOT_A_RED_FLAG = [
    "geen verlies van gezichtsveld",  # denied
    "geen uitval gezichtsveld",
    "uitval gezichtsveld door glaucoom",  # an eye disease explains it
    "migraine met flitsend scotoom",  # a migraine aura
    "scintillating scotoma with migraine",
    "scotome scintillant",
    "double-blind study participant",
    "gezichtsveld links normaal",
]


def test_field_loss_and_sudden_blindness_in_other_words_are_urgent(tmp_path: Path) -> None:
    rows = _run(tmp_path, FIELD_OR_SIGHT_LOST + NOT_A_RED_FLAG)
    for note, row in rows.items():
        if note in FIELD_OR_SIGHT_LOST:
            assert row["priority"] == "urgent", note
            assert "urgent_endocrine_referral" in _codes(row["suggestions"]), note
        else:
            assert row["priority"] == "soon", note
            assert "urgent_endocrine_referral" not in _codes(row["suggestions"]), note


# 2. Flemish stop words --------------------------------------------------------------------------
STOPPED = [
    "Risperdal stopgezet sinds 1 maand",
    "Risperdal: stopgezet",
    "Risperdal sinds januari stopgezet",
    "Risperdal stopgezet 01/04/2024",
    "Risperdal stop gezet",
    "Risperdal onderbroken",
    "Haldol weggelaten",
    "Risperdal geschrapt",
    "stopzetting van Risperdal vorige maand",
]
TAKEN = ["Risperdal 2 mg", "Risperdal onderbroken, Haldol 5 mg"]


def test_a_drug_stopped_in_flemish_words_is_not_taken(tmp_path: Path) -> None:
    rows = _run(tmp_path, STOPPED + TAKEN, row=_woman)
    for note, row in rows.items():
        factors = _codes(row["factors"])
        if note in STOPPED:
            assert "medication:antipsychotic" not in factors, note
            assert row["priority"] == "soon", note
        else:
            assert "medication:antipsychotic" in factors, note
            assert row["priority"] == "routine", note


# 3. Benelux brands and Dutch spellings ----------------------------------------------------------
BRANDS = {
    "Frenactil 0,5 mg": "medication:antipsychotic",  # benperidol
    "Frénactil 0,25 mg": "medication:antipsychotic",
    "broomperidol 5 mg": "medication:antipsychotic",  # bromperidol
    "chloorprothixeen 15 mg": "medication:antipsychotic",  # chlorprothixene
    "Lodixal 240 mg": "medication:verapamil",
    "Lodixal retard 240 mg": "medication:verapamil",
    "Redomex 25 mg": "medication:antidepressant",  # amitriptyline
    "Sarotex 25 mg": "medication:antidepressant",
    "Aropax 20 mg": "medication:antidepressant",  # paroxetine
}
MASKING = ["Prolopa 125 3x/d", "Prolopa HBS 125", "Prolopa Dispersible 62,5", "broomocriptine 2,5"]


def test_benelux_brands_and_dutch_spellings_are_drugs(tmp_path: Path) -> None:
    rows = _run(tmp_path, [*BRANDS, *MASKING], row=_woman)
    for note, factor in BRANDS.items():
        # the same factor as the generic name gives ("amitriptyline 10 mg")
        assert factor in _codes(rows[note]["factors"]), note
    for note in MASKING:  # levodopa/benserazide, bromocriptine: the masking caution
        assert "dopamine_agonist_masking" in _codes(rows[note]["suggestions"]), note


# 4. "neen" and one unread cell ------------------------------------------------------------------
YES_NO_LAB = NL_COLUMNS + ";Zwanger;Levercirrose"


def test_neen_is_no_in_a_pregnancy_column(tmp_path: Path) -> None:
    lines = [
        "L0;V;30;14/05/2024;2100;mU/l;102 - 496;neen;neen",
        "L1;V;58;14/05/2024;2100;mU/l;102 - 496;;ja",
        "L2;V;30;14/05/2024;2100;mU/l;102 - 496;NEEN;nee",
        "L3;V;30;14/05/2024;2100;mU/l;102 - 496;Neen;",
    ]
    out, warnings = triage_csv_warned(tmp_path, YES_NO_LAB + "\n" + "\n".join(lines) + "\n")
    assert not any("neen" in w.lower() for w in warnings), warnings
    for pid in ("L0", "L2", "L3"):  # not pregnant: no pregnancy test asked for
        assert "pregnancy_test" not in _codes(out.loc[pid, "suggestions"]), pid
    assert "liver_cirrhosis" in _codes(out.loc["L1", "factors"])
    assert "liver_cirrhosis" not in _codes(out.loc["L0", "factors"])


def test_one_unread_cell_keeps_the_other_answers_of_a_condition_column(tmp_path: Path) -> None:
    header = NL_COLUMNS + ";Levercirrose"
    lines = [
        "C0;V;58;14/05/2024;2100;mU/l;102 - 496;ja",
        "C1;V;58;14/05/2024;2100;mU/l;102 - 496;zie dossier",
        "C2;V;58;14/05/2024;2100;mU/l;102 - 496;nee",
        "C3;V;58;14/05/2024;2100;mU/l;102 - 496;Ja",
        "C4;V;58;14/05/2024;2100;mU/l;102 - 496;neen",
    ]
    out = triage_lines(tmp_path, header, lines)
    for pid in ("C0", "C3"):
        assert "liver_cirrhosis" in _codes(out.loc[pid, "factors"]), pid
    for pid in ("C2", "C4"):
        assert "liver_cirrhosis" not in _codes(out.loc[pid, "factors"]), pid


# 5. seizure words, "kreat", a dated past symptom ------------------------------------------------
SEIZURE_TODAY = [
    "crise d'épilepsie ce matin",
    "epilepsie-aanval vanochtend",
    "epilepsieaanval vandaag",
    "epileptic fit this morning",
    "Epilepsieanfall heute",
    "crisis de epilepsia esta mañana",
    "crisi di epilessia stamattina",
]


def test_a_seizure_named_by_the_disease_is_a_seizure(tmp_path: Path) -> None:
    rows = _run(tmp_path, [*SEIZURE_TODAY, "crise d'épilepsie en 2015"])
    for note in SEIZURE_TODAY:
        assert "seizure" in _codes(rows[note]["factors"]), note
    # a seizure years ago raises no prolactin now (clinical-reference §4: about an hour)
    assert "seizure" not in _codes(rows["crise d'épilepsie en 2015"]["factors"])


def test_kreat_with_its_unit_is_a_creatinine(tmp_path: Path) -> None:
    rows = _run(tmp_path, ["kreat 4,2 mg/dl", "kreat: 380 µmol/l", "kreat 0,9 mg/dl"])
    assert "renal_impairment" in _codes(rows["kreat 4,2 mg/dl"]["factors"])
    assert "renal_impairment" in _codes(rows["kreat: 380 µmol/l"]["factors"])
    assert "renal_impairment" not in _codes(rows["kreat 0,9 mg/dl"]["factors"])


DATED_PAST = [
    "dubbelzien in 2015",
    "diplopia in 2015",
    "ooit dubbelzien (2015)",
    "Doppelbilder 2016",
]
STILL_THERE = ["dubbelzien sinds 2015", "dubbelzien in 2015, nu opnieuw", "dubbelzien"]


def test_a_symptom_dated_years_back_is_no_current_red_flag(tmp_path: Path) -> None:
    notes = [*DATED_PAST, *STILL_THERE, "hoofdpijn in 2019, nu klachtenvrij", "hoofdpijn", ""]
    rows = _run(tmp_path, notes)
    for note in DATED_PAST:
        assert rows[note]["priority"] == "soon", note
        assert "urgent_endocrine_referral" not in _codes(rows[note]["suggestions"]), note
    for note in STILL_THERE:  # since then, again now, or undated: a red flag now
        assert rows[note]["priority"] == "urgent", note
    # a headache of 2019, gone now, is no mass symptom: the work-up is that of no note at all
    gone = _codes(rows["hoofdpijn in 2019, nu klachtenvrij"]["suggestions"])
    assert gone == _codes(rows[""]["suggestions"])
    assert _codes(rows["hoofdpijn"]["suggestions"]) != gone
