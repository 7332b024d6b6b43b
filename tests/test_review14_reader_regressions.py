"""Review 14, regressions of the rules merged after b4035fa, each fixed as a class.

1. A not-current qualifier after a state word ("contraindicated", "nicht empfohlen") qualifies the
   state only when nothing but the state's own words (a week count, twins, an article, a copula)
   stands between them: never across a connective (so, daher, donc, por eso, quindi, dus), a
   bracket, a colon with words after it, a slash or another noun; and a qualifier followed by
   another noun qualifies that noun ("failed glucose test").
2. A long file's timed series needs a real time unit and is per patient and sample day: site
   or analyser numbers are no time points, one time point per patient and day is no series.
3. A cranial-nerve palsy needs a nerve noun or a Roman numeral: "paralysie des 4 membres",
   "Ausfall der 3 letzten Dialysen" and "VFD 12 (ventilator-free days)" are no red flags.
4. The decimal mark the prolactin column itself shows decides for every unit group: "5.300
   mIU/L" beside "12,5 ng/mL" is 5300 mIU/L (urgent), not an ambiguous decimal mark.
5. Multi-word unknown answers in a state column ("nicht bekannt", "non renseigné") are unknown
   answers, no unreadable-cell warning.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state_words import load_state_vocabulary


def _rows(tmp_path: Path, header: str, lines: list[str]) -> pd.DataFrame:
    out = triage_csv(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    return out.set_index("patient_id")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------
# 1. a qualifier of another noun is no doubt of the state
OTHER_NOUN = {
    "en": [
        "pregnant so MRI contraindicated",
        "pregnant hence cabergoline not recommended",
        "breastfeeding therefore bromocriptine contraindicated",
        "Pregnant: oestrogen contraindicated",
        "Pregnant 28/40 / MRI not recommended",
        "pregnant (IVF) x-ray not advised",
        "pregnant 28 weeks failed glucose test",
        "breastfeeding twins pumping impossible",
    ],
    "de": [
        "schwanger daher MRT kontraindiziert",
        "stillt daher Cabergolin kontraindiziert",
        "schwanger (MRT nicht empfohlen)",
    ],
    "fr": ["enceinte donc IRM contre-indiquée", "allaitement donc cabergoline contre-indiquée"],
    "es": ["embarazada por eso RM contraindicada", "lactancia materna (RM desaconsejada)"],
    "it": ["incinta quindi RM controindicata", "allatta (cabergolina controindicata)"],
    "nl": ["zwanger dus MRI gecontra-indiceerd", "borstvoeding / MRI afgeraden"],
}
STILL_DOUBTED = [
    "lactation suppressed with cabergoline",
    "breastfeeding contraindicated (HIV)",
    "breastfeeding is contraindicated",
    "breastfeeding twins not possible",
    "Stillen aktuell nicht möglich",
    "Stillen: Abstillen mit Cabergolin",
    "allaitement contre-indiqué",
    "lactancia contraindicada por VIH",
    "allattamento non possibile",
    "borstvoeding niet mogelijk",
]


@pytest.mark.parametrize("lang", sorted(OTHER_NOUN))
def test_a_qualifier_of_another_noun_leaves_the_state_current(tmp_path: Path, lang: str) -> None:
    cells = OTHER_NOUN[lang]
    lines = [f"P{i},F,30,2026-11-20,60,ng/mL,{_quoted(c)}" for i, c in enumerate(cells)]
    header = "patient_id,sex,age,collection_date,prolactin,unit,clinical_notes"
    out = _rows(tmp_path, header, lines)
    for i, cell in enumerate(cells):
        row = out.loc[f"P{i}"]
        assert row["status"] == "normal", (cell, row["status"], row["factors"])
        assert row["priority"] not in ("soon", "urgent"), (cell, row["priority"])


def test_a_pregnancy_with_a_forbidden_mri_is_no_urgent_tumour_level(tmp_path: Path) -> None:
    header = "patient_id,sex,age,collection_date,prolactin,unit,clinical_notes"
    line = 'P1,F,30,2026-11-20,300,ng/mL,"pregnant 30 weeks so MRI contraindicated"'
    row = _rows(tmp_path, header, [line]).loc["P1"]
    assert row["priority"] != "urgent", row["factors"]
    assert "pregnancy" in str(row["factors"]).split(";") or "pregnan" in str(row["reference_set"])


@pytest.mark.parametrize("text", STILL_DOUBTED)
def test_a_qualifier_of_the_state_itself_still_doubts_it(text: str) -> None:
    said = {(f.field, f.value) for f in load_state_vocabulary().read("comments", text)}
    assert ("lactation", "yes") not in said, text
    assert ("lactation", "unknown") in said, text
