"""Review 29 (hunter AP: US Epic/Cerner/Sunquest and AU/NZ exports), fix233.

ICD-10 codes in a spreadsheet's diagnosis column ("Dx", "Dx Codes", "Diagnosis", "Diagnoses",
"ICD-10", "Problem List" and the German, French, Spanish, Italian and Dutch headers for
diagnoses or their codes) are read in the words synonyms.toml [coded_conditions] gives them, as
an HL7 DG1 or a FHIR Condition sent as a code already is (docs/output-contract-extensions.md,
"Diagnosis codes in a table or a note"):

- a raised prolactin beside a visual field defect code (H53.4x) is `urgent` with the urgent
  endocrine referral (output contract §7; clinical reference §5: mass effect);
- a pregnancy code (Z33.1) puts the result against the pregnancy interval, priority `none`
  (contract §7; clinical reference §4: pregnancy is physiological);
- CKD 4 (N18.4), end-stage renal disease on dialysis (N18.6, Z99.2) and hypothyroidism (E03.9)
  are the contributing factors clinical reference §4 names.

A note's codes are read only where the note says they are codes ("ICD-10: H53.4", "CIM-10 :",
"CIE-10:", "Diagnose:", "Diagnosi:", "Dx:"); never a bare "E2" or "T4", a code-shaped word with
no label, a code under a differential or suspected diagnosis's heading, or one with the
ICD-10-GM letter V (suspected).  Codes written alone that the tool does not know are ordinary
diagnoses, named in no warning (review 29 mend B).
Synthetic patients only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

# A diagnosis column's header in each language the product reads, with the words a US export
# uses ("Dx", "Dx Codes", "Problem List") and the code systems' names (ICD-10, CIM-10, CIE-10).
DX_HEADERS = [
    "Dx",
    "Dx Codes",
    "Diagnosis",
    "Diagnoses",
    "ICD-10",
    "Problem List",
    "Diagnosen",
    "Diagnoseschlüssel",
    "Diagnostic",
    "Codes CIM-10",
    "Diagnóstico",
    "Códigos CIE-10",
    "Diagnosi",
    "Codici ICD",
    "Diagnose",
    "Probleemlijst",
]
HEADER = "MRN,DOB,Sex,Collected,Component,Result,Units,Ref Range,{dx}"
# (id, sex, prolactin ng/mL, reference range, the diagnosis cell as exports write it)
ROWS = [
    ("CKD4", "F", "39.0", "4.8-23.3", "N18.4"),
    ("ESRD", "M", "45.0", "4.0-15.2", "N18.6; Z99.2"),
    ("HYPO", "F", "42.0", "4.8-23.3", "E03.9 "),
    ("VFD", "M", "80.0", "4.0-15.2", "D35.2, H53.47"),
    ("VFD2", "F", "95", "4.8-23.3", "E78.5 / H53.4"),
    ("PREG", "F", "150.0", "4.8-23.3", "Z33.1"),
    ("PREG2", "F", "120", "4.8-23.3", "Z3A.30, O24.419"),
    ("PLAIN", "F", "40.0", "4.8-23.3", "I10, E11.9"),
]


def _codes(cell: object) -> set[str]:
    return {c for c in str(cell or "").split(";") if c}


@pytest.fixture(scope="module")
def by_header(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[pd.DataFrame, str]]:
    """Each header's file (a US long export, month-first dates), run once: (results, warnings
    joined)."""
    out: dict[str, tuple[pd.DataFrame, str]] = {}
    for i, dx in enumerate(DX_HEADERS):
        lines = [HEADER.format(dx=csv_quoted(dx))] + [
            f"{pid},02/14/1980,{sex},11/03/2026 09:50,PROLACTIN,{value},ng/mL,{ref},"
            f"{csv_quoted(cell)}"
            for pid, sex, value, ref, cell in ROWS
        ]
        results, warnings = triage_csv_warned(
            tmp_path_factory.mktemp(f"dx{i}"), "\n".join(lines) + "\n"
        )
        out[dx] = results, "\n".join(warnings)
    return out


# What each coded row means (output contract §7, clinical reference §4, §5): (id, a factor it
# gives, its priority, a step it asks for, a step it must not ask for)
MEANT = [
    ("VFD", "known_pituitary_lesion", "urgent", "urgent_endocrine_referral", ""),
    ("VFD2", "", "urgent", "urgent_endocrine_referral", ""),
    ("PREG", "pregnancy", "none", "", "pituitary_mri"),
    ("PREG2", "pregnancy", "none", "", "pituitary_mri"),
    ("CKD4", "renal_impairment", "", "", ""),
    ("ESRD", "dialysis", "", "", ""),
    ("HYPO", "hypothyroidism", "", "", ""),
]


@pytest.mark.parametrize("dx", DX_HEADERS)
@pytest.mark.parametrize(("pid", "factor", "priority", "step", "no_step"), MEANT)
def test_a_diagnosis_columns_codes_are_read_as_their_conditions(
    by_header: dict[str, tuple[pd.DataFrame, str]],
    dx: str,
    pid: str,
    factor: str,
    priority: str,
    step: str,
    no_step: str,
) -> None:
    """A visual field defect code beside a raised prolactin is urgent with the urgent referral;
    a pregnancy code judges the result against the pregnancy interval (none, no MRI); CKD 4,
    dialysis and hypothyroidism are contributing factors."""
    row = by_header[dx][0].loc[pid]
    steps = _codes(row["suggestions"])
    assert not factor or factor in row["factors"], (dx, pid)
    assert not priority or row["priority"] == priority, (dx, pid)
    assert not step or step in steps, (dx, pid)
    assert no_step not in steps, (dx, pid)


@pytest.mark.parametrize("dx", DX_HEADERS)
def test_codes_the_tool_does_not_know_are_ordinary_diagnoses_with_no_warning(
    by_header: dict[str, tuple[pd.DataFrame, str]], dx: str
) -> None:
    """(Review 29 mend B, reviewer B finding 7: "I10, E11.9" in a diagnosis column is an
    ordinary export's, not a warning to check by hand; FHIR and HL7 coded conditions still
    name theirs.)"""
    results, warnings = by_header[dx]
    assert results.loc["PLAIN", "factors"] == "unexplained", dx
    assert "not known to this tool" not in warnings, dx
    assert f"not used: {dx}" not in warnings, dx


# A note that says its codes are codes, in each language (the comments column of a wide export)
LABELLED_NOTES = [
    "ICD-10: D35.2, H53.47",
    "Dx: H53.4 - pt c/o HA",
    "Problem list: HTN; H53.4",
    "Diagnosen: E22.1 G, H53.4 G",
    "ICD-10-GM: H47.4",
    "CIM-10 : H53.4",
    "Diagnostic : D35.2 ; H53.4",
    "CIE-10: H53.4",
    "Diagnóstico: H53.4",
    "Diagnosi: H53.4",
    "Codice ICD: H53.4",
    "Diagnose: H53.4",
    "controle. ICD-10 H53.4",
]
# ... and the notes whose code-shaped words are no diagnosis the note names
UNLABELLED_NOTES = [
    "H53.4",  # a code with no label: not said to be a code
    "E2 150 pg/mL, T4 12",
    "lab code H53 sent",
    "Differential diagnosis: H53.4",
    "Verdachtsdiagnose: H53.4",
    "Diagnosen: H53.4 V",
    "Diagnosen: H53.4 A",
    "Meds: B12; Labs: H53.4",
]
WIDE = "Patient ID,Sex,Age,Collection date,Prolactin (ng/mL),Comments"


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """A man of 50 with 80 ng/mL (above every man's interval) and each note in the comments."""
    lines = [WIDE] + [
        f"{kind}{i},M,50,2026-11-03,80,{csv_quoted(note)}"
        for kind, group in [("L", LABELLED_NOTES), ("U", UNLABELLED_NOTES)]
        for i, note in enumerate(group)
    ]
    return triage_csv_warned(tmp_path_factory.mktemp("notes"), "\n".join(lines) + "\n")[0]


@pytest.mark.parametrize(
    ("note", "read"),
    [*((n, True) for n in LABELLED_NOTES), *((n, False) for n in UNLABELLED_NOTES)],
)
def test_a_notes_visual_field_defect_code_is_read_only_after_its_label(
    notes: pd.DataFrame, note: str, read: bool
) -> None:
    """Labelled: urgent with the urgent referral.  Not read (guards, also on the old code): no
    label, a doubting heading, the ICD-10-GM letter V or A."""
    kind, group = ("L", LABELLED_NOTES) if read else ("U", UNLABELLED_NOTES)
    row = notes.loc[f"{kind}{group.index(note)}"]
    assert (row["priority"] == "urgent") is read, note
    assert ("urgent_endocrine_referral" in _codes(row["suggestions"])) is read, note
