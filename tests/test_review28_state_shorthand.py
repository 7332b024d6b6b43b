"""Review 28: physiological and organ states written in clinicians' shorthand.

- A pregnancy with its trimester numbered ("gravida 3° trimestre", "gravida III trim.", "3ª",
  "3eme", Dutch "3de") is a pregnancy in that trimester, never the obstetric count "gravida 3"
  (clinical-reference §4: do not label pregnant patients as hyperprolactinaemic; §2.1: prolactin
  rises each trimester, up to ~200 ng/mL at term and sometimes higher).
- The Dutch obstetric shorthand: "ZD" (zwangerschapsduur) and "a.d." (amenorroeduur) with the
  weeks, "zw." (zwanger), "geeft BV" (borstvoeding), "kraamvrouw" (a woman in the days after
  delivery): pregnancy, breastfeeding, postpartum (§4, §8 Pregnancy / Lactation rows).
- The NHG "CNS" (chronische nierschade) with its stage is chronic kidney disease of that stage
  (§4 CKD; §8 "CKD contributor: eGFR <30 or dialysis": stage 4 is below 30).
- Haemodialysis written "HD" beside a schedule or a programme in words is dialysis (§4: median 65
  ng/mL, IQR 48-195).
- Liver failure without "cirrhosis" is the work-up's "hepatic failure" (§1.2) and end-stage
  cirrhosis (§4, §8 "Cirrhosis contributor"); a chronic liver disease that does not say whether it
  is cirrhosis is a possible cause to assess; acute liver failure is no cirrhosis.
- Breast plastic surgery (mammoplasty, mastopexy) is chest-wall surgery (§1.1 table "chest wall
  (trauma, surgery, herpes zoster)", §4 "breast surgery"; "possible, uncommon").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin (ng/mL),Clinical details"


def _row(tmp_path: Path, sex: str, value: float, note: str) -> pd.Series:
    """The result of one patient born 1988 sampled on 20 Nov 2026 with `note` as the clinical
    details (a second, unrelated patient keeps the file a realistic export)."""
    lines = [
        f"P01,{sex},1988-04-12,2026-11-20,{value},{csv_quoted(note)}",
        "P02,F,1975-01-30,2026-11-20,12.4,routine check",
    ]
    return triage_lines(tmp_path, HEADER, lines).loc["P01"]


def _strength(row: pd.Series, code: str) -> str:
    """The strength the row gives `code` ("likely", "possible"), or "" when it is not given."""
    for part in str(row["factor_evidence"]).split(" | "):
        if part.startswith(f"{code} ("):
            return part[len(code) + 2 : part.index(")")]
    return ""


# ------------------------------------------------------------------ numbered trimesters ---
THIRD_TRIMESTER = [
    ("it", "gravida 3° trimestre"),
    ("it", "gravida III trim."),
    ("it", "gravida 3^ trimestre, controllo PRL"),
    ("it", "Gravida 3 trimestre"),
    ("fr", "grossesse 3eme trimestre"),
    ("es", "gestante 3ª trimestre"),
    ("nl", "zwanger 3de trimester"),
]


@pytest.mark.parametrize(("language", "note"), THIRD_TRIMESTER)
def test_a_third_trimester_numbered_is_judged_against_the_term_interval(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, "F", 280, note)
    assert row["reference_stratum"] == "default:pregnant_t3", (language, note)
    assert row["status"] == "normal" and row["priority"] == "none", (language, note)
    assert "prolactinoma_suspected" not in str(row["factors"]), (language, note)


EARLIER_TRIMESTER = [
    ("it", "gravida 2° trimestre"),
    ("it", "gravida II trim"),
    ("it", "gravida 2 trimestre"),
    ("it", "gravida 1° trimestre, nausea"),
    ("it", "gravida I trim."),
]


@pytest.mark.parametrize(("language", "note"), EARLIER_TRIMESTER)
def test_an_earlier_trimester_numbered_is_a_pregnancy(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, "F", 150, note)
    assert row["reference_stratum"] == "default:pregnant", (language, note)
    assert row["status"] == "normal", (language, note)
    assert "pregnancy" in str(row["factors"]).split(";"), (language, note)


@pytest.mark.parametrize("note", ["Gravida 3 Para 2", "gravida 2, para 1", "III-Gravida II-Para"])
def test_the_obstetric_count_stays_history(tmp_path: Path, note: str) -> None:
    """Guard: 'gravida 3' with its para is the count of pregnancies, no pregnancy now."""
    row = _row(tmp_path, "F", 150, note)
    assert not str(row["reference_stratum"]).startswith("default:pregnant"), note
    assert row["status"] == "high", note


# ------------------------------------------------------------------- Dutch obstetrics ---
DUTCH_PREGNANCY = [
    ("ZD 36 wkn", "default:pregnant_t3"),
    ("ZD 34+0", "default:pregnant_t3"),
    ("ZD: 30 wk, vitaal", "default:pregnant_t3"),
    ("a.d. 36 wk", "default:pregnant_t3"),
    ("A.D. 30 wkn; geen klachten", "default:pregnant_t3"),
    ("z.d. 32+4", "default:pregnant_t3"),
    ("zw. 20 wk", "default:pregnant"),
    ("zw 12+3, G2P1", "default:pregnant"),
    ("ZD 8+2", "default:pregnant"),
]


@pytest.mark.parametrize(("note", "stratum"), DUTCH_PREGNANCY)
def test_dutch_gestation_shorthand_is_a_pregnancy(tmp_path: Path, note: str, stratum: str) -> None:
    row = _row(tmp_path, "F", 180, note)
    assert row["reference_stratum"] == stratum, note
    assert row["status"] == "normal" and row["priority"] == "none", note
    assert "prolactinoma_suspected" not in str(row["factors"]), note


@pytest.mark.parametrize("note", ["geeft BV", "geeft nog BV, 4 mnd pp", "volledige BV", "BV: ja"])
def test_dutch_bv_given_is_breastfeeding(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "F", 150, note)
    assert row["reference_stratum"] == "default:lactating", note
    assert "lactation" in str(row["factors"]).split(";"), note
    assert "prolactinoma_suspected" not in str(row["factors"]), note


@pytest.mark.parametrize(
    "note",
    [
        "geeft geen BV",
        "BV: nee",
        "BV behandeld met metronidazol",
        "operatie a.d. knie, 2 wk geleden",
        "zw. 2 dagen koorts",
    ],
)
def test_dutch_lookalikes_are_no_physiological_state(tmp_path: Path, note: str) -> None:
    """Guard: 'BV' denied or a bacterial vaginosis, 'a.d.' as 'aan de', 'zw.' without weeks."""
    row = _row(tmp_path, "F", 150, note)
    assert row["reference_stratum"] == "default:adult_female", note
    assert row["status"] == "high", note


@pytest.mark.parametrize("note", ["kraamvrouw", "Kraamvrouw dag 3, klachten hoofdpijn"])
def test_kraamvrouw_is_the_postpartum(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "F", 150, note)
    assert _strength(row, "lactation"), (note, row["factor_evidence"])
    assert "prolactinoma_suspected" not in str(row["factors"]), note


# ------------------------------------------------------------------------- NHG CNS stage ---
@pytest.mark.parametrize(
    ("note", "strength"),
    [
        ("CNS G4", "likely"),
        ("CNS G4A3, HT, DM2", "likely"),
        ("CNS stadium 4", "likely"),
        ("CNS st. 4 (NHG)", "likely"),
        ("CNS stadium 3b", "possible"),
        ("bekend met CNS G3a", "possible"),
    ],
)
def test_the_nhg_cns_stage_is_chronic_kidney_disease(
    tmp_path: Path, note: str, strength: str
) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "renal_impairment") == strength, (note, row["factor_evidence"])


@pytest.mark.parametrize("note", ["CNS lymfoom", "CNS-metastasen", "CNS WHO graad 4 glioom"])
def test_cns_as_the_nervous_system_is_no_kidney(tmp_path: Path, note: str) -> None:
    """Guard: the central nervous system's 'CNS' says nothing of the kidney."""
    row = _row(tmp_path, "M", 60, note)
    assert not _strength(row, "renal_impairment"), note


# ------------------------------------------------------------------ HD with a schedule ---
HD_SCHEDULES = [
    ("es", "HD 3 días/semana"),
    ("es", "en programa de HD"),
    ("es", "HD lunes-miércoles-viernes"),
    ("es", "HD L-X-V por FAV"),
    ("es", "HDF on-line"),
    ("es", "HD 3 veces por semana"),
    ("it", "HD lunedì, mercoledì e venerdì"),
    ("it", "HD 3 volte a settimana"),
    ("fr", "HD 3 séances par semaine"),
    ("de", "HD 3 Tage/Woche"),
    ("nl", "HD ma-wo-vr"),
    ("nl", "HD 3 keer per week"),
    ("en", "HD 3 sessions/week"),
]


@pytest.mark.parametrize(("language", "note"), HD_SCHEDULES)
def test_hd_with_its_schedule_in_words_is_dialysis(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, "M", 150, note)
    assert _strength(row, "dialysis") == "likely", (language, note, row["factor_evidence"])
    assert "prolactinoma_suspected" not in str(row["factors"]), (language, note)


@pytest.mark.parametrize(
    "note",
    ["Chorea Huntington (HD), fisioterapia 3 días/semana", "HD-MTX, 3 Tage/Woche stationär"],
)
def test_hd_that_names_something_else_is_no_dialysis(tmp_path: Path, note: str) -> None:
    """Guard: Huntington's disease or a high-dose methotrexate beside a schedule."""
    row = _row(tmp_path, "M", 150, note)
    assert not _strength(row, "dialysis"), note


# ------------------------------------------------------------------------------ liver ---
LIVER_FAILURE = [
    ("fr", "insuffisance hépatique"),
    ("fr", "insuffisance hépatocellulaire sévère"),
    ("en", "liver failure"),
    ("en", "known chronic hepatic failure"),
    ("de", "Leberinsuffizienz"),
    ("de", "chronisches Leberversagen"),
    ("es", "insuficiencia hepática"),
    ("es", "fallo hepático crónico"),
    ("it", "insufficienza epatica"),
    ("nl", "leverfalen"),
    ("nl", "leverinsufficiëntie"),
]


@pytest.mark.parametrize(("language", "note"), LIVER_FAILURE)
def test_liver_failure_is_advanced_cirrhosis(tmp_path: Path, language: str, note: str) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "liver_cirrhosis") == "likely", (language, note, row["factor_evidence"])
    assert "unexplained" not in str(row["factors"]), (language, note)


CHRONIC_LIVER_DISEASE = [
    ("fr", "hépatopathie chronique"),
    ("fr", "hépatopathie alcoolique"),
    ("fr", "maladie alcoolique du foie"),
    ("en", "alcoholic liver disease"),
    ("en", "chronic liver disease"),
    ("de", "chronische Lebererkrankung"),
    ("de", "äthyltoxische Hepatopathie"),
    ("es", "hepatopatía crónica enólica"),
    ("it", "epatopatia cronica alcolica"),
    ("nl", "chronische leverziekte"),
]


@pytest.mark.parametrize(("language", "note"), CHRONIC_LIVER_DISEASE)
def test_a_chronic_liver_disease_is_a_possible_cause_to_assess(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "liver_cirrhosis") == "possible", (language, note)
    assert "assess for cirrhosis" in str(row["factor_evidence"]), (language, note)


def test_liver_failure_with_encephalopathy_is_judged_with_it(tmp_path: Path) -> None:
    row = _row(tmp_path, "M", 150, "insuffisance hépatique, encéphalopathie")
    assert _strength(row, "liver_cirrhosis") == "likely", row["factor_evidence"]
    assert "encéphalopathie" in str(row["factor_evidence"])


@pytest.mark.parametrize(
    "note",
    [
        "acute liver failure",
        "akutes Leberversagen nach Paracetamol",
        "insuffisance hépatique aiguë",
        "hépatite fulminante",
        "fallo hepático agudo",
        "insufficienza epatica acuta",
        "acuut leverfalen",
        "hépatopathie chronique sans cirrhose",
        "pas d'insuffisance hépatique",
        "hépatopathie",
    ],
)
def test_acute_denied_or_unqualified_liver_words_are_no_cirrhosis(
    tmp_path: Path, note: str
) -> None:
    """Guard: acute liver failure is no cirrhosis (review 27); a denial or a bare liver word says
    no cirrhosis either."""
    row = _row(tmp_path, "M", 60, note)
    assert not _strength(row, "liver_cirrhosis"), (note, row["factor_evidence"])


# ------------------------------------------------------------------------- chest wall ---
@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("fr", "mammoplastie"),
        ("fr", "mastopexie bilatérale"),
        ("en", "reduction mammoplasty"),
        ("en", "mastopexy"),
        ("es", "mamoplastia de reducción"),
        ("it", "mastoplastica additiva"),
        ("nl", "mammaplastiek"),
        ("de", "Bruststraffung"),
    ],
)
def test_breast_plastic_surgery_is_chest_wall_surgery(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, "F", 40, note)
    assert _strength(row, "chest_wall_stimulation") == "possible", (language, note)


def test_a_denied_mammoplasty_is_no_chest_wall_factor(tmp_path: Path) -> None:
    """Guard: a negation reaches the operation word."""
    row = _row(tmp_path, "F", 40, "pas de mammoplastie")
    assert not _strength(row, "chest_wall_stimulation")
