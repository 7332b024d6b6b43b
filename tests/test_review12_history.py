"""Review 12, unattended operation and the history (docs/history.md, docs/unattended.md):

1. `history show` / `export` on a read-only folder read the results committed to the SQLite
   history's write-ahead journal (a private copy), never a stale file or "malformed";
2. batch: a file that looks cut (HL7 without an OBX yet or ending inside a segment, a text
   whose last line has no line end) waits in the inbox while young, like a header-only CSV;
   processed later, a cut last line is rejected, never triaged as a (false) normal;
3. a withdrawal or correction matches its result whatever leading zeros the specimen number
   lost, and one that matches no stored result says so.

Synthetic patients only."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()
URGENT_ID = re.compile(r"\| result (R-\d+) \|")


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


@pytest.fixture(autouse=True)
def _no_history_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)
    monkeypatch.delenv("PROLACTIN_TRIAGE_CONFIG", raising=False)


# ------------------------------------------------------------------------------------------------
# 1. a read-only share: the write-ahead journal is read too
# ------------------------------------------------------------------------------------------------
def _read_only_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The folder as a read-only share (root may write anyway: the check the code makes)."""
    access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else access(p, mode)
    )


@pytest.fixture
def held_journal(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A history whose second run's results are in its write-ahead journal only (a connection
    holds it open, no checkpoint): the first run's patient W1, the second's W2."""
    share = tmp_path / "share"
    share.mkdir()
    path = share / "h.db"
    first = tmp_path / "a.csv"
    first.write_text("patient_id,sex,age,prolactin,unit\nW1,F,30,250,mIU/L\n", encoding="utf-8")
    assert invoke("run", first, "--history", path, "--out", tmp_path / "o1").exit_code == 0
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("SELECT count(*) FROM results").fetchone()  # a reader: no checkpoint-on-close
    second = tmp_path / "b.csv"
    second.write_text("patient_id,sex,age,prolactin,unit\nW2,F,30,6000,mIU/L\n", encoding="utf-8")
    result = invoke("run", second, "--history", path, "--out", tmp_path / "o2")
    assert result.exit_code == 0, result.output
    assert Path(f"{path}-wal").stat().st_size > 0
    yield path, URGENT_ID.findall(result.stderr)[0]
    holder.close()


def test_show_and_export_on_a_read_only_share_read_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    path, _ = held_journal
    _read_only_folder(monkeypatch, path.parent)
    before = sorted(p.name for p in path.parent.iterdir())
    shown = invoke("history", "show", "W2", "--history", path, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert "6000" in shown.stdout
    exported = invoke("history", "export", "--out", tmp_path / "e.csv", "--history", path)
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "e.csv").read_text(encoding="utf-8")
    assert "W1" in text and "W2" in text
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing left beside it


def test_an_ack_held_in_the_journal_is_shown_on_a_read_only_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    path, result_id = held_journal
    acked = invoke("ack", result_id, "--by", "A. Biochemist", "--history", path)
    assert acked.exit_code == 0, acked.output
    _read_only_folder(monkeypatch, path.parent)
    shown = invoke("history", "show", "W2", "--history", path, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert "A. Biochemist" in shown.stdout


def test_a_young_history_all_in_its_journal_is_read_on_a_read_only_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of a new history still in the journal: read, not "malformed" or "schema
    version 0"."""
    share = tmp_path / "share"
    share.mkdir()
    path = share / "h.db"
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    export = tmp_path / "a.csv"
    export.write_text("patient_id,sex,age,prolactin,unit\nY1,F,30,250,mIU/L\n", encoding="utf-8")
    try:
        holder.execute("CREATE TABLE IF NOT EXISTS keep_open (x)")
        result = invoke("run", export, "--history", path, "--out", tmp_path / "o")
        assert result.exit_code == 0, result.output
        _read_only_folder(monkeypatch, share)
        shown = invoke("history", "show", "Y1", "--history", path, "--format", "csv")
        assert shown.exit_code == 0, shown.output
        assert "250" in shown.stdout
    finally:
        holder.close()


def test_a_journal_that_cannot_be_copied_is_said_not_read_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    import shutil

    path, _ = held_journal
    _read_only_folder(monkeypatch, path.parent)

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    shown = invoke("history", "show", "W1", "--history", path)
    assert shown.exit_code == 2
    assert "write-ahead journal" in shown.stderr and "malformed" not in shown.stderr


# ------------------------------------------------------------------------------------------------
# 3. withdrawals and corrections: leading zeros; one that matches nothing says so
# ------------------------------------------------------------------------------------------------
HEADER = "patient_id,sex,age,collected_at,specimen_id,prolactin,unit"
CORRECTED = {
    "en": "corrected",
    "de": "korrigiert",
    "fr": "corrigé",
    "es": "corregido",
    "it": "corretto",
    "nl": "gecorrigeerd",
}
VOID = {
    "en": "cancelled",
    "de": "storniert",
    "fr": "annulé",
    "es": "anulado",
    "it": "annullato",
    "nl": "geannuleerd",
}


def _run(tmp_path: Path, name: str, text: str, history: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return invoke("run", path, "--history", history, "--out", tmp_path / f"out-{name}")


def _stored(history: Path) -> list[dict[str, str]]:
    import csv
    import io

    shown = invoke("history", "show", "Z1", "--history", history, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    return list(csv.DictReader(io.StringIO(shown.stdout)))


@pytest.mark.parametrize("lang", sorted(CORRECTED))
@pytest.mark.parametrize(("stored", "given"), [("000123", "123"), ("ab 0123", "AB0123")])
def test_a_correction_matches_its_specimen_without_the_leading_zeros(
    tmp_path: Path, lang: str, stored: str, given: str
) -> None:
    history = tmp_path / "h.db"
    first = _run(
        tmp_path, "z1.csv", f"{HEADER}\nZ1,F,30,2026-03-01 08:00,{stored},6000,mIU/L\n", history
    )
    assert first.exit_code == 0, first.output
    second = _run(
        tmp_path,
        "z2.csv",
        f"{HEADER},result_status\nZ1,F,30,2026-03-01 08:00,{given},600,mIU/L,{CORRECTED[lang]}\n",
        history,
    )
    assert second.exit_code == 0, second.output
    assert "1 result(s) recorded by earlier runs were withdrawn" in second.stderr
    rows = _stored(history)
    urgent = [r for r in rows if "6000" in " ".join(r.values())]
    assert urgent and all("withdrawn" in " ".join(r.values()) for r in urgent)


def test_different_specimen_numbers_are_not_merged(tmp_path: Path) -> None:
    history = tmp_path / "h.db"
    assert (
        _run(
            tmp_path, "z1.csv", f"{HEADER}\nZ1,F,30,2026-03-01 08:00,1230,6000,mIU/L\n", history
        ).exit_code
        == 0
    )
    second = _run(
        tmp_path,
        "z2.csv",
        f"{HEADER},result_status\nZ1,F,30,2026-03-01 08:00,123,600,mIU/L,corrected\n",
        history,
    )
    assert "were withdrawn" not in second.stderr
    assert "nothing was withdrawn or corrected" in second.stderr


@pytest.mark.parametrize("lang", sorted(VOID))
def test_a_withdrawal_that_matches_nothing_says_so(tmp_path: Path, lang: str) -> None:
    history = tmp_path / "h.db"
    first = _run(
        tmp_path, "z1.csv", f"{HEADER}\nZ1,F,30,2026-03-01 08:00,000123,6000,mIU/L\n", history
    )
    assert first.exit_code == 0
    text = (
        f"{HEADER},result_status\n"
        f"Z1,F,30,2026-03-01 08:00,,6000,mIU/L,{VOID[lang]}\n"
        f"Z1,F,30,2026-03-01 08:00,999,6000,mIU/L,{VOID[lang]}\n"
    )
    second = _run(tmp_path, "z3.csv", text, history)
    assert "nothing was withdrawn or corrected" in second.stderr
    assert "row 2, 3" in second.stderr and "1 without a specimen number" in second.stderr
    summary = (tmp_path / "out-z3.csv" / "summary.html").read_text(encoding="utf-8")
    assert "nothing was withdrawn or corrected" in summary
    quiet = invoke(
        "run", tmp_path / "z3.csv", "--history", history, "--out", tmp_path / "q", "--quiet"
    )
    assert "nothing was withdrawn or corrected" in quiet.stderr
    assert not any("withdrawn" in " ".join(r.values()) for r in _stored(history))


def test_a_correction_of_a_result_of_the_same_file_is_not_said_unmatched(tmp_path: Path) -> None:
    history = tmp_path / "h.db"
    text = (
        f"{HEADER},result_status\n"
        "Z1,F,30,2026-03-01 08:00,0123,6000,mIU/L,final\n"
        "Z1,F,30,2026-03-01 08:00,123,600,mIU/L,corrected\n"
    )
    result = _run(tmp_path, "z.csv", text, history)
    assert result.exit_code == 0, result.output
    assert "nothing was withdrawn" not in result.stderr
    assert "6000" not in result.stderr  # the corrected value replaced it within the file


# ------------------------------------------------------------------------------------------------
# 2. batch: a file that looks cut waits while young, every format alike
# ------------------------------------------------------------------------------------------------
def _batch(inbox: Path, out: Path):  # type: ignore[no-untyped-def]
    return invoke("batch", "--inbox", inbox, "--out", out)


def _aged(path: Path, seconds: float) -> Path:
    import time

    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _hl7(obx: str) -> str:
    return (
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301120000||ORU^R01|A1|P|2.5.1\r"
        "PID|1||T1^^^C^MR||X^Y||19900101|F\r"
        "OBR|1|P|S1|PRL|||20260301083000\r" + obx
    )


PROLACTIN_HEADER = {
    "en": "Prolactin (mIU/L)",
    "de": "Prolaktin (mIU/L)",
    "fr": "Prolactine (mIU/L)",
    "es": "Prolactina (mIU/L)",
    "it": "Prolattina (mIU/L)",
    "nl": "Prolactine (mIU/L)",
}
YOUNG_CUT = {
    "hl7_header_only": ("a.hl7", _hl7("")),
    "hl7_batch_header_only": ("b.hl7", "FHS|^~\\&|LIS\rBHS|^~\\&|LIS\r"),
    "hl7_cut_in_a_segment": ("c.hl7", _hl7("OBX|1|NM|PRL^Prolactin^L||62")),
    "csv_cut_on_its_last_line": ("d.csv", "patient_id,sex,age,prolactin\nP1,F,30,250\nP2,M,40,62"),
}


@pytest.mark.parametrize("case", sorted(YOUNG_CUT))
def test_a_young_file_that_looks_cut_waits_in_the_inbox(tmp_path: Path, case: str) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    name, text = YOUNG_CUT[case]
    (inbox / name).write_text(text, encoding="utf-8")
    _aged(inbox / name, 30)  # past the settle time, well within the wait for the rest
    result = _batch(inbox, out)
    assert result.exit_code == 0, result.output
    assert "unsettled" in result.stdout
    assert (inbox / name).exists()
    assert not (inbox / "failed").exists() or not any((inbox / "failed").iterdir())


@pytest.mark.parametrize("lang", sorted(PROLACTIN_HEADER))
def test_a_csv_cut_inside_its_last_line_is_rejected_not_a_normal_result(
    tmp_path: Path, lang: str
) -> None:
    """Unchanged past the wait: triaged, but the last line, short of the header's fields
    ("6200 mIU/L" cut to "62"), is rejected, never a normal result."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    path = inbox / "e.csv"
    path.write_text(
        f"patient_id,sex,age,{PROLACTIN_HEADER[lang]},comment\nP1,F,30,250,ok\nP2,M,40,62",
        encoding="utf-8",
    )
    _aged(path, 7200)
    result = _batch(inbox, out)
    assert result.exit_code == 0, result.output
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    results = (folder / "results.csv").read_text(encoding="utf-8")
    assert "P1" in results and "P2" not in results
    rejected = (folder / "rejected.csv").read_text(encoding="utf-8")
    assert "no line end" in rejected and "cut short" in rejected


def test_an_old_export_without_a_final_line_end_but_whole_lines_is_triaged(
    tmp_path: Path,
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    path = inbox / "f.csv"
    path.write_text(
        "patient_id,sex,age,prolactin,unit\nP1,F,30,250,mIU/L\nP2,M,40,6200,mIU/L", "utf-8"
    )
    _aged(path, 7200)
    result = _batch(inbox, out)
    assert result.exit_code == 0, result.output
    assert "URGENT" in result.stderr and "unsettled" not in result.stdout
