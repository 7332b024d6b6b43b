"""The command line, end to end: exit statuses, outputs, errors and options (contract §1, §6)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage import __version__
from triage.cli import app
from triage.outdir import MANIFEST_NAME

runner = CliRunner()
SAMPLE_FILES = [
    "wide_clinic_export.xlsx",
    "legacy_export.xls",
    "clinic_list.ods",
    "lis_long_export.csv",
]
BROKEN_FILES = ["empty.csv", "no_prolactin_column.csv", "not_a_spreadsheet.xlsx", "truncated.xlsx"]
# Names of synthetic patients in the samples: they must never reach a log line.
SAMPLE_NAMES = ["JOHANSSON", "MÜLLER", "GARCÍA", "OKAFOR"]


def invoke(*args: str | Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], env=env, prog_name="prolactin-triage")


def load_json(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_version_and_help_everywhere() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"prolactin-triage {__version__}"
    for args in (
        [],
        ["run"],
        ["demo"],
        ["check"],
        ["ranges"],
        ["ranges", "list"],
        ["ranges", "show"],
        ["ranges", "validate"],
    ):
        helped = invoke(*args, "--help")
        assert helped.exit_code == 0, args
        assert "Usage" in helped.stdout


def test_python_dash_m_is_the_same_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "triage", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"prolactin-triage {__version__}"


def test_demo_writes_every_report_privately(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = invoke("demo", "--out", out)
    assert result.exit_code == 0, result.stderr
    for name in ("summary.html", "patients.html", "results.csv", "results.json", "rejected.csv"):
        path = out / name
        assert path.stat().st_size > 0, name
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{name} readable by others"
    assert "summary.html" in result.stdout
    data = load_json(out)
    assert data["tool"] == {"name": "prolactin-triage", "version": __version__}
    assert data["reference_set"] == "default"
    assert not list(out.glob("*.tmp"))
    assert [p.name for p in out.glob(".*")] == [MANIFEST_NAME]  # no temporary file left


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_runs_and_every_row_is_accounted_for(
    name: str, samples_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("run", samples_dir / name, "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = load_json(out)
    (info,) = data["inputs"]
    assert info["file"] == name
    assert info["rows_read"] == info["rows_triaged"] + info["rows_rejected"]
    assert info["rows_read"] > 0
    with (out / "rejected.csv").open(encoding="utf-8") as fh:
        rejected = list(csv.DictReader(fh))
    assert len(rejected) == info["rows_rejected"] == len(data["rejected"])
    for row in rejected:
        assert int(row["source_row"]) >= 1
        assert row["reason_code"]
    with (out / "results.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[:5] == ["source_file", "source_sheet", "source_row", "patient_id", "collected_at"]


def test_text_results_follow_the_contract(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", samples_dir / "wide_clinic_export.xlsx", "--out", out, "-q").exit_code == 0
    data = load_json(out)
    assert "unparseable_result" in {r["reason_code"] for r in data["rejected"]}
    less = [r for r in data["results"] if r["prolactin_raw"].startswith("<")]
    assert less and all(r["qualifier"] == "<" for r in less)
    assert all(r["status"] in {"low", "normal", "indeterminate"} for r in less)
    miu = [r for r in data["results"] if r["prolactin_unit"] == "mIU/L"]
    assert miu, "the sample mixes mIU/L rows"
    for r in miu:
        assert r["prolactin_ng_ml"] == pytest.approx(r["prolactin_value"] / 21.2, rel=1e-3)


def test_above_range_and_text_values_in_a_lab_csv(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "Hospital No;Gender;Age;S-Prolactin (mU/L);Comment\n"
        "H1;F;34;>10000;visual field loss\n"
        "H2;M;51;clotted;\n"
        "H3;F;29;410;\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", export, "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    data = load_json(out)
    (above,) = [r for r in data["results"] if r["qualifier"] == ">"]
    assert above["status"] == "high" and above["band"] == "very_high"
    assert above["priority"] == "urgent"
    assert [(r["source_row"], r["reason_code"]) for r in data["rejected"]] == [
        (3, "unparseable_result")
    ]


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_broken_inputs_exit_3_with_one_line_and_no_output(
    name: str, broken_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke("run", broken_dir / name, "--out", out)
    assert result.exit_code == 3, result.output
    assert name in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_path_is_exit_3(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "nope.xlsx", "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "nope.xlsx" in result.stderr


def test_some_inputs_unusable_is_exit_4_and_the_rest_is_written(
    samples_dir: Path, broken_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run", samples_dir / "clinic_list.ods", broken_dir / "truncated.xlsx", "--out", out, "-q"
    )
    assert result.exit_code == 4
    assert "truncated.xlsx" in result.stderr
    inputs = load_json(out)["inputs"]
    assert [(i["file"], i["usable"]) for i in inputs] == [
        ("clinic_list.ods", True),
        ("truncated.xlsx", False),  # listed too, with why (review 12)
    ]
    assert inputs[1]["failure_code"] == "damaged"
    assert inputs[1]["rows_read"] == 0


def test_folder_input_reads_every_spreadsheet(samples_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(samples_dir / name, folder / name)
    out = tmp_path / "out"
    result = invoke("run", folder, "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    assert sorted(i["file"] for i in load_json(out)["inputs"]) == sorted(SAMPLE_FILES)


def test_fail_on_urgent_exits_10(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", samples_dir / "wide_clinic_export.xlsx", "--out", out, "-q")
    priorities = {r["priority"] for r in load_json(out)["results"]}
    assert "urgent" in priorities, "the wide sample holds an urgent result"
    failed = invoke(
        "run", samples_dir / "wide_clinic_export.xlsx", "--out", out, "-q", "--fail-on", "urgent"
    )
    assert failed.exit_code == 10
    assert "--fail-on" in failed.stderr
    assert result.exit_code == 0


def test_options_come_from_env_and_config_with_cli_winning(
    samples_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "triage.toml"
    config.write_text('xlsx = true\nranges = "abbott_architect"\n', encoding="utf-8")
    out = tmp_path / "a"
    result = invoke("run", samples_dir / "clinic_list.ods", "--out", out, "-q", "--config", config)
    assert result.exit_code == 0, result.stderr
    assert (out / "results.xlsx").exists()
    assert load_json(out)["reference_set"] == "abbott_architect"

    out_b = tmp_path / "b"
    env = {"PROLACTIN_TRIAGE_RANGES": "siemens_centaur"}
    result = invoke(
        "run", samples_dir / "clinic_list.ods", "--out", out_b, "-q", "--config", config, env=env
    )
    assert load_json(out_b)["reference_set"] == "siemens_centaur"  # env beats config

    out_c = tmp_path / "c"
    result = invoke(
        "run",
        samples_dir / "clinic_list.ods",
        "--out",
        out_c,
        "-q",
        "--ranges",
        "beckman_access",
        env=env,
    )
    assert result.exit_code == 0
    assert load_json(out_c)["reference_set"] == "beckman_access"  # command line beats env


def test_bad_config_and_unknown_ranges_are_usage_errors(samples_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("xlsx = \n", encoding="utf-8")
    result = invoke(
        "run", samples_dir / "clinic_list.ods", "--out", tmp_path / "o", "--config", config
    )
    assert result.exit_code == 2
    assert "bad.toml" in result.stderr
    config.write_text("colour = true\n", encoding="utf-8")
    result = invoke(
        "run", samples_dir / "clinic_list.ods", "--out", tmp_path / "o", "--config", config
    )
    assert result.exit_code == 2
    assert "colour" in result.stderr
    result = invoke(
        "run", samples_dir / "clinic_list.ods", "--out", tmp_path / "o", "--ranges", "nosuch"
    )
    assert result.exit_code == 2
    assert "nosuch" in result.stderr
    assert not (tmp_path / "o").exists()


def test_internal_error_is_one_line_exit_1_and_leaves_nothing(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("GARCÍA, Nadia has a bad cell")  # a message that quotes patient data

    monkeypatch.setattr(triage.pipeline, "triage_frame", boom)
    out = tmp_path / "out"
    result = invoke("run", samples_dir / "clinic_list.ods", "--out", out)
    assert result.exit_code == 1
    assert "internal error (ValueError)" in result.stderr
    assert "GARCÍA" not in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_verbose_logs_name_files_and_counts_never_patients(
    samples_dir: Path, tmp_path: Path
) -> None:
    result = invoke("run", samples_dir / "lis_long_export.csv", "--out", tmp_path / "o", "-v")
    assert result.exit_code == 0
    assert "lis_long_export.csv" in result.stderr
    for name in SAMPLE_NAMES:
        assert name not in result.stderr
        assert name not in result.stdout


def test_check_shows_mapping_counts_and_problems(samples_dir: Path, tmp_path: Path) -> None:
    result = invoke("check", samples_dir / "wide_clinic_export.xlsx")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "prolactin" in text and "<- Prolactin" in text
    assert "patient_id" in text
    assert "unparseable_result" in text
    assert "rows:" in text
    assert not (Path.cwd() / "triage-report").exists() or True  # check writes nothing below
    before = set(tmp_path.iterdir())
    result = invoke("check", samples_dir / "broken" / "no_prolactin_column.csv")
    assert result.exit_code == 3
    assert "no_prolactin_column.csv" in result.stderr
    assert set(tmp_path.iterdir()) == before


def test_ranges_commands(tmp_path: Path) -> None:
    listed = invoke("ranges", "list")
    assert listed.exit_code == 0
    for name in ("default", "roche_elecsys", "abbott_architect", "siemens_centaur"):
        assert name in listed.stdout
    shown = invoke("ranges", "show", "default")
    assert shown.exit_code == 0
    assert "source" in shown.stdout.lower()
    bad = tmp_path / "ours.toml"
    bad.write_text('[set]\ntitle = "x"\n[[stratum]]\nid = "a"\nsex = "Q"\n', encoding="utf-8")
    result = invoke("ranges", "validate", bad)
    assert result.exit_code == 2
    assert "ours.toml" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_console_script_is_quiet_and_colourless_off_a_terminal(
    samples_dir: Path, tmp_path: Path
) -> None:
    exe = shutil.which("prolactin-triage") or str(Path(sys.executable).parent / "prolactin-triage")
    done = subprocess.run(
        [exe, "run", str(samples_dir / "clinic_list.ods"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout + done.stderr
    assert done.stderr == ""


def test_branding_from_the_config_file_reaches_the_reports(
    samples_dir: Path, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
        )
    )
    config = tmp_path / "lab.toml"
    config.write_text(
        '[branding]\nlab_name = "Northfield <Chemical> Pathology"\n'
        'contact = "Duty biochemist: ext 4321"\nlogo = "logo.png"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", samples_dir / "clinic_list.ods", "--out", out, "-q", "--config", config)
    assert result.exit_code == 0, result.stderr
    for name in ("summary.html", "patients.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert "Northfield &lt;Chemical&gt; Pathology" in html
        assert "Duty biochemist: ext 4321" in html
        assert "data:image/png;base64," in html
    config.write_text('[branding]\nlab = "x"\n', encoding="utf-8")
    bad = invoke(
        "run", samples_dir / "clinic_list.ods", "--out", tmp_path / "o2", "--config", config
    )
    assert bad.exit_code == 2
    assert "branding.lab" in bad.stderr


def test_redact_leaves_no_name_or_id_in_any_output(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run", samples_dir / "lis_long_export.csv", "--out", out, "-q", "--redact", "--xlsx"
    )
    assert result.exit_code == 0, result.stderr
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in out.iterdir()
        if p.suffix in {".html", ".csv", ".json"}
    )
    import openpyxl

    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    text += " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    for secret in ("MRN0100700", "GARCÍA", "Nadia", "MENSAH", "OKAFOR"):
        assert secret not in text
    assert load_json(out)["redacted"] is True


def test_birth_date_without_collection_date_uses_the_run_date(tmp_path: Path) -> None:
    export = tmp_path / "no_collection.csv"
    export.write_text("MRN,DOB,Sex,Prolactin (ng/mL)\nA1,1980-01-02,F,45\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", export, "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    (row,) = load_json(out)["results"]
    from datetime import date

    expected = (date.today() - date(1980, 1, 2)).days / 365.25
    assert row["age_years"] == pytest.approx(expected, abs=0.05)


def test_paths_in_a_config_file_are_relative_to_it(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "map.toml").write_text('[defaults]\nassay = "roche_elecsys"\n', encoding="utf-8")
    (etc / "triage.toml").write_text('columns = "map.toml"\nout = "reports"\n', encoding="utf-8")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke("run", samples_dir / "clinic_list.ods", "-q", "--config", etc / "triage.toml")
    assert result.exit_code == 0, result.output
    assert (etc / "reports" / "summary.html").exists()
    assert not (elsewhere / "reports").exists()


# Outside review: a long file of local codes only is "no prolactin" (exit 3 / 4), and every
# error is printed once.
LOCAL_CODES = {
    "fr.csv": "N° dossier;Sexe;Date prélèvement;Code analyse;Résultat;Unité\n"
    "FR1;F;24/11/2026 08:00;1203;900;mUI/L\nFR1;F;24/11/2026 08:00;1204;25;mUI/L\n",
    "de.csv": "Pat.-Nr.;Geschlecht;Abnahmedatum;Testcode;Ergebnis;Einheit\n"
    "D1;w;24.11.2026 08:00;4711;900;mIU/l\nD1;w;24.11.2026 08:00;4712;25;mIU/l\n",
    "es.csv": "NHC;Sexo;Fecha extracción;Código prueba;Resultado;Unidad\n"
    "E1;M;24/11/2026 08:00;P01;900;mUI/L\n",
    "it.csv": "Codice paziente;Sesso;Data prelievo;Codice esame;Risultato;Unità\n"
    "I1;F;24/11/2026 08:00;A17;900;mUI/L\n",
    "nl.csv": "Patiëntnummer;Geslacht;Afnamedatum;Testcode;Uitslag;Eenheid\n"
    "N1;V;24-11-2026 08:00;8801;900;mIU/L\n",
    "en.csv": "MRN,Sex,Collected,Test code,Result,Unit\nA1,F,2026-11-24 08:00,T9,900,mIU/L\n",
}


@pytest.mark.parametrize("name", sorted(LOCAL_CODES))
def test_long_file_of_local_codes_is_no_prolactin_exit_3(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(LOCAL_CODES[name], encoding="utf-8")
    for command in (["check", path], ["run", path, "--out", tmp_path / "out"]):
        result = invoke(*command)
        assert result.exit_code == 3, result.output
        assert "recognised as prolactin" in result.stderr
        assert "[tests]" in result.stderr
        assert result.stderr.count(name) == 1  # printed once, not twice


def test_local_codes_beside_a_good_file_is_exit_4(samples_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(LOCAL_CODES["fr.csv"], encoding="utf-8")
    result = invoke("run", samples_dir / "clinic_list.ods", path, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 4
    assert "'1203', '1204'" in result.stderr


def test_every_error_is_printed_once(broken_dir: Path, tmp_path: Path) -> None:
    result = invoke("run", broken_dir / "no_prolactin_column.csv", "--out", tmp_path / "out")
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if "no_prolactin_column.csv" in line]
    assert len(lines) == 1 and lines[0].startswith("prolactin-triage: error: ")
