"""Review 21: drug columns and the drug lexicon, read as a clinician means them.

* a research export's column per drug reads any positive dose as taken, under 1 mg too ("0.5",
  "0,5", "0.25 mg", a schedule "0-0-1"), and headers with a dose rate ("(mg/Tag)", "(mg/die)",
  "(mg/jour)", "(mg/día)", "(mg/dag)", "(mg/24h)", "(mg/Woche)", "(mg/month)"); 0 stays "not
  taking".  Cabergoline 0.5 mg a week is the usual dose: a normal result on it keeps the masking
  caution (clinical-reference §3.2, §8 "Masking");
* a column of WHO ATC codes ("ATC code", "ATC-Code", "Code ATC", "Código ATC", "Codice ATC",
  "ATC-code") names the drugs taken by their codes (§3: each drug's ATC);
* benzamides (sulpiride, levosulpiride, tiapride), domperidone and haloperidol are graded high
  (§0b, §3.1) and a culprit drug under ~100-120 ng/mL is consistent with drug effect (§8): at
  105 ng/mL each is a likely cause, as risperidone is; above ~118 ng/mL a drug alone rarely
  explains the level (Korbonits 2000), so the pituitary is still looked at;
* protease inhibitors besides ritonavir (§3.1 names the class) and the brands Paramax,
  Migränerton (metoclopramide with paracetamol), Lebopride and Digton (levosulpiride, Spain).

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned

from triage.columns import is_atc_header
from triage.knowledge.loaders import load_drugs

MASKING = "dopamine_agonist_masking"


def _table(header: list[str], cells: list[tuple[float, dict[str, str]]]) -> str:
    """A wide CSV: one row per (prolactin, {column: cell}), women of 34 sampled 2026-10-15."""
    head = ["patient_id", "sex", "age", "prolactin", "unit", "collected", *header]
    lines = [",".join(head)]
    for i, (prolactin, filled) in enumerate(cells):
        row = [f"P{i}", "F", "34", str(prolactin), "ng/mL", "2026-10-15"]
        row += [csv_quoted(filled[h]) if h in filled else "" for h in header]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _run(tmp_path: Path, text: str) -> tuple[list[pd.Series], list[str]]:
    out, warnings = triage_csv_warned(tmp_path, text)
    return [out.loc[f"P{i}"] for i in range(len(out))], warnings


def _drug_factors(row: pd.Series) -> list[dict[str, str]]:
    return [f for f in row["factor_details"] if f["code"].startswith("medication:")]


def _codes(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"]}


def _suggestions(row: pd.Series) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


# 1. Doses under 1 mg, and headers with a dose rate -------------------------------------------
DOSE_HEADERS = [
    "Risperidon (mg)",
    "Risperidon (mg/Tag)",
    "Rispéridone (mg/jour)",
    "Risperidona (mg/día)",
    "Risperidone (mg/die)",
    "Risperidon (mg/dag)",
    "Haloperidol (mg/24h)",
    "Haloperidol (mg/d)",
    "Xeplion (mg/month)",
]
TAKEN = [
    ("Risperidon (mg)", "0.5"),
    ("Risperidon (mg)", "0,5"),
    ("Risperidon (mg/Tag)", "0,25"),
    ("Rispéridone (mg/jour)", "0.75"),
    ("Risperidona (mg/día)", "0,5 mg"),
    ("Risperidone (mg/die)", ",5"),
    ("Risperidon (mg/dag)", "0-0-1"),
    ("Haloperidol (mg/24h)", "0.5"),
    ("Haloperidol (mg/d)", "1,5 mg/d"),
    ("Xeplion (mg/month)", "75"),
]
NOT_TAKEN = [
    ("Risperidon (mg)", "0"),
    ("Risperidon (mg/Tag)", "0,0"),
    ("Haloperidol (mg/d)", "0 mg"),
    ("Risperidon (mg/dag)", "0-0-0"),
]


def test_any_positive_dose_is_taken_and_rate_headers_are_read(tmp_path: Path) -> None:
    rows, warnings = _run(
        tmp_path,
        _table(DOSE_HEADERS, [(70, {h: c}) for h, c in TAKEN + NOT_TAKEN]),
    )
    for (header, cell), row in zip(TAKEN, rows, strict=False):
        found = _drug_factors(row)
        assert [f["code"] for f in found] == ["medication:antipsychotic"], (header, cell, found)
        assert found[0]["strength"] == "likely", (header, cell, found)
        assert "unexplained" not in _codes(row), (header, cell)
    for (header, cell), row in zip(NOT_TAKEN, rows[len(TAKEN) :], strict=True):
        assert not _drug_factors(row), (header, cell, row["factor_details"])
    read = next(w for w in warnings if "read into medications" in w)
    assert all(h in read for h in DOSE_HEADERS), read
    assert not any("holds yes/no answers" in w for w in warnings), warnings


CABERGOLINE_HEADERS = [
    "Cabergolin (mg/Woche)",
    "Cabergoline (mg/week)",
    "Cabergoline (mg/semaine)",
    "Cabergolina (mg/semana)",
    "Cabergolina (mg/settimana)",
    "Cabergoline (mg/wk)",
]


def test_cabergoline_weekly_dose_under_1_mg_keeps_the_masking_caution(tmp_path: Path) -> None:
    doses = ["0.5", "0,25", "0,5 mg", "0.5", "1", "0.25"]
    cells = [(12, {h: d}) for h, d in zip(CABERGOLINE_HEADERS, doses, strict=True)]
    cells.append((12, {CABERGOLINE_HEADERS[0]: "0"}))
    rows, warnings = _run(tmp_path, _table(CABERGOLINE_HEADERS, cells))
    for header, row in zip(CABERGOLINE_HEADERS, rows, strict=False):
        assert MASKING in _suggestions(row), (header, row["suggestion_details"])
    assert MASKING not in _suggestions(rows[-1])  # 0 mg: not taking
    assert not any("holds yes/no answers" in w for w in warnings), warnings


def test_a_decimal_in_a_yes_no_drug_column_is_no_answer(tmp_path: Path) -> None:
    header = ["Risperidone (Y/N)"]
    rows, warnings = _run(tmp_path, _table(header, [(70, {header[0]: "0.5"}), (70, {})]))
    # "0.5" is neither yes nor no: not read as "no" (it was: its first digit 0), counted unread
    read = next(w for w in warnings if "read into medications" in w)
    assert "1 cell(s) were neither" in read, read
    assert not _drug_factors(rows[0])


# 2. ATC code columns ---------------------------------------------------------------------------
ATC_HEADERS = ["ATC code", "ATC-Code", "Code ATC", "Código ATC", "Codice ATC", "ATC-code", "ATC"]


def test_atc_code_columns_name_the_drugs_taken(tmp_path: Path) -> None:
    raising = [
        ("ATC code", "N05AX08", "medication:antipsychotic", "risperidone"),
        ("ATC-Code", "A03FA01", "medication:antiemetic_prokinetic", "metoclopramide"),
        ("Code ATC", "N05AL05, C08DA01", "medication:antipsychotic", "amisulpride"),
        ("Código ATC", "N05AL01", "medication:antipsychotic", "sulpiride"),
        ("Codice ATC", "A03FA03", "medication:antiemetic_prokinetic", "domperidone"),
        ("ATC", "N05AD01", "medication:antipsychotic", "haloperidol"),
    ]
    cells = [(70, {h: c}) for h, c, _, _ in raising]
    cells += [(12, {"ATC-code": "G02CB03"}), (70, {"ATC code": "C09AA05"}), (70, {"ATC": "2"})]
    rows, warnings = _run(tmp_path, _table(ATC_HEADERS, cells))
    for (header, cell, code, drug), row in zip(raising, rows, strict=False):
        found = {f["code"]: f["evidence"] for f in _drug_factors(row)}
        assert code in found and f"→ {drug}" in found[code], (header, cell, found)
    assert "medication:verapamil" in _codes(rows[2])  # the second code of the list
    assert MASKING in _suggestions(rows[6])  # G02CB03: cabergoline at a normal level
    # ramipril names no prolactin-raising drug, but the medications are given
    ramipril = next(f for f in rows[7]["factor_details"] if f["code"] == "unexplained")
    assert "not given: medications" not in ramipril["evidence"], ramipril
    # "2" is no ATC code: not read, counted, and the column stays named in the warning
    unknown = next(f for f in rows[8]["factor_details"] if f["code"] == "unexplained")
    assert "not given: medications" in unknown["evidence"], unknown
    read = next(w for w in warnings if "ATC codes read into medications" in w)
    assert all(h in read for h in ATC_HEADERS) and "1 cell(s)" in read, read
    assert not any("is not read, yet its cells name drugs" in w for w in warnings), warnings


def test_atc_header_words_and_negatives() -> None:
    for header in [*ATC_HEADERS, "atc_code_2", "Medikation (ATC)", "Medicación (código ATC)"]:
        assert is_atc_header(header), header
    for header in ["code", "Test code", "LOINC code", "Matched", "Catcode", "ATC lab", "Batch"]:
        assert not is_atc_header(header), header


# 3. How high a culprit drug can take prolactin -------------------------------------------------
HIGH_GRADE = [
    ("sulpiride 400 mg", "sulpiride"),
    ("Dogmatil 200 mg 1-0-1", "sulpiride"),
    ("Levopraid 25 mg 1 cp x 3/die", "levosulpiride"),
    ("Tiapridex 100 mg", "tiapride"),
    ("Motilium 10mg tid", "domperidone"),
    ("domperidona 10 mg c/8h", "domperidone"),
    ("Haldol 5 mg 1-0-1", "haloperidol"),
    ("aloperidolo 2 mg", "haloperidol"),
    ("risperidone 4 mg", "risperidone"),
]


def test_high_grade_drugs_explain_105_ng_ml_as_risperidone_does(tmp_path: Path) -> None:
    header = ["medication"]
    rows, _ = _run(tmp_path, _table(header, [(105, {"medication": t}) for t, _ in HIGH_GRADE]))
    for (text, drug), row in zip(HIGH_GRADE, rows, strict=True):
        found = _drug_factors(row)
        assert len(found) == 1 and f"→ {drug}" in found[0]["evidence"], (text, found)
        assert found[0]["strength"] == "likely", (text, found)
        assert "usually stay below ~100" not in found[0]["evidence"], (text, found)
        assert "above that" not in found[0]["evidence"], (text, found)
        assert "prolactinoma_suspected" not in _codes(row), (text, row["factor_details"])
        assert row["priority"] == "routine", (text, row["priority"])


def test_above_118_ng_ml_a_drug_is_possible_and_its_own_reach_is_said(tmp_path: Path) -> None:
    texts = ["sulpiride 400 mg", "Motilium 10 mg", "Haldol 10 mg", "Haldol 10 mg"]
    levels = [150, 150, 115, 150]
    rows, _ = _run(
        tmp_path,
        _table(
            ["medication"], [(p, {"medication": t}) for p, t in zip(levels, texts, strict=True)]
        ),
    )
    sulpiride, domperidone, haloperidol_115, haloperidol_150 = (_drug_factors(r)[0] for r in rows)
    assert "can raise prolactin to ~200 ng/mL" in sulpiride["evidence"], sulpiride
    assert "can raise prolactin to ~200 ng/mL" in domperidone["evidence"], domperidone
    assert "can raise prolactin to ~120 ng/mL" in haloperidol_150["evidence"], haloperidol_150
    assert "above that" in haloperidol_150["evidence"], haloperidol_150  # 150 > ~120
    assert haloperidol_115["strength"] == "likely", haloperidol_115  # within ~100-120 (§8)
    for row, factor in zip(rows, (sulpiride, domperidone, None, haloperidol_150), strict=True):
        if factor is not None:  # above ~118: a possible cause, the pituitary still looked at
            assert factor["strength"] == "possible", factor
            assert "prolactinoma_suspected" in _codes(row), row["factor_details"]


def test_each_high_grade_benzamide_fga_and_antiemetic_has_a_sourced_reach() -> None:
    drugs = {d.name: d for d in load_drugs()}
    for name in ("sulpiride", "levosulpiride", "tiapride", "domperidone", "haloperidol"):
        drug = drugs[name]
        assert drug.typical_max_ng_ml is not None and drug.typical_max_ng_ml >= 120, name
        assert "typical_max" in drug.source, (name, drug.source)


# 4. Lexicon gaps -----------------------------------------------------------------------------
LEXICON = [
    ("Norvir 100 mg + Prezista 800 mg", "darunavir"),
    ("Symtuza 1-0-0", "darunavir"),
    ("Rezolsta 800/150 mg", "darunavir"),
    ("Evotaz 1x täglich", "atazanavir"),
    ("Reyataz 300 mg + Norvir", "atazanavir"),
    ("atazanavir 300 mg/día", "atazanavir"),
    ("Kaletra 200/50 2-0-2", "ritonavir"),
    ("lopinavir 400 mg", "lopinavir"),
    ("Paramax 2 Tbl bei Migräne", "metoclopramide"),
    ("Migränerton Kps.", "metoclopramide"),
    ("Lebopride 25 mg 1-1-1", "levosulpiride"),
    ("Digton 25 mg c/8h", "levosulpiride"),
]


def test_protease_inhibitors_and_combination_brands_are_read(tmp_path: Path) -> None:
    negatives = ["Migräne, keine Medikamente", "paramaxillary sinus lavage", "Symptome: keine"]
    texts = [t for t, _ in LEXICON] + negatives
    rows, _ = _run(tmp_path, _table(["medication"], [(70, {"medication": t}) for t in texts]))
    for (text, drug), row in zip(LEXICON, rows, strict=False):
        evidence = " ".join(f["evidence"] for f in _drug_factors(row))
        assert f"→ {drug}" in evidence, (text, row["factor_details"])
    for text, row in zip(negatives, rows[len(LEXICON) :], strict=True):
        assert not _drug_factors(row), (text, row["factor_details"])
