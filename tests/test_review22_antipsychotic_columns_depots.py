"""Review 22 (psychiatry service): antipsychotic columns and long-acting injections.

* a column headed by the drug class ("Antipsychotic", "Neuroleptikum", "Antipsicótico", ...), or
  a class flag beside the medication list, holding a D2 partial agonist (aripiprazole,
  brexpiprazole, cariprazine: Abilify, Abilify Maintena, Rexulti, Reagila) was credited as a
  likely antipsychotic cause, "antipsychotic (unspecified)", routine, no work-up.  The named drug
  is what the column means: graded as itself (clinical-reference §0b, §3.2: it lowers prolactin;
  §8 masking: a raised level on it needs a cause).  The class default stays for a bare yes;
* a depot column ("Depot", "LAI", "Long-acting injectable", "Antipsicotico long-acting") beside
  another medication column was ignored, and "LAI", "Depotpräparat", "Injectable" alone were not
  read: a depot antipsychotic is a likely cause (§3.1);
* depots in clinicians' shorthand ("PP3M", "PP1M", "Haldol dec", "Fluanxol inj.", "rispéridone
  LP", "a rilascio prolungato", "3-monthly injection") were read as oral drugs, so a stop weeks
  ago dropped them, and brand suffixes alone ("Sustenna", "Trinza", "Hafyera", "Consta",
  "Maintena", "Relprevv") named no drug: a depot acts far longer than the oral washout (§7.9);
* after a completed switch from a depot to aripiprazole the advice still proposed a switch; it
  now says the switch is done and when to re-measure, after the depot's washout (§7.9; §1.2).

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned

ANTIPSYCHOTIC = "medication:antipsychotic"


def _table(header: list[str], rows: list[dict[str, str]], sample: str = "2026-11-20") -> str:
    """A wide CSV: one row per {column: cell}, women of 34 with prolactin 85 ng/mL."""
    head = ["patient_id", "sex", "age", "prolactin (ng/mL)", "collected", *header]
    lines = [",".join(head)]
    for i, filled in enumerate(rows):
        row = [f"P{i}", "F", "34", "85", sample]
        row += [csv_quoted(filled[h]) if h in filled else "" for h in header]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _run(tmp_path: Path, text: str) -> tuple[list[pd.Series], list[str]]:
    out, warnings = triage_csv_warned(tmp_path, text)
    return [out.loc[f"P{i}"] for i in range(len(out))], warnings


def _factor(row: pd.Series, code: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == code), None)


def _suggestion(row: pd.Series, code: str) -> str | None:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == code]
    return found[0] if found else None


def _evidence(row: pd.Series) -> str:
    return " | ".join(f["evidence"] for f in row["factor_details"])


# 1. A class column or flag naming a D2 partial agonist -----------------------------------------
CLASS_HEADERS = [
    "Antipsychotic",
    "Neuroleptikum",
    "Antipsychotique",
    "Antipsicótico",
    "Antipsicotico",
    "Antipsychoticum",
    "Current antipsychotic",
]
PARTIAL_AGONISTS = [
    ("Antipsychotic", "aripiprazole 10 mg"),
    ("Neuroleptikum", "Abilify 15 mg 1-0-0"),
    ("Antipsychotique", "Abilify Maintena 400 mg"),
    ("Antipsicótico", "Reagila 3 mg"),
    ("Antipsicotico", "Rexulti 2 mg"),
    ("Antipsychoticum", "Aripiprazol Depot 400 mg"),
    ("Current antipsychotic", "Abilify Maintena 400mg monthly"),
]


def test_a_class_column_naming_a_partial_agonist_is_that_drug(tmp_path: Path) -> None:
    rows, warnings = _run(tmp_path, _table(CLASS_HEADERS, [{h: c} for h, c in PARTIAL_AGONISTS]))
    assert not any("holds free text that is not read" in w for w in warnings)  # it is read
    for row, (header, cell) in zip(rows, PARTIAL_AGONISTS, strict=True):
        said = f"{header}: {cell}"
        assert _factor(row, ANTIPSYCHOTIC) is None, said
        assert "antipsychotic (unspecified)" not in _evidence(row), said
        assert "not counted as current medication" not in _evidence(row), said
        assert _factor(row, "unexplained") is not None, said
        assert row["priority"] != "routine", said
        assert _suggestion(row, "dopamine_agonist_masking") is not None, said  # §8 masking
        assert _suggestion(row, "endocrine_referral") is not None, said
        assert _suggestion(row, "medication_review") is None, said


def test_a_class_column_without_a_drug_keeps_the_class_default(tmp_path: Path) -> None:
    cells = [
        {"Antipsychotic": "yes"},
        {"Neuroleptikum": "ja"},
        {"Antipsicotico": "Risperdal 4 mg"},
        {"Antipsychotic": "Abilify 10 mg + Haldol 5 mg"},
    ]
    rows, _ = _run(tmp_path, _table(["Antipsychotic", "Neuroleptikum", "Antipsicotico"], cells))
    for row in rows:
        assert (_factor(row, ANTIPSYCHOTIC) or {}).get("strength") == "likely", _evidence(row)
    assert "risperidone" in _evidence(rows[2])
    assert "haloperidol" in _evidence(rows[3])
    assert "unspecified" not in _evidence(rows[3])


def test_a_class_flag_beside_the_named_drug_is_the_named_drug(tmp_path: Path) -> None:
    header = ["Medications", "Antipsychotic (Y/N)"]
    cells = [
        {"Medications": "aripiprazole 10 mg", "Antipsychotic (Y/N)": "Y"},
        {"Medications": "Abilify Maintena 400 mg; Sertralin 50 mg", "Antipsychotic (Y/N)": "Y"},
        {"Medications": "sertraline 50 mg", "Antipsychotic (Y/N)": "Y"},  # drug not named
    ]
    rows, _ = _run(tmp_path, _table(header, cells))
    for row in rows[:2]:
        assert _factor(row, ANTIPSYCHOTIC) is None, _evidence(row)
        assert "not counted as current medication" not in _evidence(row)
        assert _suggestion(row, "dopamine_agonist_masking") is not None
    assert (_factor(rows[2], ANTIPSYCHOTIC) or {}).get("strength") == "likely"


def test_a_depot_class_column_of_answers_and_drugs_reads_each(tmp_path: Path) -> None:
    header = "Antipsicotico long-acting"
    cells = ["sì", "no", "Xeplion 100 mg mensile", "Abilify Maintena 400 mg"]
    rows, warnings = _run(tmp_path, _table([header], [{header: c} for c in cells]))
    assert (_factor(rows[0], ANTIPSYCHOTIC) or {}).get("strength") == "likely"  # the class
    assert _factor(rows[1], ANTIPSYCHOTIC) is None
    assert "→ paliperidone" in (_factor(rows[2], ANTIPSYCHOTIC) or {}).get("evidence", "")
    assert _factor(rows[3], ANTIPSYCHOTIC) is None  # aripiprazole: its own grade
    assert _suggestion(rows[3], "dopamine_agonist_masking") is not None
    assert not any("not read" in w for w in warnings)


# 2. Depot columns -------------------------------------------------------------------------------
DEPOT_HEADERS = ["Depot", "LAI", "Long-acting injectable", "Antipsicotico long-acting"]


def test_a_depot_column_beside_the_medication_list_is_read(tmp_path: Path) -> None:
    cells = [
        {"Medication": "Lorazepam 1mg", "Depot": "Haldol Decanoas 50 mg q4w"},
        {"Depot": "Xeplion 100 mg q4w"},
        {"Medication": "Sertralin 50 mg", "LAI": "Trevicta 350 mg q3 months"},
        {"Medication": "Lorazepam 1mg", "Long-acting injectable": "Risperdal Consta 37.5 mg q2w"},
        {"Medication": "Lorazepam", "Antipsicotico long-acting": "Xeplion 150 mg mensile"},
    ]
    rows, warnings = _run(tmp_path, _table(["Medication", *DEPOT_HEADERS], cells))
    for row in rows:
        factor = _factor(row, ANTIPSYCHOTIC)
        assert factor is not None and factor["strength"] == "likely", _evidence(row)
        assert "depot" in factor["evidence"]
        assert row["priority"] == "routine"
        assert "not given: medications" not in _evidence(row)
    joined = " ".join(warnings)
    for header in DEPOT_HEADERS:
        assert f"column '{header}' also holds medications" in joined
    assert "map it: [columns] medications = 'Depot'" not in joined


def test_a_depot_column_alone_is_the_medication_list(tmp_path: Path) -> None:
    for header in ("LAI", "Depotpräparat", "Injectable", "Antipsychotique à action prolongée"):
        folder = tmp_path / str(len(header))
        folder.mkdir()
        rows, _ = _run(folder, _table([header], [{header: "Xeplion 100 mg monatlich"}]))
        factor = _factor(rows[0], ANTIPSYCHOTIC)
        assert factor is not None and factor["strength"] == "likely", header


def test_a_weak_column_that_names_no_drug_is_not_joined(tmp_path: Path) -> None:
    cells = [
        {"Medication": "Risperdal 2 mg", "Depot": "Freezer 3 rack B", "LAI": "Kühlraum 2"},
        {"Medication": "Lorazepam 1 mg", "Depot": "Depot A", "LAI": "Rack 4"},
    ]
    rows, warnings = _run(tmp_path, _table(["Medication", "Depot", "LAI"], cells))
    assert not any("also holds medications" in w for w in warnings)
    assert (_factor(rows[0], ANTIPSYCHOTIC) or {}).get("strength") == "likely"
    assert "Freezer" not in _evidence(rows[0])
    assert _factor(rows[1], ANTIPSYCHOTIC) is None


# 3. Depots in shorthand, stopped weeks ago; brand suffixes --------------------------------------
STILL_ACTING = [
    "PP3M last injection 2026-07-01",
    "Trevicta last injection 2026-07-01",
    "Haldol dec stopped 6 weeks ago",
    "Haldol Decanoas abgesetzt vor 6 Wochen",
    "PP1M stopped 6 weeks ago",
    "Fluanxol 40 mg inj. stopped 5 weeks ago",
    "rispéridone LP arrêtée il y a 4 semaines",
    "risperidone a rilascio prolungato sospeso da 6 settimane",
    "risperidona de liberación prolongada suspendida hace 5 semanas",
    "paliperidone 3-monthly injection stopped 2026-07-01",
    "haloperidol injection every 4 weeks stopped 6 weeks ago",
]


def test_a_depot_in_shorthand_stopped_weeks_ago_still_acts(tmp_path: Path) -> None:
    rows, _ = _run(tmp_path, _table(["Medication"], [{"Medication": m} for m in STILL_ACTING]))
    for row, written in zip(rows, STILL_ACTING, strict=True):
        factor = _factor(row, ANTIPSYCHOTIC)
        assert factor is not None and factor["strength"] == "likely", (written, _evidence(row))
        assert "depot still acts" in factor["evidence"], written
        assert row["priority"] == "routine", written
    # a 3-monthly depot acts longer than a monthly one: 142 days after its last injection
    assert "183 days" in (_factor(rows[0], ANTIPSYCHOTIC) or {})["evidence"]
    assert "183 days" in (_factor(rows[9], ANTIPSYCHOTIC) or {})["evidence"]


BRAND_SUFFIXES = [
    ("Sustenna 156mg monthly", "paliperidone"),
    ("Trinza 546 mg", "paliperidone"),
    ("Hafyera 1092 mg", "paliperidone"),
    ("Consta 37.5 q2w", "risperidone"),
    ("Relprevv 405", "olanzapine"),
]


def test_a_depot_brand_suffix_alone_names_its_drug(tmp_path: Path) -> None:
    cells = [{"Medication": m} for m, _ in BRAND_SUFFIXES] + [{"Medication": "Maintena 400mg"}]
    rows, _ = _run(tmp_path, _table(["Medication"], cells))
    for row, (written, drug) in zip(rows, BRAND_SUFFIXES, strict=False):
        factor = _factor(row, ANTIPSYCHOTIC)
        assert factor is not None and f"→ {drug}" in factor["evidence"], written
        assert "depot" in factor["evidence"], written
    maintena = rows[-1]  # aripiprazole: lowers prolactin, the raised level needs a cause
    assert _factor(maintena, ANTIPSYCHOTIC) is None
    assert _suggestion(maintena, "dopamine_agonist_masking") is not None


def test_oral_drugs_and_ordinary_words_stay_as_they_were(tmp_path: Path) -> None:
    written = [
        "risperidone 4 mg stopped 6 weeks ago",  # oral: past the washout
        "Seroquel LP 300 mg arrêté il y a 4 semaines",  # quetiapine's LP is a tablet
        "Invega 6 mg stopped 6 weeks ago",  # oral paliperidone
        "haloperidol 5 mg inj prn stopped 5 weeks ago",  # a short-acting injection
        "haloperidol last week injection 5 mg stopped 5 weeks ago",
        "Olanzapin 10 mg Injektion bei Bedarf abgesetzt vor 5 Wochen",
        "No consta medicación",  # Spanish: not recorded
        "Consta tratamiento con sertralina",
        "Haldol dec 2025 abgesetzt",  # December, not a decanoate
    ]
    rows, _ = _run(tmp_path, _table(["Medication"], [{"Medication": m} for m in written]))
    for row, text in zip(rows, written, strict=True):
        assert _factor(row, ANTIPSYCHOTIC) is None, (text, _evidence(row))
        assert "risperidone" not in _evidence(row) or "risperidone 4 mg" in text, text
        assert "depot" not in _evidence(row), text


# 4. A completed switch from a depot to aripiprazole ---------------------------------------------
SWITCHES = [
    "Umstellung von Xeplion auf Abilify Maintena vor 4 Wochen",
    "relais Xeplion -> Abilify Maintena il y a 1 mois",
    "switched from Invega Sustenna to Abilify Maintena 4 weeks ago",
    "cambio de Xeplion a Abilify Maintena hace 4 semanas",
]


def test_a_completed_switch_from_a_depot_is_not_proposed_again(tmp_path: Path) -> None:
    cells = [{"Medication": m} for m in SWITCHES] + [{"Medication": "Xeplion 100 mg monthly"}]
    rows, _ = _run(tmp_path, _table(["Medication"], cells))
    for row, written in zip(rows, SWITCHES, strict=False):
        review = _suggestion(row, "medication_review") or ""
        assert "switch is done" in review, (written, review)
        assert "washing out" in review, written
        assert "prolactin-sparing alternative" not in review, written
        assert "repeat prolactin 92 days after the switch" in review, written
        assert (_factor(row, ANTIPSYCHOTIC) or {}).get("strength") == "likely", written
    ongoing = _suggestion(rows[-1], "medication_review") or ""
    assert "prolactin-sparing alternative may be an option" in ongoing
    assert "switch is done" not in ongoing
