"""Real European LIS exports (review 14): shortened headers, the lab's flag marks, above-range
wordings without a number, and a few words.

- A header word shortened with a dot ("Klin. Angaben", "Medik.", "Abn.-Datum", "Afn.datum") is
  read as a longer word of a field's vocabulary that it begins, when no field is named by the
  words as written and the shortening names one field only (triage.columns.score).
- A birth date without a collection date: the age is counted to the run's day, said in a
  warning naming the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.columns import STRONG_SCORE, candidates, header_vocabulary, parse_header, score
from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, lines: list[str], encoding: str = "cp1252") -> TriageOutcome:
    """One run on ``lines`` written as a semicolon CSV in ``encoding`` (CRLF, as LIS write)."""
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


# ------------------------------------------------------------------------------------------------
# 1. Shortened headers
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Klin. Angaben", "comments"),
        ("Klin.Angaben", "comments"),
        ("Klin. Ang.", "comments"),
        ("Bem.", "comments"),
        ("Komm.", "comments"),
        ("Anm.", "comments"),
        ("Rens. cliniques", "comments"),
        ("Info clin.", "comments"),
        ("Datos clín.", "comments"),
        ("Inf. clínica", "comments"),
        ("Medik.", "medications"),
        ("Trait.", "medications"),
        ("Terapia att.", "medications"),
        ("Ther.", "medications"),
        ("Schwang.", "pregnant"),
        ("Grav.", "pregnant"),
        ("Abn.-Datum", "collected_at"),
        ("Entn.-Datum", "collected_at"),
        ("Abnahmedat.", "collected_at"),
        ("Abn.Datum/Zeit", "collected_at"),
        ("Entnahmedatum/-zeit", "collected_at"),
        ("Date prél.", "collected_at"),
        ("Data prel.", "collected_at"),
        ("Afn.datum", "collected_at"),
    ],
)
def test_shortened_header_names_its_field(header: str, field: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == field, found


def test_ambiguous_shortening_names_no_field_but_is_read_as_notes() -> None:
    # "obs" begins "observation" (the test's name) and "observations" (comments) alike: no
    # field; the notes columns read it
    assert candidates("Obs.") == ()
    notes = header_vocabulary("note_columns")
    assert score(parse_header("Obs."), notes, shortened=True) >= STRONG_SCORE
    assert score(parse_header("Diagn."), notes, shortened=True) >= STRONG_SCORE


@pytest.mark.parametrize(
    ("drug_header", "note_header"),
    [
        ("Medik.", "Diagn."),  # German
        ("Trait.", "Rens. cliniques"),  # French
        ("Terapia att.", "Diagn."),  # Italian
        ("Ther.", "Obs."),  # Spanish / French observations: read as notes
        ("Medik.", "Klin. Angaben"),  # German, the second shortening
        ("Trait.", "Info clin."),
    ],
)
def test_shortened_drug_and_note_columns_are_read(
    tmp_path: Path, drug_header: str, note_header: str
) -> None:
    outcome = _run(
        tmp_path,
        [
            f"Pat.-Nr.;Geschl.;Alter;Prolaktin (µg/l);{drug_header};{note_header}",
            "1;w;30;40,5;Risperdal 4 mg;",
            "2;m;50;40,5;;Makroadenom 32 mm",
        ],
    )
    results = _results(outcome)
    factors = results["factors"].fillna("").tolist()
    assert "antipsychotic" in factors[0]
    assert "known_pituitary_lesion" in factors[1] or "stalk_effect" in factors[1]


@pytest.mark.parametrize(
    ("date_header", "date"),
    [
        ("Abn.-Datum", "15.03.2016"),
        ("Entn.-Datum", "15.03.2016"),
        ("Abnahmedat.", "15.03.2016"),
        ("Date prél.", "15/03/2016"),
        ("Data prel.", "15/03/2016"),
        ("Afn.datum", "15-03-2016"),
    ],
)
def test_shortened_collection_date_gives_the_age_at_sampling(
    tmp_path: Path, date_header: str, date: str
) -> None:
    # born 2006, sampled 2016: a child of 10 (the run's day would make an adult of 20)
    outcome = _run(
        tmp_path,
        [
            f"Pat.-Nr.;Geschlecht;Geb.-Dat.;{date_header};Prolaktin (µg/l)",
            f"1;m;10.01.2006;{date};17,0",
        ],
    )
    results = _results(outcome)
    assert float(results["age_years"].iloc[0]) < 11
    assert not pd.isna(results["collected_at"].iloc[0])


def test_birth_date_without_collection_date_is_warned(tmp_path: Path) -> None:
    outcome = _run(tmp_path, ["Pat.-Nr.;Geschl.;Geb.-Dat.;Prolaktin (µg/l)", "1;w;01.01.2000;20,5"])
    warnings = " ".join(w for summary in outcome.inputs for w in summary.warnings)
    assert "'Geb.-Dat.'" in warnings
    assert "no collection date" in warnings and "day of this run" in warnings


# ------------------------------------------------------------------------------------------------
# 2. The lab's flag column: "*" and "!" mark a value outside the lab's interval
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flag_header", "words"),
    [
        ("Kennz.", "Pat.-Nr.;Geschl.;Alter;Untersuchung;Ergebnis;Einheit"),
        ("Kennzeichen", "Pat.-Nr.;Geschl.;Alter;Untersuchung;Ergebnis;Einheit"),
        ("Markierung", "Pat.-Nr.;Geschl.;Alter;Untersuchung;Ergebnis;Einheit"),
        ("Flag", "Patient ID;Sex;Age;Test;Result;Unit"),
        ("Indicateur", "N° dossier;Sexe;Âge;Analyse;Résultat;Unité"),
        ("Indicador", "NHC;Sexo;Edad;Prueba;Resultado;Unidad"),
        ("Segnalazione", "Codice paziente;Sesso;Età;Esame;Risultato;Unità"),
        ("Vlag", "Patiëntnummer;Geslacht;Leeftijd;Bepaling;Uitslag;Eenheid"),
    ],
)
def test_star_and_bang_in_a_flag_column_are_abnormal(
    tmp_path: Path, flag_header: str, words: str
) -> None:
    # 17 ng/mL in a man is within the default interval (2-18): the lab's mark makes it
    # indeterminate, never a silent normal; an unmarked row stays normal (cell by cell)
    cells = ["*", "!", "pathologisch", "↑", "H", ""]
    lines = [f"{words};{flag_header}"]
    lines += [f"{i};m;30;Prolaktin;17,0;µg/l;{c}" for i, c in enumerate(cells, start=1)]
    results = _results(_run(tmp_path, lines, encoding="utf-8"))
    statuses = results.sort_values("source_row")["status"].tolist()
    assert statuses == ["indeterminate"] * 5 + ["normal"]


def test_star_in_a_flag_column_keeps_a_high_result_high(tmp_path: Path) -> None:
    lines = [
        "Pat.-Nr.;Geschl.;Alter;Untersuchung;Ergebnis;Einheit;Kennz.",
        "1;m;30;Prolaktin;60,0;µg/l;*",
        "2;m;30;Prolaktin;17,0;µg/l;!",
    ]
    results = _results(_run(tmp_path, lines)).sort_values("source_row")
    assert results["status"].tolist() == ["high", "indeterminate"]


# ------------------------------------------------------------------------------------------------
# 3. Above the measuring range in words: "above" + a range noun, without a number
# ------------------------------------------------------------------------------------------------
_FRENCH = "N° dossier;Sexe;Âge;Analyse;Résultat;Unité"


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        (_FRENCH, "> gamme"),
        (_FRENCH, "dépassement de gamme"),
        (_FRENCH, "au-dessus de l'intervalle"),
        (_FRENCH, "gamme dépassée"),
        ("NHC;Sexo;Edad;Prueba;Resultado;Unidad", "> rango"),
        ("NHC;Sexo;Edad;Prueba;Resultado;Unidad", "rango excedido"),
        ("Patient ID;Sex;Age;Test;Result;Unit", "> range"),
        ("Patient ID;Sex;Age;Test;Result;Unit", "> linearity"),
        ("Codice paziente;Sesso;Età;Esame;Risultato;Unità", "oltre limite"),
        ("Codice paziente;Sesso;Età;Esame;Risultato;Unità", "range superato"),
        ("Patiëntnummer;Geslacht;Leeftijd;Bepaling;Uitslag;Eenheid", "> meetbereik"),
        ("Patiëntnummer;Geslacht;Leeftijd;Bepaling;Uitslag;Eenheid", "hoger dan meetbereik"),
        ("Pat.-Nr.;Geschl.;Alter;Untersuchung;Ergebnis;Einheit", "> Messgrenze"),
    ],
)
def test_above_range_words_are_listed_urgent(tmp_path: Path, header: str, cell: str) -> None:
    outcome = _run(tmp_path, [header, f"1;F;35;Prolactin;{cell};ng/ml"])
    assert [r.reason_code for r in outcome.rejected] == ["unparseable_result"]
    assert len(outcome.urgent) == 1
    assert "above the measuring range" in outcome.rejected[0].detail


@pytest.mark.parametrize("cell", ["sup. à 200", "sup à 200", "sup. a 200", "sup. di 200"])
def test_shortened_greater_than_is_a_bound(tmp_path: Path, cell: str) -> None:
    outcome = _run(tmp_path, [_FRENCH, f"1;F;35;Prolactine;{cell};ng/ml"])
    results = _results(outcome)
    assert results["qualifier"].tolist() == [">"]
    assert results["priority"].tolist() == ["urgent"]


@pytest.mark.parametrize("cell", ["200 (> gamme)", "200 > rango", "200 oltre limite"])
def test_number_with_above_range_words_is_a_lower_bound(tmp_path: Path, cell: str) -> None:
    results = _results(_run(tmp_path, [_FRENCH, f"1;F;35;Prolactine;{cell};ng/ml"]))
    assert results["qualifier"].tolist() == [">"]
    assert results["priority"].tolist() == ["urgent"]


# ------------------------------------------------------------------------------------------------
# 4. Words: Dutch "lacterend" (lactating) and its forms; the sulpiride brand Eglonyl
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "note", ["lacterend", "lacterende moeder", "lacteert", "lactatie", "Patiënte lacterend"]
)
def test_dutch_lactating_words_set_lactation(tmp_path: Path, note: str) -> None:
    lines = [
        "Patiëntnummer;Geslacht;Leeftijd;Prolactine (ng/ml);Opmerking",
        f"1;V;30;150;{note}",
    ]
    results = _results(_run(tmp_path, lines))
    assert "lactation" in results["factors"].iloc[0]
    assert "prolactinoma_suspected" not in results["factors"].iloc[0]


@pytest.mark.parametrize(
    ("header", "sex"),
    [("Medik.", "w"), ("Medicatie", "V"), ("Traitement", "F"), ("Medications", "F")],
)
def test_eglonyl_is_sulpiride(tmp_path: Path, header: str, sex: str) -> None:
    lines = [f"Pat.-Nr.;Geschl.;Alter;Prolaktin (µg/l);{header}", f"1;{sex};30;60;Eglonyl 50 mg"]
    results = _results(_run(tmp_path, lines))
    assert "medication:antipsychotic" in results["factors"].iloc[0]
