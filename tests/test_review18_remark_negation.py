"""Review 18: a remark that denies a defect, a service named after breastfeeding, and the
words of an infant's own feeding.

- A result whose remark says the specimen is fine ("260 non hémolysé", "260 (nicht
  hämolytisch)", "260 not haemolysed", "260 no hemolizado", "260 non emolizzato", "260 niet
  gehemolyseerd", "260, kein Hämolyse", "260 sans hémolyse", "260 ohne Lipämie") was rejected
  (unparseable_result) or, in brackets, warned as a specimen that "may call for a repeat
  sample".  It is read as 260, the remark kept in the row's comments as written, and no repeat
  is asked for a defect the remark denies (docs/output-contract-extensions.md "A remark in
  brackets after a result").  A defect said ("260 hémolysé", "260 (haemolysed)"), even beside a
  denied one or with a degree ("not grossly haemolysed"), keeps the warning.
- A service named after breastfeeding ("breastfeeding clinic", "consultation d'allaitement",
  "consulenza allattamento", "asesoría de lactancia") set the breastfeeding state: 60 ng/mL in a
  woman of 30 was judged against the breastfeeding interval (clinical-reference §4, §8) though
  nothing said she breastfeeds; as a lactation consultant named, it says nothing of her.
- On an infant's row, "lactante" (Spanish: a nursing infant), "breastfed", "gestillt",
  "allaité", "allattato al seno", "borstgevoed" describe how the CHILD is fed: they set the
  lactating state and a "conflicting context" caution (breastfeeding recorded for a child).  On
  a child's row below pregnancy_min_age_years they now say nothing; a woman's "lactante" or
  "breastfed baby" is still her breastfeeding.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

from triage.pipeline import TriageRequest, run_triage
from triage.values import parse_quantity, remark_denied, result_remarks

RESULT_HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit"


def _results(tmp_path: Path, cells: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """One woman of 30 per prolactin cell (R0, R1 ...), with a plain 260 ng/mL (PLAIN) beside."""
    lines = [f"R{i},F,30,{csv_quoted(cell)},ng/mL" for i, cell in enumerate(cells)]
    lines.append("PLAIN,F,30,260,ng/mL")
    return triage_csv_warned(tmp_path, RESULT_HEADER + "\n" + "\n".join(lines) + "\n")


def _repeat_warning(warnings: list[str]) -> str:
    return next((w for w in warnings if "repeat" in w and "remark" in w), "")


# ----------------------------------------------------------------- a remark that denies -------
DENIED = [
    "260 non hémolysé",
    "260 (nicht hämolytisch)",
    "260 not haemolysed",
    "260 no hemolizado",
    "260 non emolizzato",
    "260 niet gehemolyseerd",
    "260, kein Hämolyse",
    "260 sans hémolyse",
    "260 ohne Lipämie",
    "260 ng/mL, non-lipémique",
    "260 pas d'hémolyse",
    "260 kein Hinweis auf Hämolyse",
    "Probe nicht hämolytisch: 260",
    "260 Hämolyse: negativ",
    "260 emolisi assente",
    "260 sin hemólisis",
    "260 geen hemolyse",
    "260 not haemolysed or lipaemic",
    "260 nicht hämolytisch, nicht lipämisch",
]


def test_a_remark_that_denies_a_defect_is_read_and_asks_no_repeat(tmp_path: Path) -> None:
    """Each is triaged as the plain 260 is, its remark kept as written in the comments, and the
    file carries no repeat-sample warning (before: unparseable_result, or the warning)."""
    rows, warnings = _results(tmp_path, DENIED)
    plain = rows.loc["PLAIN"]
    for i, cell in enumerate(DENIED):
        row = rows.loc[f"R{i}"]
        for field in ("prolactin_ng_ml", "status", "priority", "reference_stratum"):
            assert row[field] == plain[field], (cell, field)
    assert _repeat_warning(warnings) == ""
    for cell in DENIED:
        assert parse_quantity(cell).value == 260, cell
        (remark,) = result_remarks(cell)
        assert remark_denied(remark), cell
        assert remark.lower() in cell.lower().replace("(", "").replace(")", ""), cell


SAID = [
    "260 hémolysé",
    "260 (haemolysed)",
    "260 Hämolyse",
    "260 nicht hämolytisch, lipämisch",
    "260 not grossly haemolysed",
    "260 Hämolyse nicht ausgeschlossen",
    "260 (repeated)",
]


def test_a_defect_said_keeps_the_repeat_warning(tmp_path: Path) -> None:
    """A haemolysis said, even beside a denied lipaemia, with a degree after a negation, or not
    excluded, and any other remark: read, and named in the warning, row by row."""
    rows, warnings = _results(tmp_path, SAID)
    warning = _repeat_warning(warnings)
    for i, cell in enumerate(SAID):
        assert rows.loc[f"R{i}", "prolactin_ng_ml"] == 260, cell
        assert repr(cell) in warning, cell
        assert not all(remark_denied(r) for r in result_remarks(cell)), cell


def test_negation_words_without_a_remark_stay_unread(tmp_path: Path) -> None:
    """Negation words beside a number are no remark of their own, and a remark beside words
    that are none stays rejected as before: "260 no", "260 not valid, haemolysed"."""
    cells = ["260 no", "non 260", "260 not valid, haemolysed", "260 haemolysed, not valid",
             "260 haemolysed in the family", "260 nicht hämolytisch, see comment"]  # fmt: skip
    source = tmp_path / "export.csv"
    lines = [f"R{i},F,30,{csv_quoted(cell)},ng/mL" for i, cell in enumerate(cells)]
    lines += [f"OK{i},F,30,{20 + i},ng/mL" for i in range(len(cells) + 1)]
    source.write_text(RESULT_HEADER + "\n" + "\n".join(lines) + "\n")
    outcome = run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    rejected = {str(r.patient_id): r.reason_code for r in outcome.rejected}
    for i, cell in enumerate(cells):
        assert rejected.get(f"R{i}") == "unparseable_result", cell
    assert not any(pid.startswith("OK") for pid in rejected)


# ----------------------------------------------------------------- a breastfeeding service ----
STATE_HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,lactating,comments"


def _women(tmp_path: Path, notes: list[str], age: str = "30") -> pd.DataFrame:
    """One woman (or girl) of ``age`` at 60 ng/mL per note, N0, N1 ...: above the usual adult
    limit, within the breastfeeding one."""
    lines = [f"N{i},F,{age},60,ng/mL,,{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_lines(tmp_path, STATE_HEADER, lines)


def _breastfeeding(row: pd.Series) -> bool:
    return bool(row["reference_stratum"] == "default:lactating" or "lactation" in row["factors"])


SERVICES = [
    "breastfeeding clinic",
    "breastfeeding support group",
    "referred to breastfeeding clinic",
    "lactation clinic referral",
    "Stillberatung",
    "Stillambulanz",
    "consultation d'allaitement",
    "groupe de soutien à l'allaitement",
    "consulenza allattamento",
    "corso di allattamento",
    "borstvoedingsspreekuur",
    "spreekuur borstvoeding",
    "asesoría de lactancia",
    "taller de lactancia",
]
BREASTFEEDING = [
    "breastfeeding; seen at breastfeeding clinic",
    "stillt; Stillambulanz",
    "allaitement maternel, consultation allaitement",
    "lactancia materna; grupo de lactancia",
    "allatta al seno, consulenza allattamento",
    "geeft borstvoeding, spreekuur borstvoeding",
    "breastfeeding support",
    "donna in allattamento",
]


def test_a_breastfeeding_service_is_not_the_patients_state(tmp_path: Path) -> None:
    """§4, §8: the breastfeeding interval only while she breastfeeds.  A clinic, a group or a
    consultation named after breastfeeding says where someone is seen: 60 ng/mL stays high
    against the usual limit.  Her breastfeeding written beside it still counts."""
    rows = _women(tmp_path, SERVICES + BREASTFEEDING)
    for i, note in enumerate(SERVICES):
        row = rows.loc[f"N{i}"]
        assert not _breastfeeding(row), note
        assert (row["reference_stratum"], row["status"]) == ("default:adult_female", "high"), note
    for i, note in enumerate(BREASTFEEDING, start=len(SERVICES)):
        row = rows.loc[f"N{i}"]
        assert _breastfeeding(row), note
        assert row["status"] == "normal", note


# ----------------------------------------------------------------- an infant's own feeding ----
INFANT_FED = [
    "lactante",
    "breastfed",
    "gestillt",
    "voll gestillt",
    "allaité",
    "allattato al seno",
    "borstgevoed",
    "exclusively breastfed",
    "amamantado",
    "teilgestillt",
    "breastfed for 4 months",
    "lactante 2 meses",
    "Säugling, gestillt",
    "nourrisson allaité",
    "baby 8 weeks old",
]


def test_an_infants_own_feeding_words_are_no_breastfeeding_and_no_conflict(
    tmp_path: Path,
) -> None:
    """A 6-month-old girl at 60 ng/mL: within the infant interval (6.3-113.7), normal, with no
    breastfeeding state and no "conflicting context" caution (before: conflicting_context and
    "Conflicting context: breastfeeding recorded ... for a child" in the reference note)."""
    rows = _women(tmp_path, INFANT_FED, age="0.5")
    for i, note in enumerate(INFANT_FED):
        row = rows.loc[f"N{i}"]
        assert row["reference_stratum"] == "default:infant_3m_1y", note
        assert row["status"] == "normal", note
        assert "lactation" not in row["factors"], note
        assert "conflicting_context" not in row["suggestions"], note
        assert "Conflicting context" not in row["reference_note"], note


def test_a_toddlers_breastfed_keeps_her_own_high_result(tmp_path: Path) -> None:
    """At 18 months "breastfed" is still the child's feeding: 60 ng/mL is high against the
    child's interval, with its work-up and without a contradiction."""
    rows = _women(tmp_path, ["breastfed", "gestillt", "lactante"], age="1.5")
    for _, row in rows.iterrows():
        assert row["status"] == "high", row["comments"]
        assert "conflicting_context" not in row["suggestions"], row["comments"]


def test_a_mothers_words_on_an_infants_row_are_still_a_contradiction(tmp_path: Path) -> None:
    """A breastfeeding mother's words or a yes in the breastfeeding column on a 6-month-old's
    row: still a contradiction, the infant interval stays."""
    notes = ["breastfeeding", "stillend", "zuigeling, borstvoeding", "lactante, breastfeeding"]
    rows = _women(tmp_path, notes, age="0.5")
    for i, note in enumerate(notes):
        row = rows.loc[f"N{i}"]
        assert "conflicting_context" in row["suggestions"], note
        assert row["reference_stratum"] == "default:infant_3m_1y", note


def test_a_womans_lactante_and_breastfed_baby_are_still_breastfeeding(tmp_path: Path) -> None:
    """For a woman of childbearing age "lactante" means she breastfeeds, and her baby's
    "breastfed", "gestillt", "allaité", "borstgevoed" say the same: 60 ng/mL is within the
    breastfeeding interval, normal."""
    notes = ["lactante", "Lactante; cefalea", "baby breastfed", "gestillt", "voll gestillt",
             "allaité", "allattato al seno", "borstgevoed", "teilgestillt",
             "breastfed for 4 months"]  # fmt: skip
    rows = _women(tmp_path, notes)
    for i, note in enumerate(notes):
        row = rows.loc[f"N{i}"]
        assert _breastfeeding(row), note
        assert row["status"] == "normal", note
