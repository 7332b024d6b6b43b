"""Review 29 (hunter AS, class 1): a sign for "absent" written after a finding.

German and Central European notes and forms write a finding's absence as a sign after it: "Ø",
"∅", a dash or minus ("Gravidität -", "Leberzirrhose: -"), "(-)", "(Ø)".  Read as the finding
present they gave a false normal in pregnancy or lactation (the physiological interval, priority
`none`: contract §7 keeps `none` for the expected level of a pregnancy or lactation that is
there), an invented cause (a drug, dialysis, cirrhosis, hypothyroidism: clinical-reference §3/§4,
"routine" for a result a factor explains) and a false urgent review (clinical-reference §8: urgent
only for a red flag that is present; a mildly raised result without mass symptoms gets a repeat
rested sample and a macroprolactin screen).  One rule for every kind of finding
(triage/absence_marks.py, synonyms.toml [absence_marks]); a dash that goes on, a range or a
hyphen denies nothing.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

HEADER = ["ID", "Sex", "Age", "Prolactin (ng/mL)", "Medications", "Symptoms", "Comments"]

# The findings in the six languages the product reads.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "pregnancy": "Pregnancy",
        "lactation": "Breastfeeding",
        "drug_class": "Antipsychotics",
        "dialysis": "Dialysis",
        "cirrhosis": "Liver cirrhosis",
        "hypothyroidism": "Hypothyroidism",
        "visual": "Visual disturbance",
        "galactorrhoea": "Galactorrhoea",
        "headache": "Headache",
    },
    "de": {
        "pregnancy": "Schwangerschaft",
        "lactation": "Stillen",
        "drug_class": "Neuroleptika",
        "dialysis": "Dialyse",
        "cirrhosis": "Leberzirrhose",
        "hypothyroidism": "Hypothyreose",
        "visual": "Sehstörungen",
        "galactorrhoea": "Galaktorrhoe",
        "headache": "Kopfschmerzen",
    },
    "fr": {
        "pregnancy": "Grossesse",
        "lactation": "Allaitement",
        "drug_class": "Neuroleptiques",
        "dialysis": "Hémodialyse",
        "cirrhosis": "Cirrhose hépatique",
        "hypothyroidism": "Hypothyroïdie",
        "visual": "Troubles visuels",
        "galactorrhoea": "Galactorrhée",
        "headache": "Céphalées",
    },
    "es": {
        "pregnancy": "Embarazo",
        "lactation": "Lactancia",
        "drug_class": "Antipsicóticos",
        "dialysis": "Hemodiálisis",
        "cirrhosis": "Cirrosis hepática",
        "hypothyroidism": "Hipotiroidismo",
        "visual": "Alteraciones visuales",
        "galactorrhoea": "Galactorrea",
        "headache": "Cefalea",
    },
    "it": {
        "pregnancy": "Gravidanza",
        "lactation": "Allattamento",
        "drug_class": "Antipsicotici",
        "dialysis": "Emodialisi",
        "cirrhosis": "Cirrosi epatica",
        "hypothyroidism": "Ipotiroidismo",
        "visual": "Disturbi visivi",
        "galactorrhoea": "Galattorrea",
        "headache": "Cefalea",
    },
    "nl": {
        "pregnancy": "Zwangerschap",
        "lactation": "Borstvoeding",
        "drug_class": "Antipsychotica",
        "dialysis": "Hemodialyse",
        "cirrhosis": "Levercirrose",
        "hypothyroidism": "Hypothyreoïdie",
        "visual": "Visusklachten",
        "galactorrhoea": "Galactorroe",
        "headache": "Hoofdpijn",
    },
}
LANGUAGES = sorted(WORDS)
# The signs, as written after the finding: after a label's colon, a space, or glued (brackets).
MARKS = [": Ø", " Ø", ":Ø", ": ∅", " ∅", " -", ": -", " –", " (-)", "(-)", " (Ø)", " (∅)"]
# A bare dash after a space: a sign after a state or a cue, not after a drug (review 29 mend A)
BARE_DASHES = (" -", " –")


def _table(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _row(patient: str, value: str, *, meds: str = "", symptoms: str = "", notes: str = "") -> list:
    return [patient, "F", "30", value, meds, symptoms, notes]


def _run(tmp_path: Path, rows: list[list[str]]) -> pd.DataFrame:
    return triage_csv(tmp_path, _table(rows)).set_index("patient_id")


def _marked(word: str) -> dict[str, str]:
    """Row ids and texts: the finding followed by each sign."""
    return {f"M{i:02d}": word + mark for i, mark in enumerate(MARKS)}


def _wrong(results: pd.DataFrame, texts: dict[str, str], ok) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{texts[pid]!r}: {dict(results.loc[pid])}" for pid in texts if not ok(results.loc[pid])
    ]


def _state_shown(row: pd.Series) -> str:
    return f"{row['reference_stratum']} {row['status']} {row['priority']} {row['factors']}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", ["pregnancy", "lactation"])
def test_a_pregnancy_or_lactation_marked_absent_is_judged_on_the_usual_interval(
    tmp_path: Path, lang: str, state: str
) -> None:
    # 200 ng/mL is 6.7x the ULN of a non-pregnant woman (3-30): a marked high result, never a
    # false normal on the pregnancy or lactation interval
    word = WORDS[lang][state]
    texts = _marked(word)
    rows = [_row(pid, "200", notes=text) for pid, text in texts.items()]
    rows.append(_row("CTRL", "200", notes=word))
    results = _run(tmp_path, rows)
    control = results.loc["CTRL"]
    assert control["priority"] == "none", _state_shown(control)  # the word is read
    wrong = [
        f"{text!r}: {_state_shown(results.loc[pid])}"
        for pid, text in texts.items()
        if not (
            results.loc[pid]["status"] == "high"
            and results.loc[pid]["band"] == "marked"
            and results.loc[pid]["priority"] == "soon"
            and "adult_female" in results.loc[pid]["reference_stratum"]
            and state not in results.loc[pid]["factors"]
        )
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_cause_marked_absent_explains_nothing(tmp_path: Path, lang: str) -> None:
    # 45 ng/mL (1.5x ULN): with no cause present the result is unexplained, a repeat rested
    # sample and a macroprolactin screen (clinical-reference §8), never a drug's or a disease's
    words = WORDS[lang]
    texts: dict[str, tuple[str, str]] = {}
    for kind in ("drug_class", "dialysis", "cirrhosis", "hypothyroidism"):
        for i, mark in enumerate(MARKS):
            if kind == "drug_class" and mark in BARE_DASHES:
                continue  # a bare dash after a drug is no sign (test_review29_mends_A.py)
            texts[f"{kind}{i:02d}"] = (kind, words[kind] + mark)
    rows = [
        _row(pid, "45", meds=text) if kind == "drug_class" else _row(pid, "45", notes=text)
        for pid, (kind, text) in texts.items()
    ]
    rows += [
        _row("CTRL_drug_class", "45", meds=words["drug_class"]),
        *(
            _row(f"CTRL_{kind}", "45", notes=words[kind])
            for kind in ("dialysis", "cirrhosis", "hypothyroidism")
        ),
    ]
    results = _run(tmp_path, rows)
    for kind in ("drug_class", "dialysis", "cirrhosis", "hypothyroidism"):
        control = results.loc[f"CTRL_{kind}"]
        assert control["factors"] not in ("", "unexplained"), _state_shown(control)
    wrong = [
        f"{text!r}: {_state_shown(results.loc[pid])}"
        for pid, (_, text) in texts.items()
        if results.loc[pid]["factors"] != "unexplained"
        or results.loc[pid]["priority"] != "routine"
        or "macroprolactin_screen" not in results.loc[pid]["suggestions"]
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mass_symptoms_marked_absent_are_no_red_flag(tmp_path: Path, lang: str) -> None:
    # 35 ng/mL (1.17x ULN) with no symptom present: routine, a repeat rested sample; a denied
    # visual disturbance is no urgent review, a denied galactorrhoea no MRI
    words = WORDS[lang]
    texts: dict[str, str] = {}
    for i, mark in enumerate(MARKS):
        texts[f"V{i:02d}"] = words["visual"] + mark
        texts[f"G{i:02d}"] = words["galactorrhoea"] + mark
        texts[f"L{i:02d}"] = f"{words['headache']}{mark}, {words['visual']}{mark}"
    rows = [_row(pid, "35", symptoms=text) for pid, text in texts.items()]
    rows += [
        _row("CTRL_V", "35", symptoms=words["visual"]),
        _row("CTRL_G", "35", symptoms=words["galactorrhoea"]),
    ]
    results = _run(tmp_path, rows)
    assert results.loc["CTRL_V"]["priority"] == "urgent"
    assert results.loc["CTRL_G"]["priority"] == "soon"
    wrong = [
        f"{text!r}: {_state_shown(results.loc[pid])}"
        for pid, text in texts.items()
        if results.loc[pid]["priority"] != "routine"
        or "repeat_rested_sample" not in results.loc[pid]["suggestions"]
        or "pituitary_mri" in results.loc[pid]["suggestions"]
    ]
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("text", "value", "explained_by"),
    [
        ("Cirrhose hépatique : Ø", "45", "liver_cirrhosis"),
        ("Cirrhose hépatique : non", "45", "liver_cirrhosis"),
        ("Cirrosis hepática (-)", "45", "liver_cirrhosis"),
        ("Cirrosi epatica -", "45", "liver_cirrhosis"),
        ("cirrhosis of the liver: ∅", "45", "liver_cirrhosis"),
        ("Allaitement maternel : Ø", "200", "lactation"),
        ("Allattamento al seno -", "200", "lactation"),
        ("allattamento materno: no", "200", "lactation"),
        ("Lactancia materna: ∅", "200", "lactation"),
    ],
)
def test_a_finding_with_its_own_adjective_then_an_answer(
    tmp_path: Path, text: str, value: str, explained_by: str
) -> None:
    # the adjective of the organ or the feeding is the finding's own: the sign or answer after it
    # denies the finding
    rows = [
        _row("X", value, notes=text),
        _row("CTRL", value, notes=re.split(r"\s*(?::|\(|\s-|\s∅)", text)[0]),
    ]
    results = _run(tmp_path, rows)
    assert explained_by in results.loc["CTRL"]["factors"], _state_shown(results.loc["CTRL"])
    row = results.loc["X"]
    assert explained_by not in row["factors"] and row["status"] == "high", _state_shown(row)


def test_marks_on_the_lines_of_a_multi_line_note(tmp_path: Path) -> None:
    # a form pasted as lines, each finding with its sign at the line's end
    notes = {
        "N1": "Schwangerschaft -\nStillen -\nNeuroleptika: Ø",
        "N2": "Gravidität - \nDialyse: Ø",
        "N3": "Gravidität - , Leberzirrhose -",
        "N4": "pregnancy -\r\nbreastfeeding (-)",
    }
    results = _run(tmp_path, [_row(pid, "200", notes=text) for pid, text in notes.items()])
    wrong = [
        f"{text!r}: {_state_shown(results.loc[pid])}"
        for pid, text in notes.items()
        if results.loc[pid]["factors"] != "prolactinoma_suspected"
        or results.loc[pid]["priority"] != "soon"
    ]
    assert not wrong, wrong


def test_a_bare_sign_in_a_pregnancy_column_says_not_pregnant(tmp_path: Path) -> None:
    header = "ID;Sex;Age;Prolactin (ng/mL);Pregnant"
    # (a bare "-" cell is read as an empty cell, as a form leaves a field it did not fill)
    lines = ["P1;F;30;200;Ø", "P2;F;30;200;∅", "P3;F;30;200;(-)", "P4;F;30;200;(Ø)"]
    results = triage_csv(tmp_path, header + "\n" + "\n".join(lines) + "\n").set_index("patient_id")
    for pid in ("P1", "P2", "P3", "P4"):
        row = results.loc[pid]
        assert row["status"] == "high" and row["priority"] == "soon", _state_shown(row)
        # a pregnancy said absent needs no pregnancy test
        assert "pregnancy_test" not in row["suggestions"], (pid, row["suggestions"])


# --- guards: a dash that is no sign for "absent" ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "where", "text", "expected"),
    [
        ("dialysis", "notes", "Dialyse - seit 2020", "dialysis"),
        ("dialysis", "notes", "Hemodialysis - 3x/week", "dialysis"),
        ("dialysis", "notes", "hémodialyse - depuis 2021", "dialysis"),
        ("pregnancy", "notes", "Schwangerschaft - 12. SSW", "pregnancy"),
        ("pregnancy", "notes", "embarazo - 10 semanas", "pregnancy"),
        ("drug", "meds", "Risperidon 2 mg 1-0-1", "medication:antipsychotic"),
        ("drug", "meds", "Haloperidol 5 mg - seit 2 Jahren", "medication:antipsychotic"),
        ("drug", "meds", "MCP-ratiopharm 10 mg", "medication:antiemetic_prokinetic"),
        ("cirrhosis", "notes", "Leberzirrhose - Child B", "liver_cirrhosis"),
        ("hypothyroidism", "notes", "Hypothyreose - TSH 12 mU/l", "hypothyroidism"),
    ],
)
def test_a_dash_that_goes_on_keeps_the_finding(
    tmp_path: Path, kind: str, where: str, text: str, expected: str
) -> None:
    value = "45" if kind != "pregnancy" else "200"
    row = _row("X", value, meds=text) if where == "meds" else _row("X", value, notes=text)
    result = _run(tmp_path, [row]).loc["X"]
    assert expected in result["factors"], _state_shown(result)


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("Sehstörungen - bitemporal", "urgent"),
        ("visual field loss - bitemporal hemianopia", "urgent"),
        ("Galaktorrhoe seit 3-4 Wochen", "soon"),
        ("Kopfschmerz- und Sehstörungen", "urgent"),  # a German elision, no sign
        ("galactorrhoea - bilateral", "soon"),
        ("Galaktorrhoe -/+", "soon"),
        ("Galaktorrhoe: neg.", "routine"),  # the word form (already read)
    ],
)
def test_a_symptom_with_a_dash_that_is_no_sign(tmp_path: Path, text: str, priority: str) -> None:
    result = _run(tmp_path, [_row("X", "35", symptoms=text)]).loc["X"]
    assert result["priority"] == priority, _state_shown(result)
