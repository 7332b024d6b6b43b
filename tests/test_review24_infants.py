"""Review 24 (hunt B), paediatric endocrinology: neonates and infants.

- A neonate's result beyond what the neonatal period explains is urgent above the urgent level,
  as in pregnancy and breastfeeding (contract §7: "a result above 5,000 mIU/L that pregnancy,
  lactation or the neonatal period does not explain"; clinical-reference §2.1: CALIPER 4-29 days
  12.6-212.8, 30 days-1 year 6.3-113.7 ng/mL, back to ~24 ng/mL by 4-12 weeks).  An age of 0
  without days stays soon only while the first days' interval may still explain the result.
- A newborn named only in the free text (notes, the sample, the ward, a provisional name) is judged
  as a neonate (clinical-reference §2.1: day 1 mean 267 ng/mL, cord blood ~5x the adult level),
  never as an adult with a suspected prolactinoma, a pregnancy test or testosterone.
- The adult absolute reaches of causes (a drug rarely above ~118 ng/mL, Korbonits 2000,
  clinical-reference §1.3, §8; hypothyroidism ~100 ng/mL) are taken above an infant's own upper
  limit, not the adult one.

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, header: str, lines: list[str]) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(tmp_path: Path, header: str, lines: list[str]) -> pd.DataFrame:
    outcome = _run(tmp_path, header, lines)
    assert not outcome.rejected, [r.detail for r in outcome.rejected]
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _codes(cell: object) -> set[str]:
    return set(str(cell or "").split(";")) - {""}


ADULT_ONLY = {"prolactinoma_suspected", "macroprolactinoma_suspected"}
ADULT_TESTS = {"pregnancy_test", "testosterone"}


# ----------------------------------------------------------------- 3. neonatal urgency -------
def test_a_neonate_beyond_what_its_period_explains_is_urgent(tmp_path: Path) -> None:
    """300 ng/mL at 43 days (2.6x CALIPER's 113.7), 8,000 mIU/L at 74 days, 700 ng/mL at 2 days
    (above the first days' 500), 450 at 13 days: urgent, as at 124 days (contract §7); the same
    with the age written in weeks or days in German, French and Italian.  Within the margin
    (230 ng/mL at 10 days, 1.08x 212.8) the neonatal period explains it: not urgent."""
    header = "patient_id;sex;birth_date;collected_at;age;prolactin;prolactin_unit"
    lines = [
        "I1;M;2026-09-20;2026-11-02;;300;ng/mL",
        "I2;M;2026-08-20;2026-11-02;;8000;mIU/L",
        "I3;F;2026-07-01;2026-11-02;;280;ng/mL",
        "I4;F;2026-10-20;2026-11-02;;450;ng/mL",
        "I5;F;2026-10-31;2026-11-02;;700;ng/mL",
        "W1;M;;;6 Wochen;300;ng/mL",
        "W2;F;;;6 sem;300;ng/mL",
        "W3;M;;;45 giorni;300;ng/mL",
        "W4;F;;;10 Tage;230;ng/mL",
    ]
    results = _results(tmp_path, header, lines)
    for pid in ("I1", "I2", "I3", "I4", "I5", "W1", "W2", "W3"):
        row = results.loc[pid]
        assert (row["status"], row["priority"]) == ("high", "urgent"), pid
        assert "urgent_endocrine_referral" in _codes(row["suggestions"]), pid
        assert not ADULT_ONLY & _codes(row["factors"]), pid
    assert results.loc["W4", "priority"] not in ("urgent", "soon")


def test_an_age_of_0_without_days_is_urgent_only_beyond_every_neonatal_limit(
    tmp_path: Path,
) -> None:
    """An age of 0 without days or a newborn word: 300 ng/mL may be the first days' level
    (indeterminate, soon); 700 ng/mL (or 14,840 mIU/L) is above every neonatal limit (500):
    no age of the span explains it, urgent, never a suspected prolactinoma."""
    header = "patient_id;sex;age;prolactin;prolactin_unit"
    lines = [
        "Z1;F;0 ans;300;ng/mL",
        "Z2;M;Neugeborenes;300;ng/mL",
        "Z3;M;0 anni;700;ng/mL",
        "Z4;F;nouveau-né;14840;mIU/L",
        "Z5;M;newborn;700;ng/mL",
    ]
    results = _results(tmp_path, header, lines)
    for pid in ("Z1", "Z2"):
        assert results.loc[pid, "priority"] == "soon", pid
    for pid in ("Z3", "Z4", "Z5"):
        row = results.loc[pid]
        assert (row["status"], row["priority"]) == ("high", "urgent"), pid
        assert not ADULT_ONLY & _codes(row["factors"]), pid
        assert not ADULT_TESTS & _codes(row["suggestions"]), pid


# ----------------------------------------------------------- 5. newborn in the free text -----
def test_a_newborn_named_in_the_notes_is_judged_as_a_neonate(tmp_path: Path) -> None:
    """Cord blood and newborn words in the comments (French, German, Italian, English, Spanish),
    with the day of life where written: 350 ng/mL is within the first days' interval (500):
    normal, none; never the adult interval, a prolactinoma, a pregnancy test or testosterone.
    A woman's note about cord blood banking or her newborn is hers: an adult's row still."""
    header = "patient_id;sex;prolactin;prolactin_unit;comments"
    lines = [
        "C1;F;350;ng/mL;sang de cordon",
        "C2;M;350;ng/mL;nouveau-né, J2",
        "C3;F;350;ng/mL;Neugeborenes, 3. Lebenstag",
        "C4;M;350;ng/mL;Nabelschnurblut",
        "C5;F;350;ng/mL;sangue cordonale",
        "C6;M;350;ng/mL;cord blood",
        "C7;F;350;ng/mL;sangre de cordón umbilical",
        "C8;M;350;ng/mL;neonato, 2 giorni di vita",
        "A1;F;350;ng/mL;conservation du sang de cordon prévue",
    ]
    results = _results(tmp_path, header, lines)
    for pid in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"):
        row = results.loc[pid]
        assert float(row["reference_high_ng_ml"]) == pytest.approx(500), pid
        assert (row["status"], row["priority"]) == ("normal", "none"), pid
        assert not ADULT_ONLY & _codes(row["factors"]), pid
        assert not ADULT_TESTS & _codes(row["suggestions"]), pid
    assert results.loc["A1", "priority"] == "urgent"  # an adult's 350 ng/mL


def test_a_newborn_named_by_sample_ward_or_name_is_an_infant(tmp_path: Path) -> None:
    """A cord-blood specimen, a neonatal ward (French, German, Italian, English), alone or with a
    newborn's provisional name ("BB DUPONT", "Neonato Rossi"; mendA: a name alone is never
    evidence): no adult interval, no prolactinoma, no pregnancy test, not urgent at 350 ng/mL."""
    header = "patient_id;patient_name;sex;prolactin;prolactin_unit;specimen;service"
    lines = [
        "Y1;DUPONT Léa;F;350;ng/mL;sang de cordon;Maternité",
        "Y2;MÜLLER Tim;M;350;ng/mL;Serum;Neonatologie",
        "Y3;ROSSI Giulia;F;350;ng/mL;siero;Terapia intensiva neonatale",
        "Y4;SMITH Ann;F;350;ng/mL;serum;NICU",
        "Y5;BB DUPONT;F;350;ng/mL;sérum;Néonatologie",
        "Y6;Neugeborenes Müller;M;350;ng/mL;Serum;Neonatologie",
        "Y7;Neonato Rossi;F;350;ng/mL;siero;Terapia intensiva neonatale",
    ]
    results = _results(tmp_path, header, lines)
    for pid in results.index:
        row = results.loc[pid]
        assert row["priority"] != "urgent", pid
        assert float(row["reference_high_ng_ml"]) >= 212.8, pid
        assert not ADULT_ONLY & _codes(row["factors"]), pid
        assert not ADULT_TESTS & _codes(row["suggestions"]), pid


# ---------------------------------------------------------- 6. adult cut-offs of causes ------
def test_a_drugs_adult_reach_is_taken_above_an_infants_limit(tmp_path: Path) -> None:
    """Domperidone or metoclopramide in an infant at 1.1x the infant limit (113.7 ng/mL): the
    drug is the likely cause, routine with a medication review, never "above ~118 ng/mL a drug
    alone rarely explains the level"; an adult at 130 ng/mL on domperidone (4x her limit) is
    still not explained by the drug alone (Korbonits 2000, clinical-reference §1.3)."""
    header = "patient_id;sex;age;prolactin;prolactin_unit;medications"
    lines = [
        "D1;M;8 mois;130;ng/mL;Motilium 0,25 mg/kg x 3/j",
        "D2;F;6 Monate;125;ng/mL;Paspertin Tropfen 0,1 mg/kg",
        "D3;M;5 mesi;120;ng/mL;Peridon sosp. orale",
        "D4;F;7 months;128;ng/mL;metoclopramide 0.1 mg/kg",
        "A1;F;30 ans;130;ng/mL;Motilium 10 mg x3/j",
    ]
    results = _results(tmp_path, header, lines)
    for pid in ("D1", "D2", "D3", "D4"):
        row = results.loc[pid]
        assert row["priority"] == "routine", pid
        assert "medication_review" in _codes(row["suggestions"]), pid
        assert "medication:antiemetic_prokinetic (likely)" in row["factor_evidence"], pid
        assert "rarely explains" not in row["factor_evidence"], pid
    assert "medication:antiemetic_prokinetic (likely)" not in results.loc["A1", "factor_evidence"]


def test_hypothyroidism_in_a_neonate_is_judged_above_the_neonatal_limit(tmp_path: Path) -> None:
    """Congenital hypothyroidism at 8 days (TSH 45 mIU/L, free T4 6 pmol/L) with 200 ng/mL (within
    the 4-29 day interval's reach): the hypothyroidism is a likely cause, not "above the ~100
    ng/mL hypothyroidism usually causes" (an adult's figure)."""
    header = "patient_id;sex;age;prolactin;prolactin_unit;tsh;free_t4"
    results = _results(tmp_path, header, ["T1;M;8 Tage;250;ng/mL;45;6"])
    evidence = results.loc["T1", "factor_evidence"]
    assert "hypothyroidism (likely)" in evidence
    assert "above the ~100" not in evidence
