"""Review 26 B, findings 3 and 4 (mend E).

- An all-9 result (999, 9999) is the export's missing-data code only where the export writes
  that same all-9 form for a missing value elsewhere (age 999, eGFR 9999), never because of a
  -99-style code, never when the row writes its own unit; rejected so, a result that would be
  urgent were it measured is listed with the urgent results (not triaged).
- A header whose unquoted "(unit, method)" the delimiter split, with a trailing column the rows
  leave out, is joined again and its rows read padded; a short line's fields are never glued
  into one number for the urgent list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.pipeline import TriageRequest, run_triage


def _run(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    rejected = {r.patient_id: r for r in outcome.rejected}
    return outcome.results.set_index("patient_id"), rejected, outcome.urgent


HEADERS = [  # (id, sex, age, result, unit) headers, six languages
    ("id", "sex", "age", "prolactin", "unit"),
    ("Patient-ID", "Geschlecht", "Alter", "Prolaktin", "Einheit"),
    ("identifiant", "sexe", "age", "prolactine", "unite"),
    ("id_paciente", "sexo", "edad", "prolactina", "unidad"),
    ("id_paziente", "sesso", "eta", "prolattina", "unita"),
    ("patientnummer", "geslacht", "leeftijd", "prolactine", "eenheid"),
]


@pytest.mark.parametrize("code", ["-99", "-9", "-999"])
@pytest.mark.parametrize("headers", HEADERS)
def test_a_nines_result_with_its_unit_beside_negative_age_codes_is_triaged_urgent(
    tmp_path: Path, headers: tuple[str, ...], code: str
) -> None:
    text = (
        ",".join(headers) + "\n"
        "1,F,34,999,ng/mL\n"
        f"2,F,{code},5200,mIU/L\n"
        "3,M,50,250,mIU/L\n"
        f"4,F,{code},9999,mIU/L\n"
    )
    out, rejected, urgent = _run(tmp_path, text)
    assert not rejected, rejected
    assert out.loc["1", "priority"] == "urgent"
    assert out.loc["4", "priority"] == "urgent"
    assert len(urgent) == 3, urgent


@pytest.mark.parametrize("headers", HEADERS)
def test_a_nines_result_with_its_own_unit_is_triaged_even_beside_nines_codes(
    tmp_path: Path, headers: tuple[str, ...]
) -> None:
    text = ",".join(headers) + ",tsh\n1,F,999,999,,999\n2,F,34,9999,mIU/L,1.1\n3,F,30,14,ng/mL,1\n"
    out, rejected, urgent = _run(tmp_path, text)
    assert "2" not in rejected
    assert out.loc["2", "priority"] == "urgent"
    # the coded row is rejected, yet listed with the urgent results: 999 ng/mL would be urgent
    assert rejected["1"].reason_code == "missing_result"
    assert rejected["1"].possibly_urgent
    assert any("patient 1 " in line and "not triaged" in line for line in urgent), urgent


@pytest.mark.parametrize(
    ("result_header", "nines"),
    [("prl_ngml", "999"), ("Prolaktin (ng/ml)", "9999"), ("prolactina (mIU/L)", "9999"),
     ("prolattina (ng/ml)", "99999"), ("prolactine (mIU/L)", "99999")],
)  # fmt: skip
def test_a_nines_code_rejected_as_missing_stays_on_the_urgent_list(
    tmp_path: Path, result_header: str, nines: str
) -> None:
    text = f"subject_id,sex,age_yrs,{result_header},egfr\nB1,F,999,{nines},9999\nB2,F,33,14,90\n"
    out, rejected, urgent = _run(tmp_path, text)
    assert rejected["B1"].reason_code == "missing_result"
    assert "all-9 missing-data code" in rejected["B1"].detail
    assert rejected["B1"].possibly_urgent
    assert any("B1" in line and "not triaged" in line for line in urgent), urgent
    assert "B2" in out.index


RAGGED_HEADERS = [
    "prolactin (mIU/L, Roche)",
    "Prolaktin (mIU/L, Roche)",
    "prolactine (mUI/L, Roche)",
    "prolactina (mUI/L, Roche)",
    "prolattina (mUI/L, Roche)",
    "prolactine (mIU/L, Abbott)",
]


@pytest.mark.parametrize("trailing", ["", ","])
@pytest.mark.parametrize("result_header", RAGGED_HEADERS)
def test_a_split_result_header_with_a_left_out_trailing_column_is_read_padded(
    tmp_path: Path, result_header: str, trailing: str
) -> None:
    text = f"id,sex,age,{result_header},comment{trailing}\n1,F,34,300\n2,F,40,5200\n3,M,50,250\n"
    out, rejected, urgent = _run(tmp_path, text)
    assert not rejected, rejected
    assert out.loc["1", "age_years"] == 34
    assert out.loc["2", "priority"] == "urgent"
    assert len(urgent) == 1, urgent
    assert not any("34300" in line or "50250" in line for line in urgent), urgent


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_short_line_never_glues_two_fields_for_the_urgent_list(
    tmp_path: Path, delimiter: str
) -> None:
    # the bracket is in the last name and the lines stop before it: rejected, never "34300"
    header = delimiter.join(["id", "sex", "age", "prolactin", "comment (e.g. drug", " dose)"])
    lines = [
        header,
        delimiter.join(["1", "F", "34", "300"]),
        delimiter.join(["2", "F", "40", "12"]),
    ]
    _, _, urgent = _run(tmp_path, "\n".join(lines) + "\n")
    assert not any("34300" in line or "4012" in line for line in urgent), urgent
