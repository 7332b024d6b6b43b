"""Review 22 (a German-speaking lab and a paediatric endocrinologist): red flags, questions
versus findings, hypothalamic disease, men's breast symptoms, a child's urgent level.  Through
the pipeline (in-process CSV runs, several phrasings per run).  Synthetic patients only.

1. The features of adrenal insufficiency measured ("Hyponatriämie, RR 85/50 mmHg", "Na 124
   mmol/l, RR 80/50", "BP 85/50, Na 124 mmol/L") or named as hypoglycaemia with hypotension
   were `soon`; only "Hyponatriämie, Hypotonie" was urgent.  Clinical-reference §8 (BNSSG):
   features of adrenal insufficiency are urgent.  Two of hypotension, hyponatraemia and
   hypoglycaemia, each in words or below its threshold (sodium < 135 mmol/L, systolic < 90
   mmHg, glucose < 3.9 mmol/L: thresholds.toml), are the red flag; one alone is not.
2. A question read as a finding: "Gesichtsfeldausfall?" in a Fragestellung column was an
   urgent mass-effect red flag, "Prolaktinom?" or a Verdachtsdiagnose column's
   "Hypophysenadenom" a known prolactinoma (no macroprolactin screen, MRI unconditional).
   What is asked about is neither a red flag nor a known lesion: the macroprolactin screen
   comes before the MRI (§1.2, Auriemma 2023), the visual fields are still suggested.
3. An infiltrative hypothalamic or stalk disease (neurosarcoidosis, "Sarkoidose mit
   Hypothalamusbeteiligung", Langerhans cell histiocytosis, central diabetes insipidus) was
   `unexplained`: §1.1 lists stalk/hypothalamic lesions among the causes (stalk_effect).
4. A man's gynaecomastia in plain words ("breast enlargement", "Brustvergrößerung",
   "augmentation du volume mammaire", "aumento del tamaño mamario", "breast development" in a
   boy) was no symptom (§5 men: gynaecomastia); in a woman the words are not that symptom.
5. A child far above the urgent level (300 ng/mL at 8) was `soon`: output-contract §7 makes a
   result above 5,000 mIU/L urgent unless pregnancy, lactation or the neonatal period explains it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c and c != "nan"]


def _reasons(row: pd.Series) -> dict[str, str]:
    return {s["code"]: s["reason"] for s in row["suggestion_details"]}


# 1. adrenal insufficiency -----------------------------------------------------------------------
GERMAN_LAB = "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);Diagnosen;Bemerkung"
ADRENAL_FEATURES = [
    "Hyponatriämie, RR 85/50 mmHg",
    "Na 124 mmol/l, RR 80/50",
    "BP 85/50, Na 124 mmol/L",
    "Hypoglykämie, Hypotonie",
    "hypotension, hypoglycaemia",
    "Schwindel, Müdigkeit, Hyponatriämie, RR 85/50",
    "Na 124 mmol/l, Glukose 2,8 mmol/l",
    "tension artérielle 80/50, natrémie 126",
    "presión arterial 85/50, sodio 125 mEq/L",
    "pressione arteriosa 80/50, iponatriemia",
    "bloeddruk 85/50, natrium 127",
    "glycémie 0,45 g/L, TA 85/50",
]
NOT_ADRENAL_FEATURES = [
    "Hyponatriämie",  # one feature alone says little
    "RR 85/50 mmHg",
    "RR 130/80, Na 140 mmol/l",  # measured and normal
    "muskuläre Hypotonie, Hyponatriämie",  # a floppy muscle, not a low blood pressure
    "hypoglycaemic agents, hypotension",  # the antidiabetic drugs
    "Hypotonie? Hyponatriämie?",  # asked about
]


def test_measured_features_of_adrenal_insufficiency_are_urgent(tmp_path: Path) -> None:
    notes = ADRENAL_FEATURES + NOT_ADRENAL_FEATURES
    lines = [f"A{i};m;50;120;Makroadenom 25 mm;{note}" for i, note in enumerate(notes)]
    out = triage_lines(tmp_path, GERMAN_LAB, lines)
    for i, note in enumerate(notes):
        row = out.loc[f"A{i}"]
        if note in ADRENAL_FEATURES:
            assert row["priority"] == "urgent", note
            reason = _reasons(row)["urgent_endocrine_referral"]
            assert "features of adrenal insufficiency" in reason, note
        else:
            # the known macroadenoma keeps its own soon review, with no urgent referral
            assert row["priority"] == "soon", note
            assert "urgent_endocrine_referral" not in _codes(row["suggestions"]), note


def test_a_childs_blood_pressure_is_read_against_its_age(tmp_path: Path) -> None:
    """PALS: 85/50 is a normal pressure at 5 (limit 70 + 2 x 5 = 80), a low one at 40."""
    header = "id,sex,age,prolactin ng/mL,comments"
    note = csv_quoted("RR 85/50, Na 126 mmol/l")
    out = triage_lines(tmp_path, header, [f"C5,M,5,60,{note}", f"A40,M,40,60,{note}"])
    assert out.loc["A40", "priority"] == "urgent"
    assert out.loc["C5", "priority"] == "soon"


# 2. questions are not findings -----------------------------------------------------------------
ASKED_RED_FLAGS = [
    "Gesichtsfeldausfall?",
    "?visual field loss",
    "query visual field defect",
    "Frage nach Gesichtsfeldausfall",
    "Sehstörungen? -> Augenarzt",
    "V.a. Gesichtsfeldausfall",
    "sospetto deficit del campo visivo",
    "Gesichtsfeldausfall",  # no question mark: the column asks it
]
ASKED_LESIONS = [
    "Prolaktinom?",
    "Fragestellung: Prolaktinom?",
    "Frage nach Hypophysenadenom",
    "pituitary adenoma?",
    "adenoma ipofisario?",
    "hypofyseadenoom?",
    "Hypophysenadenom",  # no question mark: the column asks it
]


def test_a_question_is_neither_a_red_flag_nor_a_known_lesion(tmp_path: Path) -> None:
    """A man at 1250 µIU/mL (~59 ng/mL), the lab's Fragestellung column holding the question."""
    header = "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µIE/ml);Fragestellung"
    asked = ASKED_RED_FLAGS + ASKED_LESIONS
    lines = [f"Q{i};m;45;1250;{text}" for i, text in enumerate(asked)]
    out = triage_lines(tmp_path, header, lines)
    for i, text in enumerate(asked):
        row = out.loc[f"Q{i}"]
        codes = _codes(row["suggestions"])
        assert row["priority"] == "soon", text
        assert "known_pituitary_lesion" not in _codes(row["factors"]), text
        assert "urgent_endocrine_referral" not in codes, text
        # screen for macroprolactin before imaging (§1.2); the visual fields are still checked
        assert codes.index("macroprolactin_screen") < codes.index("pituitary_mri"), text
        assert "visual_field_test" in codes, text


def test_findings_beside_a_question_are_still_read(tmp_path: Path) -> None:
    header = "id;sex;age;prolactin (ng/mL);comments;Verdachtsdiagnose"
    lines = [
        "F0;M;45;60;bitemporal hemianopia ?macroadenoma;",
        "F1;M;45;60;Sehstörungen? ja;",
        "F2;M;45;60;visual field loss. Prolactinoma?;",
        "F3;M;45;60;V.a. Hypophysenapoplexie;",  # a suspected emergency stays one
        "F4;M;45;60;Fragestellung: Prolaktinom? Befund: Gesichtsfeldausfall;",
        "F5;M;45;60;Indication: visual field loss;",  # why the test was ordered: a finding
        "F6;M;45;60;bitemporale Hemianopsie;Prolaktinom",
        "K0;M;45;60;Prolaktinom bekannt;",
        "K1;M;45;60;;Hypophysenadenom",
    ]
    out = triage_lines(tmp_path, header, lines)
    for pid in ("F0", "F1", "F2", "F3", "F4", "F5", "F6"):
        assert out.loc[pid, "priority"] == "urgent", pid
    assert "known_pituitary_lesion" in _codes(out.loc["K0", "factors"])
    assert "known_pituitary_lesion" not in _codes(out.loc["K1", "factors"])
    assert "known_pituitary_lesion" not in _codes(out.loc["F6", "factors"])


# 3. hypothalamic and stalk disease -------------------------------------------------------------
INFILTRATIVE = [
    "Sarkoidose mit Hypothalamusbeteiligung",
    "Neurosarkoidose",
    "hypothalamic sarcoidosis",
    "Langerhans-Zell-Histiozytose",
    "Diabetes insipidus",
    "sarcoïdose avec atteinte hypothalamique",
    "histiocitosis de células de Langerhans",
    "diabete insipido centrale",
    "hypothalame sarcoïdose",
    "diabetes insípida",
]
NOT_INFILTRATIVE = [
    "pulmonary sarcoidosis",
    "Hautsarkoidose",
    "nephrogenic diabetes insipidus on lithium",
    "DI",
    "LCH of the skull 2015",
    "kein Diabetes insipidus",
]


def test_an_infiltrative_hypothalamic_disease_is_a_stalk_lesion(tmp_path: Path) -> None:
    header = "id,sex,age,prolactin ng/mL,comments"
    notes = INFILTRATIVE + NOT_INFILTRATIVE
    lines = [f"H{i},M,48,48,{csv_quoted(n)}" for i, n in enumerate(notes)]
    out = triage_lines(tmp_path, header, lines)
    for i, note in enumerate(notes):
        row = out.loc[f"H{i}"]
        codes = _codes(row["factors"])
        if note in INFILTRATIVE:
            assert codes[0] == "stalk_effect", note
            assert "pituitary_mri" in _codes(row["suggestions"]), note
            assert "macroprolactin_screen" not in _codes(row["suggestions"]), note
        else:
            assert codes == ["unexplained"], note


# 4. a man's breasts ------------------------------------------------------------------------------
MALE_BREAST = [
    "symptoms=breast enlargement",
    "enlarged breasts",
    "breast swelling",
    "tender breasts",
    "Brustvergrößerung",
    "Brustdrüsenschwellung",
    "augmentation du volume mammaire",
    "aumento del tamaño mamario",
    "ingrossamento mammario",
    "vergrote borsten",
]


def test_a_mans_enlarged_breasts_are_gynaecomastia(tmp_path: Path) -> None:
    header = "id,sex,age,prolactin ng/mL,comments"
    lines = [f"M{i},M,30,25,{csv_quoted(n)}" for i, n in enumerate(MALE_BREAST)]
    lines += [
        "B15,M,15,25,breast development",
        "W0,F,30,40,breast enlargement",  # in a woman no symptom of hyperprolactinaemia
        "N0,M,30,25,no breast enlargement",
        "N1,M,30,25,breast lump",
    ]
    out = triage_lines(tmp_path, header, lines)
    for pid in [f"M{i}" for i in range(len(MALE_BREAST))] + ["B15"]:
        row = out.loc[pid]
        assert row["priority"] == "soon", pid
        assert "symptomatic raised prolactin" in _reasons(row)["endocrine_referral"], pid
        assert "pituitary_mri" in _codes(row["suggestions"]), pid
        assert "chest_wall_stimulation" not in _codes(row["factors"]), pid
    for pid in ("W0", "N0", "N1"):
        assert "symptomatic" not in _reasons(out.loc[pid]).get("endocrine_referral", ""), pid
    assert out.loc["N0", "priority"] == "routine"


# 5. a child above the urgent level -------------------------------------------------------------
def test_a_child_above_the_urgent_level_is_urgent(tmp_path: Path) -> None:
    header = "id,sex,age,prolactin,unit"
    out = triage_lines(
        tmp_path,
        header,
        ["C8,M,8,300,ng/mL", "C3,F,3,6400,mIU/L", "I6,F,0.5,300,ng/mL", "N1,F,0.05,300,ng/mL"],
    )
    for pid in ("C8", "C3", "I6"):
        row = out.loc[pid]
        assert row["priority"] == "urgent", pid
        assert "paediatric endocrinology" in _reasons(row)["urgent_endocrine_referral"], pid
        # the adult prolactinoma levels still name no cause in a child
        assert "prolactinoma_suspected" not in _codes(row["factors"]), pid
    # the neonatal period (under about 3 months) explains its own interval, not 300 ng/mL at
    # 18 days beyond it: urgent too (contract §7, review 24; review 22 had kept it soon)
    assert out.loc["N1", "priority"] == "urgent"
