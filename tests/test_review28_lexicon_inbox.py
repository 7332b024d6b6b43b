"""Review 28: the drug lexicon's Latin American brands and Dutch spellings, a blinded study drug,
and the inbox's reading of a complete code-page export and of a full disk.

- Latin American brands of prolactin-raising drugs were not in the lexicon (Reliveran, Pramotil
  and Carnotprim are metoclopramide; Halopidol haloperidol; Ampliactil/Amplictil chlorpromazine;
  Risperin risperidone; Leptopsique perphenazine), so a raised prolactin on them went straight
  to the MRI work-up.  Clinical-reference §3.1 (D2 blockers: antipsychotics and antiemetics),
  §0b (Molitch grades), §1.1 2.1 (a drug cause is reviewed before imaging); contract §2
  ("generic and brand drug names");
- the Dutch promazine brand Prazine and the Dutch INN spellings that write "th" as "t" and "-ene"
  as "-een" (chloorprotixeen, tiotixeen) were not read, nor German/Spanish INN spellings of the
  same pattern (Tiotixen, tiotixeno, Lumateperon);
- a blinded trial's drug ("risperidone or placebo", "Risperidon (verblindet)") was read as a
  certain exposure: under blinding the patient may be on placebo, so the drug is a possible cause
  only (the doubt rules of "?risperidone"), the unexplained work-up (macroprolactin screen) kept
  (clinical-reference §8: "consistent with drug effect" needs the culprit drug present);
- batch held a complete cp1252 export of an even byte count as a file still being written (its
  probe decoded it as UTF-16: one line of CJK characters), and its urgent result was not said
  for an hour;
- a ledger on a full disk was reported in SQLite's words ("disk I/O error").

Synthetic patients only.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines
from typer.testing import CliRunner

from triage.batch import _looks_incomplete
from triage.cli import app
from triage.knowledge import load_knowledge
from triage.knowledge.drugs import DrugMatcher
from triage.ledger import Ledger, LedgerUnwritableError

runner = CliRunner()
LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
SQLITE_WORDS = ("disk I/O error", "database or disk is full", "readonly database")


@pytest.fixture(scope="module")
def matcher() -> DrugMatcher:
    return DrugMatcher(load_knowledge().drugs)


def _found(matcher: DrugMatcher, text: str) -> dict[str, str]:
    """drug name -> its doubt ("" when taken for sure) of the drugs found in ``text``."""
    return {m.drug.name: m.doubt for m in matcher.find(text)}


def _factor(row: pd.Series, prefix: str) -> dict[str, Any] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith(prefix)), None)


def _steps(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


# -- 1. Latin American brands, Dutch and German spellings ---------------------------------------

# (medication list as written, generic, factor class)
BRANDS = [
    ("Reliveran 10 mg c/8h", "metoclopramide", "antiemetic_prokinetic"),
    ("RELIVERAN gotas 20 gts antes de las comidas", "metoclopramide", "antiemetic_prokinetic"),
    ("Pramotil 10mg VO c/8 hrs", "metoclopramide", "antiemetic_prokinetic"),
    ("Carnotprim 10 mg 1-1-1", "metoclopramide", "antiemetic_prokinetic"),
    ("Halopidol 5 mg/noche", "haloperidol", "antipsychotic"),
    ("HALOPIDOL gotas 2mg/ml 10 gts c/12h", "haloperidol", "antipsychotic"),
    ("Ampliactil 100 mg por la noche", "chlorpromazine", "antipsychotic"),
    ("Amplictil 25mg 2x/dia", "chlorpromazine", "antipsychotic"),
    ("Risperin 2 mg c/12h", "risperidone", "antipsychotic"),
    ("Leptopsique 4 mg c/8h", "perphenazine", "antipsychotic"),
    ("Emeproton 20 mg en ayunas", "omeprazole", "other"),
    ("Prazine 25 mg 3dd", "promazine", "antipsychotic"),
    ("chloorprotixeen 15 mg a.n.", "chlorprothixene", "antipsychotic"),
    ("CHLOORPROTIXEEN TABLET 15MG", "chlorprothixene", "antipsychotic"),
    ("tiotixeen 5 mg 2dd", "thiothixene", "antipsychotic"),
    ("Tiotixen 5 mg 1-0-1", "thiothixene", "antipsychotic"),
    ("tiotixeno 5 mg c/12h", "thiothixene", "antipsychotic"),
    ("Lumateperon 42 mg abends", "lumateperone", "antipsychotic"),
    ("chloordiazepoxide 10 mg 3dd", "chlordiazepoxide", "other"),
]


@pytest.mark.parametrize(("meds", "generic", "drug_class"), BRANDS)
def test_a_brand_or_national_spelling_names_its_generic(
    matcher: DrugMatcher, meds: str, generic: str, drug_class: str
) -> None:
    found = [m.drug for m in matcher.find(meds)]
    assert [(d.name, d.drug_class) for d in found] == [(generic, drug_class)], meds


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("promazine 25 mg", "promazine"),
        ("Chlorpromazine 25 mg", "chlorpromazine"),  # "prazine" inside a name is not Prazine
        ("Levomepromazine 25 mg", "levomepromazine"),
        ("chloorprothixeen 15 mg", "chlorprothixene"),  # the spelling read before
        ("Truxal 15 mg", "chlorprothixene"),
        ("Primperan 10 mg c/8h", "metoclopramide"),
        ("Haldol 5 mg", "haloperidol"),
    ],
)
def test_the_names_read_before_still_name_their_own_drug(
    matcher: DrugMatcher, text: str, generic: str
) -> None:
    """Guard (passes on the old code too): no new name takes another drug's mention."""
    assert set(_found(matcher, text)) == {generic}, text


def test_a_raised_result_on_a_latin_american_brand_is_a_drug_effect_to_review(
    tmp_path: Path,
) -> None:
    """The hunter's rows: women with 95 ng/mL; the brand names the drug, the result reads as a
    possible drug effect with a medication review (the Primperan row's reading), not as an
    unexplained result sent straight to imaging."""
    brands = [
        "Reliveran 10 mg c/8h",
        "Halopidol 5 mg noche",
        "Ampliactil 100 mg",
        "Risperin 2 mg c/12h",
        "Leptopsique 4 mg c/8h",
        "Pramotil 10 mg c/8h",
        "Carnotprim 10 mg c/8h",
        "Prazine 25 mg 3dd",
        "chloorprotixeen 15 mg a.n.",
    ]
    lines = [f"B{i},F,34,95,ng/mL,{csv_quoted(meds)}" for i, meds in enumerate(brands)]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,medications", lines)
    for i, meds in enumerate(brands):
        row = out.loc[f"B{i}"]
        assert _factor(row, "medication:") is not None, (meds, row["factors"])
        assert "unexplained" not in str(row["factors"]), meds
        assert "medication_review" in _steps(row), meds


# -- 2. a blinded study drug ----------------------------------------------------------------------

BLINDED = {
    "en": [
        "risperidone or placebo",
        "risperidone 2 mg or placebo",
        "risperidone/placebo",
        "placebo or risperidone",
        "risperidone (blinded)",
        "double-blind risperidone 2 mg",
        "risperidone vs. placebo",
    ],
    "de": ["Risperidon oder Placebo", "Placebo oder Risperidon", "Risperidon (verblindet)"],
    "fr": ["rispéridone ou placebo", "placebo ou rispéridone", "rispéridone en aveugle"],
    "es": ["risperidona o placebo", "risperidona (doble ciego)", "risperidona a ciegas"],
    "it": ["risperidone o placebo", "risperidone in doppio cieco", "placebo o risperidone"],
    "nl": ["risperidon of placebo", "placebo of risperidon", "risperidon (geblindeerd)"],
}
BLINDED_CASES = [(lang, text) for lang in LANGUAGES for text in BLINDED[lang]]


@pytest.mark.parametrize(("lang", "text"), BLINDED_CASES)
def test_a_blinded_study_drug_is_written_with_doubt(
    matcher: DrugMatcher, lang: str, text: str
) -> None:
    assert _found(matcher, text) == {"risperidone": "unconfirmed"}, (lang, text)


@pytest.mark.parametrize(
    "text",
    ["risperidone 2 mg 1-0-1", "Risperdal 2 mg; placebo run-in completed 2025", "Risperidon 2 mg"],
)
def test_a_drug_without_blinding_is_still_taken(matcher: DrugMatcher, text: str) -> None:
    """Guard (passes on the old code too)."""
    assert _found(matcher, text) == {"risperidone": ""}, text


def test_a_blinded_drug_is_a_possible_cause_and_the_work_up_stays(tmp_path: Path) -> None:
    """A trial export (women, 48 ng/mL): "X or placebo" is a possible antipsychotic factor whose
    evidence says the intake is not confirmed, and the macroprolactin screen of an unexplained
    rise stays; the open-label drug beside it stays a likely cause; a study drug named by no
    drug ("IMP", "study drug (blinded)") is no drug factor (that part passes on the old code)."""
    meds = [
        "risperidone or placebo",
        "Risperidon oder Placebo",
        "rispéridone ou placebo",
        "risperidona o placebo 2 mg",
        "risperidone (in cieco)",
        "risperidon of placebo",
    ]
    lines = [f"S{i},F,41,48,ug/L,{csv_quoted(text)}" for i, text in enumerate(meds)]
    lines += ["OPEN,F,41,48,ug/L,risperidone 2 mg", "IMP,F,41,48,ug/L,IMP"]
    lines += [f"SD,F,41,48,ug/L,{csv_quoted('study drug (blinded)')}"]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,CMTRT", lines)
    for i, text in enumerate(meds):
        row = out.loc[f"S{i}"]
        factor = _factor(row, "medication:antipsychotic")
        assert factor is not None and factor["strength"] == "possible", (text, factor)
        assert "not confirmed" in factor["evidence"], text
        assert "macroprolactin_screen" in _steps(row), text
    assert _factor(out.loc["OPEN"], "medication:antipsychotic")["strength"] == "likely"  # type: ignore[index]
    for pid in ("IMP", "SD"):
        assert _factor(out.loc[pid], "medication:") is None, pid


# -- 3. the inbox's probe of a complete text export ---------------------------------------------

# A Windows export in its language's code page (cp1252): a header, two rows, the second one
# urgent (above 5000 mIU/L) with a visual symptom in the note; letters above 127 in the names
# and notes, none that UTF-16 would read as half a surrogate pair (0xD8-0xDF).
EXPORTS = {
    "en": "Patient;Sex;DOB;Collected;Prolactin;Unit;Comment\n"
    "P1;F;14.07.1992;10.11.2025 08:20;400;mIU/L;Renée, café au lait spots\n"
    "P2;F;01.02.1980;10.11.2025 08:25;6400;mIU/L;bitemporal hemianopia, naïve\n",
    "de": "PatID;Geschlecht;Geburtsdatum;Abnahme;Prolaktin;Einheit;Bemerkung\n"
    "P1;w;14.07.1992;10.11.2025 08:20;400;mIU/l;Müller, Jürgen: Kontrolle\n"
    "P2;w;01.02.1980;10.11.2025 08:25;6400;mIU/l;Sehstörung, Gesichtsfeldausfall\n",
    "fr": "IPP;Sexe;Date de naissance;Prélèvement;Prolactine;Unité;Commentaire\n"
    "P1;F;14.07.1992;10.11.2025 08:20;400;mUI/l;contrôle\n"
    "P2;F;01.02.1980;10.11.2025 08:25;6400;mUI/l;hémianopsie bitemporale\n",
    "es": "NHC;Sexo;Fecha de nacimiento;Extracción;Prolactina;Unidad;Observaciones\n"
    "P1;M;14.07.1992;10.11.2025 08:20;400;mUI/L;revisión\n"
    "P2;M;01.02.1980;10.11.2025 08:25;6400;mUI/L;hemianopsia bitemporal, visión borrosa\n",
    "it": "Cod. paziente;Sesso;Data di nascita;Prelievo;Prolattina;Unità;Note\n"
    "P1;F;14.07.1992;10.11.2025 08:20;400;mUI/L;controllo già fatto\n"
    "P2;F;01.02.1980;10.11.2025 08:25;6400;mUI/L;emianopsia bitemporale, perché\n",
    "nl": "Patiëntnummer;Geslacht;Geboortedatum;Afname;Prolactine;Eenheid;Opmerking\n"
    "P1;V;14.07.1992;10.11.2025 08:20;400;mE/l;controle, één keer\n"
    "P2;V;01.02.1980;10.11.2025 08:25;6400;mE/l;bitemporale hemianopsie, geëist\n",
}


def _even_cp1252(text: str, newline: str = "\r\n") -> bytes:
    """The text in cp1252 with ``newline`` line ends, one space more in its last note when its
    byte count would be odd: an even count, which a UTF-16 decode accepts."""
    data = text.replace("\n", newline).encode("cp1252")
    if len(data) % 2:
        data = (text.rstrip("\n") + " \n").replace("\n", newline).encode("cp1252")
    assert len(data) % 2 == 0 and not data.isascii()
    return data


def _hl7_cp1252() -> bytes:
    segments = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20251110090000||ORU^R01|C1|P|2.5.1",
        "PID|1||P2^^^LAB^MR||Müller^Jürgen||19800201|M",
        "OBR|1|||PRL^Prolaktin|||20251110082500",
        "OBX|1|NM|PRL^Prolaktin||6400|mIU/l|86-324|HH|||F",
        "NTE|1||Sehstörung, Gesichtsfeldausfall bitemporal",
    ]
    data = ("\r".join(segments) + "\r").encode("cp1252")
    return data if len(data) % 2 == 0 else ("\r".join(segments) + " \r").encode("cp1252")


def _spreadsheetml_cp1252() -> bytes:
    text = (
        '<?xml version="1.0" encoding="windows-1252"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        '<Worksheet ss:Name="Befunde"><Table>\n'
        '<Row><Cell><Data ss:Type="String">PatID</Data></Cell>'
        '<Cell><Data ss:Type="String">Prolaktin (mIU/l)</Data></Cell>'
        '<Cell><Data ss:Type="String">Bemerkung</Data></Cell></Row>\n'
        '<Row><Cell><Data ss:Type="String">P2</Data></Cell>'
        '<Cell><Data ss:Type="Number">6400</Data></Cell>'
        '<Cell><Data ss:Type="String">Sehstörung</Data></Cell></Row>\n'
        "</Table></Worksheet></Workbook>\n"
    )
    data = text.encode("cp1252")
    return data if len(data) % 2 == 0 else text.replace("Befunde", "Befunde2").encode("cp1252")


def _written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_complete_code_page_export_of_an_even_length_is_settled(
    tmp_path: Path, lang: str, newline: str
) -> None:
    path = _written(tmp_path, f"{lang}.csv", _even_cp1252(EXPORTS[lang], newline))
    assert not _looks_incomplete(path, path.stat().st_size), lang


@pytest.mark.parametrize(
    ("name", "make"),
    [("lab.hl7", _hl7_cp1252), ("export.xls", _spreadsheetml_cp1252)],
)
def test_other_complete_code_page_texts_of_an_even_length_are_settled(
    tmp_path: Path, name: str, make: Any
) -> None:
    path = _written(tmp_path, name, make())
    assert len(path.read_bytes()) % 2 == 0
    assert not _looks_incomplete(path, path.stat().st_size), name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_code_page_export_still_being_written_still_waits(tmp_path: Path, lang: str) -> None:
    """Guard (passes on the old code too): the header alone, or a last line without its line
    end, is a copy still going on, in cp1252 as in UTF-8 and UTF-16."""
    header = EXPORTS[lang].split("\n")[0] + "\r\n"
    for encoding in ("cp1252", "utf-8", "utf-16"):
        path = _written(tmp_path, f"h_{encoding}.csv", header.encode(encoding))
        assert _looks_incomplete(path, path.stat().st_size), (lang, encoding)
    cut = EXPORTS[lang].rstrip("\n").replace("\n", "\r\n").encode("cp1252")
    path = _written(tmp_path, "cut.csv", cut)
    assert _looks_incomplete(path, path.stat().st_size), lang


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_a_cron_run_triages_the_code_page_export_and_says_its_urgent_result(
    tmp_path: Path, lang: str
) -> None:
    """The hunter's case: settle time 0, --fail-on urgent, -q: the file is triaged in this run,
    its URGENT line said (cron mails what a job prints) and the status is 10."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = _written(inbox, "befunde.csv", _even_cp1252(EXPORTS[lang]))
    old = datetime.now(UTC).timestamp() - 300
    os.utime(path, (old, old))
    out = tmp_path / "out"
    args = ["batch", "--inbox", str(inbox), "--out", str(out), "--settle-seconds", "0"]
    result = runner.invoke(app, [*args, "--fail-on", "urgent", "-q"])
    assert result.exit_code == 10, result.output
    assert "URGENT patient P2" in result.stderr
    assert list(out.rglob("results.csv")), result.output


# -- 4. a ledger on a full disk --------------------------------------------------------------------


class _Refusing:
    """A connection whose writes fail as SQLite fails when its disk refuses (``name``)."""

    def __init__(self, db: sqlite3.Connection, message: str, name: str) -> None:
        self._db, self._message, self._name = db, message, name

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            error = sqlite3.OperationalError(self._message)
            error.sqlite_errorname = self._name  # type: ignore[attr-defined]
            raise error
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _Vfs:
    def __init__(self, free_blocks: int) -> None:
        self.f_bavail, self.f_frsize = free_blocks, 4096


def _claim_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str, name: str, free_blocks: int
) -> str:
    monkeypatch.setattr(os, "statvfs", lambda _path: _Vfs(free_blocks))
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger._db = _Refusing(ledger._db, message, name)  # type: ignore[assignment]
        with pytest.raises(LedgerUnwritableError) as raised:
            ledger.claim("ab" * 32, "a.csv", str(tmp_path / "out"), datetime.now(UTC))
    assert raised.value.exit_code == 2
    return str(raised.value)


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("disk I/O error", "SQLITE_IOERR_WRITE"),  # a full tmpfs: the journal cannot grow
        ("disk I/O error", "SQLITE_IOERR_SHMSIZE"),
        ("database or disk is full", "SQLITE_FULL"),
    ],
)
def test_a_ledger_on_a_full_disk_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str, name: str
) -> None:
    said = _claim_refused(tmp_path, monkeypatch, message, name, free_blocks=0)
    assert "cannot write the batch ledger" in said and "no space left on device" in said
    assert "free space" in said
    assert not any(words in said for words in SQLITE_WORDS), said


def test_a_ledger_write_error_with_free_space_is_the_device_not_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = _claim_refused(
        tmp_path, monkeypatch, "disk I/O error", "SQLITE_IOERR_WRITE", free_blocks=1 << 20
    )
    assert "no space left" not in said and "device reported an error" in said
    assert not any(words in said for words in SQLITE_WORDS), said
