"""Review 29 mend A (reviewer A, findings 2 and 4): where a dash after a finding is no sign for
"absent" (fix236, triage/absence_marks.py).

Finding 2: a dash at a line's end is a sign only when the item is complete there, the next line
being another item (a label with its own answer or sign) or nothing.  "Stillzeit -" wrapped
before "seit Geburt 10/2026" is one item, "Stillzeit - seit Geburt": read as a denial, a
breastfeeding woman's 60 ng/mL became unexplained with an endocrine referral, and a pregnant
one at 12 weeks got a "conflicting" flag and a pregnancy test.

Finding 4: in a medication list a bare dash after a drug's name ("Risperdal -", "Domperidon –",
"Risperidon -;") is a blank dose cell, a bullet or a separator, not a stop: the drug named in the
current medication is kept (clinical-reference §3: a D2 antagonist explains a mild rise; dropped,
the result became unexplained with a referral).  Only the unambiguous signs deny a drug: Ø, ∅,
(-) and a label's answer ("Risperdal: -", "Neuroleptika: Ø").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

HEADER = ["ID", "Sex", "Age", "Prolactin (ng/mL)", "Medications", "Symptoms", "Comments"]


def _run(tmp_path: Path, rows: list[list[str]]) -> pd.DataFrame:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return triage_csv(tmp_path, buffer.getvalue()).set_index("patient_id")


def _row(pid: str, value: str, *, meds: str = "", symptoms: str = "", notes: str = "") -> list:
    return [pid, "F", "30", value, meds, symptoms, notes]


def _shown(row: pd.Series) -> str:
    return (
        f"{row['reference_stratum']} {row['status']} {row['priority']} {row['factors']} "
        f"{row['suggestions']}"
    )


# --- finding 2: a line's dash before the item's own details on the next line --------------------


@pytest.mark.parametrize(
    ("state", "text"),
    [
        ("lactation", "Stillzeit -\nseit Geburt 10/2026"),
        ("lactation", "Breastfeeding -\nexclusively"),
        ("lactation", "Allaitement -\nexclusif depuis la naissance"),
        ("lactation", "Lactancia -\nexclusiva desde el parto"),
        ("lactation", "Allattamento -\nesclusivo dalla nascita"),
        ("lactation", "Borstvoeding -\nvolledig sinds de bevalling"),
        ("lactation", "Stillen –\r\nvoll gestillt"),
        ("pregnancy", "Schwangerschaft -\n12. SSW"),
        ("pregnancy", "Pregnancy -\n12 weeks"),
        ("pregnancy", "Grossesse -\n12 SA"),
        ("pregnancy", "Embarazo -\n12 semanas"),
        ("pregnancy", "Gravidanza -\n12 settimane"),
        ("pregnancy", "Zwangerschap -\n12 weken"),
    ],
)
def test_a_state_whose_details_go_on_on_the_next_line_is_kept(
    tmp_path: Path, state: str, text: str
) -> None:
    # 60 ng/mL is within the pregnancy and lactation intervals: normal, no work-up, no conflict
    row = _run(tmp_path, [_row("X", "60", notes=text)]).loc["X"]
    assert state in row["factors"], _shown(row)
    assert row["status"] == "normal" and row["priority"] == "none", _shown(row)
    assert "conflicting_context" not in row["suggestions"], _shown(row)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Dialyse -\nseit 2020", "notes", "dialysis"),
        ("Hemodialysis -\n3x/week since 2021", "notes", "dialysis"),
        ("Hypothyreose -\nTSH 12 mU/l", "notes", "hypothyroidism"),
        ("Cirrhose hépatique -\nChild B", "notes", "liver_cirrhosis"),
    ],
)
def test_a_cause_whose_details_go_on_on_the_next_line_is_kept(
    tmp_path: Path, text: str, kind: str, expected: str
) -> None:
    row = _run(tmp_path, [_row("X", "45", notes=text)]).loc["X"]
    assert expected in row["factors"], _shown(row)


@pytest.mark.parametrize(
    "text",
    [
        "Sehstörungen -\nbitemporal",
        "Visual disturbance -\nbitemporal",
        "Troubles visuels -\nbitemporaux",
    ],
)
def test_a_symptom_whose_details_go_on_on_the_next_line_is_a_red_flag(
    tmp_path: Path, text: str
) -> None:
    row = _run(tmp_path, [_row("X", "35", symptoms=text)]).loc["X"]
    assert row["priority"] == "urgent", _shown(row)


@pytest.mark.parametrize(
    "text",
    [
        "Stillzeit -\nDialyse: nein",  # the next line is a label with its answer
        "Breastfeeding -\nDialysis: no",
        "Allaitement -\nGrossesse : Ø",
        "Schwangerschaft -\nStillen -",  # the next line a finding with its own sign
        "Embarazo -\nLactancia (-)",
        "Zwangerschap -\n\nOverig: geen",  # an empty line
        "Gravidanza -\n",  # nothing after it
    ],
)
def test_a_line_end_dash_before_another_item_still_denies(tmp_path: Path, text: str) -> None:
    # 200 ng/mL (6.7x the ULN) with neither state: high on the usual interval, soon
    row = _run(tmp_path, [_row("X", "200", notes=text)]).loc["X"]
    assert row["status"] == "high" and row["priority"] == "soon", _shown(row)
    assert "adult_female" in row["reference_stratum"], _shown(row)
    assert "pregnancy" not in row["factors"] and "lactation" not in row["factors"], _shown(row)


# --- finding 4: a bare dash after a drug's name in a medication list ----------------------------


@pytest.mark.parametrize(
    ("meds", "expected"),
    [
        ("Risperdal -", "medication:antipsychotic"),
        ("Risperdal -\nRamipril", "medication:antipsychotic"),
        ("Quetiapin; Risperidon -; Lorazepam", "medication:antipsychotic"),
        ("Domperidon –", "medication:antiemetic_prokinetic"),
        ("Haloperidol -, Ramipril 5 mg", "medication:antipsychotic"),
        ("Métoclopramide -", "medication:antiemetic_prokinetic"),
        ("Metoclopramida –", "medication:antiemetic_prokinetic"),
        ("Aloperidolo -", "medication:antipsychotic"),
        ("Sulpiride -; Ramipril", "medication:antipsychotic"),
        ("Antipsychotics -", "medication:antipsychotic"),
        ("Neuroleptika –", "medication:antipsychotic"),
    ],
)
def test_a_drug_with_a_bare_dash_after_its_name_is_kept(
    tmp_path: Path, meds: str, expected: str
) -> None:
    # 60 ng/mL (2x ULN) with a current D2 antagonist: explained by the drug, routine
    row = _run(tmp_path, [_row("X", "60", meds=meds)]).loc["X"]
    assert expected in row["factors"], _shown(row)
    assert row["priority"] == "routine", _shown(row)


@pytest.mark.parametrize(
    "meds",
    [
        "Risperdal: -",
        "Neuroleptika: Ø",
        "Risperdal Ø",
        "MCP ∅",
        "Haloperidol (-)",
        "Métoclopramide : -",
        "Antipsicóticos: ∅",
        "Antipsychotica (-)",
    ],
)
def test_a_drug_with_an_unambiguous_sign_is_still_denied(tmp_path: Path, meds: str) -> None:
    # 45 ng/mL (1.5x ULN) with no drug taken: unexplained, a repeat rested sample and a
    # macroprolactin screen
    row = _run(tmp_path, [_row("X", "45", meds=meds)]).loc["X"]
    assert row["factors"] == "unexplained", _shown(row)
    assert "macroprolactin_screen" in row["suggestions"], _shown(row)
