"""Review 29 mend B (reviewer B findings 1, 6 and 7 on fix233: diagnosis codes in a note or a
diagnosis column; docs/output-contract-extensions.md, "Diagnosis codes in a table or a note").

- A code with the ICD-10-GM certainty letter Z ("Zustand nach": "O80 Z", "Z39.1 Z"), or dated
  to the past by "Z.n." or a year after it ("O80 Z.n.", "O82 2019"), is a past condition: a
  past delivery, pregnancy or breastfeeding is no current state (a raised prolactin stays
  flagged with its pituitary work-up: clinical reference §4, §5), while a past pituitary adenoma
  is still a known lesion (as the words "Z.n. Hypophysenadenom" are).
- A relative's or another person's diagnosis ("Mutter – Diagnose: D35.2", "mère : CIM-10
  D35.2") is not the patient's.
- Codes the tool does not list in a diagnosis column or after a diagnosis label ("I10, E11.9")
  are ordinary diagnoses: no "check them by hand" warning.
Synthetic patients only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

WIDE = "Patient ID,Sex,Age,Collection date,Prolactin (ng/mL),Comments"
# a woman of 34 with 150 ng/mL: above the non-pregnant interval, inside the pregnancy and the
# breastfeeding ones (a current state there would hide the result)
PAST_CODES = [
    "Diagnosen: O80 Z, F32.1 G",
    "Diagnosen: O82 Z (Sectio 2019), E28.2 G",
    "Diagnosen: Z39.1 Z",
    "Diagnose: O80 Z.n.",
    "ICD-10-GM: O80 Z.n. 2019",
    "Dx: O80 2015",
    "Diagnostic : O82 (2019)",
    "Diagnóstico: Z39.1 2018",
    "Diagnosi: O80 (2017)",
    "Diagnose: Z39.1 2020",
]
# ... and the codes that still give a current state or a known lesion (guards)
CURRENT_CODES = [
    ("Dx: Z33.1", "pregnancy"),
    ("Diagnosen: Z33.1 G", "pregnancy"),
    ("Diagnosen: D35.2 Z", "known_pituitary_lesion"),
    ("Diagnostic : D35.2 (2019)", "known_pituitary_lesion"),
]
# a relative's or another person's diagnosis, in each language (60 ng/mL: nothing else)
FAMILY_CODES = [
    "Mutter – Diagnose: D35.2, Schwester – Diagnose: E22.1",
    "Vater: Dx D35.2",
    "Mother - Dx: D35.2",
    "mère : CIM-10 D35.2",
    "Mère – Diagnostic : D35.2",
    "Madre – Diagnóstico: D35.2",
    "Sorella - Diagnosi: D35.2",
    "Moeder – Diagnose: D35.2",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list[str]]:
    lines = [WIDE]
    lines += [f"P{i},F,34,2026-11-03,150,{csv_quoted(n)}" for i, n in enumerate(PAST_CODES)]
    lines += [f"C{i},F,34,2026-11-03,150,{csv_quoted(n)}" for i, (n, _) in enumerate(CURRENT_CODES)]
    lines += [f"F{i},F,34,2026-11-03,60,{csv_quoted(n)}" for i, n in enumerate(FAMILY_CODES)]
    lines += ["G0,F,34,2026-11-03,60,Diagnose: D35.2"]
    return triage_csv_warned(tmp_path_factory.mktemp("mendB"), "\n".join(lines) + "\n")


@pytest.mark.parametrize("note", PAST_CODES)
def test_a_past_delivery_pregnancy_or_feed_code_is_no_current_state(
    runs: tuple[pd.DataFrame, list[str]], note: str
) -> None:
    row = runs[0].loc[f"P{PAST_CODES.index(note)}"]
    factors = set(str(row["factors"]).split(";"))
    assert not factors & {"pregnancy", "lactation", "postpartum"}, (note, row["factors"])
    assert row["priority"] == "soon", (note, row["priority"])
    assert "pituitary_mri" in str(row["suggestions"]), note


@pytest.mark.parametrize(("note", "factor"), CURRENT_CODES)
def test_a_current_code_and_a_past_adenoma_are_still_read(
    runs: tuple[pd.DataFrame, list[str]], note: str, factor: str
) -> None:
    row = runs[0].loc[f"C{[n for n, _ in CURRENT_CODES].index(note)}"]
    assert factor in str(row["factors"]).split(";"), (note, row["factors"])


@pytest.mark.parametrize("note", FAMILY_CODES)
def test_a_relatives_diagnosis_code_is_not_the_patients(
    runs: tuple[pd.DataFrame, list[str]], note: str
) -> None:
    row = runs[0].loc[f"F{FAMILY_CODES.index(note)}"]
    assert "known_pituitary_lesion" not in str(row["factors"]), (note, row["factors"])
    assert "macroprolactin_screen" in str(row["suggestions"]), note


def test_the_patients_own_diagnosis_code_is_still_read(
    runs: tuple[pd.DataFrame, list[str]],
) -> None:
    assert "known_pituitary_lesion" in str(runs[0].loc["G0", "factors"])


DX_HEADERS = ["Dx", "Diagnose", "Diagnostic", "Diagnóstico", "Diagnosi", "Diagnosen (ICD-10)"]
NOTES = ["Diagnosen: F32.1 G, I10", "Dx: I10, E11.9", "CIM-10 : I10", "Diagnosi: E11.9"]


@pytest.mark.parametrize("dx", DX_HEADERS)
def test_unlisted_codes_in_a_diagnosis_column_or_note_give_no_warning(
    tmp_path: pytest.TempPathFactory, dx: str
) -> None:
    lines = [f"MRN,Sex,Age,Collected,Prolactin (ng/mL),{csv_quoted(dx)},Comments"]
    lines += [
        f"A{i},F,34,2026-11-03,40,{csv_quoted('I10, E11.9')},{csv_quoted(note)}"
        for i, note in enumerate(NOTES)
    ]
    lines += [f"V1,M,50,2026-11-03,80,{csv_quoted('I10, H53.4')},"]
    results, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")  # type: ignore[arg-type]
    assert not [w for w in warnings if "not known to this tool" in w], (dx, warnings)
    assert not [w for w in warnings if "check them by hand" in w], (dx, warnings)
    assert results.loc["V1", "priority"] == "urgent", dx  # the listed code is still read
