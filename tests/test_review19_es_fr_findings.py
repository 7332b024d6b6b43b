"""Review 19: Spanish and French findings read as nothing, and the same class in the other
languages.  Through the pipeline (in-process CSV runs).  Synthetic patients only.

1. A visual field defect written with another noun of loss or with the participle after the
   field ("afectación del campo visual", "campo visual estrechado", "atteinte campimétrique",
   "rétrécissement du champ visuel") was routine: a mass-effect red flag is urgent
   (clinical-reference §5 mass effect; §8 Urgent), with an urgent endocrine referral.
2. The worst headache of one's life outside English ("la peor cefalea de su vida", "pire
   céphalée de sa vie", "ergste hoofdpijn ooit") was soon: a sudden severe headache is urgent
   (§8 Urgent).  A headache only worse, or lifelong, is not.
3. Breastfeeding written in a lactation column as a feeding record does ("Materna", "LM
   exclusiva", "AM") was read as not given: a lactating mother's 120 ng/mL became a suspected
   prolactinoma.  It is lactation, judged against the lactation interval (§8 Lactation);
   formula feeding ("artificial", "fórmula") is not lactating.
4. A large pituitary lesion named a nodule, an image, a formation or an incidentaloma
   ("incidentalome hypophysaire de 28 mm") was no lesion: no hook-effect warning and no 1:100
   dilution (§0 Hook effect; §7.6).  An image said normal, an empty sella, an adrenal
   incidentaloma are no such lesion.
5. Exercise before sampling with its adjective after the noun ("ejercicio intenso antes de la
   extracción") is a transient physiological cause, as in English (§4 exercise, stress).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

HEADER = "NHC;Sexo;Edad;Prolactina (ng/mL);Observaciones"


def _notes(tmp_path: Path, notes: list[str], *, prl: float, sex: str = "M") -> pd.DataFrame:
    """One row per note (N0, N1, ...), age 40, prolactin ``prl`` ng/mL."""
    lines = [f"N{i};{sex};40;{prl};{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_lines(tmp_path, HEADER, lines)


def _codes(cell: object) -> set[str]:
    return set(str(cell or "").split(";")) - {""}


def _by_note(out: pd.DataFrame, notes: list[str], column: str) -> dict[str, object]:
    return {note: out.loc[f"N{i}", column] for i, note in enumerate(notes)}


# 1. visual field wording ----------------------------------------------------------------------
FIELD_DEFECTS = [
    "afectación del campo visual",
    "estrechamiento del campo visual",
    "campo visual estrechado",
    "disminución del campo visual",
    "afectación campimétrica",
    "reducción concéntrica del campo visual",
    "defecto campimétrico temporal",
    "atteinte campimétrique",
    "rétrécissement du champ visuel",
    "champs visuels rétrécis",
    "restringimento del campo visivo",
    "alterazioni campimetriche bitemporali",
    "Einschränkung des Gesichtsfeldes",
    "beperking van het gezichtsveld",
    "narrowing of the visual fields",
]


def test_a_visual_field_defect_in_any_wording_is_urgent(tmp_path: Path) -> None:
    out = _notes(tmp_path, FIELD_DEFECTS, prl=45)
    priorities = _by_note(out, FIELD_DEFECTS, "priority")
    assert priorities == dict.fromkeys(FIELD_DEFECTS, "urgent")
    for note, suggested in _by_note(out, FIELD_DEFECTS, "suggestions").items():
        assert {"urgent_endocrine_referral", "visual_field_test"} <= _codes(suggested), note
        assert "repeat_rested_sample" not in _codes(suggested), note


FIELD_NOT_DEFECTS = [
    "campo visual normal",
    "sin afectación del campo visual",
    "no hay afectación campimétrica",
    "exploración del campo visual: normal",
    "estudio campimétrico normal",
    "champ visuel normal",
    "pas d'atteinte campimétrique",
    "afectación renal leve",
    "campo visual reducido por glaucoma",
]


def test_a_normal_or_denied_field_and_other_organs_are_no_red_flag(tmp_path: Path) -> None:
    out = _notes(tmp_path, FIELD_NOT_DEFECTS, prl=45)
    priorities = _by_note(out, FIELD_NOT_DEFECTS, "priority")
    assert priorities == dict.fromkeys(FIELD_NOT_DEFECTS, "routine")


# 2. the worst headache of one's life --------------------------------------------------------
WORST_HEADACHES = [
    "la peor cefalea de su vida",
    "el peor dolor de cabeza de su vida",
    "cefalea más intensa de su vida",
    "pire céphalée de sa vie",
    "céphalée la plus violente de sa vie",
    "peggior mal di testa della sua vita",
    "die schlimmsten Kopfschmerzen ihres Lebens",
    "ergste hoofdpijn ooit",
    "cefalea en trueno",
    "céphalée en coup de tonnerre",
    "Donnerschlagkopfschmerz",
    "donderslaghoofdpijn",
]


def test_the_worst_headache_of_a_life_is_urgent_in_every_language(tmp_path: Path) -> None:
    out = _notes(tmp_path, WORST_HEADACHES, prl=120)
    assert _by_note(out, WORST_HEADACHES, "priority") == dict.fromkeys(WORST_HEADACHES, "urgent")
    for note, suggested in _by_note(out, WORST_HEADACHES, "suggestions").items():
        assert "urgent_endocrine_referral" in _codes(suggested), note


NOT_THUNDERCLAP = [
    "cefalea peor por la mañana",  # worse, not the worst
    "céphalées pires le matin",
    "mal di testa peggiore la sera",
    "cefalea de toda su vida",  # lifelong
    "headaches for most of his life",
]


def test_a_worse_or_lifelong_headache_is_not_a_sudden_one(tmp_path: Path) -> None:
    out = _notes(tmp_path, NOT_THUNDERCLAP, prl=120)
    for note, priority in _by_note(out, NOT_THUNDERCLAP, "priority").items():
        assert priority != "urgent", note


# 3. the lactation column -------------------------------------------------------------------
BREASTFEEDING = [
    "Materna",
    "Maternel",
    "LM exclusiva",
    "LME",
    "AM",
    "lactancia materna",
    "allaitement maternel",
    "EBF",
    "voll gestillt",
    "allattamento esclusivo",
    "volledig borstvoeding",
    "al pecho",
    "Mixta",
]
FORMULA = ["artificial", "fórmula", "lactancia artificial", "biberon", "artificiale", "flesvoeding"]


def test_a_lactation_column_in_feeding_words(tmp_path: Path) -> None:
    values = BREASTFEEDING + FORMULA
    header = "NHC;Sexo;Edad;Prolactina (ng/mL);Lactancia;Embarazo"
    lines = [f"C{i};Mujer;30;120;{v};No" for i, v in enumerate(values)]
    out, warnings = triage_csv_warned(tmp_path, "\n".join([header, *lines]) + "\n")
    strata = {v: out.loc[f"C{i}", "reference_stratum"] for i, v in enumerate(values)}
    factors = {v: _codes(out.loc[f"C{i}", "factors"]) for i, v in enumerate(values)}
    for value in BREASTFEEDING:
        assert strata[value] == "default:lactating", value
        assert "prolactinoma_suspected" not in factors[value], value
        assert out.loc[f"C{values.index(value)}", "status"] == "normal", value
    for value in FORMULA:
        assert strata[value] == "default:adult_female", value
    assert not [w for w in warnings if "Lactancia" in w], warnings


# 4. names of a large pituitary lesion -------------------------------------------------------
SIZED_LESIONS = [
    "incidentalome hypophysaire de 28 mm",
    "nodule hypophysaire de 22 mm",
    "nódulo hipofisario de 2,5 cm",
    "image sellaire de 18 mm",
    "imagen selar de 20 mm",
    "processus tumoral sellaire de 30 mm",
    "pituitary nodule of 25 mm",
    "Hypophysenknoten 21 mm",
    "nodulo ipofisario di 24 mm",
    "hypofysaire nodus van 19 mm",
]


def test_a_large_lesion_by_any_name_warns_of_the_hook_effect(tmp_path: Path) -> None:
    out = _notes(tmp_path, SIZED_LESIONS, prl=60)
    for i, note in enumerate(SIZED_LESIONS):
        assert "known_pituitary_lesion" in _codes(out.loc[f"N{i}", "factors"]), note
        assert {"hook_effect_risk", "dilution_retest"} <= _codes(out.loc[f"N{i}", "suggestions"])
        reasons = {s["code"]: s["reason"] for s in out.loc[f"N{i}", "suggestion_details"]}
        assert "1:100" in reasons["dilution_retest"], note


NO_MASS = [
    "image hypophysaire normale 12 mm",
    "imagen hipofisaria de aspecto normal, 12 mm",
    "selle turcique vide",
    "incidentalome surrénalien de 28 mm",
    "adrenal incidentaloma 28 mm",
    "nódulo tiroideo de 28 mm",
]


def test_a_normal_image_an_empty_sella_or_another_gland_is_no_large_lesion(
    tmp_path: Path,
) -> None:
    out = _notes(tmp_path, NO_MASS, prl=60)
    for i, note in enumerate(NO_MASS):
        assert "hook_effect_risk" not in _codes(out.loc[f"N{i}", "suggestions"]), note
        assert "stalk_effect" not in _codes(out.loc[f"N{i}", "factors"]), note


# 5. exercise before the sample ------------------------------------------------------------
EXERCISE = [
    "ejercicio intenso antes de la extracción",
    "effort physique avant le prélèvement",
    "esercizio intenso prima del prelievo",
    "intensive Belastung vor der Blutentnahme",
    "zware inspanning vlak voor de bloedafname",
]


def test_exercise_with_its_adjective_after_the_noun_is_transient(tmp_path: Path) -> None:
    notes = [*EXERCISE, "ejercicio intenso siempre antes de la extracción", "ejercicio intenso"]
    out = _notes(tmp_path, notes, prl=40, sex="F")
    for i, note in enumerate(notes):
        transient = "transient_physiological" in _codes(out.loc[f"N{i}", "factors"])
        assert transient is (note in EXERCISE), note
