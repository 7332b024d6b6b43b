"""Review 23 (hunt D), Dutch and Belgian (Flemish, Walloon) laboratory exports, the reading side.

- A result cell that points to the note ("zie opmerking", "see comment", "voir commentaire",
  "siehe Befundtext", "s. Kommentar", "voir résultat dilué") while the note writes the diluted
  value: the note's value is read with its unit and triaged (contract §7 and clinical-reference
  §0, §8: above 5,000 mIU/L is urgent); a note without a unit is not triaged, but listed with
  the urgent results when a number it holds may be above the urgent level.
- Belgian date-times ("08u30", "di 14/05/2024", "le 14/05/2024 à 8h30") are read; a collection
  date that still cannot be read never moves a patient into the run day's age stratum
  (contract §5 "never a false normal"; clinical-reference §2.1 paediatric and neonatal
  intervals).
- A long export's hCG and creatinine lines are read with the file's decimal mark ("1.250" beside
  "136,8" is 1250 IU/L: a positive pregnancy test, clinical-reference §1.4, §2.1, §8); an hCG the
  lab flagged high is never taken as negative.
- Dutch plural age abbreviations ("10 dgn", "4 mndn", "5 dgn.").

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import parse_date_text

WIDE = "Patiëntnummer;Geslacht;Leeftijd;Afnamedatum;Prolactine;Eenheid;Referentiewaarde;Opmerking"
# ordinary rows: the column is a result column whatever the few pointing cells say
PLAIN = [
    "C01;M;35;14/05/2024;250;mE/l;86 - 324;",
    "C02;M;36;14/05/2024;180;mE/l;86 - 324;",
    "C03;V;37;14/05/2024;310;mE/l;102 - 496;",
    "C04;M;38;14/05/2024;200;mE/l;86 - 324;",
]


def _run(tmp_path: Path, text: str, name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, fail_on="urgent")
    )


def _lines(tmp_path: Path, header: str, lines: list[str]) -> TriageOutcome:
    return _run(tmp_path, header + "\n" + "\n".join(lines) + "\n")


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _rejected(outcome: TriageOutcome) -> dict[str, tuple[str, str, bool]]:
    return {
        str(r.patient_id): (r.reason_code, r.detail, r.possibly_urgent) for r in outcome.rejected
    }


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


# ------------------------------------------------------------------------------ see the note ---
def test_a_result_cell_pointing_to_the_note_is_triaged_with_the_notes_value(
    tmp_path: Path,
) -> None:
    """Contract §7, clinical-reference §0/§8: 6200 mIU/L (292 ng/mL) written in the note after
    dilution, the cell saying "see the note" in Dutch, English, French, German, Spanish and
    Italian: read and urgent (the run's --fail-on urgent matches); a low value in the note is
    read too (normal); the cells pointing to the note are said in a warning."""
    lines = [
        *PLAIN,
        "N1;M;41;14/05/2024;zie opmerking;mE/l;86 - 324;waarde 6.200 mE/l na verdunning 1:10",
        "N2;M;52;14/05/2024;see comment;mIU/L;86 - 324;result 6200 mIU/L after 1:10 dilution",
        "N3;M;47;14/05/2024;voir commentaire;mUI/l;86 - 324;après dilution 1/10 : 6200 mUI/l",
        "N4;M;47;14/05/2024;siehe Befundtext;mU/l;86 - 324;"
        "Ergebnis nach Verdünnung 1:10: 6200 mU/l",
        "N5;M;47;14/05/2024;zie resultaat opmerking;mE/l;86 - 324;na verdunning: 6200 mE/l",
        "N6;M;47;14/05/2024;zie commentaar;mE/l;86 - 324;prolactine: 6200 mE/l",
        "N7;M;47;14/05/2024;ver comentario;mUI/L;86 - 324;resultado: 6200 mUI/L",
        "N8;M;47;14/05/2024;vedi commento;µg/l;4 - 15;292 µg/l dopo diluizione",
        "N9;M;47;14/05/2024;voir résultat dilué;mUI/l;86 - 324;6200 mUI/l",
        "L1;M;47;14/05/2024;zie opm.;mE/l;86 - 324;waarde 250 mE/l",
    ]
    outcome = _lines(tmp_path, WIDE, lines)
    results = _results(outcome)
    assert outcome.rejected == []
    for patient in ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"):
        assert results.loc[patient, "priority"] == "urgent", patient
        assert results.loc[patient, "prolactin_ng_ml"] > 250, patient
    assert results.loc["L1", "status"] == "normal"
    assert results.loc["L1", "prolactin_value"] == 250
    assert outcome.fail_on_matches >= 9
    assert "pointing to the note" in _warnings(outcome)


def test_a_note_without_its_unit_is_not_triaged_but_listed_when_it_may_be_urgent(
    tmp_path: Path,
) -> None:
    """A note whose number has no unit ("6200 nach Verdünnung", "na verdunning 1:10: 6200") is
    not triaged on a guess, but the row is listed with the urgent results (possibly urgent,
    --fail-on urgent matches); a note with no result ("hemolytisch") or only a date and a
    dilution ratio is not listed."""
    lines = [
        *PLAIN,
        "G1;M;44;14/05/2024;s. Kommentar;mU/l;86 - 324;6200 nach Verdünnung",
        "G2;M;44;14/05/2024;zie opmerking;mE/l;86 - 324;na verdunning 1:10: 6200",
        "G3;M;44;14/05/2024;zie opmerking;mE/l;86 - 324;hemolytisch, nieuwe afname gevraagd",
        "G4;M;44;14/05/2024;zie opmerking;µg/l;4 - 15;herhaald op 14/05/2024 na verdunning 1:100",
    ]
    outcome = _lines(tmp_path, WIDE, lines)
    rejected = _rejected(outcome)
    for patient in ("G1", "G2"):
        reason, detail, urgent = rejected[patient]
        assert reason == "unparseable_result", patient
        assert urgent, patient
        assert "points to the note" in detail and "6200" in detail, patient
    for patient in ("G3", "G4"):
        reason, detail, urgent = rejected[patient]
        assert reason == "unparseable_result" and not urgent, patient
        assert "points to the note" in detail, patient
    assert outcome.fail_on_matches == 2


def test_a_long_export_reads_the_value_from_a_result_comment_column_or_a_wrapped_row(
    tmp_path: Path,
) -> None:
    """A Flemish LIS export: Uitslag "zie opm." with the diluted value in a Resultaatopmerking
    column (beside the clinical note), or on the wrapped next row of the note: urgent."""
    header = (
        "Patiëntnummer;Geslacht;Geboortedatum;Afnamedatum;Aanvraagnummer;Bepaling;Uitslag;"
        "Eenheid;Referentiewaarde;Opmerking;Resultaatopmerking"
    )
    lines = [
        "P1;M;02-02-1971;14-05-2024 08:55;24A0016;Prolactine;zie opm.;mE/l;86 - 324;hoofdpijn;"
        "6.200 mE/l na verdunning 1:10",
        "P2;M;02-02-1973;14-05-2024 09:05;24A0017;Prolactine;136,8;mE/l;86 - 324;;",
        "P2;M;02-02-1973;14-05-2024 09:05;24A0017;TSH;1,8;mE/l;0,27 - 4,2;;",
    ]
    results = _results(_lines(tmp_path, header, lines))
    assert results.loc["P1", "priority"] == "urgent"
    assert results.loc["P1", "prolactin_value"] == 6200

    wrapped = (
        "Patiëntnummer;Geslacht;Geboortedatum;Afnamedatum;Aanvraagnummer;Bepaling;Uitslag;"
        "Eenheid;Referentiewaarde;Opmerking\n"
        "P1;M;02-02-1971;14-05-2024 08:55;24A0016;Prolactine;zie opm.;mE/l;86 - 324;"
        "na verdunning:\n"
        ";;;;;;;;;6.200 mE/l\n"
        "P2;M;02-02-1973;14-05-2024 09:05;24A0017;Prolactine;136,8;mE/l;86 - 324;\n"
    )
    (tmp_path / "two").mkdir()
    results = _results(_run(tmp_path / "two", wrapped))
    assert results.loc["P1", "priority"] == "urgent"


def test_an_hl7_result_pointing_to_its_note_is_read_from_the_nte(tmp_path: Path) -> None:
    """HL7 v2: OBX-5 "see comment" with the diluted value in the result's NTE: urgent."""
    message = "\r".join(
        [
            "MSH|^~\\&|LIS|LAB|EHR|CLIN|20260301120000||ORU^R01|C1|P|2.5",
            "PID|1||H1^^^H^MR||Muster^Hans||19700101|M",
            "OBR|1|O1|F1|P^Panel|||202603010900",
            "OBX|1|ST|2842-3^Prolactin^LN|1|see comment|mIU/L|86-324||||F",
            "NTE|1|L|result 6200 mIU/L after 1:10 dilution",
        ]
    )
    results = _results(_run(tmp_path, message + "\r", "message.hl7"))
    assert results.loc["H1", "priority"] == "urgent"


# ------------------------------------------------------------------------------------- dates ---
def test_belgian_date_times_are_read() -> None:
    """The Flemish hour "08u30", weekday abbreviations, the French "le … à 8h30", a dash before
    the time and a Flemish LIS's trailing mark."""
    at = pd.Timestamp("2024-05-14 08:30")
    day = pd.Timestamp("2024-05-14")
    cases = {
        "14/05/2024 08u30": at,
        "14/05/2024 8u30": at,
        "14.05.2024 08u30": at,
        "14/05/2024 - 08u30": at,
        "14/05/2024 08u30'": at,
        "le 14/05/2024 à 8h30": at,
        "di 14/05/2024": day,
        "mardi 14/05/2024": day,
        "le mardi 14/05/2024": day,
        "ma 13/05/2024": pd.Timestamp("2024-05-13"),
        "vr 17-05-2024 10u15": pd.Timestamp("2024-05-17 10:15"),
    }
    for text, expected in cases.items():
        assert parse_date_text(text) == expected, text


def test_belgian_collection_dates_give_the_age_at_the_sample(tmp_path: Path) -> None:
    """Clinical-reference §2.1: a girl of 17.4 at the sample ("08u30") is judged against the
    11-18 years interval (30 µg/L high), never the adults' (normal); a boy of 13 days ("di
    14/05/2024") against the neonatal one (3000 mU/L normal), not a child's of 2-6 years."""
    header = "Patiëntnummer;Geslacht;Geboortedatum;Afnamedatum;Prolactine;Eenheid"
    lines = [
        "A1;V;20/11/2006;14/05/2024 08u30;30;µg/l",
        "A2;V;20/11/2006;le 14/05/2024 à 8h30;30;µg/l",
        "N1;M;01/05/2024;di 14/05/2024;3000;mU/l",
        "N2;M;01/05/2024;vr 17-05-2024 10u15;3000;mU/l",
    ]
    results = _results(_lines(tmp_path, header, lines))
    for patient in ("A1", "A2"):
        assert results.loc[patient, "status"] == "high", patient
        assert "11_18" in str(results.loc[patient, "reference_stratum"]), patient
    for patient in ("N1", "N2"):
        assert results.loc[patient, "status"] == "normal", patient
        assert "neonate" in str(results.loc[patient, "reference_stratum"]), patient


def test_an_unreadable_collection_date_never_moves_the_patient_into_another_stratum(
    tmp_path: Path,
) -> None:
    """Contract §5: a collection date that cannot be read, the age counted from the birth date:
    where the age at the sample (from the year the cell writes, else any age) and the age on
    the run's day lie in different strata, the row is rejected (unreadable_age), not judged
    against the run day's interval, and listed with the urgent results when it may be urgent.
    A man whose ages either way are adult ages is triaged as before."""
    header = "Patiëntnummer;Geslacht;Geboortedatum;Afnamedatum;Prolactine;Eenheid"
    lines = [
        "X1;V;20/11/2008;14/05/2024 8 uur 30 (gecorr.);30;µg/l",
        "X2;M;01/05/2024;onbekend;3000;mU/l",
        "X3;M;01/05/2024;??;8000;mU/l",
        "X4;M;01/01/1980;?? 2024 (gecorr.);20;µg/l",
        "X5;M;01/01/1980;14/05/2024;20;µg/l",
    ]
    outcome = _lines(tmp_path, header, lines)
    rejected = _rejected(outcome)
    for patient in ("X1", "X2", "X3"):
        reason, detail, _ = rejected[patient]
        assert reason == "unreadable_age", patient
        assert "could not be read" in detail, patient
    assert rejected["X3"][2]  # 8000 mU/L: urgent whatever the interval
    assert not rejected["X1"][2]
    results = _results(outcome)
    assert "X4" in results.index and "X4" not in rejected
    assert outcome.fail_on_matches == 1


# --------------------------------------------------------------------------------------- hCG ---
LONG = (
    "Patiëntnummer;Geslacht;Geboortedatum;Afnamedatum;Aanvraagnummer;Bepaling;Uitslag;Eenheid;"
    "Referentiewaarde;Vlag"
)


def test_a_long_exports_hcg_is_read_with_the_files_decimal_mark(tmp_path: Path) -> None:
    """Clinical-reference §1.4, §2.1, §8: hCG "1.250 E/l", "12.450 E/l", "5.300 U/l", "2.150
    mIU/ml" in a file whose numbers write a decimal comma ("136,8") are 1250-12450 IU/L: a
    positive pregnancy test, the pregnancy factor and interval (contract §5 physiological), no
    pituitary MRI (gadolinium) suggested; creatinine "1.050 µmol/l" is 1050 µmol/L."""
    lines = [
        "P1;V;02-02-1991;14-05-2024 08:55;24A0016;Prolactine;136,8;µg/l;4,79 - 23,3;HH",
        "P1;V;02-02-1991;14-05-2024 08:55;24A0016;hCG;1.250;E/l;< 5;H",
        "P2;V;02-02-1993;14-05-2024 09:05;24A0017;Prolactine;183,9;µg/l;4,79 - 23,3;HH",
        "P2;V;02-02-1993;14-05-2024 09:05;24A0017;hCG;12.450;E/l;< 5;H",
        "P3;V;02-02-1993;14-05-2024 09:15;24A0018;Prolactine;183,9;µg/l;4,79 - 23,3;HH",
        "P3;V;02-02-1993;14-05-2024 09:15;24A0018;hCG totaal;5.300;U/l;< 5;H",
        "P4;V;02-02-1993;14-05-2024 09:25;24A0019;Prolactine;183,9;µg/l;4,79 - 23,3;HH",
        "P4;V;02-02-1993;14-05-2024 09:25;24A0019;β-hCG;2.150;mIU/ml;< 5;",
        "P5;M;02-02-1963;14-05-2024 09:35;24A0020;Prolactine;45,2;µg/l;4,04 - 15,2;H",
        "P5;M;02-02-1963;14-05-2024 09:35;24A0020;Creatinine;1.050;µmol/l;60 - 110;H",
    ]
    results = _results(_lines(tmp_path, LONG, lines))
    for patient in ("P1", "P2", "P3", "P4"):
        row = results.loc[patient]
        assert "pregnancy" in str(row["factors"]).split(";"), patient
        assert row["reference_source"] == "physiological", patient
        assert "pituitary_mri" not in str(row["suggestions"]), patient
    assert "renal_impairment" in str(results.loc["P5", "factors"])


def test_an_hcg_the_lab_flagged_high_is_never_read_as_negative(tmp_path: Path) -> None:
    """A comma-separated file that shows no decimal mark: hCG "1.250" is read as 1.25, yet the
    lab flagged it H: not taken as a negative test (the pregnancy test is still suggested), and
    a warning says so.  The same line without the flag stays negative."""
    header = "Patient;Sex;DOB;Collected;Specimen;Test;Result;Unit;Reference;Flag"
    lines = [
        "Q1;F;1991-02-02;2024-05-14 08:55;S1;Prolactin;137;ng/mL;4.8-23.3;H",
        "Q1;F;1991-02-02;2024-05-14 08:55;S1;hCG;1.250;IU/L;< 5;H",
        "Q2;F;1991-02-02;2024-05-14 09:55;S2;Prolactin;137;ng/mL;4.8-23.3;H",
        "Q2;F;1991-02-02;2024-05-14 09:55;S2;hCG;1.250;IU/L;< 5;",
    ]
    outcome = _lines(tmp_path, header.replace(";", ","), [line.replace(";", ",") for line in lines])
    results = _results(outcome)
    assert "pregnancy_test" in str(results.loc["Q1", "suggestions"])
    assert "pregnancy_test" not in str(results.loc["Q2", "suggestions"])
    assert "flagged high read as negative" in _warnings(outcome)


# -------------------------------------------------------------------------------------- ages ---
def test_dutch_plural_age_abbreviations_are_read(tmp_path: Path) -> None:
    """Clinical-reference §2.1: a neonate of "10 dgn" or "5 dgn." and an infant of "4 mndn" or
    "2 mndn" are triaged against their age's interval, never rejected as unreadable_age."""
    header = "Patiëntnummer;Geslacht;Leeftijd;Afnamedatum;Prolactine;Eenheid"
    lines = [
        "W3;M;10 dgn;14/05/2024 10:00;3000;mU/l",
        "W4;M;4 mndn;14/05/2024 10:00;1500;mU/l",
        "W5;M;5 dgn.;14/05/2024 10:00;3000;mU/l",
        "W6;V;2 mndn;14/05/2024 10:00;1500;mU/l",
    ]
    outcome = _lines(tmp_path, header, lines)
    assert outcome.rejected == []
    results = _results(outcome)
    ages = {"W3": 10 / 365.25, "W4": 4 / 12, "W5": 5 / 365.25, "W6": 2 / 12}
    for patient, age in ages.items():
        assert abs(float(results.loc[patient, "age_years"]) - age) < 0.01, patient
    assert "neonate" in str(results.loc["W3", "reference_stratum"])
