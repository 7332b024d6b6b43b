"""Cohort and research-form columns that are not the patient's state at the sample triaged.

A past pregnancy is no pregnancy (clinical-reference §2.1: the pregnancy interval is that of a
current pregnancy) and prolactin stays raised only about an hour after a seizure (§4, §8): a
history, "ever" or previous column of such a passing state ("preg_hx", "ever_pregnant",
"grossesse antérieure", "embarazo_previo", "gravidanza_pregressa", "frühere Schwangerschaft",
"seizure_hx", "head_injury_ever") or a count of pregnancies ("gravida" = 2) is not read as the
state now.  A relative's history ("dialysis_family_hx", "Dialyse Mutter", "antécédents familiaux
adénome hypophysaire") is never the patient's.  A lasting condition written as history
("pituitary_adenoma_hx") is still read.

Context measured at another visit than the prolactin ("tsh_v1" beside "prl_v2") is not the state
at that sample: the column of the prolactin's own visit is read, and without one no other visit's
is.  End to end (a CSV run through the pipeline), and the mapping warnings.  Synthetic patients
only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.columns import recognise_columns, visit_of


def _factors(row: pd.Series) -> set[str]:
    value = row["factors"]
    return set(value.split(";")) if isinstance(value, str) and value else set()


def _mapping(headers: list[str], cells: list[object]) -> tuple[dict[str, str], list[str]]:
    samples = {col: [cell] for col, cell in enumerate(cells)}
    match = recognise_columns(headers, samples=samples)
    return match.mapping(), match.warnings


# 90 ng/mL in a woman of 34: above the non-pregnant limit, within the pregnancy interval
PAST_PREGNANCY = [
    "preg_hx",
    "pregnancy_history",
    "ever_pregnant",
    "previous_pregnancy",
    "Pregnancy (history)",
    "grossesse antérieure",
    "Grossesse (antécédent)",
    "embarazo_previo",
    "Embarazo anterior",
    "gravidanza_pregressa",
    "frühere Schwangerschaft",
    "Schwangerschaft in der Anamnese",
    "eerdere zwangerschap",
    "gravida",
]


@pytest.mark.parametrize("header", PAST_PREGNANCY)
def test_a_past_pregnancy_column_is_no_pregnancy(tmp_path: Path, header: str) -> None:
    out = triage_lines(
        tmp_path, f"subject_id,sex,age,prl_ngml,{csv_quoted(header)}", ["S01,F,34,90,1"]
    )
    row = out.loc["S01"]
    assert row["status"] == "high"
    assert row["priority"] == "soon"
    assert "pregnancy" not in _factors(row)
    assert _factors(row) == {"unexplained"}


@pytest.mark.parametrize(
    "header", ["Pregnant", "Currently pregnant", "Schwangerschaft", "Gravidanza", "Zwanger"]
)
def test_a_current_pregnancy_column_is_still_read(tmp_path: Path, header: str) -> None:
    out = triage_lines(tmp_path, f"subject_id,sex,age,prl_ngml,{header}", ["S01,F,34,90,1"])
    assert out.loc["S01", "status"] == "normal"
    assert "pregnancy" in _factors(out.loc["S01"])


def test_a_gravida_column_of_words_is_still_the_pregnancy(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, "subject_id,sex,age,prl_ngml,Gravida", ["S01,F,34,90,sì"])
    assert "pregnancy" in _factors(out.loc["S01"])


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("dialysis_family_hx", "dialysis"),
        ("mother_dialysis", "dialysis"),
        ("Dialyse Mutter", "dialysis"),
        ("Diálisis madre", "dialysis"),
        ("cirrhosis_family_hx", "liver_cirrhosis"),
        ("Leberzirrhose (Familienanamnese)", "liver_cirrhosis"),
        ("pituitary_adenoma_family", "known_pituitary_lesion"),
        ("antécédents familiaux adénome hypophysaire", "known_pituitary_lesion"),
        ("adenoma ipofisario familiarità", "known_pituitary_lesion"),
        ("hypofyseadenoom moeder", "known_pituitary_lesion"),
        ("hypothyroid_family_hx", "hypothyroidism"),
        ("FH hypothyroidism", "hypothyroidism"),
    ],
)
def test_a_relatives_condition_is_not_the_patients(
    tmp_path: Path, header: str, factor: str
) -> None:
    out = triage_lines(
        tmp_path, f"subject_id,sex,age,prl_ngml,{csv_quoted(header)}", ["S01,F,34,90,1"]
    )
    row = out.loc["S01"]
    assert factor not in _factors(row)
    assert row["priority"] == "soon"  # unexplained, not put down to the relative's disease
    mapping, warnings = _mapping(
        ["subject_id", "sex", "age", "prl_ngml", header], ["S01", "F", 34, 90, 1]
    )
    assert header not in mapping.values()
    assert any(header in w and "relative" in w and "not read" in w for w in warnings)


@pytest.mark.parametrize(
    "header",
    ["Family history", "Antécédents familiaux", "Familienanamnese", "Antecedentes familiares"],
)
def test_a_family_history_notes_column_is_not_read_as_the_patients_notes(
    tmp_path: Path, header: str
) -> None:
    out = triage_lines(
        tmp_path,
        f"subject_id,sex,age,prl_ngml,{csv_quoted(header)}",
        ["S01,F,34,90,dialysis; cirrhosis; pregnant"],
    )
    assert _factors(out.loc["S01"]) == {"unexplained"}


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("seizure_hx", "seizure"),
        ("epilepsy_history", "seizure"),
        ("Krampfanfall (Anamnese)", "seizure"),
        ("convulsiones previas", "seizure"),
        ("head_injury_ever", "head_trauma"),
        ("prior_head_injury_ever", "head_trauma"),
        ("Schädel-Hirn-Trauma früher", "head_trauma"),
    ],
)
def test_a_past_seizure_or_head_injury_column_is_not_a_factor_now(
    tmp_path: Path, header: str, factor: str
) -> None:
    out = triage_lines(
        tmp_path, f"subject_id,sex,age,prl_ngml,{csv_quoted(header)}", ["S01,F,34,90,1"]
    )
    assert factor not in _factors(out.loc["S01"])
    _, warnings = _mapping(
        ["subject_id", "sex", "age", "prl_ngml", header], ["S01", "F", 34, 90, 1]
    )
    assert any(header in w and "past history" in w for w in warnings)


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("Seizure", "seizure"),
        ("Head injury", "head_trauma"),
        ("pituitary_adenoma_hx", "known_pituitary_lesion"),
        ("Dialysis", "dialysis"),
    ],
)
def test_a_current_or_lasting_condition_column_is_still_read(
    tmp_path: Path, header: str, factor: str
) -> None:
    out = triage_lines(tmp_path, f"subject_id,sex,age,prl_ngml,{header}", ["S01,F,34,90,1"])
    assert factor in _factors(out.loc["S01"])


def test_columns_that_only_mention_a_family_word_keep_their_reading() -> None:
    mapping, _ = _mapping(
        ["Nom de famille", "sex", "age", "prl_ngml", "Medication history"],
        ["Dupont", "F", 34, 90, "haloperidol"],
    )
    assert mapping["patient_name"] == "Nom de famille"
    assert mapping["medications"] == "Medication history"


def test_the_prolactins_own_kin_word_makes_the_columns_the_patients() -> None:
    mapping, _ = _mapping(
        ["subject_id", "sex", "age", "prl_mother", "tsh_mother"], ["S01", "F", 34, 90, 12]
    )
    assert mapping["tsh"] == "tsh_mother"


# ------------------------------------------------------------------------------------------------
# Context of another visit
# ------------------------------------------------------------------------------------------------
def test_the_context_of_the_prolactins_own_visit_is_read(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "subject_id,sex,age,tsh_v1,egfr_v1,tsh_v2,egfr_v2,prl_v2_ngml",
        ["S01,F,34,12.0,20,1.1,95,42", "S02,F,34,1.1,95,12.0,20,42"],
    )
    assert not {"hypothyroidism", "renal_impairment"} & _factors(out.loc["S01"])
    assert {"hypothyroidism", "renal_impairment"} <= _factors(out.loc["S02"])


@pytest.mark.parametrize(
    ("prolactin", "baseline", "later"),
    [
        ("prl_12m_ngml", "tsh_baseline", "tsh_12m"),
        ("Prolaktin Visite 2 (ng/mL)", "TSH Visite 1", "TSH Visite 2"),
        ("prl_m6_ngml", "tsh_bl", "tsh_6m"),
        ("prolactine_J0_ngml", "tsh_J0", "tsh_J90"),
    ],
)
def test_each_visit_naming_reads_the_same_visits_tsh(
    tmp_path: Path, prolactin: str, baseline: str, later: str
) -> None:
    header = (
        f"subject_id,sex,age,{csv_quoted(prolactin)},{csv_quoted(baseline)},{csv_quoted(later)}"
    )
    out = triage_lines(tmp_path, header, ["S01,F,34,45,12.0,1.0", "S02,F,34,45,1.0,12.0"])
    own_is_later = visit_of(prolactin, "prolactin") == visit_of(later, "tsh")
    raised = "S02" if own_is_later else "S01"
    normal = "S01" if own_is_later else "S02"
    assert "hypothyroidism" in _factors(out.loc[raised])
    assert "hypothyroidism" not in _factors(out.loc[normal])


def test_a_lone_context_column_of_another_visit_is_not_read(tmp_path: Path) -> None:
    headers = ["subject_id", "sex", "age", "prl_v1_ngml", "tsh_v3", "egfr_v3"]
    out = triage_lines(tmp_path, ",".join(headers), ["S01,F,34,45,12.0,20"])
    assert _factors(out.loc["S01"]) == {"unexplained"}
    mapping, warnings = _mapping(headers, ["S01", "F", 34, 45, 12.0, 20])
    assert "tsh" not in mapping and "egfr" not in mapping
    for col in ("tsh_v3", "egfr_v3"):
        assert any(col in w and "another visit" in w and "prl_v1_ngml" in w for w in warnings)


def test_context_without_a_visit_mark_is_still_read_beside_a_visit_prolactin(
    tmp_path: Path,
) -> None:
    out = triage_lines(tmp_path, "subject_id,sex,age,prl_v2_ngml,TSH,eGFR", ["S01,F,34,45,12.0,20"])
    assert {"hypothyroidism", "renal_impairment"} <= _factors(out.loc["S01"])


def test_a_prolactin_without_a_visit_mark_keeps_its_context(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, "subject_id,sex,age,prl_ngml,tsh_v3", ["S01,F,34,45,12.0"])
    assert "hypothyroidism" in _factors(out.loc["S01"])


@pytest.mark.parametrize(
    ("header", "name", "visit"),
    [
        ("TSH basal", "tsh", ""),
        ("FT4", "free_t4", ""),
        ("TSH3", "tsh", ""),
        ("eGFR (CKD-EPI 2021)", "egfr", ""),
        ("tsh_visit2", "tsh", "v2"),
        ("TSH Besuch 2", "tsh", "v2"),
        ("egfr_month_6", "egfr", "m6"),
        ("tsh_6m", "tsh", "m6"),
        ("tsh_baseline", "tsh", "bl"),
        ("prl_t0", "prolactin", "bl"),
    ],
)
def test_visit_marks_are_compared_in_one_form(header: str, name: str, visit: str) -> None:
    assert visit_of(header, name) == visit


@pytest.mark.parametrize("header", ["ever_breastfed", "Breastfeeding history", "Stillen (früher)"])
def test_past_breastfeeding_is_not_breastfeeding_now(tmp_path: Path, header: str) -> None:
    out = triage_lines(
        tmp_path, f"subject_id,sex,age,prl_ngml,{csv_quoted(header)}", ["S01,F,34,90,1"]
    )
    assert out.loc["S01", "status"] == "high"
    assert "lactation" not in _factors(out.loc["S01"])


def test_a_planned_pregnancy_column_is_no_pregnancy(tmp_path: Path) -> None:
    # beside a past-pregnancy column that is set aside, the plan must not take its place
    out = triage_lines(
        tmp_path, "subject_id,sex,age,prl_ngml,preg_hx,preg_planned", ["S01,F,34,90,1,1"]
    )
    assert _factors(out.loc["S01"]) == {"unexplained"}
