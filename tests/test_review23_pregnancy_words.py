"""Review 23: pregnancy, its tests and breastfeeding as an obstetrics or IVF clinic writes them.

- A negative pregnancy test written with a minus ("test embarazo -", "test grossesse (-)"),
  without "de" ("prueba embarazo", "test gravidanza"), as "TG" (Spanish test de gestación) or
  as "βhCG (-)", and a checklist's "embarazo -" / "grossesse (-)", exclude a pregnancy
  (clinical-reference §1.4); they were read as a pregnancy (the bare "embarazo" left over), a
  false normal.  A positive one written "(+)" is a pregnancy.
- A yes in the pregnancy column beside the way she conceived ("Sí, FIV", "oui, ICSI", "Sì, PMA")
  is a pregnancy: the IVF word says a pregnancy only when nothing else does.
- A gestation with the kind of the pregnancy between the word and the weeks (twins, IVF: "embarazo
  gemelar de 30 semanas", "grossesse après FIV de 30 semaines"), the Spanish "s" for semanas
  ("EG 30 s"), a compound ("Zwillingsschwangerschaft 30 Wochen") and a trimester code ("enceinte
  T3", "gestante 3T"; in the pregnancy column "3T", "3er T") and the weeks in words ("embarazo
  de treinta semanas", "enceinte de trente-deux semaines") is a third-trimester pregnancy,
  judged against its own interval, not urgent (contract §7: urgent only where pregnancy does
  not explain the level).
- "LME", "LM exclusiva", "AME", "AM exclusif" in a note are breastfeeding (as the feeding column
  reads them); not where the cell names what the letters also stand for.

Synthetic patients only; in process (run_triage), one CSV per case family.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import csv_quoted, triage_lines

NOTES = "patient_id,sex,age,prolactin (ng/mL),comments"
COLUMN = "patient_id,sex,age,prolactin (ng/mL),Embarazo"

NEGATIVE_TESTS = [
    "amenorrea secundaria; test embarazo -",
    "aménorrhée; test grossesse (-)",
    "amenorrea; prueba embarazo -",
    "amenorrea; test orina embarazo -",
    "amenorrea; test de embarazo (-)",
    "amenorrea; test gestación (-)",
    "amenorrea; TG -",
    "amenorrea; TG negativo",
    "amenorrea; βhCG (-)",
    "aménorrhée; bHCG (-)",
    "aménorrhée; test urinaire de grossesse -",
    "aménorrhée; test de grossesse (négatif)",
    "amenorrea; test gravidanza -",
    "amenorroe; zwangerschapstest (-)",
    "Amenorrhoe; Schwangerschaftstest (-)",
]
# a checklist's "not pregnant" with a minus: no pregnancy, yet only stated, so with amenorrhoea
# the test is still asked (clinical-reference §1.4), without it not
CHECKLIST = ["amenorrea; embarazo -", "aménorrhée; grossesse (-)", "gravidanza (-)"]
POSITIVE_TESTS = ["test de embarazo (+)", "βhCG (+)", "test embarazo +", "test grossesse (+)"]


def test_a_negative_pregnancy_test_in_its_short_forms_excludes_pregnancy(tmp_path: Path) -> None:
    lines = [f"N{i},F,30,150,{csv_quoted(t)}" for i, t in enumerate(NEGATIVE_TESTS)]
    lines += [f"P{i},F,30,150,{csv_quoted(t)}" for i, t in enumerate(POSITIVE_TESTS)]
    lines += [f"K{i},F,30,150,{csv_quoted(t)}" for i, t in enumerate(CHECKLIST)]
    out = triage_lines(tmp_path, NOTES, lines)
    for i, text in enumerate(NEGATIVE_TESTS):
        row = out.loc[f"N{i}"]
        assert row["reference_stratum"] == "default:adult_female", text
        assert row["status"] == "high" and row["priority"] == "soon", text
        assert "pregnancy" not in row["factors"].split(";"), text
        assert "pregnancy_test" not in row["suggestions"], text  # the test was done
        assert "pituitary_mri" in row["suggestions"], text
    for i, text in enumerate(POSITIVE_TESTS):
        row = out.loc[f"P{i}"]
        assert row["reference_stratum"] == "default:pregnant", text
        assert row["status"] == "normal" and row["priority"] == "none", text
    for i, text in enumerate(CHECKLIST):
        row = out.loc[f"K{i}"]
        assert row["reference_stratum"] == "default:adult_female", text
        assert row["status"] == "high" and row["priority"] == "soon", text
        assert "pregnancy" not in row["factors"].split(";"), text
        assert ("pregnancy_test" in row["suggestions"]) == ("norr" in text), (
            text
        )  # amenorrea, aménorrhée


def test_tg_beside_thyroid_words_is_no_pregnancy_test(tmp_path: Path) -> None:
    # thyroglobulin antibodies: the pregnancy is still not known, so the test is still asked
    out = triage_lines(
        tmp_path, NOTES, ['T1,F,30,150,"amenorrea; Ac anti-TPO y TG negativos"', "T2,F,30,150,TG -"]
    )
    assert "pregnancy_test" in out.loc["T1", "suggestions"]
    assert "pregnancy_test" not in out.loc["T2", "suggestions"]


YES_WITH_IVF = [
    "Sí, FIV",
    "oui, FIV",
    "Yes - IVF",
    "Sí - ICSI",
    "Sí FIV",
    "Sí, ICSI",
    "Sì, PMA",
    "ja, IVF",
    "+ (FIV)",
    "Sí / TEC",
]


def test_a_yes_in_the_pregnancy_column_beside_ivf_words_is_a_pregnancy(tmp_path: Path) -> None:
    lines = [f"Y{i},F,33,150,{csv_quoted(t)}" for i, t in enumerate(YES_WITH_IVF)]
    lines += ['X1,F,33,150,"No, FIV"', "X2,F,33,150,FIV"]
    out = triage_lines(tmp_path, COLUMN, lines)
    for i, text in enumerate(YES_WITH_IVF):
        row = out.loc[f"Y{i}"]
        assert row["reference_stratum"] == "default:pregnant", text
        assert row["reference_source"] == "physiological", text
        assert row["status"] == "normal" and row["priority"] == "none", text
        assert "pregnancy_test" not in row["suggestions"], text
        assert "pituitary_mri" not in row["suggestions"], text
    # "No, FIV": not pregnant (an IVF treatment, no pregnancy); "FIV" alone: not known
    assert out.loc["X1", "reference_stratum"] == "default:adult_female"
    assert "pregnancy_test" not in out.loc["X1", "suggestions"]
    assert out.loc["X2", "reference_stratum"] == "default:adult_female"
    assert "pregnancy_test" in out.loc["X2", "suggestions"]


THIRD_TRIMESTER_NOTES = [
    "embarazo gemelar de 30 semanas",
    "grossesse gémellaire de 30 semaines",
    "gravidanza gemellare 30 settimane",
    "Zwillingsschwangerschaft 30 Wochen",
    "tweelingzwangerschap 30 weken",
    "embarazo gemelar bicorial 30+2",
    "embarazo gemelar bicorial biamniótico de 30+2",
    "gestación múltiple 30 semanas",
    "embarazo FIV 30 semanas",
    "embarazo tras ICSI de 30 semanas",
    "grossesse après FIV de 30 semaines",
    "gravidanza dopo PMA 30 settimane",
    "embarazo 30s",
    "EG 30 s",
    "EG 30s+2d",
    "gestante de 30 s.",
    "enceinte T3",
    "gestante 3T",
    "embarazo 3er T",
    "embarazo gemelar 3T",
    # the weeks in words
    "embarazo de treinta semanas",
    "embarazada de treinta y una semanas",
    "enceinte de trente-deux semaines",
    "gravidanza di trentadue settimane",
    "zwanger van tweeëndertig weken",
    "pregnant thirty weeks",
]
THIRD_TRIMESTER_COLUMN = ["3T", "3er T", "3º T", "gemelar 30 sem", "FIV 30+2", "twins, 30 weeks"]


def test_a_qualified_or_coded_gestation_is_the_third_trimester(tmp_path: Path) -> None:
    lines = [f"G{i},F,33,300,{csv_quoted(t)}" for i, t in enumerate(THIRD_TRIMESTER_NOTES)]
    # triiodothyronine beside a pregnancy word is no trimester: the whole-pregnancy interval
    lines += ['H1,F,33,150,"embarazada, T3 libre 4,1"']
    # the Spanish "s" after a Spanish word only: in English her age's decade
    lines += ['H2,F,33,150,"pregnancy in 30s"']
    out = triage_lines(tmp_path, NOTES, lines)
    for i, text in enumerate(THIRD_TRIMESTER_NOTES):
        row = out.loc[f"G{i}"]
        assert row["reference_stratum"] == "default:pregnant_t3", text
        assert row["status"] == "normal" and row["priority"] == "none", text
        assert "prolactinoma_suspected" not in row["factors"], text
    assert out.loc["H1", "reference_stratum"] == "default:pregnant"
    assert out.loc["H2", "reference_stratum"] == "default:pregnant"

    lines = [f"C{i},F,33,300,{csv_quoted(t)}" for i, t in enumerate(THIRD_TRIMESTER_COLUMN)]
    lines += ["C9,F,33,150,2T", "C8,F,33,150,FIV 2"]
    out = triage_lines(tmp_path, COLUMN, lines)
    for i, text in enumerate(THIRD_TRIMESTER_COLUMN):
        row = out.loc[f"C{i}"]
        assert row["reference_stratum"] == "default:pregnant_t3", text
        assert row["priority"] == "none", text
    assert out.loc["C9", "reference_stratum"] == "default:pregnant"  # second trimester
    # an IVF word and a number without a week unit is no gestation ("FIV 2": a second cycle)
    assert out.loc["C8", "reference_stratum"] == "default:adult_female"


BREASTFEEDING = ["LME", "LM exclusiva", "AME", "AM exclusif", "LME; parto hace 6 semanas"]
OTHER_MEANINGS = ["bénéficiaire de l'AME", "AME tipo 2", "demande AME en cours"]


def test_breastfeeding_abbreviations_in_a_note(tmp_path: Path) -> None:
    lines = [f"B{i},F,31,150,{csv_quoted(t)}" for i, t in enumerate(BREASTFEEDING)]
    lines += [f"O{i},F,31,150,{csv_quoted(t)}" for i, t in enumerate(OTHER_MEANINGS)]
    out = triage_lines(tmp_path, NOTES, lines)
    for i, text in enumerate(BREASTFEEDING):
        row = out.loc[f"B{i}"]
        assert "lactation" in row["factors"].split(";"), text
        assert row["status"] == "normal" and row["priority"] == "none", text
        assert "pituitary_mri" not in row["suggestions"], text
    for i, text in enumerate(OTHER_MEANINGS):
        row = out.loc[f"O{i}"]
        assert row["reference_stratum"] == "default:adult_female", text
        assert "lactation" not in row["factors"], text
