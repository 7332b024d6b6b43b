"""The comment in words (results `comment`, triage/engine/comment.py): built from the same
decision as the codes, in the wording of labels.toml [comments], values and limits in the lab's
unit at the lab's precision.  Synthetic patients only."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine import canonical_frame, triage_frame
from triage.engine.comment import status_words
from triage.engine.labels import CommentWords, load_labels, parse_labels
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.resources import data_file
from triage.schema import ENGINE_EXTRA_COLUMNS, ConfigError, InputFileError

VIGNETTES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "data" / "vignettes.toml").read_text("utf-8")
)["vignette"]
SAMPLES = sorted(p for p in (Path(__file__).parent / "data" / "samples").glob("*") if p.is_file())


def words() -> CommentWords:
    found = load_labels().comments
    assert found is not None
    return found


def one(row: dict[str, Any], ranges: str = "default") -> pd.Series:
    return triage_frame(canonical_frame([row]), load_knowledge(ranges)).iloc[0]


def step_label(code: str) -> str:
    return load_labels().suggestion(code).label


def factor_label(code: str) -> str:
    return load_labels().factor(code).label


def test_comment_is_the_last_engine_column() -> None:
    assert ENGINE_EXTRA_COLUMNS[-1] == "comment"


# ------------------------------------------------------------------------ clinical cases ---
def test_raised_on_an_antipsychotic() -> None:
    row = one(
        {
            "patient_id": "SYN-0001",
            "sex": "F",
            "age_years": 29,
            "prolactin": "58.4",
            "unit": "ng/mL",
            "reference_low": 4.8,
            "reference_high": 23.3,
            "medications": "Risperidon 4 mg 1-0-1; Pantoprazol 40 mg",
            "tsh": 1.9,
        },
    )
    assert row["status"] == "high"
    assert row["factors"].split(";")[0] == "medication:antipsychotic"
    text = row["comment"]
    assert text.startswith(f"{words().band[row['band']]} (58.4 ng/mL; reference 4.8–23.3 ng/mL).")
    assert f"Likely contributing factor: {factor_label('medication:antipsychotic')}" in text
    assert "no thyroid cause found" in text  # TSH given and normal
    assert "medication cause" not in text  # a medication was the cause
    assert "kidney" not in text  # no kidney inputs given: nothing said about the kidneys
    first_step = next(
        c for c in row["suggestions"].split(";") if load_labels().suggestion(c).kind == "step"
    )
    assert step_label(first_step) in text
    assert "diagnos" not in text.casefold()


@pytest.mark.parametrize("drug", ["Cabergoline 0.5 mg twice weekly", "Norprolac 75 µg", "Parlodel"])
def test_raised_on_a_dopamine_agonist_is_not_called_masked(drug: str) -> None:
    """A raised result on cabergoline, quinagolide or bromocriptine suggests resistance, too low
    a dose or missed doses (clinical-reference §3.2): the comment says so, where "may mask a
    raised prolactin" contradicted the result it stood beside."""
    woman = {"sex": "F", "age_years": 35, "unit": "ng/mL", "medications": drug}
    raised = one({**woman, "prolactin": 45})
    caution = load_labels().suggestion("dopamine_agonist_masking")
    assert "dopamine_agonist_masking" in raised["suggestions"]
    assert caution.label_when_high in raised["comment"], raised["comment"]
    assert caution.label not in raised["comment"]
    normal = one({**woman, "prolactin": 12})
    assert caution.label in normal["comment"] and caution.label_when_high not in normal["comment"]


def test_macroprolactinoma_level_in_miu_l_at_the_labs_precision() -> None:
    row = one(
        {
            "patient_id": "SYN-0002",
            "sex": "M",
            "age_years": 52,
            "prolactin": "33562",
            "unit": "mIU/L",
            "reference_low": 86.0,
            "reference_high": 324.0,
            "medications": "Ramipril 5 mg",
            "egfr": 88.0,
            "tsh": 2.1,
            "symptoms": "headache, reduced libido",
        },
    )
    assert row["priority"] == "urgent"
    text = row["comment"]
    assert text.startswith(f"{words().band[row['band']]} (33562 mIU/L; reference 86–324 mIU/L).")
    lead = row["factors"].split(";")[0]
    assert lead in ("macroprolactinoma_suspected", "prolactinoma_suspected")
    assert factor_label(lead) in text
    assert "no medication, kidney or thyroid cause found" in text
    assert text.endswith(f"{step_label('urgent_endocrine_referral')} advised.")


def test_normal_result_is_one_sentence() -> None:
    row = one(
        {
            "patient_id": "SYN-0003",
            "sex": "F",
            "age_years": 41,
            "prolactin": "10.2",
            "unit": "ng/mL",
            "reference_low": 4.8,
            "reference_high": 23.3,
        }
    )
    assert row["comment"] == "Within the reference interval (10.2 ng/mL; reference 4.8–23.3 ng/mL)."


def test_pregnancy_names_the_physiological_state() -> None:
    row = one(
        {
            "patient_id": "SYN-0004",
            "sex": "F",
            "age_years": 31,
            "prolactin": "96.5",
            "unit": "ng/mL",
            "pregnant": True,
            "gestational_weeks": 24,
        }
    )
    assert row["reference_source"] == "physiological"
    assert row["status"] == "normal"
    text = row["comment"]
    assert text.startswith(words().status["normal"])
    assert f"Likely contributing factor: {factor_label('pregnancy')}" in text
    # limits of the pregnancy interval at the result's precision (1 decimal), written as
    # reference_low_value / _high_value hold them: no trailing zeros (review 12)
    low, high = row["reference_low_value"], row["reference_high_value"]
    assert (low, high) == (10, 209)
    assert "reference 10–209 ng/mL" in text


def test_set_limits_in_miu_l_are_rounded_to_the_results_decimals() -> None:
    row = one({"sex": "F", "age_years": 38, "prolactin": "612", "unit": "mIU/L"}, "roche_elecsys")
    assert row["reference_source"] == "set"
    low, high = row["reference_low_value"], row["reference_high_value"]
    assert low == round(low) and high == round(high)  # 0 decimals, like "612"
    assert f"reference {low:.0f}–{high:.0f} mIU/L" in row["comment"]


def test_a_qualified_result_keeps_its_comparator() -> None:
    row = one({"sex": "M", "age_years": 45, "prolactin": "<1.0", "unit": "ng/mL"})
    assert row["comment"].startswith(f"{words().status['low']} (<1.0 ng/mL;")


# ---------------------------------------------------------- the comment matches the codes ---
def _frames() -> list[tuple[str, pd.DataFrame]]:
    out = []
    for ranges in sorted({v.get("ranges", "default") for v in VIGNETTES}):
        rows = [v["input"] for v in VIGNETTES if v.get("ranges", "default") == ranges]
        out.append((ranges, triage_frame(canonical_frame(rows), load_knowledge(ranges))))
    for path in [data_file("demo_export.xlsx"), *SAMPLES]:
        try:
            frame = read_file(path, None, ReadOptions()).frame
        except InputFileError:
            continue
        out.append((path.name, triage_frame(frame, load_knowledge("default"))))
    return out


@pytest.mark.parametrize("name, results", _frames(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_comment_matches_its_codes(name: str, results: pd.DataFrame) -> None:
    labels = load_labels()
    w = words()
    for row in results.to_dict("records"):
        text = row["comment"]
        assert isinstance(text, str) and text, (name, row["source_row"])
        status = row["status"] if isinstance(row["status"], str) else ""
        band = row["band"] if isinstance(row["band"], str) else ""
        assert text.startswith(status_words(w, status, band) + " ("), (name, text)
        codes = [c for c in (row["factors"] or "").split(";") if c]
        if codes:
            assert labels.factor(codes[0]).label in text, (name, text)
        else:
            assert "contributing factor" not in text, (name, text)
        for strength in ("likely", "possible"):
            if w.strength[strength] in text.split(". ", 1)[-1]:
                assert any(d["strength"] == strength for d in row["factor_details"])
        steps = [
            c
            for c in (row["suggestions"] or "").split(";")
            if c and labels.suggestion(c).kind == "step"
        ]
        if steps:
            assert labels.suggestion(steps[0]).label in text, (name, text)


# ------------------------------------------------------------------------- label data ---
def _labels_spec() -> dict[str, Any]:
    with data_file("labels.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_wording_comes_from_the_label_data() -> None:
    spec = copy.deepcopy(_labels_spec())
    spec["comments"]["status"]["normal"] = "Im Referenzbereich"
    spec["comments"]["reference"] = "Referenz {low}–{high} {unit}"
    custom = parse_labels(spec)
    assert custom.comments is not None
    import triage.engine.core as core

    frame = canonical_frame(
        [
            {
                "sex": "F",
                "age_years": 41,
                "prolactin": "10.2",
                "unit": "ng/mL",
                "reference_low": 4.8,
                "reference_high": 23.3,
            }
        ]
    )
    original = core.load_labels
    try:
        core.load_labels = lambda: custom  # type: ignore[assignment]
        row = triage_frame(frame, load_knowledge("default")).iloc[0]
    finally:
        core.load_labels = original
    assert row["comment"] == "Im Referenzbereich (10.2 ng/mL; Referenz 4.8–23.3 ng/mL)."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["band"].pop("extreme"), "missing ['extreme']"),
        (lambda c: c["status"].update(bogus="x"), "unknown ['bogus']"),
        (lambda c: c.update(lead="{strength} {label} {patient_name}"), "patient_name"),
        (lambda c: c["next_step"].update(urgent="{code} advised"), "code"),
        (lambda c: c.pop("result"), "result"),
        (lambda c: c.update(result="{status"), "result"),
    ],
)
def test_bad_comment_wording_is_refused_on_load(change: Any, message: str) -> None:
    spec = copy.deepcopy(_labels_spec())
    change(spec["comments"])
    with pytest.raises(ConfigError, match="comments") as caught:
        parse_labels(spec)
    assert message in str(caught.value)


def test_a_childs_creatinine_finds_no_kidney_cause_it_could_not_judge(tmp_path: Path) -> None:
    """CKD-EPI applies from 18 years: a 4-year-old's creatinine gives no eGFR, so the kidney
    was not judged and the comment does not say "no kidney cause found" (an adult's does)."""
    text = "NHC,Sexo,Edad,Prolactina (ng/mL),Creatinina\n"
    text += 'E1,H,4,45,"1,1 mg/dL"\nE2,H,40,45,"1,1 mg/dL"\n'
    comments = triage_csv(tmp_path, text)["comment"].tolist()
    assert "no kidney cause found" not in comments[0]
    assert "no kidney cause found" in comments[1]
