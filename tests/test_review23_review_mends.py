"""Review 23, the whole change read once more: four regressions its fixes had made, each
confirmed on the code before them and after.

- "double blind trial" after "acute" read as a sudden loss of sight (a false urgent): a
  blinded trial is no blindness (cues.toml visual_loss);
- a duration in Spanish or Italian ("durante 60 días", "durante 90 giorni", "en 60 ml") read as
  a past decade, so a drug still taken was "not taken now" (drugs.toml past_period needs "los"
  or "anni" before the decade);
- the Italian "e" (and) read as part of an as-needed schedule: "1 cp x 3/die e al bisogno" is a
  regular dose and more when needed (drugs.toml item_words);
- "TG" (triglycerides) with a number made a "not pregnant" a test result, so the pregnancy test
  was no longer suggested with amenorrhoea (clinical-reference §1.4); "TG negativo" still is
  one.

Synthetic patients only; through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,medications,comments"


def _run(tmp_path: Path, rows: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    lines = [
        f"{pid},{sex},35,90,ng/mL,{csv_quoted(meds)},{csv_quoted(note)}"
        for pid, sex, meds, note in [(r[0], "F", r[1], r[2]) for r in rows]
    ]
    return triage_lines(tmp_path, HEADER, lines)


def test_a_blinded_trial_is_no_loss_of_sight(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        [
            ("B1", "", "acute psychosis double blind trial"),
            ("B2", "", "acute psychosis, single-blind study"),
            ("B3", "", "suddenly blind in left eye"),
        ],
    )
    assert out.loc["B1", "priority"] == "soon"
    assert out.loc["B2", "priority"] == "soon"
    assert out.loc["B3", "priority"] == "urgent"


def test_a_duration_is_no_past_decade(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        [
            ("D1", "risperidona 3 mg durante 60 días", ""),
            ("D2", "aloperidolo durante 90 giorni", ""),
            ("D3", "Metadona 80 mg/día en 60 ml", ""),
            ("D4", "", "heroína en los años 90"),
        ],
    )
    assert out.loc["D1", "factors"] == "medication:antipsychotic"
    assert out.loc["D2", "factors"] == "medication:antipsychotic"
    assert "medication:opioid" in str(out.loc["D3", "factors"])
    assert out.loc["D4", "factors"] == "unexplained"


def test_a_regular_dose_and_more_as_needed_is_regular(tmp_path: Path) -> None:
    out = _run(tmp_path, [("E1", "Plasil 10 mg 1 cp x 3/die e al bisogno", "")])
    assert out.loc["E1", "priority"] == "routine"
    assert out.loc["E1", "factors"] == "medication:antiemetic_prokinetic"


def test_triglycerides_are_no_pregnancy_test(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        [
            ("T1", "", "amenorrea, no embarazada TG 150 mg/dl"),
            ("T2", "", "amenorrea, TG negativo"),
        ],
    )
    assert "pregnancy_test" in str(out.loc["T1", "suggestions"]).split(";")
    assert "pregnancy_test" not in str(out.loc["T2", "suggestions"]).split(";")
