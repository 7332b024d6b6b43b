"""Review 21, duplicates across re-exports and the issuer on the patient pages (docs/history.md
"No duplicates", "Identity"; output-contract-extensions `patient_issuer`):

1. a cumulative re-export writing a result's collection time to another precision (the date
   alone of a result stored with its time, the time to the second of one stored to the minute,
   or the other way round) is the stored result: its id, its acknowledgement, one urgent line
   (`sent again`, counted once), never a second result nor compared with itself.  Another
   specimen number, another minute or another day stays another result; without specimen
   numbers, one to one (two samples of one value on one day stay two).  A date-only re-export
   of the same specimen with another value is the conflict it is with a timed one;
2. the issuer the config gives a file (`[history.issuers]` patterns, `issuer`) keys the patient
   on the pages as in the history: the same id of two labs is two pages, each listing its own
   earlier results only, with or without a history; an issuer the row names itself wins.

Synthetic patients only; in-process runs on SQLite."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import cli, without_settings_from_the_environment

from triage.history import FileIssuers, HistoryOptions, with_file_issuer
from triage.history.store import open_history, same_collection
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

T0 = datetime(2026, 1, 20, 6, 0, tzinfo=UTC)
HEADER = "patient_id,sex,dob,collected,specimen,prolactin,unit"
SENT_AGAIN = "NOT YET ACKNOWLEDGED (sent again, not a new result)"


def _csv(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(
    tmp: Path,
    name: str,
    inputs: list[Path],
    db: str | None,
    now: datetime = T0,
    *,
    issuers: tuple[tuple[str, str], ...] = (),
    fail_on: str | None = None,
    all_patients: bool = False,
) -> TriageOutcome:
    from triage.output import OutputOptions

    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=None if db is None else HistoryOptions(location=db, issuers=issuers),
        issuers=FileIssuers(issuers=issuers) if db is None and issuers else None,
        output_options=OutputOptions(all_patients=all_patients),
        keep_results=True,
        fail_on=fail_on,
        jobs=1,
    )
    return run_triage(request, now=now)


def _ids(outcome: TriageOutcome) -> list[int]:
    assert outcome.results is not None
    return [int(i) for i in outcome.results["result_id"].tolist()]


# -- 1. one sample, whatever precision the export gives its time --------------------------------
@pytest.mark.parametrize(
    ("stored", "given", "same"),
    [
        ("2026-01-10 09:00", "2026-01-10 00:00", True),  # a date alone: that day
        ("2026-01-10 00:00", "2026-01-10 23:59", True),
        ("2026-01-10 09:00", "2026-01-10 09:00:30", True),  # to the minute
        ("2026-01-10 09:00:30", "2026-01-10 09:00:30.250", True),  # to the second
        ("2026-01-10 09:00", "2026-01-10 09:00", True),
        ("2026-01-10 09:00", "2026-01-10 09:45", False),  # another minute
        ("2026-01-10 09:00:10", "2026-01-10 09:00:30", False),
        ("2026-01-10 09:00", "2026-01-11 00:00", False),  # another day
        ("2026-01-10 00:00", "2026-01-09 23:00", False),
        (None, "2026-01-10 00:00", False),  # no time: never by time
    ],
)
def test_collection_times_agree_to_the_precision_both_give(
    stored: str | None, given: str, same: bool
) -> None:
    assert same_collection(None if stored is None else pd.Timestamp(stored), given) is same


def test_a_re_export_with_other_time_detail_is_the_stored_result(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = _csv(
        tmp_path / "jan.csv",
        [
            "0301,F,1980-01-01,2026-01-10 09:00,D1,300,ng/mL",  # urgent, stored with its time
            "0302,F,1980-01-01,2026-01-10 09:00,D2,40,ng/mL",
            "0303,F,1980-01-01,2026-01-10 09:00,D3,45,ng/mL",  # to the minute
            "0304,F,1980-01-01,2026-01-10,D4,50,ng/mL",  # stored with the date alone
            "0305,F,1980-01-01,2026-01-10 09:00,D5,50,ng/mL",
            "0306,F,1980-01-01,2026-01-10 09:00,D6,25,ng/mL",
            "0307,F,1980-01-01,2026-01-10,D7,35,ng/mL",
        ],
    )
    one = _run(tmp_path, "o1", [first], db)
    later = _csv(  # a cumulative export of another system: other date formats, other detail
        tmp_path / "feb.csv",
        [
            "301,F,1980-01-01,10/01/2026,D1,300,ng/mL",  # the date alone, day first
            "302,F,1980-01-01,10.01.2026,d2,40,ng/mL",
            "303,F,1980-01-01,2026-01-10 09:00:30,D3,45,ng/mL",  # to the second
            "304,F,1980-01-01,2026-01-10 14:20,D4,50,ng/mL",  # its time, stored without
            "305,F,1980-01-01,2026-01-10 09:45,D5,50,ng/mL",  # another minute: another
            "306,F,1980-01-01,10/01/2026,D6b,25,ng/mL",  # another specimen number
            "307,F,1980-01-01,11/01/2026,D7,35,ng/mL",  # another day
            "301,F,1980-01-01,12/02/2026,D8,40,ng/mL",  # a new result
        ],
    )
    two = _run(tmp_path, "o2", [later], db, T0 + timedelta(days=1), fail_on="urgent")
    assert _ids(two)[:4] == _ids(one)[:4]
    assert not set(_ids(two)[4:]) & set(_ids(one))
    assert two.results is not None
    # the re-sent result is not compared with itself (09:00 is before 09:00:30)
    assert two.results["trend"].tolist()[:4] == ["new"] * 4
    assert two.results["history_details"].map(len).tolist()[:4] == [0] * 4
    assert two.results["trend"].tolist()[-1] == "falling"  # 300 then 40, the new one
    # one urgent line, the reminder said on it, counted once
    assert len(two.urgent) == 1 and SENT_AGAIN in two.urgent[0], two.urgent
    assert two.fail_on_matches == 1
    with open_history(db) as history:
        assert history.counts()["results"] == 7 + 4


def test_an_acknowledged_result_sent_again_with_the_date_alone_stays_acknowledged(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "h.db")
    first = _csv(tmp_path / "jan.csv", ["0401,M,1970-05-05,2026-01-10 09:00:00,E1,6000,mIU/L"])
    result_id = _ids(_run(tmp_path, "o1", [first], db))[0]
    with open_history(db) as history:
        history.acknowledge(result_id, by="A. Biochemist", told="Dr Ward", note="", at=T0)
    later = _csv(tmp_path / "feb.csv", ["401,M,1970-05-05,2026-01-10,E1,6000,mIU/L"])
    two = _run(tmp_path, "o2", [later], db, T0 + timedelta(days=1))
    assert _ids(two) == [result_id]
    assert len(two.urgent) == 1 and "ALREADY ACKNOWLEDGED" in two.urgent[0], two.urgent
    assert SENT_AGAIN not in two.urgent[0]


def test_without_specimen_numbers_a_stored_result_is_taken_once(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    header = "patient_id,sex,dob,collected,prolactin,unit"
    first = _csv(
        tmp_path / "jan.csv",
        [
            "0501,F,1980-01-01,2026-01-10 09:00,25,ng/mL",  # two samples of one value, one day
            "0501,F,1980-01-01,2026-01-10 14:00,25,ng/mL",
            "0502,F,1980-01-01,2026-01-10 09:00,60,ng/mL",
        ],
        header,
    )
    one = _ids(_run(tmp_path, "o1", [first], db))
    later = _csv(
        tmp_path / "feb.csv",
        [
            "501,F,1980-01-01,2026-01-10,25,ng/mL",
            "501,F,1980-01-01,2026-01-10,25,ng/mL",
            "501,F,1980-01-01,2026-01-10,25,ng/mL",  # a third sample of that day: new
            "502,F,1980-01-01,2026-01-10 09:00:30,60,ng/mL",
            "502,F,1980-01-01,2026-01-10,61,ng/mL",  # another value: another result
        ],
        header,
    )
    two = _ids(_run(tmp_path, "o2", [later], db, T0 + timedelta(days=1)))
    assert sorted(two[:2]) == sorted(one[:2]) and two[3] == one[2]
    assert two[2] not in one and two[4] not in one
    with open_history(db) as history:
        assert history.counts()["results"] == 3 + 2


def test_a_date_only_re_export_of_another_value_is_a_conflict(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = _csv(tmp_path / "jan.csv", ["0601,F,1980-01-01,2026-01-10 09:00,C1,300,ng/mL"])
    _run(tmp_path, "o1", [first], db)
    later = _csv(tmp_path / "feb.csv", ["601,F,1980-01-01,10.01.2026,C1,30,ng/mL"])
    two = _run(tmp_path, "o2", [later], db, T0 + timedelta(days=1))
    warnings = [w for summary in two.inputs for w in summary.warnings]
    assert any("hold another value" in w and "R-1" in w for w in warnings), warnings


# -- 2. the file's issuer keys the patient on the pages -----------------------------------------
ISSUERS = (("north-*.csv", "NORTH-MRN"), ("south-*.csv", "SOUTH-MRN"))


def _labs(tmp: Path) -> list[Path]:
    return [
        _csv(tmp / "north-jan.csv", ["0123,F,1980-01-01,2026-01-10 09:00,N1,20,ng/mL"]),
        _csv(tmp / "south-jan.csv", ["123,F,1980-01-01,2026-01-20 09:00,S1,150,ng/mL"]),
        _csv(tmp / "north-feb.csv", ["123,F,1980-01-01,2026-02-10 09:00,N2,22,ng/mL"]),
    ]


def _page_of(html: str, specimen: str) -> str:
    pages = re.split(r'<section class="patient"', html)[1:]
    found = [page for page in pages if f">{specimen}<" in page]
    assert len(found) == 1, specimen
    return found[0]


def test_two_labs_same_id_are_two_pages_with_their_own_history(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    out = _run(tmp_path, "o1", _labs(tmp_path), db, issuers=ISSUERS, all_patients=True)
    assert out.results is not None
    results = out.results.set_index("specimen_id")
    assert results["patient_issuer"].tolist() == ["NORTH-MRN", "SOUTH-MRN", "NORTH-MRN"]
    assert results.loc["S1", "history_details"] == []
    assert [d["prolactin_ng_ml"] for d in results.loc["N2", "history_details"]] == [20.0]
    assert out.patient_pages == 3
    html = (tmp_path / "o1" / "patients.html").read_text("utf-8")
    south = _page_of(html, "S1")
    assert "First result of this patient" in south
    assert "R-1" not in south and "R-3" not in south and ">22<" not in south
    assert "R-1" in _page_of(html, "N2")
    with open_history(db) as history:
        assert len(history.results_of("123", "SOUTH-MRN")) == 1
        assert len(history.results_of("123", "NORTH-MRN")) == 2


def test_the_config_issuers_keep_two_labs_apart_without_a_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_settings_from_the_environment(monkeypatch)
    config = tmp_path / "cfg.toml"
    config.write_text(
        '[history]\n[history.issuers]\n"north-*.csv" = "NORTH-MRN"\n"south-*.csv" = "SOUTH-MRN"\n',
        encoding="utf-8",
    )
    files = _labs(tmp_path)
    done = cli("run", *files, "--config", config, "--all-patients", "--out", tmp_path / "o", "-q")
    assert done.exit_code == 0, done.output
    html = (tmp_path / "o" / "patients.html").read_text("utf-8")
    assert html.count('<section class="patient"') == 3
    south = _page_of(html, "S1")
    assert ">N2<" not in south and ">22<" not in south
    results = pd.read_csv(tmp_path / "o" / "results.csv", dtype=str)
    assert results["patient_issuer"].tolist() == ["NORTH-MRN", "SOUTH-MRN", "NORTH-MRN"]
    # without the config: one id, one page, as before
    done = cli("run", *files, "--all-patients", "--out", tmp_path / "p", "-q")
    assert done.exit_code == 0, done.output
    plain = (tmp_path / "p" / "patients.html").read_text("utf-8")
    assert plain.count('<section class="patient"') == 2


def test_an_issuer_the_row_names_wins_over_the_files() -> None:
    frame = pd.DataFrame(
        {"patient_id": ["1", "2", "3"], "patient_issuer": ["EAST", None, "  "]}
    ).astype({"patient_issuer": "string"})
    filled = with_file_issuer(frame.copy(), "NORTH-MRN")
    assert filled["patient_issuer"].tolist() == ["EAST", "NORTH-MRN", "NORTH-MRN"]
    kept = with_file_issuer(frame.copy(), "")  # no issuer configured: the frame as it was
    assert kept["patient_issuer"].tolist()[0] == "EAST" and pd.isna(kept["patient_issuer"][1])
