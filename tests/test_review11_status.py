"""A result's status in every input (review 11): a corrected or amended result replaces the
earlier one of the same specimen and a final one a preliminary one, in CSV and workbook exports
as in HL7 (OBX-11) and FHIR (Observation.status), within a file and, with a history, across
files; FHIR patient identifiers keep their issuer in and out; --fhir writes each result's
status; the URGENT line names the patient's issuer.  Synthetic patients only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triage.history import HistoryOptions, overdue_urgent
from triage.history.store import open_history
from triage.knowledge import load_knowledge
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)  # past the time an urgent result must be acknowledged in
HEADER = "MRN,Specimen,Sex,DOB,Collected,Prolactin (mIU/L),Status\n"

# (final, corrected, preliminary) as labs write them, per language
STATUS_WORDS = {
    "en": ("final", "amended", "provisional"),
    "en-revised": ("verified", "revised", "preliminary"),
    "de": ("endgültig", "korrigiert", "vorläufig"),
    "de-2": ("freigegeben", "berichtigt", "vorläufig"),
    "de-3": ("befundet", "geändert", "vorläufig"),
    "fr": ("définitif", "corrigé", "provisoire"),
    "fr-2": ("validé", "rectifié", "provisoire"),
    "fr-3": ("validé", "modifié", "provisoire"),
    "es": ("definitivo", "corregido", "provisional"),
    "es-2": ("validado", "rectificado", "preliminar"),
    "it": ("definitivo", "corretto", "provvisorio"),
    "it-2": ("validato", "rettificato", "provvisorio"),
    "nl": ("definitief", "gecorrigeerd", "voorlopig"),
    "nl-2": ("gevalideerd", "gewijzigd", "voorlopig"),
}


def _row(mrn: str, specimen: str, value: str, status: str) -> str:
    return f"{mrn},{specimen},F,1980-01-01,2026-11-01 08:00,{value},{status}\n"


def _run(
    tmp: Path, name: str, inputs: list[Path], url: str | None = None, now: datetime = T0
) -> TriageOutcome:
    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=HistoryOptions(location=url) if url else None,
        keep_results=True,
        jobs=1,
    )
    return run_triage(request, now=now)


def _overdue(url: str) -> list[str]:
    thresholds = load_knowledge("default").thresholds
    return overdue_urgent(HistoryOptions(location=url), LATER, thresholds)["patient_id"].tolist()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- CSV: within a file ---------------------------------------------------------------------------
@pytest.mark.parametrize("language", sorted(STATUS_WORDS))
@pytest.mark.parametrize("replaced", ["final", "preliminary"])
def test_a_corrected_or_final_row_replaces_the_earlier_row_of_its_specimen(
    tmp_path: Path, language: str, replaced: str
) -> None:
    final, corrected, preliminary = STATUS_WORDS[language]
    first, by = (final, corrected) if replaced == "final" else (preliminary, final)
    path = _write(
        tmp_path / "in.csv",
        HEADER + _row("P300", "S9", "6000", first) + _row("P300", "S9", "600", by),
    )
    outcome = _run(tmp_path, "o", [path])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [3]
    assert outcome.results["priority"].tolist() != ["urgent"]
    (gone,) = outcome.rejected
    assert (gone.source_row, gone.reason_code) == (2, "cancelled_result")
    assert "row 3" in gone.detail and by in gone.detail


def test_a_preliminary_row_is_replaced_by_the_final_one_whatever_their_order(
    tmp_path: Path,
) -> None:
    rows = _row("P305", "S5", "600", "final") + _row("P305", "S5", "6000", "vorläufig")
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", HEADER + rows)])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [2]
    assert [(r.source_row, r.reason_code) for r in outcome.rejected] == [(3, "cancelled_result")]


@pytest.mark.parametrize(
    "rows",
    [
        # two final results of one specimen (an export repeated): both stand
        _row("P302", "S5", "6000", "final") + _row("P302", "S5", "600", "final"),
        # a correction of another specimen, or of another patient's same-numbered specimen
        _row("P302", "S5", "6000", "final") + _row("P302", "S6", "600", "corrected"),
        _row("P302", "S5", "6000", "final") + _row("P399", "S5", "600", "corrected"),
        # a preliminary result with no final one: triaged as given
        _row("P302", "S5", "6000", "preliminary") + _row("P302", "S6", "600", "preliminary"),
    ],
)
def test_rows_that_replace_nothing_are_all_triaged(tmp_path: Path, rows: str) -> None:
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", HEADER + rows)])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [2, 3]
    assert outcome.rejected == []


def test_the_corrected_value_is_the_one_triaged_in_a_workbook(tmp_path: Path) -> None:
    from pipeline_helpers import write_table

    path = write_table(
        tmp_path / "in.xlsx",
        [
            ["MRN", "Specimen", "Sex", "DOB", "Collected", "Prolactin (mIU/L)", "Befundstatus"],
            ["P303", "S3", "F", "1980-01-01", "2026-11-01 08:00", 6000, "endgültig"],
            ["P303", "S3", "F", "1980-01-01", "2026-11-01 08:00", 600, "korrigiert"],
        ],
    )
    outcome = _run(tmp_path, "o", [path])
    assert outcome.results is not None
    assert outcome.results["prolactin_raw"].tolist() == ["600"]
    assert "urgent" not in outcome.results["priority"].tolist()


# -- CSV: across files, with a history --------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_later_files_correction_withdraws_the_stored_result(
    tmp_path: Path, language: str
) -> None:
    final, corrected, _ = STATUS_WORDS[language]
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P300", "S1", "6000", final))
    outcome = _run(tmp_path, "oa", [first], url)
    assert outcome.results is not None and outcome.results["priority"].tolist() == ["urgent"]
    assert _overdue(url) == ["P300"]
    second = _write(tmp_path / "b.csv", HEADER + _row("P300", "S1", "600", corrected))
    later = _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert any("withdrawn by the lab" in w for s in later.inputs for w in s.warnings)
    assert _overdue(url) == []
    with open_history(url) as history:
        stored = history.results_of("P300")
    assert stored["withdrawn"].map(bool).tolist() == [True, False]
    assert corrected in stored["withdrawn"].iloc[0]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_later_files_final_result_supersedes_a_stored_preliminary_one(
    tmp_path: Path, language: str
) -> None:
    final, _, preliminary = STATUS_WORDS[language]
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P301", "S7", "6000", preliminary))
    _run(tmp_path, "oa", [first], url)
    assert _overdue(url) == ["P301"]
    second = _write(tmp_path / "b.csv", HEADER + _row("P301", "S7", "650", final))
    _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert _overdue(url) == []
    with open_history(url) as history:
        assert history.results_of("P301")["withdrawn"].iloc[0].startswith("superseded")


def test_a_later_final_result_leaves_a_stored_final_one_alone(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P304", "S4", "6000", "final"))
    _run(tmp_path, "oa", [first], url)
    second = _write(tmp_path / "b.csv", HEADER + _row("P304", "S4", "5900", "final"))
    _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert _overdue(url) == ["P304", "P304"]
