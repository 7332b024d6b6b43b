"""Review 26, reviewer A finding R3 (fix201): a limb's muscle-power grade written after a palsy
word ("Parese IV-V re. Arm", "paresia IV en MSD", "paresi III arto superiore", "Parese IV
(Janda)") was read as a palsy of the third, fourth or sixth cranial nerve; with a headache that
made a raised prolactin `urgent` (clinical-reference §5) where it is `soon`.

A Roman numeral after a palsy word names a cranial nerve only with a nerve word after it
("paresi III nc", "parálisis III par") or an eye beside it ("paresi VI occhio sx",
"Auge: Parese VI"); a range ("IV-V", "IV von V"), a grade scale ("Janda", "MRC", "/5") or a
limb ("Arm", "MSD", "arto") rules it out.  The forms fix201 added stay urgent.

Synthetic patients only; through the public pipeline, one CSV.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,collected_at,prolactin,unit,comments"

# a headache and a limb's muscle-power grade: soon, as before fix201
MUSCLE_GRADE = [
    ("de", "Kopfschmerzen, Parese IV-V re. Arm"),
    ("de", "Kopfschmerzen, Parese IV von V"),
    ("de", "Kopfschmerzen, Parese IV (Janda)"),
    ("de", "Kopfschmerzen, Parese III li. Bein"),
    ("de", "Kopfschmerzen, Kraftgrad 4"),
    ("de", "Kopfschmerzen, Parese 3/5"),
    ("es", "cefalea, paresia IV en MSD"),
    ("es", "cefalea, paresia IV-V miembro inferior"),
    ("en", "headache, paresis IV-V right arm"),
    ("en", "headache, paresis IV (MRC) left leg"),
    ("it", "cefalea, paresi III arto superiore"),
    ("it", "cefalea, forza 4/5"),
    ("it", "cefalea, paresi IV-V arto inferiore sx"),
    ("fr", "céphalées, parésie IV-V bras droit"),
    ("fr", "céphalées, parésie IV membre inférieur"),
    ("nl", "hoofdpijn, parese IV-V linkerarm"),
    ("nl", "hoofdpijn, parese IV been rechts"),
    ("de", "Kopfschmerzen, Lähmung IV (Kraftgrad)"),
    ("en", "headache, left leg palsy IV"),
    # a bare numeral names no nerve: soon, as before fix201
    ("de", "Kopfschmerzen, Parese IV"),
    ("it", "cefalea, paralisi IV"),
    ("en", "headache; paralysis III"),
]

# a palsy of the eye's nerves: urgent (fix201's forms, and a numeral beside an eye)
EYE_NERVE_PALSY = [
    ("it", "cefalea, paralisi III nc"),
    ("it", "cefalea, paresi VI n.c."),
    ("it", "cefalea, paralisi dell'oculomotore"),
    ("it", "cefalea, paresi VI occhio sinistro"),
    ("es", "cefalea, parálisis III par"),
    ("es", "cefalea, paresia VI ojo izquierdo"),
    ("fr", "céphalées, paralysie de la IIIe paire"),
    ("fr", "céphalées, paralysie VI oeil gauche"),
    ("de", "Kopfschmerzen, VI-Parese"),
    ("de", "Kopfschmerzen, HN-III-Parese"),
    ("de", "Kopfschmerzen, Auge li.: Parese VI"),
    ("en", "headache, palsy VI left eye"),
    ("nl", "hoofdpijn, parese VI linker oog"),
]


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.Series]:
    cells = [cell for _, cell in MUSCLE_GRADE + EYE_NERVE_PALSY]
    lines = [f"P{i},M,45,2026-11-14 14:25,150,ng/mL,{csv_quoted(c)}" for i, c in enumerate(cells)]
    folder: Path = tmp_path_factory.mktemp("mends_c")
    out = triage_lines(folder, HEADER, lines)
    return {cell: out.loc[f"P{i}"] for i, cell in enumerate(cells)}


@pytest.mark.parametrize(("language", "cell"), MUSCLE_GRADE)
def test_a_muscle_power_grade_after_a_palsy_word_is_no_cranial_nerve_palsy(
    rows: dict[str, pd.Series], language: str, cell: str
) -> None:
    row = rows[cell]
    assert row["priority"] == "soon", (language, cell, row["factors"])
    assert "urgent_endocrine_referral" not in str(row["suggestions"]).split(";"), (language, cell)


@pytest.mark.parametrize(("language", "cell"), EYE_NERVE_PALSY)
def test_a_palsy_numeral_with_a_nerve_word_or_an_eye_is_urgent(
    rows: dict[str, pd.Series], language: str, cell: str
) -> None:
    row = rows[cell]
    assert row["priority"] == "urgent", (language, cell, row["factors"])
    assert "urgent_endocrine_referral" in str(row["suggestions"]).split(";"), (language, cell)
