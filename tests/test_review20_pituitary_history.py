"""Review 20: a pituitary history written in the notes read wrongly, and the same class in the
other languages.  Through the pipeline (in-process CSV runs, several notes per run).  Synthetic
patients only.

1. Earlier pituitary surgery ("Z.n. Hypophysen-OP", "St.n. TSS", "s/p TSS", "post pit
   surgery", "post-op pituitary", "chirurgie hypophysaire", "cirugía transesfenoidal",
   "intervento transsfenoidale", "hypofyse-operatie") was read as nothing ("unexplained", a
   macroprolactin screen).  An operation on the pituitary was one on a pituitary lesion: a raised
   prolactin after it may be a residual or recurrent tumour, so exclude the parasellar and
   pituitary tumours (clinical-reference §1.4) with the MRI (§8): a known pituitary lesion.
   Toxic shock syndrome (TSS), "pit stop", another organ's operation stay unread.
2. A pituitary failure known and replaced ("Hypopituitarismus, substituiert", "sekundäre
   NNR-Insuffizienz unter Substitution", "panhypopit on hydrocortisone + thyroxine",
   "insuffisance hypophysaire sous substitution", ...) was flagged urgent as a mass-effect red
   flag.  §5 makes hypopituitarism a mass effect, a red flag: new or untreated.  Known and
   replaced it is known pituitary disease (follow-up, the MRI, soon at most); denied
   replacement, "new" or a new sign written with it keeps the red flag.
3. A large lesion written with the short forms of notes ("pit mass 3.2 cm", "pit tumour 3 cm",
   "Hypophysen-RF 3 cm", "HVL-Tumor 3 cm") had no hook-effect warning: a lesion of 3 cm or more
   with a prolactin below ~200 ng/mL is re-assayed at dilution (ES 2011 1.3; §0, §8).  "pit"
   alone is no pituitary.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

HEADER = "patient_id,sex,age,prolactin_ng_ml,notes"


def _notes(tmp_path: Path, notes: list[str], *, prl: float, sex: str = "F") -> pd.DataFrame:
    """One row per note (N0, N1, ...), age 45, prolactin ``prl`` ng/mL."""
    lines = [f"N{i},{sex},45,{prl},{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_lines(tmp_path, HEADER, lines)


def _codes(cell: object) -> set[str]:
    return set(str(cell or "").split(";")) - {""}


def _rows(out: pd.DataFrame, notes: list[str]) -> dict[str, pd.Series]:
    return {note: out.loc[f"N{i}"] for i, note in enumerate(notes)}


# 1. pituitary surgery -------------------------------------------------------------------------
SURGERY = [
    "Z.n. Hypophysen-OP",
    "Zustand nach Hypophysen-OP 2015",
    "St.n. TSS",
    "Z.n. transsphenoidaler Resektion",
    "post pit surgery",
    "previous pituitary surgery",
    "s/p TSS",
    "post-op pituitary",
    "transsphenoidal surgery 2019",
    "chirurgie hypophysaire en 2018",
    "opérée de l'hypophyse",
    "cirugía transesfenoidal",
    "operada de la hipófisis",
    "intervento transsfenoidale",
    "hypofyse-operatie",
    "geopereerd aan de hypofyse",
]


def test_pituitary_surgery_is_a_known_lesion_to_image(tmp_path: Path) -> None:
    out = _notes(tmp_path, SURGERY, prl=60)
    for note, row in _rows(out, SURGERY).items():
        factors = _codes(row["factors"])
        assert "known_pituitary_lesion" in factors, note
        assert "unexplained" not in factors, note
        steps = _codes(row["suggestions"])
        assert {"pituitary_mri", "pituitary_function_tests"} <= steps, note
        assert "macroprolactin_screen" not in steps, note
        evidence = {f["code"]: f["evidence"] for f in row["factor_details"]}
        assert "residual or recurrent tumour" in evidence["known_pituitary_lesion"], note
        assert row["priority"] in {"soon", "urgent"}, note


def test_the_reviewers_german_export(tmp_path: Path) -> None:
    text = "Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);Bemerkung\n1;W;34;60;Z.n. Hypophysen-OP\n"
    row = triage_csv(tmp_path, text).iloc[0]
    assert "known_pituitary_lesion" in _codes(row["factors"])
    assert "pituitary_mri" in _codes(row["suggestions"])


NOT_PITUITARY_SURGERY = [
    "knee surgery 2019",
    "toxic shock syndrome (TSS) 2019",
    "pit stop on the way",
    "no pituitary surgery",
    "armpit abscess surgery",
    "post-op knee",
    "TSS geplant",
]


def test_other_operations_and_lookalikes_are_no_lesion(tmp_path: Path) -> None:
    out = _notes(tmp_path, NOT_PITUITARY_SURGERY, prl=60)
    for note, row in _rows(out, NOT_PITUITARY_SURGERY).items():
        assert _codes(row["factors"]) == {"unexplained"}, note


def test_a_low_result_after_surgery_still_asks_for_pituitary_function(tmp_path: Path) -> None:
    out = _notes(tmp_path, ["Z.n. TSS", "post pit surgery"], prl=1)
    for i in range(2):
        assert "pituitary_function_tests" in _codes(out.loc[f"N{i}", "suggestions"])
        assert "known_pituitary_lesion" in _codes(out.loc[f"N{i}", "factors"])


# 2. a pituitary failure known and replaced ----------------------------------------------------
REPLACED = [
    "Hypopituitarismus, substituiert",
    "sekundäre NNR-Insuffizienz unter Substitution",
    "Hypophysenvorderlappeninsuffizienz unter Hydrocortison und L-Thyroxin",
    "panhypopit on hydrocortisone + thyroxine",
    "hypopituitarism on replacement",
    "insuffisance hypophysaire sous substitution",
    "hipopituitarismo en tratamiento sustitutivo",
    "ipopituitarismo in terapia sostitutiva",
    "hypofyse-insufficiëntie, gesubstitueerd",
    "central hypothyroidism on levothyroxine",
]


def test_a_known_replaced_pituitary_failure_is_known_disease_not_a_red_flag(
    tmp_path: Path,
) -> None:
    out = _notes(tmp_path, REPLACED, prl=40, sex="M")
    for note, row in _rows(out, REPLACED).items():
        assert row["priority"] == "soon", note
        steps = _codes(row["suggestions"])
        assert "urgent_endocrine_referral" not in steps, note
        assert "pituitary_mri" in steps, note
        details = {f["code"]: f for f in row["factor_details"]}
        assert details["known_pituitary_lesion"]["strength"] == "possible", note
        assert "under replacement" in details["known_pituitary_lesion"]["evidence"], note


STILL_RED_FLAGS = [
    "HVL-Insuffizienz",
    "HVL-Insuffizienz, keine Substitution",
    "hypopituitarism, not replaced",
    "new hypopituitarism",
    "Hypopituitarismus substituiert; neu Gesichtsfeldausfall",
    "hypopituitarism under replacement, new bitemporal hemianopia",
    "adrenal insufficiency",
    "Addison-Krise unter Hydrocortison",
    "insuffisance surrénale aiguë sous hydrocortisone",
]


def test_a_new_or_unreplaced_failure_stays_urgent(tmp_path: Path) -> None:
    out = _notes(tmp_path, STILL_RED_FLAGS, prl=40, sex="M")
    for note, row in _rows(out, STILL_RED_FLAGS).items():
        assert row["priority"] == "urgent", note
        assert "urgent_endocrine_referral" in _codes(row["suggestions"]), note


def test_a_replaced_primary_adrenal_insufficiency_is_neither_red_flag_nor_pituitary(
    tmp_path: Path,
) -> None:
    notes = ["Nebenniereninsuffizienz, substituiert", "adrenal insufficiency on hydrocortisone"]
    out = _notes(tmp_path, notes, prl=40, sex="M")
    for note, row in _rows(out, notes).items():
        assert row["priority"] != "urgent", note
        assert "known_pituitary_lesion" not in _codes(row["factors"]), note


# 3. a large lesion in the short forms of notes -------------------------------------------------
LARGE_SHORT_FORMS = [
    "pit mass 3.2 cm on MRI",
    "pit tumour 3 cm",
    "pit lesion 3cm",
    "Hypophysen-RF 3 cm",
    "HVL-Tumor 3 cm",
    "masse hypophysaire de 3 cm",
    "masa hipofisaria de 3 cm",
    "massa ipofisaria di 3 cm",
    "hypofysetumor 3 cm",
]


def test_a_large_lesion_in_short_forms_asks_for_a_dilution(tmp_path: Path) -> None:
    out = _notes(tmp_path, LARGE_SHORT_FORMS, prl=60, sex="M")
    for note, row in _rows(out, LARGE_SHORT_FORMS).items():
        assert {"hook_effect_risk", "dilution_retest"} <= _codes(row["suggestions"]), note
        assert "known_pituitary_lesion" in _codes(row["factors"]), note


PIT_LOOKALIKES = ["pit stop 3 cm", "arm pit lesion 3 cm", "peach pit", "pit bull bite"]


def test_pit_alone_is_no_pituitary(tmp_path: Path) -> None:
    out = _notes(tmp_path, PIT_LOOKALIKES, prl=60, sex="M")
    for note, row in _rows(out, PIT_LOOKALIKES).items():
        assert "hook_effect_risk" not in _codes(row["suggestions"]), note
        assert "known_pituitary_lesion" not in _codes(row["factors"]), note
