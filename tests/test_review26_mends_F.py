"""Review 26 mend F: a delimited text's complete last line without a line end is triaged again.

Files written with '\\n'.join(rows) and no final line end are common; fix197 rejected their last
row whenever its last field was read.  Now the row is triaged as before fix197, the file keeps
its warning, and when the last field is a column the reader reads, unquoted and not empty, the
row's comment in results.csv cautions that the file ends right after that value (digits may be
missing if it was cut short in transfer: compare with the LIS).  Such a row is not listed in
urgent.txt for it.  Synthetic patients only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()

# header words and a woman, per language; the result the last column
HEADERS = {
    "en": ("Patient ID", "Sex", "Age", "Prolactin (mIU/L)", "female", "Barcode printer"),
    "de": ("PatNr", "Geschlecht", "Alter", "Prolaktin (mIU/l)", "weiblich", "Etikettendrucker"),
    "fr": ("N° dossier", "Sexe", "Âge", "Prolactine (mUI/l)", "femme", "Imprimante étiquettes"),
    "es": ("NHC", "Sexo", "Edad", "Prolactina (mUI/l)", "mujer", "Impresora etiquetas"),
    "it": ("Codice paziente", "Sesso", "Età", "Prolattina (mUI/l)", "donna", "Stampante etichette"),
    "nl": ("Patiëntnummer", "Geslacht", "Leeftijd", "Prolactine (mIE/l)", "vrouw", "Labelprinter"),
}
SHAPES = {"csv": (",", "export.csv"), "tsv": ("\t", "export.tsv"), "semicolon": (";", "export.csv")}
SHAPES["pipe"] = ("|", "export.txt")
CASES = [(lang, shape) for lang in HEADERS for shape in SHAPES]


def _run(tmp_path: Path, name: str, text: str) -> tuple[dict[str, dict[str, str]], str, str]:
    """results.csv's rows by patient, rejected.csv and urgent.txt of a run on the text."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = {r["patient_id"]: r for r in csv.DictReader(handle)}
    rejected = (out / "rejected.csv").read_text(encoding="utf-8")
    return rows, rejected, (out / "urgent.txt").read_text(encoding="utf-8")


def _text(lang: str, shape: str, last: list[str], *, end: str = "", extra: bool = False) -> str:
    d = SHAPES[shape][0]
    pid, sex, age, prl, female, printer = HEADERS[lang]
    header = [pid, sex, age, prl] + ([printer] if extra else [])
    first = ["8001", female, "34", "300"] + (["PR-12"] if extra else [])
    lines = [d.join(header), d.join(first), d.join([cell.replace("F", female) for cell in last])]
    return "\n".join(lines) + end


@pytest.mark.parametrize(("lang", "shape"), CASES)
@pytest.mark.parametrize("value", ["6", "62", "6400"])
def test_an_unterminated_complete_last_row_is_triaged_with_a_caution(
    tmp_path: Path, lang: str, shape: str, value: str
) -> None:
    rows, rejected, _ = _run(
        tmp_path, SHAPES[shape][1], _text(lang, shape, ["8002", "F", "51", value])
    )
    assert "8002" in rows  # triaged, not rejected
    assert "malformed_line" not in rejected
    comment = rows["8002"]["comment"]
    assert "line end" in comment and "digits may be missing" in comment
    assert "LIS" in comment
    assert HEADERS[lang][3] in comment  # the column named
    assert "line end" not in rows["8001"]["comment"]


@pytest.mark.parametrize(("lang", "shape"), CASES)
def test_the_caution_lists_nothing_urgent_of_its_own(tmp_path: Path, lang: str, shape: str) -> None:
    """A low result with the caution is no urgent line (--fail-on urgent is not flooded)."""
    _, _, urgent = _run(tmp_path, SHAPES[shape][1], _text(lang, shape, ["8002", "F", "51", "6"]))
    assert "8002" not in urgent


@pytest.mark.parametrize(("lang", "shape"), CASES)
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_terminated_file_has_no_caution(tmp_path: Path, lang: str, shape: str, end: str) -> None:
    text = _text(lang, shape, ["8002", "F", "51", "6"], end=end)
    rows, _, _ = _run(tmp_path, SHAPES[shape][1], text)
    assert "line end" not in rows["8002"]["comment"]


@pytest.mark.parametrize(("lang", "shape"), CASES)
def test_a_quoted_last_field_has_no_caution(tmp_path: Path, lang: str, shape: str) -> None:
    rows, _, _ = _run(tmp_path, SHAPES[shape][1], _text(lang, shape, ["8002", "F", "51", '"6"']))
    assert "line end" not in rows["8002"]["comment"]


@pytest.mark.parametrize(("lang", "shape"), CASES)
def test_a_last_field_in_an_unread_column_has_no_caution(
    tmp_path: Path, lang: str, shape: str
) -> None:
    text = _text(lang, shape, ["8002", "F", "51", "6400", "PR-1"], extra=True)
    rows, _, _ = _run(tmp_path, SHAPES[shape][1], text)
    assert "8002" in rows
    assert "line end" not in rows["8002"]["comment"]
