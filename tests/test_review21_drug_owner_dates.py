"""Review 21: whose drug it is, dates written in drug text, and the next step after a drug
stopped days before the sample.

- a drug labelled with, given to or taken by another person ("Mutter: Risperdal", "Husband:
  Haldol", "Partner: methadone programme", "gives her son Risperdal", "Risperdal (for her son)",
  "baby on domperidone", "Kind bekommt Domperidon", "son bébé est sous Motilium", "Stiefmutter
  nimmt", "boyfriend on methadone", "twin sister on") was counted as the patient's own cause
  (clinical-reference §3: the patient's medication).  It is no factor; a drug for her own milk
  ("Mutter: Domperidon zur Milchbildung", "domperidone for lactation") stays hers;
- dates written in drug text were read day-first even in a month-first file ("risperidone
  stopped 10/11/2026" with collected 10/15/2026: "stopped only after the sample"; "Xeplion last
  injection 09/01/2026": 279 days).  They follow the order of the file's date columns (the
  --monthfirst option, or a date such as 10/15/2026 in the file);
- a drug already stopped within its washout got "pause or switch it" or "a prolactin-sparing
  alternative may be an option" and no repeat.  Clinical-reference §0 (drug withdrawal test)
  and §1.1 2.1: re-measure once the drug has been off for 3 days (thresholds.toml
  drug_withdrawal_retest_days).

Synthetic patients only (F, 34 y, prolactin 70 ng/mL: above the 30 ng/mL female limit and
within a drug's usual reach); through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

from triage.io.options import ReadOptions
from triage.pipeline import TriageRequest, run_triage

HEADER = "patient_id,sex,age,prolactin,unit,collected,medication,comment"


def _rows(
    tmp_path: Path, cells: list[tuple[str, str]], collected: str = "2026-10-15"
) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,34,70,ng/mL,{collected},{csv_quoted(meds)},{csv_quoted(note)}"
        for i, (meds, note) in enumerate(cells)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [(meds or note, out.loc[f"P{i}"]) for i, (meds, note) in enumerate(cells)]


def _drug_codes(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"] if f["code"].startswith("medication:")}


def _review(row: pd.Series) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == "medication_review"]
    return found[0] if found else ""


# 1. Another person's drug is not the patient's ---------------------------------------------
OTHER_PERSONS_NOTES = [
    "Mutter: Risperdal",
    "Mother: risperidone",
    "Mère : Risperdal",
    "Madre: risperidona",
    "Moeder: Risperdal",
    "Mother:risperidone",
    "Husband: Haldol",
    "Schwester: Solian",
    "Partner: methadone programme",
    "Lebensgefährte: Methadon-Substitution",
    "baby on domperidone",
    "breastfeeding, baby on domperidone",
    "Kind bekommt Domperidon",
    "child takes domperidone",
    "son bébé est sous Motilium",
    "neonato in domperidone",
    "Kinderarzt: Domperidon für Säugling",
    "domperidone for the baby",
    "Risperdal (for her son)",
    "Risperdal (mother)",
    "gives her son Risperdal",
    "gibt ihrem Sohn Risperdal",
    "donne du Risperdal à son fils",
    "le da a su hijo Risperdal",
    "geeft haar zoon Risperdal",
    "husband's methadone kept at home",
    "Stiefmutter nimmt Risperdal",
    "boyfriend on methadone",
    "Freund nimmt Methadon",
    "conjoint sous méthadone",
    "twin sister on risperidone",
]


def test_another_persons_drug_is_no_factor(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [("", note) for note in OTHER_PERSONS_NOTES])
    for text, row in rows:
        assert not _drug_codes(row), (text, row["factor_evidence"])
        assert not _review(row), text


def test_another_persons_label_in_the_medication_column_is_no_factor(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, [("Mutter: Risperdal", ""), ("Husband: Haldol", "")]):
        assert not _drug_codes(row), (text, row["factor_evidence"])


# the patient's own drug, next to a word for another person or a look-alike, is still hers
OWN_DRUGS = [
    ("Mutter: Domperidon zur Milchbildung", "medication:antiemetic_prokinetic"),
    ("domperidone for lactation", "medication:antiemetic_prokinetic"),
    ("domperidone 10 mg tid to increase milk supply", "medication:antiemetic_prokinetic"),
    ("Mother reports patient takes risperidone", "medication:antipsychotic"),
    ("Mutter gibt ihm abends Risperdal", "medication:antipsychotic"),
    ("lives with her mother, on risperidone", "medication:antipsychotic"),
    ("Risperdal 2 mg, Mutter: Haldol", "medication:antipsychotic"),
    ("Mother: schizophrenia. Patient: risperidone", "medication:antipsychotic"),
    ("Risperdal (father had psychosis)", "medication:antipsychotic"),
    ("son traitement: Risperdal", "medication:antipsychotic"),
    ("twin pregnancy on metoclopramide", "medication:antiemetic_prokinetic"),
    ("Risperdal 2 mg for schizophrenia", "medication:antipsychotic"),
]


def test_the_patients_own_drug_beside_other_persons_words_stays(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [("", note) for note, _ in OWN_DRUGS])
    for (text, row), (_, code) in zip(rows, OWN_DRUGS, strict=True):
        assert code in _drug_codes(row), (text, row["factor_evidence"])


# 2. Dates in drug text follow the file's day/month order ----------------------------------
MONTH_FIRST = [
    # stopped 11 October, 4 days before the 15 October sample: past the 3-day washout
    ("risperidone stopped 10/11/2026", False),
    # started 10 November, after the sample: not taken at it
    ("risperidone started 11/10/2026", False),
    # last given 14 October: within the washout, still acting
    ("metoclopramide last dose 10/14/2026", True),
    # a monthly depot last injected 1 September: 44 days, still acting (92 days)
    ("Xeplion last injection 09/01/2026", True),
    # a depot last given 3 July: 104 days, no longer acting
    ("Haldol decanoate last given 7/3/2026", False),
]


def _month_first_rows(tmp_path: Path, collected: str, *, option: bool) -> pd.DataFrame:
    lines = [
        f"P{i},F,34,70,ng/mL,{collected},{csv_quoted(meds)},"
        for i, (meds, _) in enumerate(MONTH_FIRST)
    ]
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    request = TriageRequest(
        inputs=[path],
        out_dir=tmp_path / "out",
        keep_results=True,
        read_options=ReadOptions(dayfirst=False) if option else ReadOptions(),
    )
    results = run_triage(request).results
    assert results is not None
    return results.set_index("patient_id")


def test_drug_dates_follow_the_month_first_option(tmp_path: Path) -> None:
    # 10/12/2026 reads both ways: only --monthfirst makes the sample 12 October, and the stop
    # on 10/11/2026 the day before it (day-first: 10 November, a month before 10 December)
    out = _month_first_rows(tmp_path, "10/12/2026", option=True)
    row = out.loc["P0"]
    assert _drug_codes(row), row["factor_evidence"]
    assert "1 day before the sample" in row["factor_evidence"], row["factor_evidence"]


def test_drug_dates_follow_the_files_own_month_first_dates(tmp_path: Path) -> None:
    out = _month_first_rows(tmp_path, "10/15/2026", option=False)
    for i, (text, counted) in enumerate(MONTH_FIRST):
        row = out.loc[f"P{i}"]
        assert bool(_drug_codes(row)) is counted, (text, row["factor_evidence"])
    depot = out.loc["P3"]["factor_evidence"]
    assert "44 days before the sample" in depot, depot


def test_day_first_files_still_read_drug_dates_day_first(tmp_path: Path) -> None:
    # 14/10/2026 settles day-first: "01/09/2026" is 1 September, 44 days before
    lines = [
        ("Xeplion last injection 01/09/2026", True),
        ("risperidone stopped 11/10/2026", False),  # 11 October: 3 days, past the washout
        ("Risperdal seit 01.03.2026", True),
    ]
    rows = _rows(tmp_path, [(meds, "") for meds, _ in lines], collected="14/10/2026")
    for (text, row), (_, counted) in zip(rows, lines, strict=True):
        assert bool(_drug_codes(row)) is counted, (text, row["factor_evidence"])
    assert "43 days before the sample" in rows[0][1]["factor_evidence"]


# 3. A drug stopped within its washout: repeat after the washout ---------------------------
STOPPED_RECENTLY = [
    ("risperidone stopped 2 days ago", "2026-10-16"),
    ("Haldol abgesetzt vorgestern", "2026-10-16"),
    ("metoclopramide stopped yesterday", "2026-10-17"),
    ("Motilium arrêté hier", "2026-10-17"),
    ("risperidon gestopt 2 dagen geleden", "2026-10-16"),
]


def test_a_drug_stopped_within_its_washout_is_repeated_after_it(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [(meds, "") for meds, _ in STOPPED_RECENTLY])
    for (text, row), (_, due) in zip(rows, STOPPED_RECENTLY, strict=True):
        review = _review(row)
        assert _drug_codes(row), text  # still acting at the sample: still a factor
        assert f"repeat prolactin 3 days after the stop (on {due})" in review, (text, review)
        assert "paused" not in review and "alternative" not in review, (text, review)


def test_a_drug_taken_beside_one_stopped_keeps_its_review(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [("metoclopramide stopped yesterday; risperidone 4 mg", "")])
    review = _review(rows[0][1])
    assert "prolactin-sparing alternative" in review, review  # risperidone, taken
    assert "metoclopramide was already stopped" in review, review
    assert "repeat prolactin 3 days after the stop (on 2026-10-17)" in review, review


def test_a_drug_taken_still_gets_the_pause_or_switch_review(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [("metoclopramide 10 mg tid", ""), ("risperidone 4 mg", "")])
    assert "paused or switched" in _review(rows[0][1])
    assert "prolactin-sparing alternative" in _review(rows[1][1])
    assert "repeat prolactin" not in _review(rows[0][1])
