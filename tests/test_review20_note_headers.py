"""Clinical-details and medication columns review 20 found dropped without a word (fix123).
Synthetic patients only.

- What the requester wrote ("Angaben Einsender", "Info Einsender", "Einsenderangaben"), notes
  and further information in short or plain words ("Notiz", "Clin details", "Other info", "Addl
  info"), and drug lists ("Medis", "Präparate", "Arzneimittel") are notes and medications
  headers, in the six languages: a visual field defect there is urgent (clinical-reference §8),
  an antipsychotic there a contributing factor (§3.1).
- A column under a header no field claims is decided by its cells: clinical text (a red flag, a
  pregnancy) is read as notes, with a warning `run` prints; drug names alone are not read (an
  allergy, a stopped drug) but `run` names the column and how to map it.  Ids, codes, wards,
  names, study weeks, allergies and a relative's disease stay unread, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.columns import candidates
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.reading_warnings import warning_lines


def _run(tmp_path: Path, lines: list[str]) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome):  # type: ignore[no-untyped-def]
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


def _run_lines(outcome: TriageOutcome) -> list[str]:
    """What `run` prints of the reading warnings without --verbose."""
    return [line for s in outcome.inputs for line in warning_lines(s, "export.csv")]


def _one_column_each(headers: list[str], cell: str) -> list[str]:
    """A file with one column per header; row i (a woman of 30, prolactin 60 ng/mL, twice the
    upper limit) has ``cell`` in column i only."""
    lines = ["Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);" + ";".join(headers)]
    for i in range(len(headers)):
        cells = [cell if j == i else "" for j in range(len(headers))]
        lines.append(f"P{i + 1};W;30;60;" + ";".join(cells))
    return lines


# -- 1. notes and medication headers ---------------------------------------------------------

NOTE_HEADERS = {
    "de": [
        "Angaben Einsender",
        "Info Einsender",
        "Einsenderangaben",
        "Angaben des Einsenders",
        "Angaben zum Patienten",
        "Notiz",
        "Zusatzinfo",
        "Klin. Angaben",
    ],
    "en": ["Clin details", "Clinical info", "Other info", "Addl info", "Additional information"],
    "fr es it nl": [
        "Renseignements cliniques",
        "Rens. cliniques",
        "Autres informations",
        "Datos clínicos",
        "Información adicional",
        "Notizie cliniche",
        "Altre informazioni",
        "Klinische gegevens",
        "Overige informatie",
    ],
}


@pytest.mark.parametrize("language", list(NOTE_HEADERS))
def test_a_visual_field_defect_under_a_notes_header_is_urgent(
    tmp_path: Path, language: str
) -> None:
    headers = NOTE_HEADERS[language]
    outcome = _run(tmp_path, _one_column_each(headers, "Gesichtsfeldausfall bitemporal"))
    out = _results(outcome)
    assert len(out) == len(headers)
    assert set(out["priority"]) == {"urgent"}, out["priority"].to_dict()
    assert all("visual_field_test" in s for s in out["suggestions"])
    assert not any("not read" in w for w in _warnings(outcome))


MEDICATION_HEADERS = {
    "de": ["Medis", "Präparate", "Arzneimittel", "Medikationsplan", "Pharmaka"],
    "en fr es it nl": ["Meds", "Médicaments", "Fármacos", "Farmaci", "Medicinali", "Medicijnen"],
}


@pytest.mark.parametrize("language", list(MEDICATION_HEADERS))
def test_an_antipsychotic_under_a_medication_header_is_the_factor(
    tmp_path: Path, language: str
) -> None:
    headers = MEDICATION_HEADERS[language]
    outcome = _run(tmp_path, _one_column_each(headers, "Risperdal 4 mg"))
    out = _results(outcome)
    assert len(out) == len(headers)
    assert all("medication:antipsychotic" in f for f in out["factors"]), out["factors"].to_dict()
    assert "urgent" not in set(out["priority"])  # a drug's moderate rise: no red flag
    assert "medication_review" in " ".join(out["suggestions"])


def test_the_new_headers_name_no_other_field() -> None:
    for header in [h for hs in NOTE_HEADERS.values() for h in hs]:
        assert [f for f, _ in candidates(header)] == ["comments"], header
    for header in [h for hs in MEDICATION_HEADERS.values() for h in hs]:
        assert [f for f, _ in candidates(header)] == ["medications"], header
    # the requester, the requesting ward, an allergy, a stopped drug and an id keep their reading
    assert [f for f, _ in candidates("Einsender")] == ["requesting_clinician"]
    assert [f for f, _ in candidates("Einsender Station")] == ["location"]
    for header in ["Arzneimittelallergie", "Allergien", "Arzneimittel abgesetzt", "Other ID"]:
        assert not [f for f, _ in candidates(header) if f in ("comments", "medications")], header


# -- 2. a column no header names: its cells decide ---------------------------------------------


def test_clinical_text_under_an_unknown_header_is_read_as_notes_and_said(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);Zusatz;Texte libre;Memo",
            "U1;W;30;60;Gesichtsfeldausfall bitemporal;;",
            "U2;M;50;40;Kontrolle;céphalées brutales, baisse du champ visuel;",
            "U3;W;28;45;;;SS 10. Woche",
            "U4;W;33;20;Kontrolle;suivi;",
        ],
    )
    out = _results(outcome)
    assert out.loc["U1", "priority"] == "urgent"
    assert out.loc["U2", "priority"] == "urgent"
    assert "Zusatz: Gesichtsfeldausfall" in str(out.loc["U1", "suggestion_details"])
    # a pregnancy in the notes: 45 ng/mL is within the pregnancy interval, not raised
    assert "pregnan" in out.loc["U3", "reference_stratum"]
    assert out.loc["U3", "priority"] != "urgent"
    said = _run_lines(outcome)
    for header in ("Zusatz", "Texte libre", "Memo"):
        assert any(f"column {header!r} holds clinical findings in its cells" in x for x in said)


def test_drug_names_under_an_unknown_header_are_named_not_read(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);Liste",
            "D1;W;30;60;Risperdal 4 mg",
            "D2;W;35;55;Haldol",
        ],
    )
    out = _results(outcome)
    assert not any("medication" in f for f in out["factors"])  # not read: maybe an allergy
    said = _run_lines(outcome)  # but `run` says it, without --verbose
    assert any(
        "column 'Liste' is not read, yet its cells name drugs" in x
        and "[columns] medications = 'Liste'" in x
        for x in said
    ), said


def test_ordinary_unknown_columns_stay_unread_and_quiet(tmp_path: Path) -> None:
    # ids, codes, wards, specialties, names, study weeks; an allergy's reaction and a relative's
    # disease are no finding of the patient's
    outcome = _run(
        tmp_path,
        [
            "Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);Auftrag;Kostenstelle;Fachrichtung;"
            "Angehöriger;Studienwoche;Allergien;Familienanamnese",
            "N1;W;30;60;A-123;Dialyse;Gynäkologie;Müller, Anna;Week 12;"
            "Metoclopramid (Kopfschmerzen);Mutter: Prolaktinom",
            "N2;M;50;25;A-124;Station 4B;Neurologie;van der Berg, Eva;Week 0;keine;keine",
        ],
    )
    out = _results(outcome)
    assert out.loc["N1", "priority"] == "soon"  # no red flag, no drug, no pregnancy read
    assert out.loc["N1", "factors"] == "unexplained"
    warned = _warnings(outcome)
    assert not any("read into comments" in w for w in warned), warned
    assert not any("clinical findings in its cells" in w for w in warned), warned
    assert not any("cells name drugs" in w for w in warned), warned


def test_free_text_left_unread_is_printed_by_run(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);Freifeld 1",
            "F1;W;30;60;Befund per Fax an Praxis",
            "F2;W;35;20;Termin in zwei Wochen",
        ],
    )
    said = _run_lines(outcome)
    assert any("column 'Freifeld 1' holds free text that is not read" in x for x in said), said
