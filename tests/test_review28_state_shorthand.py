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


# ------------------------------------------- numbered trimesters, Dutch gestation shorthand ---
# (clinical details, prolactin ng/mL, the stratum that judges it)
PREGNANCY = [
    ("gravida 3° trimestre", 280, "default:pregnant_t3"),
    ("gravida III trim.", 280, "default:pregnant_t3"),
    ("gravida 3^ trimestre, controllo PRL", 280, "default:pregnant_t3"),
    ("Gravida 3 trimestre", 280, "default:pregnant_t3"),
    ("grossesse 3eme trimestre", 280, "default:pregnant_t3"),
    ("gestante 3ª trimestre", 280, "default:pregnant_t3"),
    ("zwanger 3de trimester", 280, "default:pregnant_t3"),
    ("gravida 2° trimestre", 150, "default:pregnant"),
    ("gravida II trim", 150, "default:pregnant"),
    ("gravida 2 trimestre", 150, "default:pregnant"),
    ("gravida 1° trimestre, nausea", 150, "default:pregnant"),
    ("gravida I trim.", 150, "default:pregnant"),
    ("ZD 36 wkn", 180, "default:pregnant_t3"),
    ("ZD 34+0", 180, "default:pregnant_t3"),
    ("ZD: 30 wk, vitaal", 180, "default:pregnant_t3"),
    ("a.d. 36 wk", 180, "default:pregnant_t3"),
    ("A.D. 30 wkn; geen klachten", 180, "default:pregnant_t3"),
    ("z.d. 32+4", 180, "default:pregnant_t3"),
    ("zw. 20 wk", 180, "default:pregnant"),
    ("zw 12+3, G2P1", 180, "default:pregnant"),
    ("ZD 8+2", 180, "default:pregnant"),
]


@pytest.mark.parametrize(("note", "value", "stratum"), PREGNANCY)
def test_a_pregnancy_in_shorthand_is_judged_against_its_interval(
    tmp_path: Path, note: str, value: float, stratum: str
) -> None:
    row = _row(tmp_path, "F", value, note)
    assert row["reference_stratum"] == stratum, note
    assert row["status"] == "normal" and row["priority"] == "none", note
    assert "pregnancy" in str(row["factors"]).split(";"), note


@pytest.mark.parametrize("note", ["Gravida 3 Para 2", "gravida 2, para 1", "III-Gravida II-Para"])
def test_the_obstetric_count_stays_history(tmp_path: Path, note: str) -> None:
    """Guard: 'gravida 3' with its para is the count of pregnancies, no pregnancy now."""
    row = _row(tmp_path, "F", 150, note)
    assert not str(row["reference_stratum"]).startswith("default:pregnant"), note
    assert row["status"] == "high", note


# ------------------------------------------------------------------- Dutch feeding words ---
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


# -------------------------------------------- organ states and chest-wall surgery: factors ---
# (factor code, its strength, sex, prolactin ng/mL, clinical details)
FACTORS = [
    # the NHG "CNS" stage (stage 4: eGFR below 30, likely; stage 3: possible)
    # a G alone only beside a kidney word (review 28, reviewer A: "CNS G4 astrocytoma")
    ("renal_impairment", "likely", "M", 60, "CNS G4, eGFR 25"),
    ("renal_impairment", "likely", "M", 60, "CNS G4A3, HT, DM2"),
    ("renal_impairment", "likely", "M", 60, "CNS stadium 4"),
    ("renal_impairment", "likely", "M", 60, "CNS st. 4 (NHG)"),
    ("renal_impairment", "possible", "M", 60, "CNS stadium 3b"),
    ("renal_impairment", "possible", "M", 60, "bekend met CNS G3a A2"),
    # HD with its schedule or programme in words
    ("dialysis", "likely", "M", 150, "HD 3 días/semana"),
    ("dialysis", "likely", "M", 150, "en programa de HD"),
    ("dialysis", "likely", "M", 150, "HD lunes-miércoles-viernes"),
    ("dialysis", "likely", "M", 150, "HD L-X-V por FAV"),
    ("dialysis", "likely", "M", 150, "HDF on-line"),
    ("dialysis", "likely", "M", 150, "HD 3 veces por semana"),
    ("dialysis", "likely", "M", 150, "HD lunedì, mercoledì e venerdì"),
    ("dialysis", "likely", "M", 150, "HD 3 volte a settimana"),
    ("dialysis", "likely", "M", 150, "HD 3 séances par semaine"),
    ("dialysis", "likely", "M", 150, "HD 3 Tage/Woche"),
    ("dialysis", "likely", "M", 150, "HD ma-wo-vr"),
    ("dialysis", "likely", "M", 150, "HD 3 keer per week"),
    ("dialysis", "likely", "M", 150, "HD 3 sessions/week"),
    # liver failure: end-stage liver disease, advanced cirrhosis
    ("liver_cirrhosis", "likely", "M", 60, "insuffisance hépatique"),
    ("liver_cirrhosis", "likely", "M", 60, "insuffisance hépatocellulaire sévère"),
    ("liver_cirrhosis", "likely", "M", 60, "liver failure"),
    ("liver_cirrhosis", "likely", "M", 60, "known chronic hepatic failure"),
    ("liver_cirrhosis", "likely", "M", 60, "Leberinsuffizienz"),
    ("liver_cirrhosis", "likely", "M", 60, "chronisches Leberversagen"),
    ("liver_cirrhosis", "likely", "M", 60, "insuficiencia hepática"),
    ("liver_cirrhosis", "likely", "M", 60, "fallo hepático crónico"),
    ("liver_cirrhosis", "likely", "M", 60, "insufficienza epatica"),
    ("liver_cirrhosis", "likely", "M", 60, "leverfalen"),
    ("liver_cirrhosis", "likely", "M", 60, "leverinsufficiëntie"),
    # a chronic liver disease that does not say it is cirrhosis: possible, to assess
    ("liver_cirrhosis", "possible", "M", 60, "hépatopathie chronique"),
    ("liver_cirrhosis", "possible", "M", 60, "hépatopathie alcoolique"),
    ("liver_cirrhosis", "possible", "M", 60, "maladie alcoolique du foie"),
    ("liver_cirrhosis", "possible", "M", 60, "alcoholic liver disease"),
    ("liver_cirrhosis", "possible", "M", 60, "chronic liver disease"),
    ("liver_cirrhosis", "possible", "M", 60, "chronische Lebererkrankung"),
    ("liver_cirrhosis", "possible", "M", 60, "äthyltoxische Hepatopathie"),
    ("liver_cirrhosis", "possible", "M", 60, "hepatopatía crónica enólica"),
    ("liver_cirrhosis", "possible", "M", 60, "epatopatia cronica alcolica"),
    ("liver_cirrhosis", "possible", "M", 60, "chronische leverziekte"),
    # breast plastic surgery: chest-wall surgery, possible and uncommon
    ("chest_wall_stimulation", "possible", "F", 40, "mammoplastie"),
    ("chest_wall_stimulation", "possible", "F", 40, "mastopexie bilatérale"),
    ("chest_wall_stimulation", "possible", "F", 40, "reduction mammoplasty"),
    ("chest_wall_stimulation", "possible", "F", 40, "mastopexy"),
    ("chest_wall_stimulation", "possible", "F", 40, "mamoplastia de reducción"),
    ("chest_wall_stimulation", "possible", "F", 40, "mastoplastica additiva"),
    ("chest_wall_stimulation", "possible", "F", 40, "mammaplastiek"),
    ("chest_wall_stimulation", "possible", "F", 40, "Bruststraffung"),
]


@pytest.mark.parametrize(("code", "strength", "sex", "value", "note"), FACTORS)
def test_the_state_written_in_shorthand_gives_its_factor(
    tmp_path: Path, code: str, strength: str, sex: str, value: float, note: str
) -> None:
    row = _row(tmp_path, sex, value, note)
    assert _strength(row, code) == strength, (note, row["factor_evidence"])
    assert "prolactinoma_suspected" not in str(row["factors"]), note
    if code == "liver_cirrhosis" and strength == "possible":
        assert "assess for cirrhosis" in str(row["factor_evidence"]), note


def test_liver_failure_with_encephalopathy_is_judged_with_it(tmp_path: Path) -> None:
    row = _row(tmp_path, "M", 150, "insuffisance hépatique, encéphalopathie")
    assert _strength(row, "liver_cirrhosis") == "likely", row["factor_evidence"]
    assert "encéphalopathie" in str(row["factor_evidence"])


# (factor code the words must not give, sex, prolactin ng/mL, clinical details)
NO_FACTOR = [
    # the central nervous system's "CNS"
    ("renal_impairment", "M", 60, "CNS lymfoom"),
    ("renal_impairment", "M", 60, "CNS-metastasen"),
    ("renal_impairment", "M", 60, "CNS WHO graad 4 glioom"),
    # HD as Huntington's disease or a high-dose methotrexate beside a schedule
    ("dialysis", "M", 150, "Chorea Huntington (HD), fisioterapia 3 días/semana"),
    ("dialysis", "M", 150, "HD-MTX, 3 Tage/Woche stationär"),
    # acute liver failure is no cirrhosis (review 27); a denial or a bare liver word neither
    ("liver_cirrhosis", "M", 60, "acute liver failure"),
    ("liver_cirrhosis", "M", 60, "akutes Leberversagen nach Paracetamol"),
    ("liver_cirrhosis", "M", 60, "insuffisance hépatique aiguë"),
    ("liver_cirrhosis", "M", 60, "hépatite fulminante"),
    ("liver_cirrhosis", "M", 60, "fallo hepático agudo"),
    ("liver_cirrhosis", "M", 60, "insufficienza epatica acuta"),
    ("liver_cirrhosis", "M", 60, "acuut leverfalen"),
    ("liver_cirrhosis", "M", 60, "hépatopathie chronique sans cirrhose"),
    ("liver_cirrhosis", "M", 60, "pas d'insuffisance hépatique"),
    ("liver_cirrhosis", "M", 60, "hépatopathie"),
    # a negation reaches the operation word
    ("chest_wall_stimulation", "F", 40, "pas de mammoplastie"),
]


@pytest.mark.parametrize(("code", "sex", "value", "note"), NO_FACTOR)
def test_lookalikes_give_no_factor(
    tmp_path: Path, code: str, sex: str, value: float, note: str
) -> None:
    """Guard: what else the same letters or words mean gives no factor."""
    row = _row(tmp_path, sex, value, note)
    assert not _strength(row, code), (note, row["factor_evidence"])


# --------------------------------------------------- the lab interval's unit in its words ---
@pytest.mark.parametrize(
    "interval",
    [
        "102 - 496 µUI/mL",
        "102-496 mUI/L",
        "102 - 496 microUI/ml",
        "102 - 496 mE/l",
        "102-496 mIE/l",
    ],
)
def test_an_interval_in_the_other_unit_is_said_to_name_it(tmp_path: Path, interval: str) -> None:
    """The note says why the lab's mIU/L interval beside a result in ng/mL was converted: its
    text names the unit (French, Spanish, Italian "UI", German and Dutch "E", "IE"), not that no
    unit was written."""
    lines = [f"P01,F,1988-04-12,2026-11-20,20,ng/mL,{csv_quoted(interval)}"]
    header = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Reference range"
    row = triage_lines(tmp_path, header, lines).loc["P01"]
    assert row["reference_high_ng_ml"] == pytest.approx(23.4, abs=0.1), interval
    assert "as the text says" in str(row["reference_note"]), row["reference_note"]
    assert "no unit is written" not in str(row["reference_note"]), interval
