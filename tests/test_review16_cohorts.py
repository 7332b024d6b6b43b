"""Review 16: yes/no, codebook and status columns of research and lab exports misread.

- a yes/no kidney-disease column ("ckd_yn", "CKD (0=no, 1=yes)", "eGFR<60": 1/0) was read as an
  eGFR: every patient, the "no" ones too, got "renal impairment (likely): eGFR 0" (clinical-
  reference §4: eGFR below 30).  A column whose header says yes/no or a threshold, or whose
  values are only 0/1 codes, is never an eGFR or a creatinine: it is the kidney-disease answer
  (a no is no CKD) or unused with a warning;
- a sex code the header's codebook leaves out ("sex (0=female, 1=male)": 2) was read as ISO
  5218's female: a man's 25 ng/mL came out normal against 3-30.  It is unknown, with a warning
  naming the code, as with the mapping file's [values.sex];
- a correction written otherwise than the status list's words ("korrigierter Befund",
  "Korrektur", "résultat corrigé", "modificado", "Amended report", "corr.") was not read: the
  earlier 7000 mIU/L stayed urgent and NOT YET ACKNOWLEDGED.  Status words are read by their
  stems in six languages, and a status the tool does not know is named in a warning;
- --fail-on exited 0 when the only urgent lines were the history's reminders (urgent results
  NOT YET ACKNOWLEDGED): a cron job alerting on the exit status never heard of them.  Every
  level now counts each reminder urgent.txt (or batch's stderr) lists (docs/unattended.md);
Synthetic patients only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv_warned

from triage.columns import recognise_columns
from triage.history import HistoryOptions
from triage.pipeline import TriageRequest, run_triage
from triage.schema import EXIT_FAIL_ON, EXIT_OK
from triage.values import result_status


def _factor_codes(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"]}


# --- 1. yes/no kidney columns are no eGFR ----------------------------------------------------
_BASE = ["record_id", "sex", "age", "prl_ngml", "date"]


def _fields(header: str, cells: list[object]) -> set[str]:
    match = recognise_columns(
        [*_BASE, header],
        samples={
            0: ["1", "2", "3"],
            1: ["F"],
            2: ["30"],
            3: ["40", "45"],
            4: ["2026-03-01"],
            5: cells,
        },
    )
    return set(match.fields)


YES_NO_KIDNEY_HEADERS = (
    "ckd_yn",
    "CKD (yes/no)",
    "CKD (0=no, 1=yes)",
    "Niereninsuffizienz (ja/nein)",
    "IRC (oui/non)",
    "ERC (sí/no)",
    "Nierinsufficientie (ja/nee)",
    "eGFR<60",
    "egfr_lt60_yn",
    "GFR unter 60",
    "DFG inférieur à 60",
    "TFG menor de 60",
    "eGFR kleiner dan 60",
    "eGFR",  # only 0/1 codes: an eGFR is never 0 or 1
    "Kreatinin",  # nor a creatinine 0
)


def test_a_yes_no_kidney_column_is_never_a_kidney_measurement() -> None:
    for header in YES_NO_KIDNEY_HEADERS:
        fields = _fields(header, ["0", "1"])
        assert not {"egfr", "creatinine"} & fields, (header, fields)


def test_real_kidney_values_are_still_read() -> None:
    for header, cells, field in [
        ("eGFR", ["45", "8", "90"], "egfr"),
        ("eGFR (mL/min/1.73m²)", ["1", "60"], "egfr"),
        ("Kreatinin", ["1", "2"], "creatinine"),  # 1 and 2 mg/dL are real creatinines
        ("CKD", ["3", "4"], "kidney_disease"),  # stages, never an eGFR of 3
    ]:
        assert field in _fields(header, cells), header


def test_the_no_row_of_a_ckd_flag_has_no_kidney_impairment(tmp_path: Path) -> None:
    rows = ["1,F,30,40,2026-03-01,0", "2,F,30,40,2026-03-01,1", "3,M,50,40,2026-03-01,0"]
    for header in ("ckd_yn", '"CKD (0=no, 1=yes)"'):
        out, _ = triage_csv_warned(
            tmp_path, ",".join([*_BASE, header]) + "\n" + "\n".join(rows) + "\n"
        )
        assert "renal_impairment" not in _factor_codes(out.loc["1"])
        assert "renal_impairment" not in _factor_codes(out.loc["3"])
        assert "renal_impairment" in _factor_codes(out.loc["2"])  # a yes is CKD
        assert "eGFR: 0" not in str(out.loc["2", "factor_details"])


# --- 2. a sex code the header's codebook leaves out -----------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        '"sex (0=female, 1=male)"',
        '"sex (0=male, 1=female)"',
        '"Geschlecht (1=weiblich; 0=männlich)"',
    ],
)
def test_a_sex_code_outside_the_header_codebook_is_unknown(tmp_path: Path, header: str) -> None:
    lines = ["A,1,30,25,2026-01-01", "B,2,30,25,2026-01-01", "C,0,30,25,2026-01-01"]
    out, warnings = triage_csv_warned(
        tmp_path, f"id,{header},age,prolactin ng/mL,date\n" + "\n".join(lines)
    )
    assert pd.isna(out.loc["B", "sex"])  # never ISO 5218's 2 = female
    assert out.loc["B", "status"] != "normal"  # 25 ng/mL is high for a man
    assert {out.loc["A", "sex"], out.loc["C", "sex"]} == {"F", "M"}
    assert any("code(s) 2 are not in the codebook" in w for w in warnings), warnings


# --- 4. --fail-on hears of the overdue reminders ---------------------------------------------
T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
_LAB = "Patient ID,DOB,Sex,Collected,Prolactin,Unit\n"


def _history_run(tmp: Path, name: str, line: str, at: datetime, fail_on: str | None):  # type: ignore[no-untyped-def]
    source = tmp / f"{name}.csv"
    source.write_text(_LAB + line + "\n", encoding="utf-8")
    request = TriageRequest(
        inputs=[source],
        out_dir=tmp / name,
        history=HistoryOptions(location=str(tmp / "history.db")),
        fail_on=fail_on,
        jobs=1,
    )
    return run_triage(request, now=at)


@pytest.mark.parametrize("level", ["urgent", "routine"])
def test_fail_on_counts_an_urgent_result_not_yet_acknowledged(tmp_path: Path, level: str) -> None:
    _history_run(tmp_path, "o1", "R3,1988-07-07,F,2026-10-31 10:00,7000,mIU/L", T0, None)
    calm = "R4,1975-01-20,M,2026-11-01 09:30,10,ng/mL"
    late = T0 + timedelta(hours=13)
    quiet = _history_run(tmp_path, "o2", calm, late, None)
    assert quiet.exit_code == EXIT_OK  # without --fail-on: listed, exit 0
    done = _history_run(tmp_path, "o3", calm, late, level)
    urgent_txt = (tmp_path / "o3" / "urgent.txt").read_text(encoding="utf-8")
    assert "NOT YET ACKNOWLEDGED" in urgent_txt
    assert (done.exit_code, done.fail_on_matches) == (EXIT_FAIL_ON, 1)


def test_a_quiet_batch_night_exits_10_while_an_urgent_result_is_overdue(tmp_path: Path) -> None:
    from triage.batch import BatchSettings, run_batch

    _history_run(tmp_path, "o1", "R7,1988-07-07,F,2026-10-31 10:00,7000,mIU/L", T0, None)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    template = TriageRequest(
        inputs=[],
        out_dir=tmp_path / "out",
        history=HistoryOptions(location=str(tmp_path / "history.db")),
        fail_on="urgent",
        jobs=1,
    )
    late = T0 + timedelta(hours=13)
    outcome = run_batch(
        inbox, tmp_path / "out", template, BatchSettings(settle_seconds=0), now=late
    )
    assert outcome.items == [] and len(outcome.reminders) == 1
    assert outcome.exit_code == EXIT_FAIL_ON


# --- 3. result statuses by their stems --------------------------------------------------------
STATUSES = {
    "korrigierter Befund": "corrected",
    "Korrektur": "corrected",
    "nachträglich korrigiert": "corrected",
    "résultat corrigé": "corrected",
    "modificado": "corrected",
    "informe corregido": "corrected",
    "Amended report": "corrected",
    "corr.": "corrected",
    "korr.": "corrected",
    "uitslag gewijzigd": "corrected",
    "risultato rettificato": "corrected",
    "Final (corrected)": "corrected",
    "Befund storniert": "void",
    "résultat provisoire": "preliminary",
    # a negated validation: a result not validated yet, never a final one (review 27)
    "nicht validiert": "preliminary",
    "nicht storniert": None,  # any other negation: no status
    "Befund da": None,
}


def test_a_status_is_read_by_its_stems() -> None:
    assert {cell: result_status(cell) for cell in STATUSES} == STATUSES


def test_a_later_korrektur_withdraws_the_earlier_urgent_result(tmp_path: Path) -> None:
    header = "Patient ID,DOB,Sex,Specimen No,Collected,Prolactin (mIU/L),Status\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "C1,1980-03-01,M,123,2026-10-31 08:00,7000,final\n")
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        header
        + "C1,1980-03-01,M,123,2026-10-31 08:00,700,korrigierter Befund\n"
        + "C2,1980-04-01,F,124,2026-10-31 08:10,500,final\n"
        + "C3,1980-04-01,F,125,2026-10-31 08:20,400,Befund da\n"
    )
    history = HistoryOptions(location=str(tmp_path / "history.db"))
    run_triage(TriageRequest(inputs=[first], out_dir=tmp_path / "o1", history=history), now=T0)
    late = T0 + timedelta(hours=13)
    outcome = run_triage(
        TriageRequest(inputs=[fixed], out_dir=tmp_path / "o2", history=history), now=late
    )
    assert not [line for line in outcome.urgent if "C1" in line], outcome.urgent
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    assert any("'Befund da' not recognised" in w for w in warnings), warnings
