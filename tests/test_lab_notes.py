"""A laboratory's own notes printed under a result (its interval's limits, the usual causes of a
raised prolactin) say nothing of the patient: they are no pregnancy, no breastfeeding, no drug
taken and no stressful sample.  From clinical-reference §8 and the contract's §7 (a physiological
state or a cause is the patient's, shown with its evidence).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.pipeline import TriageRequest, run_triage

INTERVAL_NOTES = [
    "Der Referenzbereich gilt nicht für Schwangere und Stillende.",
    "Für Schwangere gelten andere Referenzbereiche.",
    "Valeurs de référence non applicables chez la femme enceinte ou allaitante",
    "Valores de referencia no válidos en embarazo y lactancia.",
    "Valori di riferimento non validi in gravidanza e allattamento",
    "Referentiewaarden niet geldig bij zwangerschap en borstvoeding",
    "Reference range not valid in pregnancy or breastfeeding.",
    "During pregnancy the reference interval does not apply.",
]


@pytest.mark.parametrize("note", INTERVAL_NOTES)
def test_a_note_on_the_interval_is_no_pregnancy_or_breastfeeding(tmp_path: Path, note: str) -> None:
    """150 ng/mL in a woman of 35 was judged against the breastfeeding interval (normal, none)."""
    results = triage_csv(tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),Comments\nR1,F,35,150,"{note}"\n')
    row = results.iloc[0]
    assert row["status"] == "high" and row["reference_source"] != "physiological", note
    assert not {"pregnancy", "lactation"} & set(str(row["factors"]).split(";")), note
    assert row["priority"] in ("soon", "urgent")


def test_her_own_pregnancy_beside_such_a_note_still_counts(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Comments\n"
        'R1,F,35,150,"zwanger 20 weken; referentiewaarden voor zwangeren gebruikt"\n',
    )
    assert results.iloc[0]["status"] == "normal" and "pregnancy" in results.iloc[0]["factors"]


GENERAL_DRUG_NOTES = [
    "Please note: metoclopramide, domperidone and risperidone can cause hyperprolactinaemia.",
    "Hinweis: Neuroleptika z.B. Risperidon können Prolaktin erhöhen.",
    "Des médicaments comme le métoclopramide peuvent augmenter la prolactine.",
    "Fármacos como la risperidona pueden elevar la prolactina.",
    "Farmaci come il risperidone possono aumentare la prolattina.",
    "Geneesmiddelen zoals risperidon en metoclopramide kunnen prolactine verhogen.",
    "Prolactin can be raised by drugs such as metoclopramide.",
]


@pytest.mark.parametrize("note", GENERAL_DRUG_NOTES)
def test_a_general_note_on_drugs_is_no_drug_taken(tmp_path: Path, note: str) -> None:
    """The drugs a general note names as examples made a suspected prolactinoma 'drug-induced,
    likely' (routine)."""
    results = triage_csv(tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),Comments\nK1,F,35,180,"{note}"\n')
    row = results.iloc[0]
    assert "medication" not in str(row["factors"]), note
    assert row["priority"] == "soon"


@pytest.mark.parametrize(
    "text",
    ["on risperidone, which can cause hyperprolactinaemia", "risperidone may be raising prolactin",
     "Risperdal 2 mg. Hinweis: Neuroleptika wie Haloperidol können Prolaktin erhöhen."],
)  # fmt: skip
def test_the_patients_own_drug_beside_such_words_counts(tmp_path: Path, text: str) -> None:
    results = triage_csv(
        tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),Medication\nK1,F,35,60,"{text}"\n'
    )
    assert "medication:antipsychotic" in results.iloc[0]["factors"], text


@pytest.mark.parametrize(
    "note",
    ["Note: venipuncture stress can raise prolactin.",
     "Hinweis: Stress bei der Blutentnahme kann Prolaktin erhöhen."],
)  # fmt: skip
def test_a_general_note_on_sampling_stress_is_no_stressful_sample(
    tmp_path: Path, note: str
) -> None:
    results = triage_csv(tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),Comments\nS1,F,35,60,"{note}"\n')
    assert "venipuncture_stress" not in str(results.iloc[0]["factors"])


def test_an_hl7_lab_note_under_the_result_is_no_breastfeeding(tmp_path: Path) -> None:
    message = "\r".join(
        [
            "MSH|^~\\&|LAB|LAB|HIS|HOSP|20260310083000||ORU^R01^ORU_R01|1|P|2.5.1",
            "PID|1||L022^^^HOSP^MR||Muster^Lena||19880101|F",
            "OBR|1|O1|S22|PRL^Prolaktin|||202603090800",
            "OBX|1|NM|PRL^Prolaktin^99LAB||150|µg/l|4.8-23.3|H|||F",
            "NTE|1|L|Der Referenzbereich gilt nicht für Schwangere und Stillende.",
        ]
    )
    path = tmp_path / "oru.hl7"
    path.write_bytes((message + "\r").encode("utf-8"))
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    assert results.iloc[0]["status"] == "high"
    assert "lactation" not in str(results.iloc[0]["factors"])
