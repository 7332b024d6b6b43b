"""Result, flag and date cells as LIS exports write them (review 29).

1. A direction flag printed as another arrow or a caret beside the number ("45 ▲", "▲45",
   "45 ⬆", "45 ⇑", "45 ▴", "45^", "45 ▼") is the lab's high or low flag, as "↑" is: the number
   is read and never changed by it (docs/output-contract-extensions.md "The lab's own flag";
   contract §4: no row lost without cause).  Before, such rows were rejected as not a number.
2. A collection time written without a colon after the date (US Cerner/Sunquest "11/03/2026
   0815", "11/3/26 815"; "03.11.2026 1430") or alone in a time column ("0815") is the time of
   the sample (contract §2 collected_at).  Before, every such date was left empty and the age
   counted to the run's day.
3. A lab flag column holding the critical call ("C", "critical", "kritisch", "critique",
   "crítico", "critico", "kritiek", "!!") beside H and HH is the lab's flag column: a critical
   mark is an abnormal flag without a direction, so a result the interval finds normal is
   indeterminate, never a silent normal.  Before, the whole column was dropped.
4. The diluted value written in brackets after the undiluted bound ("> 470,0 (verd. 1:10:
   3.250)", in the six languages, spelled or abbreviated) is the result: the undiluted one can
   read falsely low (hook effect, clinical-reference §0); >500 ng/mL is the extreme band and a
   suspected macroprolactinoma (§0, §8).  Before, the bound 470 was judged (very_high,
   prolactinoma) or the row rejected.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import run_csv, triage_csv_warned

from triage.values import parse_date_text, parse_quantity

# per language: (header, female sex code, separator)
HEADERS = {
    "en": ("MRN,Sex,DOB,Collected,Test,Result,Units,Ref Range", "F", ","),
    "de": ("Pat.-Nr.;Geschlecht;Geb.-Datum;Abnahme;Analyt;Ergebnis;Einheit;Referenzbereich",
           "W", ";"),
    "fr": ("N° patient;Sexe;Date de naissance;Prélèvement;Analyse;Résultat;Unité;"
           "Valeurs de référence", "F", ";"),
    "es": ("Paciente;Sexo;Fecha de nacimiento;Extracción;Prueba;Resultado;Unidad;"
           "Valores de referencia", "mujer", ";"),
    "it": ("Paziente;Sesso;Data di nascita;Prelievo;Esame;Risultato;Unità;"
           "Valori di riferimento", "F", ";"),
    "nl": ("Patiënt;Geslacht;Geboortedatum;Afname;Test;Uitslag;Eenheid;Referentiewaarden",
           "vrouw", ";"),
}  # fmt: skip
TEST_NAME = {"en": "PROLACTIN", "de": "Prolaktin", "fr": "Prolactine", "es": "Prolactina",
             "it": "Prolattina", "nl": "Prolactine"}  # fmt: skip
# the lab's interval of a woman, as each writes it (4.8-23.3 ng/mL)
INTERVAL = {"en": "4.8-23.3", "de": "4,8-23,3", "fr": "4,8-23,3", "es": "4,8-23,3",
            "it": "4,8-23,3", "nl": "4,8-23,3"}  # fmt: skip
LANGUAGES = list(HEADERS)


def _line(language: str, pid: str, collected: str, result: str) -> str:
    _, female, sep = HEADERS[language]
    dob = "02/14/1990" if language == "en" else "14.02.1990"
    cells = [pid, female, dob, collected, TEST_NAME[language], result, "ng/mL", INTERVAL[language]]
    return sep.join(f'"{c}"' if sep in c else c for c in cells)


def _export(language: str, rows: list[tuple[str, str]], collected: str = "") -> str:
    """A long export of prolactin results (id, result cell), with plain rows beside them."""
    header, _, _ = HEADERS[language]
    when = collected or ("11/03/2026 08:15" if language == "en" else "03.11.2026 08:15")
    plain = [(f"C{k}", str(18 + k)) for k in range(3)]
    lines = [_line(language, pid, when, cell) for pid, cell in [*rows, *plain]]
    return header + "\n" + "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------
# 1. arrow and caret flags beside the number
# ------------------------------------------------------------------------------------------------
UP_GLYPHS = ["45 ▲", "45▲", "▲45", "▲ 45", "45 ⬆", "45 ⬆\ufe0f", "45 ⇑", "45 ▴", "45 ^", "45^",
             "45 ▲▲", "45 ⇧"]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_with_an_arrow_or_caret_flag_is_triaged_not_rejected(
    tmp_path: Path, language: str
) -> None:
    rows = [(f"A{k}", cell) for k, cell in enumerate(UP_GLYPHS)]
    outcome = run_csv(tmp_path, _export(language, rows))
    assert not outcome.rejected, [r.detail for r in outcome.rejected]
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    for k, cell in enumerate(UP_GLYPHS):
        row = results.loc[f"A{k}"]
        assert row["prolactin_ng_ml"] == 45, cell  # the flag never changes the number
        assert row["status"] == "high", cell


@pytest.mark.parametrize("cell", ["25 ▲", "▲25", "25 ⬆", "25 ⇑", "25^", "25 ▴"])
def test_an_arrow_flag_is_read_high_against_a_wider_interval(tmp_path: Path, cell: str) -> None:
    """25 ng/mL in a woman is inside the default set's interval; the lab flagged it high: the
    result is indeterminate, never a silent normal (the flag was read, not dropped)."""
    text = "patient_id,sex,age,prolactin,unit\nF1,F,35," + cell + ",ng/mL\nF2,F,35,25,ng/mL\n"
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    assert results.loc["F1", "status"] == "indeterminate", cell
    assert results.loc["F2", "status"] == "normal"


@pytest.mark.parametrize(
    ("cell", "flag"),
    [("45 ▲", "high"), ("45 ⬆", "high"), ("45 ⇑", "high"), ("^45", "high"), ("3,1 ▼", "low"),
     ("3.1▼", "low"), ("3.1 ⬇", "low"), ("3.1 ⇓", "low"), ("3.1 ▾", "low"), ("<0.5 ▼", "low")],
)  # fmt: skip
def test_the_arrow_glyphs_give_their_direction(cell: str, flag: str) -> None:
    read = parse_quantity(cell)
    assert read.status == "ok" and read.flag == flag, (cell, read)


def test_a_caret_inside_a_unit_is_no_flag() -> None:
    read = parse_quantity("4.5 x10^9/L")
    assert (read.status, read.value, read.unit_text, read.flag) == ("ok", 4.5, "x10^9/L", "")


# ------------------------------------------------------------------------------------------------
# 2. a time without a colon
# ------------------------------------------------------------------------------------------------
TIMES = {
    "en": ["11/03/2026 0815", "11/3/26 0815", "11/03/2026 815", "2026-11-03 0815",
           "11/03/2026 0815 EST"],
    "de": ["03.11.2026 0815", "3.11.26 0815", "03.11.2026 0815 Uhr", "2026-11-03 0815"],
    "fr": ["03/11/2026 0815", "03/11/2026 815", "03/11/2026 0815h"],
    "es": ["03/11/2026 0815", "03-11-2026 0815", "3/11/2026 815"],
    "it": ["03/11/2026 0815", "03/11/2026 ore 0815", "03.11.2026 815"],
    "nl": ["03-11-2026 0815", "03/11/2026 0815", "03-11-2026 815"],
}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_collection_time_without_a_colon_keeps_the_date(tmp_path: Path, language: str) -> None:
    header, _, _ = HEADERS[language]
    lines = [
        _line(language, f"T{k}", when, "40")
        for k, when in enumerate([*TIMES[language], *TIMES[language]])
    ]
    results, warnings = triage_csv_warned(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    assert not [w for w in warnings if "could not be read as dates" in w], warnings
    for k in range(len(lines)):
        assert results.loc[f"T{k}", "collected_at"] == pd.Timestamp("2026-11-03 08:15"), k


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [("11/03/2026 1430", True, "2026-11-03 14:30"), ("03.11.2026 2359", False, "2026-11-03 23:59"),
     ("2026-11-03T0815", False, "2026-11-03 08:15"), ("3 Nov 2026 0815", False, "2026-11-03 08:15"),
     ("11/03/2026 0000", True, "2026-11-03 00:00"),
     ("11/03/2026 1200 PM", True, "2026-11-03 12:00")],
)  # fmt: skip
def test_the_hhmm_shapes_after_a_date(text: str, month_first: bool, expected: str) -> None:
    assert parse_date_text(text, dayfirst=not month_first) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["11/03/2026 2575", "11/03/2026 0860", "11/03/2026 08151"])
def test_a_number_that_is_no_time_leaves_the_date_cell_unread(text: str) -> None:
    assert parse_date_text(text, dayfirst=False) is None


@pytest.mark.parametrize(
    ("time_header", "language"),
    [("Collection Time", "en"), ("Abnahmezeit", "de"), ("Heure de prélèvement", "fr"),
     ("Hora de extracción", "es"), ("Ora prelievo", "it"), ("Afnametijd", "nl")],
)  # fmt: skip
def test_a_time_column_of_hhmm_cells_gives_the_collection_time(
    tmp_path: Path, time_header: str, language: str
) -> None:
    header, female, sep = HEADERS[language]
    day = "11/03/2026" if language == "en" else "03.11.2026"
    dob = "02/14/1990" if language == "en" else "14.02.1990"
    rows = [(f"H{k}", clock) for k, clock in enumerate(["0815", "1430", "915"])]
    lines = [
        sep.join([pid, female, dob, day, clock, TEST_NAME[language], "40", "ng/mL"])
        for pid, clock in rows
    ]
    head = sep.join([*header.split(sep)[:4], time_header, *header.split(sep)[4:7]])
    results, warnings = triage_csv_warned(tmp_path, head + "\n" + "\n".join(lines) + "\n")
    assert not [w for w in warnings if "not used as collected_time" in w], warnings
    assert results.loc["H0", "collected_at"] == pd.Timestamp("2026-11-03 08:15")
    assert results.loc["H1", "collected_at"] == pd.Timestamp("2026-11-03 14:30")
    assert results.loc["H2", "collected_at"] == pd.Timestamp("2026-11-03 09:15")


# ------------------------------------------------------------------------------------------------
# 3. a flag column with the critical call
# ------------------------------------------------------------------------------------------------
CRITICAL = {"en": "critical", "de": "kritisch", "fr": "critique", "es": "crítico",
            "it": "critico", "nl": "kritiek"}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("mark", ["C", "critical word", "!!"])
def test_a_flag_column_with_the_critical_call_is_the_labs_flag(
    tmp_path: Path, language: str, mark: str
) -> None:
    """Cerner/Sunquest call flags H, HH, C: the column is read, and a result flagged critical
    that the set's interval finds normal is indeterminate, never a silent normal; a lone "C" is
    read as no flag (review 29, reviewer C: "corrected" or "comment" in other LIS)."""
    critical = CRITICAL[language] if mark == "critical word" else mark
    flag_header = {"en": "Flag", "de": "Kennz.", "fr": "Indicateur", "es": "Indicador",
                   "it": "Segnalazione", "nl": "Vlag"}[language]  # fmt: skip
    sep = "," if language == "en" else ";"
    female = HEADERS[language][1]
    head = sep.join(["MRN", "Sex", "Age", TEST_NAME[language], "Unit", flag_header])
    rows = [("K1", "40", "H"), ("K2", "300", "HH"), ("K3", "25", critical), ("K4", "40", "H"),
            ("K5", "25", ""), ("K6", "41", "H")]  # fmt: skip
    lines = [sep.join([pid, female, "35", value, "ng/mL", flag]) for pid, value, flag in rows]
    results, warnings = triage_csv_warned(tmp_path, head + "\n" + "\n".join(lines) + "\n")
    assert not [w for w in warnings if "not used as lab_flag" in w], warnings
    # 25 ng/mL, inside the set's interval: flagged critical, indeterminate; a lone "C" ("corrected"
    # or "comment" in many LIS) keeps the column the lab's flags and says nothing of the value
    assert results.loc["K3", "status"] == ("normal" if mark == "C" else "indeterminate")
    assert results.loc["K5", "status"] == "normal"
    assert results.loc["K2", "priority"] == "urgent"


# ------------------------------------------------------------------------------------------------
# 4. the diluted value in brackets
# ------------------------------------------------------------------------------------------------
DILUTED = {
    "en": ["> 470 (diluted 1:10: 3250)", "> 470 (dil. 1:10: 3250)", "> 470 (1:10 dilution = 3250)"],
    "de": ["> 470,0 (verd. 1:10: 3.250)", "> 470,0 (verdünnt 1:10: 3.250)",
           "> 470,0 (nach Verdünnung 1:10: 3.250)"],
    "fr": ["> 470,0 (après dilution 1/10 : 3 250)", "> 470,0 (dilué au 1/10 : 3250)",
           "> 470,0 (dil. 1/10 : 3250,0)"],
    "es": ["> 470,0 (tras dilución 1/10: 3.250)", "> 470,0 (diluido 1:10: 3250)",
           "> 470,0 (dil. 1:10: 3.250)"],
    "it": ["> 470,0 (dopo diluizione 1:10: 3.250)", "> 470,0 (diluiz. 1:10: 3250)",
           "> 470,0 (diluito 1:10 = 3250)"],
    "nl": ["> 470,0 (na verdunning 1:10: 3.250)", "> 470,0 (verd. 1:10: 3250)",
           "> 470,0 (verdund 1:10: 3.250)"],
}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_diluted_value_in_brackets_is_the_result(tmp_path: Path, language: str) -> None:
    rows = [(f"D{k}", cell) for k, cell in enumerate(DILUTED[language])]
    outcome = run_csv(tmp_path, _export(language, rows))
    assert not outcome.rejected, [r.detail for r in outcome.rejected]
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    for k, cell in enumerate(DILUTED[language]):
        row = results.loc[f"D{k}"]
        assert row["prolactin_ng_ml"] == 3250, cell
        assert row["qualifier"] in ("", None) or pd.isna(row["qualifier"]), cell
        assert row["band"] == "extreme", cell
        assert "macroprolactinoma_suspected" in row["factors"], cell
        assert row["priority"] == "urgent", cell
        assert "hook effect" in row["comment"], cell
        assert "dilution_retest" not in row["suggestions"], cell


@pytest.mark.parametrize(
    "cell", ["12.3 (repeat 48)", "14 (Wdh. 95)", "2500 (5300)", "45 (native 30)"]
)
def test_a_repeat_or_a_bare_second_number_in_brackets_stays_unread(cell: str) -> None:
    assert parse_quantity(cell).status == "unparseable", cell


@pytest.mark.parametrize("cell", ["300 (verdünnt 1:20)", "450 (1:10 diluted)", "260 (dil. 1:10)"])
def test_a_dilution_ratio_alone_in_brackets_keeps_the_number(cell: str) -> None:
    read = parse_quantity(cell)
    assert read.status == "ok" and read.value == float(cell.split()[0]), cell
