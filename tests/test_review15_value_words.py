"""Review 15: a result cell that writes words beside its number outside brackets.

A cell holding the number with a dilution word ("8200 diluted", "8200 nach Verdünnung"), the
undiluted and the diluted result ("> 470, after dilution 1:100: 8200"), or the lab's flag as a
word ("260 erhöht", "260 kritisch") was rejected as unparseable_result ("is not a number"): a
giant prolactinoma's diluted 8200 ng/mL was out of urgent.txt, the counts and --fail-on.  The
same words in brackets were read.  Clinical-reference §0 (hook effect: the diluted result is the
true level), §4; the lab's flag: docs/output-contract-extensions.md "The lab's own flag".
Words that say the result is not valid, and two numbers neither of which is called diluted,
stay rejected.  Synthetic patients only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted
from typer.testing import CliRunner

from triage.cli import app
from triage.pipeline import TriageRequest, run_triage
from triage.schema import Rejected

HEADER = "Patient ID,Sex,Age,Prolactin,Unit,Pituitary lesion"


def _run(tmp_path: Path, lines: list[str]) -> tuple[pd.DataFrame, dict[str, Rejected], str]:
    """(results by patient, rejected rows by patient, urgent.txt) of one run on a wide CSV."""
    source = tmp_path / "export.csv"
    source.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    outcome = run_triage(TriageRequest(inputs=[source], out_dir=out, keep_results=True))
    results = outcome.results if outcome.results is not None else pd.DataFrame()
    rejected = {str(r.patient_id): r for r in outcome.rejected}
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    return results.set_index("patient_id"), rejected, urgent


def _line(patient: str, cell: str, *, sex: str = "M", age: int = 40, unit: str = "ng/mL",
          lesion: str = "") -> str:  # fmt: skip
    return f"{patient},{sex},{age},{csv_quoted(cell)},{unit},{csv_quoted(lesion)}"


# -- a number with a dilution word -----------------------------------------------------------
DILUTED_ALONE = [
    "8200 diluted",
    "8200 nach Verdünnung",
    "8200 nach Verduennung",  # the German word without its umlaut
    "8200 après dilution",
    "8200 tras dilución",
    "8200 dopo diluizione",
    "8200 na verdunning",
    "8200, diluted 1:100",
    "verdünnt: 8200",
    "diluted 1:100 = 8200",
    "8200 dilué au 1/100",
    "8200 diluida",
    "8200 diluito 1:100",
    "8200 verdund",
    "diluted 1 in 100: 8200",
]


def test_a_number_with_a_dilution_word_is_the_result(tmp_path: Path) -> None:
    """A man of 40 at 8200 ng/mL (diluted): extremely high, urgent (above 5000 mIU/L), listed in
    urgent.txt; none of the cells is rejected any more."""
    lines = [_line(f"D{i}", cell) for i, cell in enumerate(DILUTED_ALONE)]
    results, rejected, urgent = _run(tmp_path, lines)
    assert not rejected, {p: r.detail for p, r in rejected.items()}
    for i, cell in enumerate(DILUTED_ALONE):
        row = results.loc[f"D{i}"]
        assert row["prolactin_ng_ml"] == 8200, cell
        assert row["band"] == "extreme" and row["priority"] == "urgent", cell
        assert row["prolactin_raw"] == cell  # the cell as written
        assert f"URGENT patient D{i} |" in urgent, cell


@pytest.mark.parametrize(
    ("cell", "ng_ml", "undiluted"),
    [
        ("undiluted 150; 1:100 dilution 8200", 8200, "150 ng/mL"),
        ("> 470, after dilution 1:100: 8200", 8200, "> 470 ng/mL"),
        ("unverdünnt 150; nach Verdünnung 1:100: 8200", 8200, "150 ng/mL"),
        ("non dilué 150 ; après dilution 1/100 : 8200", 8200, "150 ng/mL"),
    ],
)
def test_an_undiluted_and_a_diluted_result_in_one_cell(
    tmp_path: Path, cell: str, ng_ml: float, undiluted: str
) -> None:
    """The diluted value counts (the undiluted one can read falsely low: hook effect); the
    comment names both, as a diluted value in a note does (engine/diluted.py)."""
    results, rejected, urgent = _run(tmp_path, [_line("H1", cell)])
    assert not rejected
    row = results.loc["H1"]
    assert row["prolactin_ng_ml"] == ng_ml
    assert row["priority"] == "urgent" and row["band"] == "extreme"
    assert "Judged with the diluted result written in prolactin:" in row["comment"]
    assert f"the undiluted result {undiluted} can read falsely low" in row["comment"]
    assert "the diluted result in prolactin:" in row["factor_evidence"]
    assert "URGENT patient H1 |" in urgent and "the diluted result in prolactin" in urgent


def test_a_diluted_result_in_mIU_per_litre_beside_a_bound(tmp_path: Path) -> None:
    """ "> 4240 mIU/L; diluted 174000" in a file without a unit column: 174000 mIU/L, the unit the
    undiluted part names."""
    results, rejected, _ = _run(tmp_path, [_line("U1", "> 4240 mIU/L; diluted 174000", unit="")])
    assert not rejected
    row = results.loc["U1"]
    assert row["prolactin_unit"] == "mIU/L" and row["prolactin_value"] == 174000
    assert row["qualifier"] == "" and row["priority"] == "urgent"
    assert "the undiluted result > 4240 mIU/L can read falsely low" in row["comment"]


def test_a_diluted_result_is_not_asked_for_again(tmp_path: Path) -> None:
    """A 38 mm macroadenoma at 45 ng/mL: the hook effect may hide a giant prolactinoma, so a
    1:100 dilution is asked for; written as the diluted result it is not asked again."""
    lesion = "macroadenoma 38 mm"
    results, _, _ = _run(
        tmp_path,
        [
            _line("N1", "45", lesion=lesion),
            _line("N2", "45 diluted", lesion=lesion),
            _line("N3", "undiluted 40; diluted 1:100: 45", lesion=lesion),
        ],
    )
    assert "dilution_retest" in results.loc["N1", "suggestions"]
    for patient in ("N2", "N3"):
        row = results.loc[patient]
        assert row["prolactin_ng_ml"] == 45
        assert "dilution_retest" not in row["suggestions"]
        assert "hook_effect_risk" not in row["suggestions"]


def test_a_higher_undiluted_result_stands(tmp_path: Path) -> None:
    """A dilution never lowers a result: "undiluted 9000; diluted 300" is read as 9000."""
    results, _, _ = _run(tmp_path, [_line("L1", "undiluted 9000; diluted 300")])
    assert results.loc["L1", "prolactin_ng_ml"] == 9000
    assert "Judged with the diluted result" not in results.loc["L1", "comment"]


def test_fail_on_urgent_counts_the_diluted_result(tmp_path: Path) -> None:
    """--fail-on urgent exits 10 for a diluted 8200 ng/mL (before: rejected, exit 0)."""
    source = tmp_path / "export.csv"
    source.write_text(HEADER + "\n" + _line("F1", "8200 diluted") + "\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    failed = runner.invoke(
        app, ["run", str(source), "--out", str(out), "-q", "--fail-on", "urgent"]
    )
    assert failed.exit_code == 10, failed.stderr
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["patient_id"], r["priority"]) for r in rows] == [("F1", "urgent")]


def test_a_long_export_reads_the_same_cells(tmp_path: Path) -> None:
    """One line per test (LIS export): the result column is read the same way."""
    source = tmp_path / "long.csv"
    source.write_text(
        "Patient ID,Sex,Age,Test,Result,Unit\n"
        "G1,M,40,Prolactin,8200 nach Verdünnung,ng/mL\n"
        'G2,M,40,Prolactin,"> 470, after dilution 1:100: 8200",ng/mL\n'
        "G3,F,30,Prolactin,22 erhöht,ng/mL\n",
        encoding="utf-8",
    )
    outcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    )
    assert not outcome.rejected
    results = outcome.results.set_index("patient_id")
    assert (
        results.loc["G1", "prolactin_ng_ml"] == 8200 and results.loc["G1", "priority"] == "urgent"
    )
    assert results.loc["G2", "prolactin_ng_ml"] == 8200
    assert results.loc["G3", "status"] == "indeterminate"


# -- a number with the lab's flag as a word ----------------------------------------------------
HIGH_WORDS = ["hoch", "erhöht", "erhoeht", "élevé", "alto", "alta", "elevato", "hoog", "H", "HH",
              ">>", "high", "deutlich erhöht", "te hoog"]  # fmt: skip
UNDIRECTED_WORDS = ["kritisch", "critical", "critique", "crítico", "critico", "kritiek"]


def test_a_flag_word_beside_the_number_is_the_labs_flag(tmp_path: Path) -> None:
    """A woman of 30 at 22 ng/mL is within the default interval (3-30): flagged high by her lab
    (against its own interval) she is indeterminate, never a silent normal; "critical" gives no
    direction but says the lab found it abnormal, so 22 is indeterminate too (review 27: it had
    stayed a false normal).  The number is never changed; 260 flagged is very high."""
    lines = [_line(f"W{i}", f"22 {w}", sex="F", age=30) for i, w in enumerate(HIGH_WORDS)]
    lines += [_line(f"C{i}", f"22 {w}", sex="F", age=30) for i, w in enumerate(UNDIRECTED_WORDS)]
    lines += [
        _line("V1", "260 erhöht"),
        _line("V2", "260 kritisch"),
        _line("V3", "22 niedrig", sex="F", age=30),
    ]
    results, rejected, urgent = _run(tmp_path, lines)
    assert not rejected, {p: r.detail for p, r in rejected.items()}
    for i, word in enumerate(HIGH_WORDS):
        row = results.loc[f"W{i}"]
        assert row["prolactin_ng_ml"] == 22, word
        assert row["status"] == "indeterminate" and row["priority"] == "routine", word
        assert "flagged this result high" in row["reference_note"], word
    for i, word in enumerate(UNDIRECTED_WORDS):
        row = results.loc[f"C{i}"]
        assert row["prolactin_ng_ml"] == 22 and row["status"] == "indeterminate", word
    for patient in ("V1", "V2"):
        assert results.loc[patient, "prolactin_ng_ml"] == 260
        assert results.loc[patient, "band"] == "very_high"
        assert results.loc[patient, "priority"] == "urgent"
        assert f"URGENT patient {patient} |" in urgent
    assert results.loc["V3", "prolactin_ng_ml"] == 22  # a low flag: "cannot be high"
    assert (
        results.loc["V3", "status"] == "indeterminate" and results.loc["V3", "priority"] == "none"
    )


# -- what stays unread -------------------------------------------------------------------------
# (a haemolysed, lipaemic or icteric specimen is a remark, read as in brackets: review 17,
# tests/test_review17_lactation_words.py)
UNFIT = ["260 clotted", "260 wrong tube", "260 invalid", "260 repeat requested",
         "8200 diluted, haemolysed"]  # fmt: skip
UNCLEAR = ["150 / 300", "150; 300", "12 (rep 30)", "150; 300 diluted; 400",
           "diluted 150; diluted 300", "undiluted 150; undiluted 300", "not diluted 260",
           "260 dilution requested", "diluted 1:100", "undiluted 150",
           "diluted <5; undiluted 40", "150 ng/mL; diluted 8200 mIU/L"]  # fmt: skip


def test_unfit_specimens_and_unclear_cells_stay_rejected(tmp_path: Path) -> None:
    """A word that says the value is not valid leaves the row rejected (unparseable_result, as
    before), never a plain result; two numbers neither of which is called diluted, a dilution
    not done, two units: which result is meant is not guessed."""
    cells = UNFIT + UNCLEAR
    lines = [_line(f"R{i}", cell) for i, cell in enumerate(cells)]
    # (results on most rows: a column of mostly words is no result column)
    lines += [_line(f"OK{i}", str(10 + i)) for i in range(len(cells) + 1)]
    results, rejected, _ = _run(tmp_path, lines)
    assert sorted(results.index) == sorted(f"OK{i}" for i in range(len(cells) + 1))
    for i, cell in enumerate(cells):
        assert rejected[f"R{i}"].reason_code == "unparseable_result", cell


def test_a_dilution_still_to_come_stays_listed_as_urgent(tmp_path: Path) -> None:
    """ "260, dilution pending": not triaged, still listed with the urgent results until the
    diluted value is known (as before)."""
    results, rejected, urgent = _run(tmp_path, [_line("P1", "260, dilution pending")])
    assert results.empty or "P1" not in results.index
    assert rejected["P1"].reason_code == "unparseable_result"
    assert "URGENT patient P1 |" in urgent and "not triaged" in urgent
