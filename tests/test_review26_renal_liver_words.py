"""Review 26 (hunt T, nephrology, hepatology and clinical biochemistry, DE-NL-FR-BE): renal and
liver words in notes and status columns.

Clinical-reference §4 (dialysis: median 65 ng/mL, 81% above 30; cirrhosis raises prolactin with
the Child-Pugh class) and §8 (dialysis, CKD with an eGFR below 30 and cirrhosis are contributors
only when the patient has them); output contract §7 ("soon": high and not explained).

- A dialysis the note or the dialysis-status column says is not needed, not indicated or not
  done ("Dialyse derzeit nicht indiziert", "dialyse non nécessaire", "nicht dialysepflichtig",
  "non dialysé", "niet gedialyseerd") is no dialysis: the raised result stays unexplained, with
  the renal check and the endocrine referral.
- A cirrhosis denied after the word ("Zirrhose sonographisch nicht nachweisbar", "cirrhose non
  retrouvée") is no cirrhosis.
- A liver transplant only listed, evaluated or awaited ("LTx-Listung", "op wachtlijst
  levertransplantatie") replaced nothing: the cirrhosis beside it stands.
- "HD" / "HDF" written with what makes them a treatment or a patient ("HD seit 05/2025",
  "HD-pflichtig", "HD-Patient") is haemodialysis; "prädialytisch" and its kin are CKD before
  dialysis; neither where the cell says what else "HD" is (Huntington, Hodgkin, high-dose MTX).
- German verapamil brands (Verahexal, Veramex, Udramil) are verapamil (§3.1, §0b: low).

Synthetic patients only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_lines


def _run(folder: Path, header: str, cells: list[str], value: float) -> pd.DataFrame:
    """A semicolon export as a German or Belgian lab writes it: one row per cell, a man of 61."""
    shown = str(value).replace(".", ",")  # the decimal comma
    return triage_lines(
        folder,
        f"PatID;Geschlecht;Alter;Prolaktin (ng/ml);{header}",
        [f"P{i:02d};M;61;{shown};{cell}" for i, cell in enumerate(cells)],
    )


Row = tuple[list[str], list[str], str, dict[str, str]]


@pytest.fixture(scope="module")
def triaged(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str, float], Row]:
    """One run per column and value over every cell this module asks about (CASES), so that
    the parametrised tests share the engine's work; a row: factors, suggestions, priority and
    each factor's strength."""
    done: dict[tuple[str, float], dict[str, Row]] = {}

    def row(header: str, cell: str, value: float) -> Row:
        if (header, value) not in done:
            cells = list(dict.fromkeys(c for h, c, v in CASES if (h, v) == (header, value)))
            results = _run(tmp_path_factory.mktemp("review26"), header, cells, value)
            done[header, value] = {}
            for i, text in enumerate(cells):
                found = results.loc[f"P{i:02d}"]
                done[header, value][text] = (
                    str(found["factors"]).split(";"),
                    str(found["suggestions"]).split(";"),
                    str(found["priority"]),
                    {d["code"]: d["strength"] for d in found["factor_details"]},
                )
        return done[header, value][cell]

    return row


def _assert_unexplained_high(row: Row) -> None:
    factors, suggestions, priority, _ = row
    assert "dialysis" not in factors
    assert "renal_impairment" not in factors
    assert priority == "soon"
    assert "check_renal_function" in suggestions
    assert "endocrine_referral" in suggestions


NOTE = "Bemerkung"

# ------------------------------------------ 1: dialysis not needed, not indicated, not done ---
NOT_NEEDED_NOTES = [
    "Dialyse derzeit nicht indiziert",
    "Dialyse aktuell nicht notwendig",
    "dialyse non nécessaire pour l'instant",
    "dialyse pas nécessaire",
    "dialyse non indiquée",
    "diálisis no necesaria",
    "la diálisis no está indicada",
    "dialisi non indicata",
    "dialisi non è necessaria",
    "dialyse niet nodig",
    "dialyse momenteel niet geïndiceerd",
]


@pytest.mark.parametrize("note", NOT_NEEDED_NOTES)
def test_a_dialysis_a_note_says_is_not_needed_is_no_dialysis(triaged: Callable, note: str) -> None:
    """150 ng/mL in a man without dialysis is high and not explained: soon, referral."""
    _assert_unexplained_high(triaged(NOTE, note, 150))


STATUS_NO = [
    ("Dialysepflicht", "nicht dialysepflichtig"),
    ("Dialysepflicht", "keine Dialysepflicht"),
    ("Dialysepflicht", "Dialyse derzeit nicht indiziert"),
    ("Dialysé", "non dialysé"),
    ("Dialysé", "dialyse non nécessaire"),
    ("Gedialyseerd", "niet gedialyseerd"),
    ("Gedialyseerd", "dialyse niet nodig"),
    ("Dializado", "no dializado"),
    ("Dializzato", "non dializzato"),
    ("Dialysis status", "dialysis not indicated"),
]


@pytest.mark.parametrize(("header", "cell"), STATUS_NO)
def test_a_dialysis_status_column_saying_no_in_words_is_no_dialysis(
    triaged: Callable, header: str, cell: str
) -> None:
    """The header is the dialysis column: its cell is the answer, not a mention of dialysis."""
    _assert_unexplained_high(triaged(header, cell, 150))


STATUS_YES = [
    ("Dialysepflicht", "ja"), ("Dialysepflicht", "dialysepflichtig seit 2022"), ("Dialysé", "oui"),
    ("Gedialyseerd", "ja, HD"), ("Dializado", "sí"), ("Dializzato", "sì"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "cell"), STATUS_YES)
def test_a_dialysis_status_column_saying_yes_is_dialysis(
    triaged: Callable, header: str, cell: str
) -> None:
    factors, suggestions, _, _ = triaged(header, cell, 150)
    assert "dialysis" in factors
    assert "check_renal_function" not in suggestions


# ----------------------------------------------------------------- 3: cirrhosis denied after it ---
CIRRHOSIS_DENIED_AFTER = [
    "Zirrhose sonographisch nicht nachweisbar",
    "Leberzirrhose nicht nachgewiesen",
    "cirrhosis not seen on ultrasound",
    "cirrhose non retrouvée",
    "cirrhose n'est pas retrouvée à l'échographie",
    "cirrosis no objetivada",
    "cirrosi non evidenziata",
    "levercirrose niet aangetoond",
]


@pytest.mark.parametrize("note", CIRRHOSIS_DENIED_AFTER)
def test_a_cirrhosis_denied_after_the_word_is_no_cirrhosis(triaged: Callable, note: str) -> None:
    factors, _, _, _ = triaged(NOTE, note, 42)
    assert "liver_cirrhosis" not in factors
    assert "unexplained" in factors


CIRRHOSIS_KEPT = [
    "Leberzirrhose Child B, Aszites nicht nachweisbar", "cirrhose Child B, varices non retrouvées",
    "Leberzirrhose, nicht dialysepflichtig",
]  # fmt: skip


@pytest.mark.parametrize("note", CIRRHOSIS_KEPT)
def test_a_denial_of_another_finding_leaves_the_cirrhosis(triaged: Callable, note: str) -> None:
    factors, _, _, _ = triaged(NOTE, note, 42)
    assert "liver_cirrhosis" in factors


# ---------------------------------------------- 2: a liver transplant only listed or evaluated ---
TRANSPLANT_PLANNED = [
    "Leberzirrhose Child C, LTx-Listung 2025",
    "Zirrhose Child C, LTx-Evaluation",
    "äthyltoxische Leberzirrhose Child C, gelistet zur LTx",
    "decompensated cirrhosis Child C, liver transplant assessment",
    "cirrhosis Child C, candidate for liver transplant",
    "cirrhose Child C, sur liste de greffe hépatique",
    "cirrhose Child C, greffe hépatique envisagée",
    "cirrosis Child C, evaluación pretrasplante hepático",
    "cirrosi Child C, valutazione per trapianto di fegato",
    "levercirrose Child C, op wachtlijst levertransplantatie",
    "levercirrose Child C, levertransplantatie screening",
]
LIVER_COLUMN = "Lebererkrankung"


@pytest.mark.parametrize("note", TRANSPLANT_PLANNED)
def test_a_planned_liver_transplant_leaves_the_cirrhosis(triaged: Callable, note: str) -> None:
    factors, _, _, strengths = triaged(NOTE, note, 42)
    assert strengths.get("liver_cirrhosis") == "likely"  # Child C
    assert "unexplained" not in factors


def test_a_planned_liver_transplant_in_the_liver_column_leaves_the_cirrhosis(
    triaged: Callable,
) -> None:
    factors, _, _, _ = triaged(LIVER_COLUMN, "Leberzirrhose Child C, LTx-Listung", 42)
    assert "liver_cirrhosis" in factors


TRANSPLANT_DONE = [
    "Z.n. LTx 2018 bei äthyltoxischer Zirrhose", "greffe hépatique 2019 pour cirrhose",
    "levertransplantatie 2019 wegens cirrose", "OLT 2020 for NASH cirrhosis",
]  # fmt: skip


# ------------------------------------- 4: HD / HDF with its treatment words, pre-dialysis words ---
HD_WRITTEN_AS_TREATMENT = [
    "HD seit 05/2025",
    "HDF seit 2024",
    "HD-pflichtig",
    "HD-Patient, Shaldon re.",
    "HD-Patientin",
    "Transplantatversagen, wieder HD seit 05/2025",
    "HD since 2021",
    "HD depuis 2022",
    "HD desde 2023",
    "HD sinds 2020",
]


@pytest.mark.parametrize("note", HD_WRITTEN_AS_TREATMENT)
def test_haemodialysis_shortened_with_its_treatment_words_is_dialysis(
    triaged: Callable, note: str
) -> None:
    factors, suggestions, _, _ = triaged(NOTE, note, 42)
    assert "dialysis" in factors
    assert "check_renal_function" not in suggestions


HD_NOT_DIALYSIS = [
    "Chorea Huntington, HD-Patient", "M. Hodgkin (HD) seit 2019", "HD-MTX seit 2024",
    "Chorea Huntington (HD), Niereninsuffizienz", "früher HD-Patient, seit NTx dialysefrei",
]  # fmt: skip


NOT_THE_FACTOR = [
    *((note, "liver_cirrhosis") for note in TRANSPLANT_DONE),
    *((note, "dialysis") for note in HD_NOT_DIALYSIS),
]


@pytest.mark.parametrize(("note", "code"), NOT_THE_FACTOR)
def test_a_transplant_done_or_hd_meaning_something_else_gives_no_factor(
    triaged: Callable, note: str, code: str
) -> None:
    """A liver transplant done replaced the cirrhosis it was done for; "HD" that the cell names
    as something else (Huntington, Hodgkin, high-dose MTX) or as over is no dialysis."""
    factors, _, _, _ = triaged(NOTE, note, 42)
    assert code not in factors


PRE_DIALYSIS = [
    "prädialytisch",
    "prädialytisch, NTx-Warteliste",
    "predialytic CKD",
    "IRC pré-dialytique",
    "ERC predialítica",
    "IRC predialitica",
    "predialytische nierinsufficiëntie",
]


@pytest.mark.parametrize("note", PRE_DIALYSIS)
def test_kidney_failure_before_dialysis_is_advanced_ckd(triaged: Callable, note: str) -> None:
    """Stage 4-5 before dialysis: kidney impairment likely (§8: eGFR below 30), no dialysis."""
    factors, _, _, strengths = triaged(NOTE, note, 42)
    assert "dialysis" not in factors
    assert strengths.get("renal_impairment") == "likely"


# ------------------------------------------------------------------ 5: German verapamil brands ---
MEDICATION = "Medikation"
VERAPAMIL_BRANDS = [
    "Verahexal 120 1-0-1", "Veramex 80 mg", "VERAHEXAL RR 240", "Udramil 2 mg/180 mg 1-0-0",
]  # fmt: skip


@pytest.mark.parametrize("medication", VERAPAMIL_BRANDS)
def test_german_verapamil_brands_are_verapamil(triaged: Callable, medication: str) -> None:
    factors, suggestions, _, _ = triaged(MEDICATION, medication, 42)
    assert "medication:verapamil" in factors
    assert "medication_review" in suggestions


# every cell the tests above ask about, by column and prolactin (ng/mL): one run each
CASES: list[tuple[str, str, float]] = [
    *((NOTE, n, 150) for n in NOT_NEEDED_NOTES),
    *((h, c, 150) for h, c in [*STATUS_NO, *STATUS_YES]),
    *((NOTE, n, 42) for n in [*CIRRHOSIS_DENIED_AFTER, *CIRRHOSIS_KEPT, *TRANSPLANT_PLANNED]),
    *((NOTE, n, 42) for n in [*TRANSPLANT_DONE, *HD_WRITTEN_AS_TREATMENT, *HD_NOT_DIALYSIS]),
    *((NOTE, n, 42) for n in PRE_DIALYSIS),
    (LIVER_COLUMN, "Leberzirrhose Child C, LTx-Listung", 42),
    *((MEDICATION, m, 42) for m in VERAPAMIL_BRANDS),
]
