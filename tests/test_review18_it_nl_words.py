"""Review 18: words an Italian clinic and a Dutch lab write, unread before, and the same class
in English, German, French and Spanish.  Through the pipeline (in-process CSV runs).
Synthetic patients only.

1. The serum level named by its "-emia" word ("Prolattinemia", "Prolactinémie", "Prolaktinämie")
   is prolactin, as a long export's test name and as a wide header: an urgent 310 ng/mL was
   rejected as other_test (clinical-reference §1.3: PRL > 5,000 mU/L, ~236 ng/mL, is urgent).
2. A contrast word ("ma", "wel", "behalve", "aber", "sauf", "sino", "except") ends a negation's
   reach: "nessuna cefalea ma difetto del campo visivo" states a visual field defect, a
   mass-effect red flag (§5: red flags -> urgent referral; §7 Urgent: visual field loss).
3. Visual field loss in plurals, with adjectives, by its test (perimetry) or as sight lost in
   one eye: the same red flag.
4. A low morning cortisol written with the lab's name and hour ("cortisolemia ore 8: 45
   nmol/L", "cortisol 8 uur: 45 nmol/l"): 9 am cortisol < 100 nmol/L is urgent (§1.3 BNSSG).
5. Dialysis as an adjective or as the kidney's function replaced ("in trattamento dialitico",
   "nierfunctievervangende behandeling"): a contributing factor (§4: renal failure / dialysis).
6. The lab's own interval in a column named after the prolactin word and a short form ("PRL
   rif.", "Prolattina v.r.", "Prolactine referentiewaarde"): the lab's interval is preferred
   (§2.2), the default set's was used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

NOTES_HEADER = "ID;Sesso;Età;Prolattina (ng/mL);Note cliniche"


def _notes(tmp_path: Path, notes: list[str], *, prl: float = 60, sex: str = "F") -> pd.DataFrame:
    """One row per note (N0, N1, ...), a woman of 35 with prolactin ``prl`` ng/mL."""
    lines = [f"N{i};{sex};35;{prl};{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_lines(tmp_path, NOTES_HEADER, lines)


def _urgent_reasons(tmp_path: Path) -> dict[str, str]:
    """patient id -> the reason of its urgent referral ('' when none)."""
    found = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    return {
        str(r["patient_id"]): next(
            (
                s.get("reason", "")
                for s in r["suggestions"]
                if s["code"] == "urgent_endocrine_referral"
            ),
            "",
        )
        for r in found["results"]
    }


# 1. "-emia" names of the test ------------------------------------------------------------------
EMIA_NAMES = [
    "PROLATTINEMIA",
    "Prolattinemia",
    "Prolattinemia basale",
    "Prolactinemia",  # es / it
    "prolactinémie",  # fr
    "Prolaktinämie",  # de
    "prolactinemie",  # nl
    "Prolactinaemia",
]


def test_an_emia_test_name_in_a_long_export_is_prolactin(tmp_path: Path) -> None:
    header = "Cod. paziente;Sesso;Data di nascita;Data prelievo;Esame;Risultato;U.M.;Valori"
    lines = [
        f"P{i};F;12/05/1990;03/04/2026;{name};310;ng/mL;4,8 - 23,3"
        for i, name in enumerate(EMIA_NAMES)
    ]
    # a diagnosis and another measurement are no such name
    lines += [
        "H1;F;12/05/1990;03/04/2026;Prolattina;12;ng/mL;4,8 - 23,3",
        "H1;F;12/05/1990;03/04/2026;Iperprolattinemia;1;ng/mL;",
        "H1;F;12/05/1990;03/04/2026;Macroprolattinemia;80;ng/mL;",
    ]
    out = triage_lines(tmp_path, header, lines)
    for i, name in enumerate(EMIA_NAMES):
        assert out.loc[f"P{i}", "prolactin_ng_ml"] == pytest.approx(310), name
        assert out.loc[f"P{i}", "priority"] == "urgent", name
    assert out.loc["H1", "prolactin_ng_ml"] == pytest.approx(12)  # the only prolactin of H1
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert "Prolattinemia'" not in rejected and "PROLATTINEMIA" not in rejected


@pytest.mark.parametrize(
    "header",
    [
        "Prolattinemia (ng/mL)",
        "Prolattinemia basale (ng/mL)",
        "Prolaktinämie (ng/ml)",
        "Prolactinemia (ng/mL)",
    ],
)
def test_an_emia_wide_header_is_the_prolactin_column(tmp_path: Path, header: str) -> None:
    out = triage_lines(tmp_path, f"ID;Sesso;Età;{header}", ["A1;F;35;310", "A2;F;35;12"])
    assert out.loc["A1", "priority"] == "urgent"
    assert out.loc["A2", "status"] == "normal"


# 2. Contrast words end a negation --------------------------------------------------------------
CONTRASTED = [
    "nessuna cefalea ma difetto del campo visivo",
    "nessun sintomo ma calo del visus",
    "nessuna cefalea, tuttavia diplopia",
    "nessuna cefalea invece diplopia",
    "geen hoofdpijn wel dubbelzien",
    "geen klachten behalve dubbelzien",
    "geen hoofdpijn echter dubbelzien",
    "keine Kopfschmerzen aber Doppelbilder",
    "keine Beschwerden außer Doppelbildern",
    "keine Beschwerden ausser Doppelbildern",
    "pas de céphalée mais diplopie",
    "aucun symptôme sauf diplopie",
    "sin cefalea sino diplopía",
    "ningún síntoma excepto diplopía",
    "sin cefalea sin embargo diplopía",
    "no symptoms except diplopia",
    "diplopia ma adenoma escluso",  # the exclusion after "ma" is the adenoma's
]
STILL_DENIED = [
    "nessuna cefalea né diplopia",
    "geen hoofdpijn of dubbelzien",
    "geen dubbelzien",
    "wel eens hoofdpijn, geen dubbelzien",
    "nessun difetto del campo visivo",
    "keine Doppelbilder",
]


def test_a_contrast_word_ends_a_negation_in_every_language(tmp_path: Path) -> None:
    out = _notes(tmp_path, CONTRASTED + STILL_DENIED)
    for i, note in enumerate(CONTRASTED):
        assert out.loc[f"N{i}", "priority"] == "urgent", note
    for i, note in enumerate(STILL_DENIED, start=len(CONTRASTED)):
        assert out.loc[f"N{i}", "priority"] == "soon", note  # 60 ng/mL without a red flag


# 3. Visual field loss in other words -----------------------------------------------------------
FIELD_LOSS = [
    "alterazioni del campo visivo (bilaterali)",
    "difetti del campo visivo",
    "deficit dei campi visivi",
    "restringimento del campo visivo",
    "amaurosi",
    "cecità monoculare",
    "gezichtsveldinperking",
    "gezichtsveldstoornis",
    "kwadrantanopsie",
    "afwijkend gezichtsveld",
    "beperkt gezichtsveld",
    "perimetrie afwijkend",
    "blind aan één oog",
    "Goldmann: bitemporaal defect",
    "eingeschränktes Gesichtsfeld",
    "Perimetrie pathologisch",
    "einseitige Erblindung",
    "altération bilatérale du champ visuel",
    "déficits des champs visuels",
    "cécité monoculaire",
    "alteraciones de los campos visuales",
    "campos visuales reducidos",
    "defects in the visual fields",
    "abnormal visual fields",
    "blind in one eye",
]
NO_FIELD_LOSS = [
    "normal visual fields",
    "campi visivi integri",
    "campo visivo nella norma",
    "geen gezichtsveldinperking",
    "perimetrie normaal",
    "Gesichtsfeld unauffällig",
    "périmétrie normale",
    "cecità notturna",
    "blinde vlek normaal",
]


def test_visual_field_loss_in_other_words_is_a_red_flag(tmp_path: Path) -> None:
    out = _notes(tmp_path, FIELD_LOSS + NO_FIELD_LOSS)
    reasons = _urgent_reasons(tmp_path)
    for i, note in enumerate(FIELD_LOSS):
        assert out.loc[f"N{i}", "priority"] == "urgent", note
        assert "red flag" in reasons[f"N{i}"], (note, reasons[f"N{i}"])
    for i, note in enumerate(NO_FIELD_LOSS, start=len(FIELD_LOSS)):
        assert out.loc[f"N{i}", "priority"] == "soon", note


# 4. A low morning cortisol with the lab's name and hour ----------------------------------------
LOW_MORNING_CORTISOL = [
    "cortisolemia ore 8: 45 nmol/L",
    "cortisolemia delle ore 8 45 nmol/L",
    "cortisolo h 8: 1,6 µg/dL",
    "cortisol 8 uur: 45 nmol/l",
    "cortisol 08:00 u 45 nmol/l",
    "cortisol (8.00 uur): 45 nmol/l",
    "Cortisol 8 Uhr 40 nmol/l",
    "8-Uhr-Cortisol 40 nmol/l",
    "cortisolémie de 8h 2,5 µg/dL",
    "cortisol basal 8 h 1,2 µg/dl",
    "cortisol de las 8 h: 40 nmol/l",
]
NOT_LOW_MORNING = [
    "cortisolemia ore 8: 450 nmol/L",  # not low
    "cortisol 8 uur: 450 nmol/l",
    "cortisolo ore 18: 45 nmol/L",  # an evening cortisol is low by nature
    "cortisol 16 h 45 nmol/l",
    "cortisol 45 nmol/l",  # no time of day
]


def test_a_low_morning_cortisol_in_local_forms_is_urgent(tmp_path: Path) -> None:
    out = _notes(tmp_path, LOW_MORNING_CORTISOL + NOT_LOW_MORNING, sex="M")
    reasons = _urgent_reasons(tmp_path)
    for i, note in enumerate(LOW_MORNING_CORTISOL):
        assert out.loc[f"N{i}", "priority"] == "urgent", note
        assert "cortisol" in reasons[f"N{i}"].lower(), (note, reasons[f"N{i}"])
    for i, note in enumerate(NOT_LOW_MORNING, start=len(LOW_MORNING_CORTISOL)):
        assert out.loc[f"N{i}", "priority"] == "soon", note


# 5. Dialysis as an adjective or a replaced kidney function -------------------------------------
ON_DIALYSIS = [
    "in trattamento dialitico",
    "paziente dialitico",
    "trattamento emodialitico",
    "trattamento sostitutivo renale",
    "terapia renale sostitutiva",
    "nierfunctievervangende behandeling",
    "dialysepflichtig",
    "Nierenersatzverfahren",
    "patient dialysé",
    "épuration extrarénale",
    "traitement de suppléance rénale",
    "en diálisis",
    "tratamiento renal sustitutivo",
    "kidney replacement therapy",
]
NOT_ON_DIALYSIS = [
    "nessun trattamento dialitico",
    "geen nierfunctievervangende behandeling",
    "paziente pre-dialitico",
    "terapia sostitutiva con idrocortisone",  # a hormone replaced, not the kidney
    "terapia sustitutiva con levotiroxina",
]


def test_dialysis_in_adjectives_and_replacement_words_is_a_factor(tmp_path: Path) -> None:
    out = _notes(tmp_path, ON_DIALYSIS + NOT_ON_DIALYSIS, prl=40)
    for i, note in enumerate(ON_DIALYSIS):
        assert "dialysis" in str(out.loc[f"N{i}", "factors"]).split(";"), note
    for i, note in enumerate(NOT_ON_DIALYSIS, start=len(ON_DIALYSIS)):
        assert "dialysis" not in str(out.loc[f"N{i}", "factors"]).split(";"), note


# 6. The lab's interval in a column named by the prolactin word and a short form --------------
INTERVAL_HEADERS = [
    ("Prolattina (ng/mL)", "Prolattina rif."),
    ("PRL (ng/mL)", "PRL rif."),
    ("Prolattina (ng/mL)", "Prolattina v.r."),
    ("Prolattina (ng/mL)", "Prolattina (rif.)"),
    ("Prolattina (ng/mL)", "Prolattina v.n."),
    ("Prolattina (ng/mL)", "Prolattina VN"),
    ("Prolattina (ng/mL)", "Prolattina valori normali"),
    ("Prolactine (µg/L)", "Prolactine ref. waarde"),
    ("Prolactine (µg/L)", "Prolactine referentiewaarde"),
    ("Prolactine (µg/L)", "Prolactine normaalwaarde"),
    ("Prolactine (ng/mL)", "Prolactine valeurs normales"),
    ("Prolactina (ng/mL)", "Prolactina intervalo"),
]


def test_the_labs_interval_after_the_prolactin_word_is_read(tmp_path: Path) -> None:
    for k, (result, interval) in enumerate(INTERVAL_HEADERS):
        case = tmp_path / f"c{k}"
        case.mkdir()
        text = f"ID;Sesso;Età;{result};{interval}\nA1;F;35;20;4 - 15\n"
        row = triage_csv(case, text).set_index("patient_id").loc["A1"]
        # 20 ng/mL is within the default set's interval but above the lab's 15
        assert row["reference_source"] == "row", interval
        assert row["reference_high_ng_ml"] == pytest.approx(15), interval
        assert row["status"] == "high", interval


@pytest.mark.parametrize(
    "header", ["Prolattina (v.r. 4-15)", "Prolactine (referentiewaarde 4-15)", "Prolactine waarde"]
)
def test_a_result_header_naming_its_interval_or_value_stays_the_result(
    tmp_path: Path, header: str
) -> None:
    """The interval words the prolactin column now excludes do not take a result header that
    states its interval in brackets, nor one that says "value"."""
    out = triage_lines(tmp_path, f"ID;Sesso;Età;{header};U.M.", ["A1;F;35;20;ng/mL"])
    assert out.loc["A1", "prolactin_ng_ml"] == pytest.approx(20)
