"""Review 17: lactation words in a status or notes cell, and a remark beside a result.

- A notes or status cell that says only "lactation" set the breastfeeding state, while the same
  word in German ("Laktation") or Italian ("lattazione"), alone or as a clause ("Laktation;
  Kopfschmerz"), and Spanish "lactante" said nothing: the result was flagged high against the
  non-breastfeeding limit.  Clinical-reference §4 (lactation keeps prolactin raised while she
  breastfeeds), §8 (lactation / postpartum: don't flag; note the expected elevation).  The
  guards stay: a lactation consultant, a negation, an ended lactation, weaning, and
  galactorrhoea (a symptom, §5: never the breastfeeding interval).  "lactation consultant" set
  the breastfeeding state; it no longer does.
- A result with a remark on the specimen beside it without brackets ("260 haemolysed", "260
  hämolytisch", "hämolytisch 260") was rejected (unparseable_result, or unknown_unit after a
  unit) while "260 (haemolysed)" was read with the remark kept and a warning
  (docs/output-contract-extensions.md "A remark in brackets after a result").  Words that are no
  such remark ("260 see comment", "260 clotted") stay rejected.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.io import ReadOptions, read_file
from triage.pipeline import TriageRequest, run_triage
from triage.values import parse_quantity, result_remarks

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,lactating,symptoms,comments"


def _rows(tmp_path: Path, cells: list[tuple[str, str]]) -> pd.DataFrame:
    """One woman of 30 at 60 ng/mL (above the usual limit, within the breastfeeding one) per
    (column, text) pair, P0, P1 ... in order."""
    lines = []
    for i, (column, text) in enumerate(cells):
        said = {name: csv_quoted(text) if name == column else "" for name in HEADER.split(",")}
        lines.append(
            f"P{i},F,30,60,ng/mL,{said['lactating']},{said['symptoms']},{said['comments']}"
        )
    return triage_lines(tmp_path, HEADER, lines)


def _breastfeeding(row: pd.Series) -> bool:
    return bool(row["reference_stratum"] == "default:lactating" and "lactation" in row["factors"])


# ----------------------------------------------------------------- lactation words ------------
LACTATING = [
    ("comments", "Laktation"),
    ("comments", "lattazione"),
    ("comments", "lactation"),
    ("comments", "lactancia"),
    ("comments", "lactatie"),
    ("comments", "allaitement"),
    ("comments", "Laktation; Kopfschmerz"),
    ("comments", "lattazione; cefalea"),
    ("comments", "laktierend"),
    ("comments", "lactante"),
    ("comments", "Lactante; cefalea"),
    ("lactating", "Laktation"),
    ("lactating", "lattazione"),
    ("lactating", "stillend"),
    ("lactating", "allaitante"),
    ("lactating", "in allattamento"),
    ("lactating", "lacterend"),
]


def test_a_single_lactation_word_is_breastfeeding_in_every_language(tmp_path: Path) -> None:
    """§8: while she breastfeeds, 60 ng/mL is expected (the breastfeeding interval), not flagged;
    "Laktation" / "lattazione" / "lactante" said nothing and the result was high."""
    rows = _rows(tmp_path, LACTATING)
    for i, cell in enumerate(LACTATING):
        row = rows.loc[f"P{i}"]
        assert _breastfeeding(row), cell
        assert row["status"] == "normal", cell


NOT_LACTATING = [
    ("comments", "lactation consultant"),
    ("comments", "seen by lactation consultant visit for her sister"),
    ("comments", "Laktationsberatung"),
    ("comments", "Stillberaterin"),
    ("comments", "consultante en lactation"),
    ("comments", "conseillère en allaitement"),
    ("comments", "asesora de lactancia"),
    ("comments", "consulente per l'allattamento"),
    ("comments", "lactatiekundige"),
    ("comments", "no lactation"),
    ("comments", "keine Laktation"),
    ("comments", "nessuna lattazione"),
    ("comments", "Laktation beendet"),
    ("comments", "lattazione terminata"),
    ("comments", "sevrage"),
    ("comments", "no lactante"),
    ("comments", "Laktat 2,1 mmol/l"),
    ("comments", "Kopfschmerz; Müdigkeit"),
]


def test_consultants_negations_and_ended_lactation_are_no_breastfeeding(tmp_path: Path) -> None:
    """A consultant named (a person, perhaps seen for someone else), a lactation denied or
    ended, weaning, blood lactate or unrelated words: the usual limit, 60 ng/mL stays high."""
    rows = _rows(tmp_path, NOT_LACTATING)
    for i, cell in enumerate(NOT_LACTATING):
        row = rows.loc[f"P{i}"]
        assert not _breastfeeding(row), cell
        assert row["reference_stratum"] == "default:adult_female", cell
        assert row["status"] == "high", cell


GALACTORRHOEA = [
    ("comments", "galactorrhoea"),
    ("comments", "Galaktorrhoe, Laktation"),
    ("comments", "Nullipara, Laktation"),
    ("comments", "Laktation ohne Schwangerschaft"),
    ("comments", "lattazione spontanea"),
    ("comments", "Laktation außerhalb der Stillzeit"),
    ("symptoms", "Laktation"),
    ("symptoms", "lattazione"),
]


def test_galactorrhoea_is_never_breastfeeding(tmp_path: Path) -> None:
    """§5: milk outside breastfeeding is a symptom, judged against the usual interval, in the
    new words as in "lactation" (never pregnant, without a pregnancy, spontaneous, named with
    galactorrhoea, or in the symptoms column)."""
    rows = _rows(tmp_path, GALACTORRHOEA)
    for i, cell in enumerate(GALACTORRHOEA):
        row = rows.loc[f"P{i}"]
        assert not _breastfeeding(row), cell
        assert row["status"] == "high", cell


# ----------------------------------------------------------------- a remark beside a result ---
REMARKED = [
    ("260 haemolysed", "haemolysed"),
    ("260 hämolytisch", "hämolytisch"),
    ("260 hémolysé", "hémolysé"),
    ("260 hemolizada", "hemolizada"),
    ("260 emolizzato", "emolizzato"),
    ("260 gehemolyseerd", "gehemolyseerd"),
    ("hämolytisch 260", "hämolytisch"),
    ("Probe leicht hämolytisch: 260", "Probe leicht hämolytisch"),
    ("260 ng/mL, lipémique", "lipémique"),
    ("260 icteric and lipaemic", "icteric and lipaemic"),
]


def test_a_remark_without_brackets_is_read_as_in_brackets(tmp_path: Path) -> None:
    """The number is read (as "260 (haemolysed)" is), the remark kept in the row's comments and
    the warning says the specimen may call for a repeat."""
    path = tmp_path / "r.csv"
    lines = [f"R{k},F,30,{csv_quoted(cell)},ng/mL" for k, (cell, _) in enumerate(REMARKED)]
    lines.append("B1,F,30,260 (haemolysed),ng/mL")
    path.write_text("patient_id,sex,age_years,prolactin,prolactin_unit\n" + "\n".join(lines))
    read = read_file(path, None, ReadOptions())
    assert read.frame["prolactin_value"].tolist() == [260] * (len(REMARKED) + 1)
    comments = read.frame["comments"].tolist()
    for (cell, remark), comment in zip(REMARKED, comments, strict=False):
        assert comment == f"prolactin: {remark}", cell
    assert comments[-1] == "prolactin: haemolysed"
    assert not read.rejected
    assert any("remark" in w and "repeat" in w for w in read.summary.warnings)


def test_a_remarked_result_is_triaged_as_the_bracketed_one(tmp_path: Path) -> None:
    """Through the whole run: 260 ng/mL written "260 hämolytisch" is triaged as "260
    (hämolytisch)" is, never left out of the results."""
    header = "patient_id,sex,age_years,prolactin,prolactin_unit"
    rows = triage_lines(
        tmp_path,
        header,
        [
            "U1,F,30,260 hämolytisch,ng/mL",
            "U2,F,30,hämolytisch 260,ng/mL",
            "B1,F,30,260 (hämolytisch),ng/mL",
        ],
    )
    for patient in ("U1", "U2"):
        for field in ("prolactin_ng_ml", "status", "priority"):
            assert rows.loc[patient, field] == rows.loc["B1", field], (patient, field)


NO_REMARK = ["260 see comment", "260 clotted", "260 wrong tube", "260 invalid",
             "8200 diluted, haemolysed", "haemolysed", "sample haemolysed"]  # fmt: skip


def test_words_that_are_no_remark_stay_rejected(tmp_path: Path) -> None:
    """A result said not valid, a pointer to a comment, a dilution with a remark, or a remark
    without a number: unparseable_result, as before."""
    source = tmp_path / "export.csv"
    lines = [f"R{i},M,40,{csv_quoted(cell)},ng/mL" for i, cell in enumerate(NO_REMARK)]
    lines += [f"OK{i},M,40,{10 + i},ng/mL" for i in range(len(NO_REMARK) + 1)]
    source.write_text("patient_id,sex,age_years,prolactin,prolactin_unit\n" + "\n".join(lines))
    outcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    )
    rejected = {str(r.patient_id): r.reason_code for r in outcome.rejected}
    for i, cell in enumerate(NO_REMARK):
        assert rejected.get(f"R{i}") == "unparseable_result", cell


@pytest.mark.parametrize(
    ("cell", "value", "qualifier", "unit", "remarks"),
    [
        ("<5 hämolytisch", 5.0, "<", "", ("hämolytisch",)),
        ("1.234,5 mIU/L hämolysiert", 1234.5, "", "mIU/L", ("hämolysiert",)),
        ("260 / lipemic", 260.0, "", "", ("lipemic",)),
        ("260 ng/mL", 260.0, "", "ng/mL", ()),
    ],
)
def test_the_number_qualifier_and_unit_beside_a_remark(
    cell: str, value: float, qualifier: str, unit: str, remarks: tuple[str, ...]
) -> None:
    """The remark is taken off; what stays is read as any result cell is."""
    read = parse_quantity(cell)
    assert (read.status, read.value, read.qualifier, read.unit_text) == (
        "ok",
        value,
        qualifier,
        unit,
    )
    assert read.text == cell
    assert result_remarks(cell) == remarks
