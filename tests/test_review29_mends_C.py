"""A lab's footer under the last result is no comment row (review 29, reviewer C finding 1).

fix230 joined a labelled comment row ("Kommentar: ...", "Nota: ...", "Opmerking: ...",
"Comment: ...", "Commentaire : ...") to the result above it.  A lab's footer about the whole list
sits in the same place under the LAST result, with the same label: its drug and pregnancy words
became the last patient's factors, and the pregnancy interval cleared a raised prolactin
(contract §5 `factors`, `status`; clinical-reference §8: an unexplained raised prolactin is
worked up).  A comment row joins the result above when another result row of the table follows
it (a comment between results), or, at the end of the table, when its text speaks of that
patient and not of the list; else it stays `not_a_result_row`, joined to no patient, as before
fix230.  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import write_table
from test_review29_lis_row_blocks import LANGUAGES, LONG_HEADERS, _wide_header

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# a footer about the list, worded as a lab would, with drug and pregnancy words (reviewer C's
# repro files and their like)
FOOTERS = {
    "en": "Comment: prolactin may be raised by risperidone, haloperidol or in pregnancy",
    "de": "Kommentar: erhoehte Werte z.B. unter Risperidon oder in der Schwangerschaft",
    "fr": "Commentaire : valeurs augmentées sous rispéridone et pendant la grossesse",
    "es": "Nota: los valores pueden aumentar con risperidona o en el embarazo",
    "it": "Nota: valori aumentati in gravidanza e con antipsicotici (risperidone, aloperidolo)",
    "nl": "Opmerking: verhoogd bij zwangerschap en gebruik van risperidon of haloperidol",
}
# a comment that speaks of the last patient: still hers at the end of the table
PATIENT_COMMENTS = {
    "en": "Comment: patient takes haloperidol 5 mg daily",
    "de": "Kommentar: Pat. nimmt Haldol 5 mg/d",
    "fr": "Commentaire : la patiente prend de la rispéridone 2 mg/j",
    "es": "Nota: la paciente toma risperidona 2 mg al día",
    "it": "Nota: la paziente assume aloperidolo 5 mg al giorno",
    "nl": "Opmerking: patiënt gebruikt Risperdal 2 mg",
}


def _rows(language: str, shape: str, comment: str, after: bool) -> list[list[object]]:
    """Two women, 45 and 60 ng/mL, and the comment in the first column under the second; with
    ``after``, a blank row and a third patient below it."""
    header, test, female, _ = LONG_HEADERS[language]
    if shape == "long":
        rows: list[list[object]] = [
            header,
            ["P-100", female, "12.03.1990", "01.10.2026 08:10", test, "45", "ng/mL"],
            ["P-200", female, "12.03.1997", "01.10.2026 08:20", test, "60", "ng/mL"],
        ]
        third = ["P-300", female, "01.01.1970", "01.10.2026 09:00", test, "12", "ng/mL"]
    else:
        header = _wide_header(language)
        rows = [
            header,
            ["P-100", female, "12.03.1990", "01.10.2026", "45", "ng/mL"],
            ["P-200", female, "12.03.1997", "01.10.2026", "60", "ng/mL"],
        ]
        third = ["P-300", female, "01.01.1970", "01.10.2026", "12", "ng/mL"]
    rows.append([comment] + [""] * (len(header) - 1))
    if after:
        rows += [[""] * len(header), third]
    return rows


def _run(path: Path) -> TriageOutcome:
    return run_triage(TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("source_row")


def _comment_row_detail(outcome: TriageOutcome) -> str:
    (row,) = [r for r in outcome.rejected if r.source_row == 4]
    assert row.reason_code == "not_a_result_row"
    return row.detail


@pytest.mark.parametrize("shape", ["long", "wide"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_labelled_footer_under_the_last_result_joins_no_patient(
    tmp_path: Path, language: str, shape: str
) -> None:
    rows = _rows(language, shape, FOOTERS[language], after=False)
    outcome = _run(write_table(tmp_path / f"footer_{shape}_{language}.csv", rows))
    results = _results(outcome)
    factors = str(results.loc[3, "factors"])
    assert "pregnancy" not in factors
    assert "medication" not in factors
    # the raised 60 ng/mL stays unexplained: worked up, never cleared by the footer
    assert results.loc[3, "status"] == "high"
    assert results.loc[3, "priority"] != "none"
    assert "joined" not in _comment_row_detail(outcome)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_footer_naming_the_patient_and_the_list_joins_no_patient(
    tmp_path: Path, language: str
) -> None:
    """Words about the list win over a patient word at the end of the table."""
    label = PATIENT_COMMENTS[language].split(":")[0]
    list_words = {
        "en": "results validated, patient preparation without risperidone",
        "de": "alle Werte validiert, Patientin ohne Risperidon",
        "fr": "résultats validés, patiente sans rispéridone",
        "es": "resultados validados, paciente sin risperidona",
        "it": "risultati validati, paziente senza risperidone",
        "nl": "uitslagen gevalideerd, patiënt zonder risperidon",
    }[language]
    rows = _rows(language, "long", f"{label}: {list_words}", after=False)
    outcome = _run(write_table(tmp_path / f"mixed_{language}.csv", rows))
    assert "joined" not in _comment_row_detail(outcome)


@pytest.mark.parametrize("shape", ["long", "wide"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_last_comment_about_the_patient_is_still_hers(
    tmp_path: Path, language: str, shape: str
) -> None:
    """Guard (passes before and after): a last comment that names the patient joins her."""
    rows = _rows(language, shape, PATIENT_COMMENTS[language], after=False)
    outcome = _run(write_table(tmp_path / f"hers_{shape}_{language}.csv", rows))
    assert "medication:antipsychotic" in str(_results(outcome).loc[3, "factors"])
    assert "row 3" in _comment_row_detail(outcome)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_comment_between_two_blocks_joins_the_result_above(tmp_path: Path, language: str) -> None:
    """Guard (passes before and after): a result below (past a blank row) makes the row a
    comment between results, whatever its wording."""
    rows = _rows(language, "long", PATIENT_COMMENTS[language], after=True)
    outcome = _run(write_table(tmp_path / f"between_{language}.csv", rows))
    results = _results(outcome)
    assert "medication:antipsychotic" in str(results.loc[3, "factors"])
    assert "medication:antipsychotic" not in str(results.loc[6, "factors"])
    assert "row 3" in _comment_row_detail(outcome)
