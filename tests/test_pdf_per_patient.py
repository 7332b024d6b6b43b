"""--pdf-per-patient: patients/ holds one PDF per patient page of patients.html, named by the
specimen number (the redacted patient token under --redact), written and replaced with the rest
of the set and listed in its manifest (so that a later run removes the stale ones)."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.outdir import MANIFEST_NAME
from triage.output.options import OUTPUT_NAMES, is_patient_pdf
from triage.output.pdf import patient_pdf_names, safe_stem

runner = CliRunner()
HEADER = "ID;Name;Sex;Age;Specimen;PRL (ng/mL)\n"
# P1-P3 flagged (P2's specimen number holds a path separator, P3 has none), P4 normal.
ROWS = [
    "P1;SMITH Anna;F;30;S-1;80",
    "P2;JONES Bo;F;30;S/2;95",
    "P3;KAY Cy;M;40;;150",
    "P4;LEE Di;F;30;S-4;12",
]


def invoke(*args: str | Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], env=env, prog_name="prolactin-triage")


def _export(tmp_path: Path, rows: list[str] = ROWS, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _pdfs(out: Path) -> list[str]:
    folder = out / "patients"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _pages(pdf: Path) -> int:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) not installed")
    info = subprocess.run(
        [pdfinfo, str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found, info
    return int(found.group(1))


def _manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _needs_weasyprint() -> None:
    pytest.importorskip("weasyprint")


def test_one_pdf_per_flagged_patient_named_by_specimen(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient")
    assert result.exit_code == 0, result.stderr
    assert _pdfs(out) == ["P3.pdf", "S-1.pdf", "S-2.pdf"]  # P4 (normal) has no page
    for name in _pdfs(out):
        path = out / "patients" / name
        assert path.read_bytes().startswith(b"%PDF")
        assert _pages(path) >= 1
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "patients").stat().st_mode) == 0o700
    assert "Patient pages: " in result.stdout and "(3 pages)" in result.stdout
    assert f"Patient PDFs: {out / 'patients'} (3 file(s))" in result.stdout
    listed = _manifest(out)["files"]
    assert {"patients/P3.pdf", "patients/S-1.pdf", "patients/S-2.pdf"} <= set(listed)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # each PDF is its own patient's page alone
        text = subprocess.run(
            [pdftotext, str(out / "patients" / "S-1.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert "SMITH" in text
        assert "JONES" not in text and "KAY" not in text


def test_all_patients_gives_every_patient_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient", "--all-patients")
    assert result.exit_code == 0, result.stderr
    assert _pdfs(out) == ["P3.pdf", "S-1.pdf", "S-2.pdf", "S-4.pdf"]


def test_redacted_runs_name_the_pdfs_by_the_patient_token(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run", _export(tmp_path), "--out", out, "--pdf-per-patient", "--redact",
        "--redact-key", "k" * 32,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    names = _pdfs(out)
    assert len(names) == 3
    tokens = {r["patient_id"] for r in json.loads((out / "results.json").read_text())["results"]}
    for name in names:
        assert name.removesuffix(".pdf") in tokens
        assert not name.startswith(("S-", "P"))


def test_a_later_run_removes_the_stale_pdfs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient").exit_code == 0
    assert len(_pdfs(out)) == 3
    (out / "patients" / "mine.txt").write_text("a user's own file", encoding="utf-8")
    fewer = _export(tmp_path, [ROWS[0], ROWS[3]], name="fewer.csv")
    result = invoke("run", fewer, "--out", out, "--pdf-per-patient")
    assert result.exit_code == 0, result.stderr
    assert _pdfs(out) == ["S-1.pdf", "mine.txt"]  # S-2 and P3 were removed, the user's file not
    assert not any(is_patient_pdf(n) and n != "patients/S-1.pdf" for n in _manifest(out)["files"])
    (out / "patients" / "mine.txt").unlink()
    result = invoke("run", fewer, "--out", out)  # without the option: no folder left
    assert result.exit_code == 0, result.stderr
    assert not (out / "patients").exists()
    assert not any(n.startswith("patients/") for n in _manifest(out)["files"])


def test_the_environment_and_the_config_file_ask_for_it(tmp_path: Path) -> None:
    out = tmp_path / "env"
    result = invoke(
        "run", _export(tmp_path), "--out", out, env={"PROLACTIN_TRIAGE_PDF_PER_PATIENT": "1"}
    )
    assert result.exit_code == 0, result.stderr
    assert len(_pdfs(out)) == 3
    config = tmp_path / "config.toml"
    config.write_text("pdf_per_patient = true\n", encoding="utf-8")
    out = tmp_path / "cfg"
    result = invoke("run", _export(tmp_path), "--out", out, "--config", config)
    assert result.exit_code == 0, result.stderr
    assert len(_pdfs(out)) == 3


def test_without_weasyprint_exit_2_with_the_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    out = tmp_path / "out"
    result = invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient")
    assert result.exit_code == 2
    assert "prolactin-triage[pdf]" in result.stderr
    assert "--pdf-per-patient" in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("command", ["run", "demo", "batch"])
def test_the_option_is_on_run_demo_and_batch(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--pdf-per-patient" in result.stdout


def test_file_names_are_safe_and_distinct() -> None:
    names = patient_pdf_names(
        ["S-1", "s-1", "../../etc/passwd", "", "a\x00b\nc", "CON", "x" * 500, "..", "S-1"]
    )
    assert names[:3] == ["patients/S-1.pdf", "patients/s-1-2.pdf", "patients/etc-passwd.pdf"]
    assert names[3] == "patients/patient-4.pdf"
    assert names[4] == "patients/a-b-c.pdf"
    assert names[5] == "patients/CON_.pdf"
    assert names[7] == "patients/patient-8.pdf"
    assert names[8] == "patients/S-1-3.pdf"
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert name in OUTPUT_NAMES
        stem = name.removeprefix("patients/")
        assert "/" not in stem and "\\" not in stem and len(stem) <= 104
        assert all(ch.isprintable() for ch in stem)
    assert safe_stem("Ünï") == "Uni"
    assert "patients/../x.pdf" not in OUTPUT_NAMES
    assert "patients/.hidden.pdf" not in OUTPUT_NAMES


def test_the_atomic_set_takes_its_own_subfolder_only(tmp_path: Path) -> None:
    from triage.io.atomic import AtomicFileSet

    (tmp_path / "patients").mkdir()
    with AtomicFileSet(tmp_path, subfolders=("patients",)) as files:
        for bad in ("other/x.pdf", "patients/../x", "patients/a/b.pdf", "patients/"):
            with pytest.raises(ValueError):
                files.write_bytes(bad, b"x")
        files.write_bytes("patients/S-1.pdf", b"%PDF")
        assert files.names == ["patients/S-1.pdf"]
        files.commit()
    assert (tmp_path / "patients" / "S-1.pdf").read_bytes() == b"%PDF"


def test_leftovers_of_a_killed_run_in_patients_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient").exit_code == 0
    leftover = out / "patients" / ".S-9.pdf.0123456789ab.tmp"
    leftover.write_bytes(b"half")
    foreign = out / "patients" / ".notes.0123456789ab.tmp"  # not a name of ours
    foreign.write_bytes(b"mine")
    assert invoke("run", _export(tmp_path), "--out", out, "--pdf-per-patient").exit_code == 0
    assert not leftover.exists()
    assert foreign.exists()
