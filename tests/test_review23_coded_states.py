"""Review 23 (research-cohort exports): coded states, coded qualitative tests, all-9 codes.

1. a state column's header that states its codes with state words as labels
  ("pregnancy_status (1=not pregnant; 2=pregnant)", "menopausa (1=pre; 2=post)",
  "zwangerschap (1=niet zwanger; 2=zwanger)") was read as SPSS's 1 = yes, 2 = no: the states
  were reversed (a pregnant woman sent to MRI, a non-pregnant woman's 3x ULN a false normal; a
  premenopausal woman judged against the postmenopausal interval).  The header's codes are
  read with the column's own state words, as a data dictionary's are; a label those words do
  not read is unknown, said once; and a plain menopause column coded 1/2 (1 = pre, 2 = post as
  often as 1 = yes, 2 = no) is unknown, said once, never 1 = yes (output-contract §5: never a
  false normal; clinical-reference §1.1: physiological causes excluded before MRI).
2. a coded qualitative hCG / pregnancy test ("hcg_urine (0=neg; 1=pos)") was read as 1 IU/L, a
  negative test (pregnancy missed, MRI suggested), and a coded macroprolactin screen was
  dropped.  The header's codes are read; a qualitative test's code no codebook states is not
  read, said once, never IU/L (clinical-reference §1.1; contract §7).
3. an all-9 result (999, 9999) in a result column that also holds the export's own missing-data
  codes (-99, -999, Stata's ".a") was triaged as an extreme, urgent result: it is that
  codebook's code, rejected as missing_result (contract §4: a correct reason).

Synthetic patients only; through the public pipeline, one CSV per case.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

from triage.pipeline import TriageRequest, run_triage


def _run(
    tmp_path: Path, header: str, cells: list[str], age: str = "30", prolactin: str = "95"
) -> tuple[list[pd.Series], list[str]]:
    """Women of ``age`` with ``prolactin`` ng/mL, one row per cell of the column ``header``."""
    lines = [f"participant_id,sex,age,prl_ngml,{csv_quoted(header)}"]
    lines += [f"P{i},F,{age},{prolactin},{cell}" for i, cell in enumerate(cells)]
    out, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    return [out.loc[f"P{i}"] for i in range(len(cells))], warnings


def _factors(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"]}


def _suggestions(row: pd.Series) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


# 1. Codes stated in a state column's header, with state words as labels -------------------------
# (header, the code for "not", the code for the state)
PREGNANCY_HEADERS = [
    ("pregnancy_status (1=not pregnant; 2=pregnant)", "1", "2"),
    ("zwangerschap (1=niet zwanger; 2=zwanger)", "1", "2"),
    ("gravidanza (1=non gravida; 2=gravida)", "1", "2"),
    ("Schwangerschaft (1=nicht schwanger; 2=schwanger)", "1", "2"),
    ("grossesse (1 = pas enceinte, 2 = enceinte)", "1", "2"),
    ("embarazo (1: no embarazada / 2: embarazada)", "1", "2"),
    ("Pregnant? (1, Not pregnant | 2, Pregnant)", "1", "2"),
    ("pregnancy (0=not pregnant 1=pregnant)", "0", "1"),
]


@pytest.mark.parametrize(("header", "no", "yes"), PREGNANCY_HEADERS)
def test_a_pregnancy_header_s_coded_states_are_read_as_stated(
    tmp_path: Path, header: str, no: str, yes: str
) -> None:
    (not_pregnant, pregnant), warnings = _run(tmp_path, header, [no, yes])
    assert "pregnancy" not in _factors(not_pregnant), header
    assert not_pregnant["status"] == "high", header  # 95 ng/mL is 3x the ULN: never normal
    assert "pregnancy" in _factors(pregnant), header
    assert "pituitary_mri" not in _suggestions(pregnant), header
    assert not any("could not be read" in w for w in warnings), warnings


LACTATION_HEADERS = [
    ("lactation_status (1=not breastfeeding; 2=breastfeeding)", "1", "2"),
    ("borstvoeding (1=geen borstvoeding; 2=borstvoeding)", "1", "2"),
    ("Stillen (1=nicht stillend; 2=stillend)", "1", "2"),
    ("allattamento (1=non allatta; 2=allatta)", "1", "2"),
]


@pytest.mark.parametrize(("header", "no", "yes"), LACTATION_HEADERS)
def test_a_lactation_header_s_coded_states_are_read_as_stated(
    tmp_path: Path, header: str, no: str, yes: str
) -> None:
    (not_lactating, lactating), _ = _run(tmp_path, header, [no, yes])
    assert "lactation" not in _factors(not_lactating), header
    assert not_lactating["status"] == "high", header
    assert "lactation" in _factors(lactating), header


# (header, the code for premenopausal, the code for postmenopausal)
MENOPAUSE_HEADERS = [
    ("menopausal_status (1=pre; 2=peri; 3=post)", "1", "3"),
    ("Menopause (1=prämenopausal; 2=postmenopausal)", "1", "2"),
    ("menopausa (1=pre; 2=post)", "1", "2"),
    ("menopauze (1=premenopauzaal; 2=postmenopauzaal)", "1", "2"),
    ("ménopause (1=préménopause; 2=postménopause)", "1", "2"),
    ("menopausia (1=premenopausia; 2=postmenopausia)", "1", "2"),
]


@pytest.mark.parametrize(("header", "pre", "post"), MENOPAUSE_HEADERS)
def test_a_menopause_header_s_coded_states_are_read_as_stated(
    tmp_path: Path, header: str, pre: str, post: str
) -> None:
    (premenopausal, postmenopausal), _ = _run(tmp_path, header, [pre, post], "46", "25")
    # 25 ng/mL: within a premenopausal woman's interval, above a postmenopausal woman's
    assert premenopausal["status"] == "normal", header
    assert postmenopausal["status"] == "high", header
    assert postmenopausal["reference_high_ng_ml"] < premenopausal["reference_high_ng_ml"]


def test_a_perimenopausal_code_is_not_read_as_postmenopausal(tmp_path: Path) -> None:
    header = "menopausal_status (1=pre; 2=peri; 3=post)"
    (peri, post), _ = _run(tmp_path, header, ["2", "3"], "46", "25")
    assert peri["reference_high_ng_ml"] > post["reference_high_ng_ml"]


@pytest.mark.parametrize(
    "header",
    ["pregnancy_status (1=status A; 2=status B)", "zwangerschap (1=groep een; 2=groep twee)"],
)
def test_header_codes_whose_labels_are_not_read_are_unknown_never_one_is_yes(
    tmp_path: Path, header: str
) -> None:
    rows, warnings = _run(tmp_path, header, ["1", "2"])
    for row in rows:
        assert "pregnancy" not in _factors(row), header
        assert row["status"] == "high", header
        assert "pregnancy_test" in _suggestions(row), header  # pregnancy not excluded
    assert any("could not be read" in w and "[values.pregnant]" in w for w in warnings), warnings


@pytest.mark.parametrize("header", ["menopause", "menopauze", "menopausa", "Menopausal status"])
def test_a_plain_menopause_column_coded_one_two_is_unknown_with_a_warning(
    tmp_path: Path, header: str
) -> None:
    rows, warnings = _run(tmp_path, header, ["1", "2", "1", "2"], "46", "25")
    highs = {row["reference_high_ng_ml"] for row in rows}
    assert len(highs) == 1, (header, highs)  # neither code read as a state
    assert any("codes 1 and 2 without a codebook" in w for w in warnings), warnings


def test_a_menopause_column_coded_one_zero_keeps_one_as_yes(tmp_path: Path) -> None:
    (post, pre), warnings = _run(tmp_path, "menopause", ["1", "0"], "46", "25")
    assert post["status"] == "high"
    assert pre["status"] == "normal"
    assert not any("without a codebook" in w for w in warnings)


# 2. A coded qualitative hCG / pregnancy test / macroprolactin screen ----------------------------
# (header, the code for positive, the code for negative)
HCG_HEADERS = [
    ("hcg_urine (0=neg; 1=pos)", "1", "0"),
    ("hCG (1=positive, 2=negative)", "1", "2"),
    ("pregnancy_test (0=neg, 1=pos)", "1", "0"),
    ("zwangerschapstest (0=negatief; 1=positief)", "1", "0"),
    ("test di gravidanza (0=negativo; 1=positivo)", "1", "0"),
    ("Schwangerschaftstest (1=positiv; 2=negativ)", "1", "2"),
    ("test de grossesse (0 = négatif / 1 = positif)", "1", "0"),
    ("UPT (1, Positive | 2, Negative)", "1", "2"),
]


@pytest.mark.parametrize(("header", "pos", "neg"), HCG_HEADERS)
def test_a_qualitative_pregnancy_test_is_read_by_its_header_s_codes(
    tmp_path: Path, header: str, pos: str, neg: str
) -> None:
    (positive, negative), warnings = _run(tmp_path, header, [pos, neg], "29")
    assert "pregnancy" in _factors(positive), header  # a positive test: pregnant (§1.1)
    assert "pituitary_mri" not in _suggestions(positive), header
    assert "pregnancy" not in _factors(negative), header
    assert negative["status"] == "high", header
    assert "pregnancy_test" not in _suggestions(negative), header  # a negative test is one
    assert not any("were read as IU/L" in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("hcg_urine (0=neg; 1=pos)", "2"),  # a code the header does not state
        ("beta_hcg_pos", "1"),
        ("hcg_qual", "0"),
        ("Pregnancy test", "1"),
        ("Zwangerschapstest", "2"),
        ("Test di gravidanza", "1"),
    ],
)
def test_a_qualitative_test_s_code_without_its_codebook_is_not_iu_per_litre(
    tmp_path: Path, header: str, cell: str
) -> None:
    (row,), warnings = _run(tmp_path, header, [cell], "29")
    assert "pregnancy" not in _factors(row), header
    assert "pregnancy_test" in _suggestions(row), header  # pregnancy still to be excluded
    assert not any("were read as IU/L" in w for w in warnings), warnings
    assert any("qualitative test's code" in w for w in warnings), warnings


def test_a_quantitative_hcg_column_is_still_read_in_iu_per_litre(tmp_path: Path) -> None:
    (pregnant, not_pregnant), _ = _run(tmp_path, "beta hCG", ["12000", "1"], "29")
    assert "pregnancy" in _factors(pregnant)
    assert "pregnancy" not in _factors(not_pregnant)
    assert "pregnancy_test" not in _suggestions(not_pregnant)


@pytest.mark.parametrize(
    ("header", "pos", "neg"),
    [
        ("macroprolactin (0=neg; 1=pos)", "1", "0"),
        ("Makroprolaktin (1=nachgewiesen; 2=nicht nachgewiesen)", "1", "2"),
        ("macroprolactine (0=negatief; 1=positief)", "1", "0"),
        ("PEG screen (1, Positive | 2, Negative)", "1", "2"),
    ],
)
def test_a_coded_macroprolactin_screen_is_read_by_its_header_s_codes(
    tmp_path: Path, header: str, pos: str, neg: str
) -> None:
    (positive, negative, missing), warnings = _run(tmp_path, header, [pos, neg, "-99"], "29")
    assert "macroprolactinemia" in _factors(positive), header  # contract §7
    assert "macroprolactin_screen" not in _suggestions(negative), header  # not asked again
    assert "macroprolactinemia" not in _factors(negative), header
    assert "macroprolactin_screen" in _suggestions(missing), header  # -99: no screen
    assert not any("names no finding" in w for w in warnings), warnings


# 3. All-9 codes beside the result column's own missing-data codes -------------------------------
def _results(tmp_path: Path, text: str) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """(results by patient, rejected patient -> reason code, urgent lines) of one run."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    rejected = {r.patient_id: r.reason_code for r in outcome.rejected}
    return outcome.results.set_index("patient_id"), rejected, outcome.urgent


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (["-99", "-999", "9999", "12.5"], "9999"),
        (["-99", "999", "12.5"], "999"),
        (["-99.00", "999.00", "12.50"], "999.00"),  # SPSS
        (["-9999", "99999", "12.5"], "99999"),
        ([".a", "999", "12.5"], "999"),  # Stata's extended missing value beside it
        (["-88", "9999", "12.5"], "9999"),
    ],
)
def test_an_all_nine_result_beside_the_column_s_missing_codes_is_missing(
    tmp_path: Path, cells: list[str], code: str
) -> None:
    lines = ["participant_id,sex,age,prl_ngml"]
    lines += [f"P{i},M,40,{cell}" for i, cell in enumerate(cells)]
    out, rejected, urgent = _results(tmp_path, "\n".join(lines) + "\n")
    coded = f"P{cells.index(code)}"
    assert rejected.get(coded) == "missing_result", (cells, rejected)
    assert coded not in out.index
    assert not urgent, urgent  # no false urgent alert
    assert out.loc[f"P{len(cells) - 1}", "status"] == "normal"  # the real result is kept


def test_an_all_nine_result_beside_dutch_decimal_comma_codes_is_missing(tmp_path: Path) -> None:
    text = "studienummer;geslacht;leeftijd;prl_ngml\nA;V;34;-99,00\nB;M;55;9999\nC;V;22;24,5\n"
    out, rejected, urgent = _results(tmp_path, text)
    assert rejected.get("B") == "missing_result", rejected
    assert not urgent
    assert out.loc["C", "status"] == "normal"


def test_all_nines_without_other_codes_and_ninety_nine_stay_results(tmp_path: Path) -> None:
    # the extensions keep 999 / 9999 a result where the column shows no codebook; 99 ng/mL is a
    # plausible result even beside -99
    text = "participant_id,sex,age,prl_ngml\nA,M,40,9999\nB,M,40,12\n"
    out, rejected, _ = _results(tmp_path, text)
    assert "A" in out.index and "A" not in rejected
    text = "participant_id,sex,age,prl_ngml\nA,M,40,-99\nB,M,40,99\n"
    (tmp_path / "b").mkdir()
    out, rejected, _ = _results(tmp_path / "b", text)
    assert rejected.get("A") == "missing_result"
    assert out.loc["B", "status"] == "high"
