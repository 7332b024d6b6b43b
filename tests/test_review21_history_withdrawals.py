"""Review 21: results the lab withdraws or corrects (docs/history.md "Results the lab withdraws",
"Identity").  A result the lab cancels is withdrawn whatever its value cell holds (empty, "-",
"n/a", or the word itself: "storniert", "annulé"); a correction applies to the result of the
same sample recorded by an earlier file of the same run (no longer phoned as urgent, nor
counted by --fail-on) and, within a file, to ids written with or without leading zeros; a
comment saying in words, in six languages, that the result is corrected is a correction, in
the file too, while "Korrektur der Medikation" is none.  Synthetic patients, SQLite history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from history_fixtures import overdue_patients

from triage.history import HistoryOptions
from triage.notices import CONFLICT_MARK, NOTHING_WITHDRAWN_MARK, WITHDRAWN_MARK
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import says_cancelled, says_corrected

T0 = datetime(2026, 2, 13, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)  # past the hours an urgent result must be acknowledged in
HEADER = "patient_id,sex,dob,collected,specimen,prolactin,unit,status,comment\n"


def _row(pid: str, specimen: str, value: str, status: str = "final", comment: str = "") -> str:
    return f"{pid},F,1980-01-01,2026-02-12 09:00,{specimen},{value},ng/mL,{status},{comment}\n"


def _run(
    tmp: Path, name: str, files: dict[str, str], *, hours: int = 0, fail_on: str | None = None
) -> TriageOutcome:
    paths = []
    for file, text in files.items():
        path = tmp / file
        path.write_text(HEADER + text, encoding="utf-8")
        paths.append(path)
    request = TriageRequest(
        inputs=paths,
        out_dir=tmp / name,
        history=HistoryOptions(location=_url(tmp)),
        keep_results=True,
        jobs=1,
        fail_on=fail_on,
    )
    return run_triage(request, now=T0 + timedelta(hours=hours))


def _url(tmp: Path) -> str:
    return f"sqlite:///{(tmp / 'history.db').as_posix()}"


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


def _reasons(outcome: TriageOutcome) -> dict[str, str]:
    return {r.specimen_id: r.reason_code for r in outcome.rejected}


# -- 1. a cancelled result without a value ------------------------------------------------------
CANCELLED = {  # specimen: (prolactin cell, status cell)
    "S1": ("", "storniert"),
    "S2": ("-", "annulé"),
    "S3": ("n/a", "annullato"),
    "S4": ("---", "anulado"),
    "S5": ("", "geannuleerd"),
    "S6": ("", "entered in error"),
    "S7": ("storniert", ""),  # the prolactin cell itself says so
    "S8": ("cancelled", "final"),
    "S9": ("annulé", ""),
    "S10": ("Befund storniert", ""),
}
NOT_CANCELLED = {"S11": ("haemolysed", ""), "S12": ("error", ""), "S13": ("", "")}


def test_a_cancelled_result_without_a_value_withdraws_the_stored_one(tmp_path: Path) -> None:
    everyone = {**CANCELLED, **NOT_CANCELLED}
    first = "".join(_row(f"07{i:02d}", s, "285") for i, s in enumerate(everyone, 1))
    _run(tmp_path, "o1", {"m1.csv": first})
    assert len(overdue_patients(_url(tmp_path), LATER)) == len(everyone)

    # the next export: leading zeros lost, the value gone, the status (or the cell) cancelled
    later = "".join(
        _row(f"7{i:02d}", s, cell, status)
        for i, (s, (cell, status)) in enumerate(everyone.items(), 1)
    )
    outcome = _run(tmp_path, "o2", {"m2.csv": later}, hours=1)
    reasons = _reasons(outcome)
    assert {s: reasons[s] for s in CANCELLED} == dict.fromkeys(CANCELLED, "cancelled_result")
    assert reasons["S11"] == "unparseable_result"  # haemolysed: no result, nothing withdrawn
    assert reasons["S12"] == "unparseable_result"  # an analyser's error cancels nothing
    assert reasons["S13"] == "missing_result"
    said = " ".join(_warnings(outcome))
    assert f"{len(CANCELLED)} result(s) recorded by earlier runs were {WITHDRAWN_MARK}" in said
    assert NOTHING_WITHDRAWN_MARK not in said
    # only the three results the lab did not cancel are still reminded
    assert sorted(overdue_patients(_url(tmp_path), LATER)) == ["0711", "0712", "0713"]


def test_cancelled_words_and_their_negatives() -> None:
    assert all(
        says_cancelled(t)
        for t in ("storniert", "Annulé", "annullato", "anulado", "geannuleerd", "withdrawn")
    )
    assert not any(
        says_cancelled(t)
        for t in ("x", "error", "#ERROR!", "haemolysed", "nicht storniert", "260 invalid", "")
    )


# -- 2. a correction by a later file of the same run --------------------------------------------
def test_a_result_corrected_later_in_the_same_run_is_not_phoned(tmp_path: Path) -> None:
    first = _row("0801", "R1", "300") + _row("0802", "R2", "310") + _row("0803", "R3", "320")
    second = _row("801", "R1", "30", "corrected") + _row("802", "R2", "31", "", "Wert korrigiert")
    outcome = _run(tmp_path, "o1", {"r1.csv": first, "r2.csv": second}, fail_on="urgent")
    urgent = [line for line in outcome.urgent if line.startswith("URGENT")]
    assert len(urgent) == 1 and "0803" in urgent[0]  # 0801's and 0802's 300s are not phoned
    assert outcome.fail_on_matches == 1  # --fail-on counts the one urgent result left
    text = (tmp_path / "o1" / "urgent.txt").read_text(encoding="utf-8")
    assert "0803" in text and "0801" not in text and "0802" not in text
    said = [w for w in outcome.inputs[1].warnings if WITHDRAWN_MARK in w]
    assert said and said[0].startswith("2 result(s) recorded by an earlier file of this run")
    assert sorted(overdue_patients(_url(tmp_path), LATER)) == ["0803"]


def test_a_later_run_after_a_same_run_correction_says_earlier_runs(tmp_path: Path) -> None:
    _run(tmp_path, "o1", {"r1.csv": _row("0804", "R4", "300")})
    outcome = _run(tmp_path, "o2", {"r2.csv": _row("804", "R4", "30", "amended")}, hours=1)
    said = [w for w in _warnings(outcome) if WITHDRAWN_MARK in w]
    assert said and "recorded by earlier runs were" in said[0]
    assert "this run" not in said[0]


# -- 3. a correction in the same file, ids written with or without leading zeros -----------------
def test_a_correction_in_the_same_file_matches_ids_as_the_history_does(tmp_path: Path) -> None:
    rows = (
        _row("0801", "R1", "300")
        + _row("801", "R1", "30", "corrected")
        + _row("0805", "000R5", "300")  # another sample (the number differs): kept
        + _row("805", "R6", "30", "corrected")
        + _row("0806", "00123", "290")  # a re-saved specimen number and patient id
        + _row("806", "123", "29", "gecorrigeerd")
    )
    outcome = _run(tmp_path, "o1", {"r3.csv": rows})
    assert outcome.results is not None
    kept = sorted(
        zip(outcome.results["patient_id"], outcome.results["prolactin_value"], strict=True)
    )
    assert kept == [("0805", 300.0), ("801", 30.0), ("805", 30.0), ("806", 29.0)]
    assert _reasons(outcome) == {"R1": "cancelled_result", "00123": "cancelled_result"}
    said = " ".join(_warnings(outcome))
    assert NOTHING_WITHDRAWN_MARK in said and "(row 5)" in said  # only R6 matched nothing
    assert overdue_patients(_url(tmp_path), LATER) == ["0805"]


# -- 4. corrections said in a comment ----------------------------------------------------------
CORRECTION_COMMENTS = [
    "gecorrigeerde uitslag",
    "resultado modificado",
    "resultado corregido",
    "Korrektur: ersetzt Befund vom 12.02.",
    "risultato rettificato",
    "corrected result",
    "amended result",
    "revised",
    "Befundkorrektur",
    "correction du résultat",
    "gewijzigde uitslag",
    "risultato modificato",
]
NO_CORRECTION = ["Korrektur der Medikation", "haemolysed, repeat requested", "Dosis angepasst"]


@pytest.mark.parametrize("comment", CORRECTION_COMMENTS)
def test_correction_comments_are_read(comment: str) -> None:
    assert says_corrected(comment) is not None


@pytest.mark.parametrize("comment", NO_CORRECTION)
def test_other_comments_are_no_correction(comment: str) -> None:
    assert says_corrected(comment) is None


def test_a_comment_saying_corrected_withdraws_across_files(tmp_path: Path) -> None:
    comments = [*CORRECTION_COMMENTS, *NO_CORRECTION]
    first = "".join(_row(f"09{i:02d}", f"C{i}", "300") for i in range(len(comments)))
    _run(tmp_path, "o1", {"c1.csv": first})
    later = "".join(
        _row(f"9{i:02d}", f"C{i}", "30", "", c.replace(",", ";")) for i, c in enumerate(comments)
    )
    outcome = _run(tmp_path, "o2", {"c2.csv": later}, hours=1)
    said = " ".join(_warnings(outcome))
    assert f"{len(CORRECTION_COMMENTS)} result(s) recorded by earlier runs were" in said
    conflicts = [w for w in _warnings(outcome) if CONFLICT_MARK in w]
    first_other = len(CORRECTION_COMMENTS) + 2  # source row of the first NO_CORRECTION row
    rows = ", ".join(str(first_other + k) for k in range(len(NO_CORRECTION)))
    assert conflicts and f"(row {rows})" in conflicts[0]
    others = sorted(f"09{len(CORRECTION_COMMENTS) + k:02d}" for k in range(len(NO_CORRECTION)))
    assert sorted(overdue_patients(_url(tmp_path), LATER)) == others


def test_a_comment_saying_corrected_replaces_its_samples_result_in_the_file(
    tmp_path: Path,
) -> None:
    rows = (
        _row("0811", "K1", "300")
        + _row("0811", "K1", "30", "", "valore corretto")
        + _row("0812", "K2", "300")
        + _row("0812", "K2", "30", "", "Korrektur der Medikation")  # no correction: both kept
    )
    outcome = _run(tmp_path, "o1", {"k.csv": rows})
    assert outcome.results is not None
    kept = sorted(
        zip(outcome.results["patient_id"], outcome.results["prolactin_value"], strict=True)
    )
    assert kept == [("0811", 30.0), ("0812", 30.0), ("0812", 300.0)]
    assert _reasons(outcome) == {"K1": "cancelled_result"}
    assert [line for line in outcome.urgent if "0811" in line] == []
