"""A result written in words, a note holding the result, and the privacy of notes (review 28).

1. A result cell with an approximation or a check word around its number ("environ 6000",
   "Contrôlé: 300", "Refait: 45,2", "300 à recontrôler", "300 ?", "etwa", "aprox.", "circa",
   "ongeveer", "kontrolliert", "ripetuto", "herhaald") gives the lab's number: such a word does
   not change what was measured.  A result above 5,000 mIU/L (~236 ng/mL) that no physiological
   state explains is urgent (output contract §7, clinical-reference §0 and §8), so such a row is
   never rejected and left off the urgent list; the check word is kept in the row's comments.
   A cell still not read whose number may be above the urgent level is listed with the urgent
   results.
2. A result cell pointing to its note ("voir commentaire", "zie opm.") takes the note's result
   written with its prolactin unit, also after a dilution written "1:100:" and beside an id; the
   digits of an id, a phone, a BSN, an insurance or order number are never the value, nor cited
   as one that "may be above 5000 mIU/L".
3. A note is never quoted to the log (stderr) or urgent.txt: it may name the patient, a
   relative, a phone or an insurance number; only the number and unit needed are.  With
   --redact no part of an id appears in any output.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

runner = CliRunner()

# a man of 50 (no physiological state explains a raised result), per language: header, sex
LANGUAGES = {
    "en": ("Patient;Sex;Age;Prolactin;Unit;Comment", "M"),
    "de": ("Pat.-Nr.;Geschlecht;Alter;Prolaktin;Einheit;Kommentar", "m"),
    "fr": ("N° dossier;Sexe;Âge;Prolactine;Unité;Commentaire", "H"),
    "es": ("Paciente;Sexo;Edad;Prolactina;Unidad;Comentario", "hombre"),
    "it": ("Paziente;Sesso;Età;Prolattina;Unità;Commento", "M"),
    "nl": ("Patiëntnummer;Geslacht;Leeftijd;Prolactine;Eenheid;Opmerking", "M"),
}


def _run(tmp_path: Path, language: str, rows: list[tuple[str, str, str, str]]) -> TriageOutcome:
    """One run on a ;-separated export: rows of (id, result cell, unit, note)."""
    header, sex = LANGUAGES[language]
    lines = [header, *(f'{pid};{sex};50;{cell};{unit};"{note}"' for pid, cell, unit, note in rows)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _result(outcome: TriageOutcome, pid: str) -> dict[str, object]:
    assert outcome.results is not None
    frame = outcome.results.set_index("patient_id")
    assert pid in frame.index, [(r.patient_id, r.detail) for r in outcome.rejected]
    return frame.loc[pid].to_dict()


# --- 1. an approximation or a check word around the number ------------------------------------
# (language, cell, unit, the value in that unit)
APPROXIMATE = [
    ("fr", "environ 6000", "mUI/L", 6000.0),
    ("fr", "env. 6000", "mUI/L", 6000.0),
    ("en", "approximately 6000", "mIU/L", 6000.0),
    ("en", "about 300", "ng/mL", 300.0),
    ("de", "etwa 6000", "mU/l", 6000.0),
    ("de", "ungefähr 300", "µg/l", 300.0),
    ("es", "aprox. 6000", "mUI/L", 6000.0),
    ("es", "aproximadamente 300", "ng/mL", 300.0),
    ("it", "circa 6000", "mUI/L", 6000.0),
    ("nl", "ongeveer 6000", "mE/l", 6000.0),
    ("nl", "ong. 300", "µg/l", 300.0),
]

CHECKED = [
    ("fr", "Contrôlé: 300", "ng/mL", "Contrôlé"),
    ("fr", "Refait: 300", "ng/mL", "Refait"),
    ("fr", "300 à recontrôler", "ng/mL", "à recontrôler"),
    ("fr", "300 - à contrôler", "ng/mL", "à contrôler"),
    ("fr", "300 ?", "ng/mL", "?"),
    ("en", "repeated: 300", "ng/mL", "repeated"),
    ("en", "300 to be confirmed", "ng/mL", "to be confirmed"),
    ("de", "kontrolliert: 300", "µg/l", "kontrolliert"),
    ("de", "300 wiederholt", "µg/l", "wiederholt"),
    ("es", "repetido: 300", "ng/mL", "repetido"),
    ("es", "300 a confirmar", "ng/mL", "a confirmar"),
    ("it", "ripetuto: 300", "ng/mL", "ripetuto"),
    ("it", "300 da ricontrollare", "ng/mL", "da ricontrollare"),
    ("nl", "herhaald: 300", "µg/l", "herhaald"),
    ("nl", "300 te controleren", "µg/l", "te controleren"),
]


@pytest.mark.parametrize(("language", "cell", "unit", "value"), APPROXIMATE)
def test_an_approximate_result_is_read(
    tmp_path: Path, language: str, cell: str, unit: str, value: float
) -> None:
    row = _result(_run(tmp_path, language, [("A1", cell, unit, "")]), "A1")
    assert float(str(row["prolactin_value"])) == value
    assert row["priority"] == "urgent"


@pytest.mark.parametrize(("language", "cell", "unit", "word"), CHECKED)
def test_a_checked_result_is_read_and_its_word_kept(
    tmp_path: Path, language: str, cell: str, unit: str, word: str
) -> None:
    outcome = _run(tmp_path, language, [("C1", cell, unit, "")])
    row = _result(outcome, "C1")
    assert float(str(row["prolactin_value"])) == 300.0
    assert row["priority"] == "urgent"  # 300 ng/mL > ~236 ng/mL
    assert not outcome.rejected
    # the word is kept in the row's comments, and said
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    assert any("remark" in w and repr(cell) in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("language", "cell", "unit", "value"),
    [
        ("fr", "Refait: 45,2", "ng/mL", 45.2),
        ("fr", "45,2 - à contrôler", "ng/mL", 45.2),
        ("de", "Kontrolle: 45,2", "µg/l", 45.2),
        ("nl", "gecontroleerd 45,2", "µg/l", 45.2),
    ],
)
def test_a_checked_result_at_a_lower_level_is_not_lost(
    tmp_path: Path, language: str, cell: str, unit: str, value: float
) -> None:
    row = _result(_run(tmp_path, language, [("C2", cell, unit, "")]), "C2")
    assert float(str(row["prolactin_value"])) == value
    assert row["status"] == "high"


@pytest.mark.parametrize(
    ("language", "cell", "unit"),
    [
        ("fr", "6000 selon labo externe", "mUI/L"),
        ("en", "probably 6000, see lab", "mIU/L"),
        ("de", "6000 laut Fremdlabor", "mU/l"),
        ("nl", "6000 volgens extern lab", "mE/l"),
    ],
)
def test_a_cell_not_read_whose_number_may_be_urgent_is_listed(
    tmp_path: Path, language: str, cell: str, unit: str
) -> None:
    outcome = _run(tmp_path, language, [("U1", cell, unit, "")])
    (rejected,) = outcome.rejected
    assert rejected.reason_code == "unparseable_result"
    assert rejected.possibly_urgent
    assert "holds 6000" in rejected.detail


@pytest.mark.parametrize(
    "cell", ["prélèvement n° 12345678 hémolysé", "Probe 0012345 geronnen", "clotted, lot 4711"]
)
def test_an_id_in_a_cell_not_read_is_no_urgent_value(tmp_path: Path, cell: str) -> None:
    outcome = _run(tmp_path, "fr", [("U2", cell, "mUI/L", "")])
    (rejected,) = outcome.rejected
    assert not rejected.possibly_urgent


# --- 2. a note holding the result ------------------------------------------------------------
NOTE_RESULTS = [
    ("fr", "Voir commentaire", "dilution 1:100: 5600 ng/mL"),
    (
        "fr",
        "voir commentaire",
        "Mme Josée CARON (NAM CARJ80560612) appelée; dilution 1:100: 5600 ng/mL",
    ),
    ("fr", "Voir commentaire", "patient NAM CARJ80560612, 5600 ng/mL"),
    ("en", "see comment", "Mr J Smith (NHS no 943 476 5919) phoned, dilution 1:100: 5600 ng/mL"),
    ("de", "siehe Kommentar", "Hr. Müller, Tel. 0171 2345678; Verdünnung 1:100: 5600 ng/mL"),
    ("es", "ver comentario", "DNI 12345678Z, dilución 1:100: 5600 ng/mL"),
    ("it", "vedi commento", "diluizione 1:100: 5600 ng/mL"),
    ("it", "vedi commento", "CF RSSMRA80A01H501U; diluizione 1:100: 5600 ng/mL"),
    ("nl", "zie opm.", "verdunning 1:100: 5600 µg/l"),
    ("nl", "zie opm.", "BSN 123456782, verdunning 1:100: 5600 µg/l"),
]


@pytest.mark.parametrize(("language", "cell", "note"), NOTE_RESULTS)
def test_the_note_gives_the_diluted_result(
    tmp_path: Path, language: str, cell: str, note: str
) -> None:
    unit = "µg/l" if language in ("de", "nl") else "ng/mL"
    outcome = _run(tmp_path, language, [("N1", cell, unit, note)])
    row = _result(outcome, "N1")
    assert float(str(row["prolactin_value"])) == 5600.0
    assert row["priority"] == "urgent"


# (language, note) whose numbers are ids, phones, BSNs, order numbers: no result
ID_NOTES = [
    ("nl", "uitslag volgt, aanvraagnummer 26110512345"),
    ("nl", "monster opnieuw afnemen, bel 0201234567"),
    ("nl", "gebeld met huisarts, BSN 123456782"),
    ("fr", "Mme Josée CARON (NAM CARJ80560612) à rappeler"),
    ("fr", "résultat à suivre, rappeler au 06 12 34 56 78"),
    ("en", "result to follow, NHS no 943 476 5919"),
    ("en", "call ward on tel +44 20 7946 0958"),
    ("de", "Befund folgt, Rückruf Tel. 0171 2345678"),
    ("es", "resultado pendiente, petición 20261105123"),
    ("it", "in attesa, codice fiscale RSSMRA80A01H501U"),
]


@pytest.mark.parametrize(("language", "note"), ID_NOTES)
def test_an_id_in_the_note_is_never_a_possibly_urgent_value(
    tmp_path: Path, language: str, note: str
) -> None:
    outcome = _run(tmp_path, language, [("I1", "see comment", "mIU/L", note)])
    (rejected,) = outcome.rejected
    assert rejected.reason_code == "unparseable_result"
    assert not rejected.possibly_urgent, rejected.detail


@pytest.mark.parametrize(
    ("note", "value", "id_digits"),
    [
        ("verdund gemeten 12500, doorgegeven aan dochter tel 06-12345678", "12500", "12345678"),
        (
            "na verdunning 14.200 - gebeld met huisarts dr. K. Smit, BSN 123456782",
            "14200",
            "123456782",
        ),
    ],
)
def test_the_note_value_is_cited_not_the_id(
    tmp_path: Path, note: str, value: str, id_digits: str
) -> None:
    outcome = _run(tmp_path, "nl", [("I2", "zie opm.", "mE/l", note)])
    (rejected,) = outcome.rejected
    assert rejected.possibly_urgent
    assert f"holds {value}" in rejected.detail
    assert id_digits not in rejected.detail


# --- 3. privacy: the note is never quoted to the log ------------------------------------------
PRIVATE = "Mme Josée CARON (NAM CARJ80560612) appelée tel 0612345678"
# the note read as the result, and one not read whose number may be urgent
PRIVATE_NOTES = [f"{PRIVATE}; dilution 1:100: 5600 ng/mL", f"{PRIVATE}; 1re mesure 6000, à diluer"]
SECRETS = ("CARON", "Josée", "CARJ", "80560612", "0612345678", "612345678")


def _cli(tmp_path: Path, note: str, *extra: str) -> tuple[str, Path]:
    header, sex = LANGUAGES["fr"]
    path = tmp_path / "export.csv"
    path.write_text(f'{header}\nQ09;{sex};50;Voir commentaire;ng/mL;"{note}"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), *extra])
    assert "URGENT" in result.output
    return result.output, out


@pytest.mark.parametrize("note", PRIVATE_NOTES)
def test_the_note_is_not_quoted_in_the_log_or_urgent_list(tmp_path: Path, note: str) -> None:
    log, out = _cli(tmp_path, note)
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    for text in (log, urgent):
        assert not [secret for secret in SECRETS if secret in text], text


@pytest.mark.parametrize("note", PRIVATE_NOTES)
def test_redacted_outputs_hold_no_id_digits(tmp_path: Path, note: str) -> None:
    key = "00112233445566778899aabbccddeeff"
    log, out = _cli(tmp_path, note, "--redact", "--redact-key", key)
    texts = {"stderr": log} | {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file()
    }
    for name, text in texts.items():
        assert not [secret for secret in SECRETS if secret in text], name
