"""Review 29 (hunters AT3, AQ1): two LIS layouts whose rows were lost or left unjoined.

1. A long export that writes the patient once per order and only the order (specimen) number
   on the order's other lines: contract §2 (long shape: "other tests of the same patient and
   collection ... become their context"); clinical-reference §0 (PEG recovery < 40 % is
   macroprolactin), §8 (hypothyroidism and chronic kidney disease raise prolactin).
2. A cumulative report, one test a row and the draw dates across the columns: contract §4 (every
   row is a result or rejected with a reason), §7 (above ~236 ng/mL is urgent), §6 (exit 0 only
   when the work is done).  Every prolactin value is a result row, dated by its column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# --- helpers ---------------------------------------------------------------------------------


def _run(tmp_path: Path, lines: list[str], *, sep: str = ";") -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text("\n".join(line.replace(";", sep) for line in lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


def _balanced(outcome: TriageOutcome) -> None:
    for summary in outcome.inputs:
        assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


# --- 1. context lines that repeat only the order number ------------------------------------

# (order, patient id, sex, birth date, collected, test, result, unit) headers; the sex and
# the date as the language writes them
LONG_HEADERS = {
    "en": ("Order No", "MRN", "Sex", "DOB", "Collected", "Test", "Result", "Units", "F"),
    "de": ("Auftragsnr", "Pat-Nr", "Geschlecht", "Geb.-Datum", "Entnahme", "Analyt", "Ergebnis",
           "Einheit", "W"),
    "fr": ("N° demande", "IPP", "Sexe", "Date de naissance", "Date de prélèvement", "Analyse",
           "Résultat", "Unité", "F"),
    "es": ("Nº de muestra", "Nº historia", "Sexo", "Fecha de nacimiento", "Fecha de extracción",
           "Prueba", "Resultado", "Unidad", "F"),
    "it": ("Numero richiesta", "Codice paziente", "Sesso", "Data di nascita", "Data prelievo",
           "Esame", "Risultato", "Unità", "F"),
    "nl": ("Monsternummer", "Patiëntnummer", "Geslacht", "Geboortedatum", "Afnamedatum",
           "Bepaling", "Uitslag", "Eenheid", "V"),
}  # fmt: skip
PROLACTIN = {"en": "Prolactin", "de": "Prolaktin", "fr": "Prolactine", "es": "Prolactina",
             "it": "Prolattina", "nl": "Prolactine"}  # fmt: skip


def _order_lines(lang: str, context: list[tuple[str, str, str]], *, blank_date: bool = False,
                 own: tuple[str, str] = ("", "")) -> list[str]:  # fmt: skip
    """One order of a woman: the prolactin line names her, each context line only the order
    (its sex and birth date cells ``own``, its collection time blank if asked)."""
    *header, female = LONG_HEADERS[lang]
    when = "03.11.2026 08:10"
    lines = [";".join(header), f"A-77;P-1;{female};12.03.1990;{when};{PROLACTIN[lang]};85;ng/mL"]
    for test, value, unit in context:
        lines.append(f"A-77;;{own[0]};{own[1]};{'' if blank_date else when};{test};{value};{unit}")
    return lines


@pytest.mark.parametrize("lang", sorted(LONG_HEADERS))
def test_tsh_line_of_the_order_is_joined(tmp_path: Path, lang: str) -> None:
    outcome = _run(tmp_path, _order_lines(lang, [("TSH", "12,5", "mU/L")]))
    results = _results(outcome)
    assert len(results) == 1
    assert "hypothyroidism" in str(results["factors"].iloc[0])
    assert "check_tsh" not in str(results["suggestions"].iloc[0])
    assert not [r for r in outcome.rejected if r.reason_code == "other_test"]
    _balanced(outcome)


@pytest.mark.parametrize(
    ("context", "factor"),
    [
        ([("PEG recovery", "14", "%")], "macroprolactinemia"),
        ([("Wiederfindung PEG", "14", "%")], "macroprolactinemia"),
        ([("eGFR", "15", "mL/min/1.73m2")], "renal_impairment"),
        ([("PEG recovery", "14", "%"), ("TSH", "12.5", "mIU/L")], "macroprolactinemia"),
    ],
)
@pytest.mark.parametrize("blank_date", [False, True])
@pytest.mark.parametrize("own", [("", ""), ("F", "12.03.1990")])
def test_context_lines_with_the_order_number_only(
    tmp_path: Path,
    context: list[tuple[str, str, str]],
    factor: str,
    blank_date: bool,
    own: tuple[str, str],
) -> None:
    outcome = _run(tmp_path, _order_lines("en", context, blank_date=blank_date, own=own))
    results = _results(outcome)
    assert factor in str(results["factors"].iloc[0])
    assert "unexplained" not in str(results["factors"].iloc[0])
    assert results["priority"].iloc[0] == "routine"
    assert not [r for r in outcome.rejected if r.reason_code == "other_test"]
    _balanced(outcome)


def test_several_orders_each_join_their_own(tmp_path: Path) -> None:
    lines = [
        "Auftragsnr;Pat-Nr;Name;Geb.-Datum;Geschl.;Entnahme;Analyt;Ergebnis;Einheit",
        "A1;P-1;Muster, Anna;12.03.1990;W;03.11.2026 08:10;Prolaktin;1200*;mIU/L",
        "A1;;;;;03.11.2026 08:10;TSH;12,5 H;mU/L",
        "",
        "A2;P-2;Beispiel, Ben;01.07.1975;M;03.11.2026 09:00;Prolaktin;↑ 45;ng/mL",
        "A2;;;;;03.11.2026 09:00;eGFR;15;mL/min/1,73m2",
        "A3;P-3;Probe, Clara;22.05.1985;W;03.11.2026 10:00;Prolaktin;85,0 H;ng/mL",
        "A3;;;;;03.11.2026 10:00;Wiederfindung PEG;14;%",
    ]
    results = _results(_run(tmp_path, lines)).set_index("patient_id")
    assert "hypothyroidism" in str(results.loc["P-1", "factors"])
    assert "renal_impairment" in str(results.loc["P-2", "factors"])
    assert "macroprolactinemia" in str(results.loc["P-3", "factors"])


def test_a_line_naming_another_person_is_not_joined(tmp_path: Path) -> None:
    """Guard: the order's line whose own sex and birth date are another person's keeps no
    patient (passes on the old code too)."""
    outcome = _run(
        tmp_path, _order_lines("en", [("TSH", "12.5", "mIU/L")], own=("M", "01.01.1950"))
    )
    results = _results(outcome)
    assert "hypothyroidism" not in str(results["factors"].iloc[0])
    assert [r for r in outcome.rejected if r.reason_code == "other_test"]


def test_an_order_number_of_two_patients_gives_none(tmp_path: Path) -> None:
    """Guard: an order number two patients' lines share names no one patient (old code too)."""
    lines = [
        "Order No;MRN;Sex;Collected;Test;Result;Units",
        "A-1;P-1;F;03.11.2026 08:10;Prolactin;85;ng/mL",
        "A-1;P-2;F;03.11.2026 08:10;Prolactin;30;ng/mL",
        "A-1;;;03.11.2026 08:10;TSH;12.5;mIU/L",
    ]
    outcome = _run(tmp_path, lines)
    assert not _results(outcome)["factors"].astype(str).str.contains("hypothyroidism").any()


# --- 2. cumulative reports: one test a row, the draw dates across -----------------------

# the draw dates as each language's reports write them
DATES = {
    "iso": ("2026-10-01", "2026-10-15", "2026-11-07"),
    "dotted": ("01.10.2026", "15.10.2026", "07.11.2026"),
    "slash": ("01/10/2026", "15/10/2026", "07/11/2026"),
    "dash": ("01-10-2026", "15-10-2026", "07-11-2026"),
}
# (test, unit, interval) headers, the report's names of prolactin and creatinine, its dates
CUMULATIVE = {
    "en": ("Test", "Unit", "Reference range", "Prolactin", "Creatinine", DATES["iso"]),
    "de": ("Analyt", "Einheit", "Referenzbereich", "Prolaktin", "Kreatinin", DATES["dotted"]),
    "fr": ("Analyse", "Unité", "Valeurs de référence", "Prolactine", "Créatinine", DATES["slash"]),
    "es": ("Prueba", "Unidad", "Valores de referencia", "Prolactina", "Creatinina", DATES["slash"]),
    "it": ("Esame", "Unità", "Valori di riferimento", "Prolattina", "Creatinina", DATES["slash"]),
    "nl": ("Bepaling", "Eenheid", "Referentiewaarden", "Prolactine", "Creatinine", DATES["dash"]),
}  # fmt: skip


def _cumulative(lang: str, *, title: bool, others: bool, prl_row_first: bool = True) -> list[str]:
    """A cumulative report of one woman (prolactin 45.2, 38.1, 312.0 ng/mL), the TSH and the
    creatinine below or around it if asked, under a title naming her if asked."""
    test, unit, ref, prl, crea, dates = CUMULATIVE[lang]
    prolactin = f"{prl};ng/ml;4,8-23,3;45,2;38,1;312,0"
    rows = ["TSH;mU/l;0,27-4,2;2,1;;1,9", f"{crea};mg/dl;0,5-0,9;0,8;;0,8"] if others else []
    body = [prolactin, *rows] if prl_row_first or not rows else [rows[0], prolactin, *rows[1:]]
    head = ["Kumulativbefund;;;;;", "Pat.-Nr.: 12345;Geb.-Datum: 12.03.1990;Geschlecht: w;;;"]
    return [*(head if title else []), f"{test};{unit};{ref};{';'.join(dates)}", *body]


@pytest.mark.parametrize("lang", sorted(CUMULATIVE))
@pytest.mark.parametrize(
    ("title", "others", "first"),
    [(True, True, True), (False, True, True), (False, True, False), (False, False, True)],
)
def test_every_prolactin_value_of_a_cumulative_report_is_a_result(
    tmp_path: Path, lang: str, title: bool, others: bool, first: bool
) -> None:
    outcome = _run(tmp_path, _cumulative(lang, title=title, others=others, prl_row_first=first))
    assert not outcome.errors
    results = _results(outcome)
    assert sorted(results["prolactin_ng_ml"].tolist()) == [38.1, 45.2, 312.0]
    dated = results.set_index("prolactin_ng_ml")["collected_at"].astype(str)
    assert dated[312.0].startswith("2026-11-07")
    assert dated[45.2].startswith("2026-10-01")
    urgent = results[results["prolactin_ng_ml"] == 312.0]
    assert urgent["priority"].tolist() == ["urgent"]
    assert outcome.exit_code == 0
    assert not [r for r in outcome.rejected if r.reason_code == "unparseable_result"]
    _balanced(outcome)


@pytest.mark.parametrize("lang", sorted(CUMULATIVE))
def test_the_tsh_of_the_same_date_is_the_results_context(tmp_path: Path, lang: str) -> None:
    results = _results(_run(tmp_path, _cumulative(lang, title=False, others=True)))
    steps = results.set_index("prolactin_ng_ml")["suggestions"].astype(str)
    assert "check_tsh" not in steps[45.2]  # TSH 2.1 on its date
    assert "check_tsh" in steps[38.1]  # no TSH that day


def test_the_title_line_names_the_patient(tmp_path: Path) -> None:
    outcome = _run(tmp_path, _cumulative("de", title=True, others=True))
    results = _results(outcome)
    assert set(results["patient_id"].astype(str)) == {"12345"}
    assert set(results["sex"].astype(str)) == {"F"}
    assert len(results) == len((1, 2, 3))
    assert any("cumulative report" in w for s in outcome.inputs for w in s.warnings)
    _balanced(outcome)


def test_a_value_under_a_date_that_is_no_number_is_rejected_not_lost(tmp_path: Path) -> None:
    lines = [
        "Analyt;Einheit;Referenzbereich;01.10.2026;15.10.2026",
        "Prolaktin;ng/ml;4,8-23,3;hämolytisch;5400",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    assert results["prolactin_ng_ml"].tolist() == [5400.0]
    assert [r.source_row for r in outcome.rejected] == [2]
    _balanced(outcome)


def test_a_dated_prolactin_column_report_is_unchanged(tmp_path: Path) -> None:
    """Guard: a wide report whose prolactin columns' headers write the dates (review 27) stays
    read as it was (passes on the old code too)."""
    lines = [
        "Pat-Nr;Geschl.;PRL 03.11.2026;PRL 10.11.2026;Einheit",
        "P-1;W;650;7200;mIU/L",
        "P-2;M;;320;ng/mL",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    assert len(results) == len((1, 2, 3))
    assert not any("cumulative report" in w for s in outcome.inputs for w in s.warnings)
