"""Review 23: a drug the notes say is not taken now, a drug given as needed in any dosage form,
and the time of a stop written verb-first.

- a substance written as used in the past (a former user or addict, abstinent, clean or in
  remission, a finished detox or programme, a past decade), or absent from a tox screen
  ("assente", "negativos", "not detected"), was counted as taken now, often as the likely cause,
  and the MRI and referral were dropped.  Contract §7: ``routine`` is "high and explained by a
  factor"; clinical-reference §3.1: heroin raises prolactin by its current use; extensions
  ("What the unexplained evidence says"): a drug read as not taken now is "recorded as stopped
  or not taken now, not counted";
- a drug written as not to be given ("avoid" after it, "evitare", "evitar", "vermeiden",
  "éviter", a label "da evitare:"), given up ("quit"), or answered "N" or "✗" in a yes/no form
  (contract §2: yes/no fields accept Y/N) was counted as taken;
- an antiemetic given as needed from an ampoule, a vial, by injection or as a suppository was
  read as taken regularly: the as-needed rule (a possible cause only if a dose was given
  shortly before the sample) does not depend on the dosage form;
- a stop written verb-first ("stopped metoclopramide yesterday", "sospeso Plasil 2 giorni fa",
  "suspendió metoclopramida ayer") lost its time, so a drug within its 3-day washout was
  dropped (clinical-reference §0 "Drug withdrawal test", §1.1 2.1: stop for 3 days, then
  re-measure).

Synthetic patients only; through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

NOT_COUNTED = "recorded as stopped or not taken now, not counted"
AS_NEEDED = "taken as needed"
WASHOUT = "within the 3-day washout: still acting"
WORK_UP = ("pituitary_mri", "endocrine_referral")


def _run(
    tmp_path: Path, header: str, rows: list[list[str]], prolactin: float = 90
) -> list[pd.Series]:
    """One row per cell list (sex, age, then the rest of ``header``'s columns)."""
    lines = [
        f"P{i},{cells[0]},{cells[1]},{prolactin},ng/mL," + ",".join(map(csv_quoted, cells[2:]))
        for i, cells in enumerate(rows)
    ]
    out = triage_lines(tmp_path, f"patient_id,sex,age,prolactin,unit,{header}", lines)
    return [out.loc[f"P{i}"] for i in range(len(rows))]


def _factor(row: pd.Series, prefix: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith(prefix)), None)


def _codes(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


# 1. A substance not used now -----------------------------------------------------------------
NOT_USED_NOW = [
    "ex tossicodipendente da eroina",
    "ex-tossicodipendente (eroina)",
    "clean from heroin for 5 years",
    "heroin in remission",
    "heroin: abstinent since 2019",
    "eroina: in remissione",
    "exadicto a heroína, en remisión",
    "abstinent from heroin since 2020",
    "tox urine: eroina assente, cocaina assente",
    "opiáceos negativos",
    "opioids not detected",
    "oppiacei non rilevati",
    "HIV acquired via IV heroin use in the 90s",
    "HIV contratto per uso di eroina ev negli anni 90",
    "VIH por consumo de heroína en los años 90",
    "methadone detox completed",
    "completó desintoxicación de metadona en 2023",
    "metadone: scalato a zero nel 2025",
    "abandonó el tratamiento con metadona",
    "methadone (discharged from programme 2022)",
    "stopped treatment with methadone",
]


def test_a_substance_used_only_in_the_past_or_absent_is_no_factor(tmp_path: Path) -> None:
    rows = _run(tmp_path, "comments", [["M", "42", text] for text in NOT_USED_NOW])
    for text, row in zip(NOT_USED_NOW, rows, strict=True):
        assert _factor(row, "medication:") is None, (text, row["factor_evidence"])
        # 5x the upper limit, unexplained: soon, with the pituitary work-up
        assert row["priority"] == "soon", (text, row["priority"])
        for code in WORK_UP:
            assert code in _codes(row), (text, code, row["suggestions"])


def test_a_substance_used_now_beside_past_words_stays_a_factor(tmp_path: Path) -> None:
    cells = [
        "methadone 60 mg, abstinent from heroin",
        "methadone 60 mg daily, abstinent since 2019",
        "heroin, clean urine",
        "on methadone since the 90s",
        "tox: opiates positive, cocaine negative",
    ]
    rows = _run(tmp_path, "comments", [["M", "42", text] for text in cells])
    for text, row in zip(cells, rows, strict=True):
        assert _factor(row, "medication:opioid") is not None, (text, row["factor_evidence"])
    # the heroin the patient is abstinent from is not counted beside the methadone
    assert "diamorphine" not in rows[0]["factor_evidence"]


# 2. Not to be given, given up, answered N ----------------------------------------------------
NOT_GIVEN = [
    "evitare metoclopramide",
    "evitar metoclopramida",
    "metoclopramide avoided (QT)",
    "metoclopramide: avoid",
    "MCP vermeiden",
    "éviter le Primpéran",
    "Plasil da evitare",
    "da evitare: Plasil",
    "a evitar: metoclopramida",
    "quit metoclopramide",
    "Metoclopramide: N",
    "Metoclopramide (N)",
    "Metoclopramide - N",
    "Metoclopramide ✗",
    "metoclopramida: se suspendió",
    "Methadone N",
]
# (a bare "N" after a brand is not read as an answer: "Briserin N" is the brand's variant)


def test_a_drug_not_to_be_given_or_answered_no_is_not_taken(tmp_path: Path) -> None:
    rows = _run(tmp_path, "medications", [["F", "30", text] for text in NOT_GIVEN])
    for text, row in zip(NOT_GIVEN, rows, strict=True):
        assert _factor(row, "medication:") is None, (text, row["factor_evidence"])
        assert NOT_COUNTED in row["factor_evidence"], (text, row["factor_evidence"])
        assert row["priority"] == "soon", (text, row["priority"])
        assert "macroprolactin_screen" in _codes(row), (text, row["suggestions"])


def test_the_drug_a_warning_names_beside_the_avoided_one_stays_taken(tmp_path: Path) -> None:
    cells = [
        "domperidone: avoid (QT prolongation with methadone)",
        "ondansetron given; metoclopramide avoided due to QT; methadone 60 mg",
        "metoclopramide 10 mg tds, avoid alcohol",
        "Methadone: N; Metoclopramide: Y",
        "Briserin N; metoclopramide 10 mg",
    ]
    rows = _run(tmp_path, "medications", [["F", "30", text] for text in cells])
    for row in rows[:2]:
        assert _factor(row, "medication:antiemetic") is None, row["factor_evidence"]
        assert _factor(row, "medication:opioid") is not None, row["factor_evidence"]
    assert _factor(rows[2], "medication:antiemetic") is not None, rows[2]["factor_evidence"]
    assert _factor(rows[3], "medication:antiemetic") is not None, rows[3]["factor_evidence"]
    assert _factor(rows[3], "medication:opioid") is None, rows[3]["factor_evidence"]
    assert "→ reserpine" in rows[4]["factor_evidence"], rows[4]["factor_evidence"]


# 3. As needed whatever the dosage form --------------------------------------------------------
AS_NEEDED_FORMS = [
    "metoclopramide 1 amp PRN",
    "metoclopramide 10 mg/2 ml inj PRN",
    "metoclopramide 1 ampoule IV PRN",
    "metoclopramide 1 vial prn",
    "Plasil 1 fl im al bisogno",
    "Plasil fiala al bisogno",
    "Plasil 1 fl e.v. al bisogno",
    "Primperan 1 ampolla si precisa",
    "Primperan 1 amp im si precisa",
    "domperidone 1 supp PRN",
    "MCP 1 Supp. bei Bedarf",
    "Paspertin 1 Amp. i.v. bei Bedarf",
    "Motilium 1 supositorio si náuseas",
    "Primpéran 1 suppositoire si nausées",
]


def test_an_as_needed_drug_in_any_dosage_form_is_a_possible_cause(tmp_path: Path) -> None:
    rows = _run(tmp_path, "medications", [["F", "30", text] for text in AS_NEEDED_FORMS])
    for text, row in zip(AS_NEEDED_FORMS, rows, strict=True):
        found = _factor(row, "medication:antiemetic")
        assert found is not None, (text, row["factor_evidence"])
        assert found["strength"] == "possible", (text, found)
        assert AS_NEEDED in found["evidence"], (text, found["evidence"])
        assert row["priority"] == "soon", (text, row["priority"])


# 4. A verb-first stop keeps its time -----------------------------------------------------------
RECENT_STOPS = [
    "stopped metoclopramide yesterday",
    "stopped metoclopramide 2 days ago",
    "stopped metoclopramide 10 mg yesterday",
    "discontinued domperidone yesterday",
    "paracetamol; stopped metoclopramide 1 day ago",
    "sospeso metoclopramide ieri",
    "ha sospeso Plasil 2 giorni fa",
    "ha smesso di prendere il Plasil ieri",
    "suspendió metoclopramida ayer",
    "dejó el Primperan hace 2 días",
    "metoclopramida: se suspendió ayer",
    "quit metoclopramide yesterday",
    "stopped metoclopramide on 19/11/2026",
]


def test_a_stop_written_before_the_drug_keeps_its_time(tmp_path: Path) -> None:
    rows = _run(
        tmp_path,
        "medications,collected_at",
        [["F", "33", text, "2026-11-20 09:00"] for text in RECENT_STOPS],
        prolactin=60,
    )
    for text, row in zip(RECENT_STOPS, rows, strict=True):
        found = _factor(row, "medication:antiemetic")
        assert found is not None, (text, row["factor_evidence"])
        assert found["strength"] == "likely", (text, found)
        assert WASHOUT in found["evidence"], (text, found["evidence"])
        assert row["priority"] == "routine", (text, row["priority"])


def test_a_stop_written_before_the_drug_long_ago_is_no_factor(tmp_path: Path) -> None:
    cells = [
        "stopped metoclopramide 2 weeks ago",
        "sospeso Plasil 3 mesi fa",
        "Risperdal stopped and haloperidol started yesterday",
    ]
    rows = _run(
        tmp_path,
        "medications,collected_at",
        [["F", "33", text, "2026-11-20 09:00"] for text in cells],
        prolactin=60,
    )
    for text, row in zip(cells[:2], rows[:2], strict=True):
        assert _factor(row, "medication:") is None, (text, row["factor_evidence"])
    # the stop of the first drug is not dated by the second one's start
    found = _factor(rows[2], "medication:antipsychotic")
    assert found is not None and "→ haloperidol" in found["evidence"], rows[2]["factor_evidence"]
    assert "→ risperidone (" not in found["evidence"], found["evidence"]
