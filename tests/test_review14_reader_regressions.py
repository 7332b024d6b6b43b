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
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

from triage.columns import timed_series
from triage.engine.state_words import load_state_vocabulary
from triage.pipeline import TriageRequest, run_triage

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


# --------------------------------------------------------------------------------------------
# 2. a timed series needs time points, per patient and day
SITE_NAMES = {
    "en": (
        "Prolactin (site 1)",
        "Prolactin (site 2)",
        "Prolactin cobas 6000",
        "Prolactin cobas 8000",
    ),
    "de": (
        "Prolaktin (Standort 1)",
        "Prolaktin (Standort 2)",
        "Prolaktin Labor 1",
        "Prolaktin Labor 2",
    ),
    "fr": (
        "Prolactine (site 1)",
        "Prolactine (site 2)",
        "Prolactine Alinity 1",
        "Prolactine Alinity 2",
    ),
    "es": (
        "Prolactina (sede 1)",
        "Prolactina (sede 2)",
        "Prolactina cobas 6000",
        "Prolactina cobas 8000",
    ),
    "it": ("Prolattina (sede 1)", "Prolattina (sede 2)", "Prolattina Lab 1", "Prolattina Lab 3"),
    "nl": (
        "Prolactine (locatie 1)",
        "Prolactine (locatie 2)",
        "Prolactine lab 1",
        "Prolactine lab 2",
    ),
}


def _long(tmp_path: Path, lines: list[str]) -> pd.DataFrame:
    header = "patient_id,sex,age,collection_date,test_name,result,unit"
    return _rows(tmp_path, header, lines)


@pytest.mark.parametrize("lang", sorted(SITE_NAMES))
def test_site_and_analyser_numbers_are_no_time_points(tmp_path: Path, lang: str) -> None:
    names = SITE_NAMES[lang]
    lines = [
        f"Q{i},F,30,2026-11-20,{name},{value},ng/mL"
        for i, (name, value) in enumerate(zip(names, (60, 300, 25, 12), strict=True))
    ]
    # the same patient and day too: two sites are no series
    lines += [f"S,F,30,2026-11-20,{names[0]},40,ng/mL", f"S,F,30,2026-11-20,{names[1]},45,ng/mL"]
    out = _long(tmp_path, lines)
    assert {f"Q{i}" for i in range(4)} <= set(out.index), out.index.tolist()
    assert out.loc["Q1", "priority"] == "urgent"
    assert "S" in out.index


TIMED = {
    "en": ("Prolactin 0 min", "Prolactin 30 min"),
    "de": ("Prolaktin 0 Minuten", "Prolaktin 30 Minuten"),
    "fr": ("Prolactine 0 min", "Prolactine 30 min"),
    "es": ("Prolactina 0 minutos", "Prolactina 30 minutos"),
    "it": ("Prolattina 0 minuti", "Prolattina 30 minuti"),
    "nl": ("Prolactine 0 minuten", "Prolactine 30 minuten"),
}


@pytest.mark.parametrize("lang", sorted(TIMED))
def test_a_series_is_per_patient_and_day(tmp_path: Path, lang: str) -> None:
    first, second = TIMED[lang]
    lines = [
        # one time point per patient and day: each is that patient's result
        f"C1,F,30,2026-11-20,{first},60,ng/mL",
        "C2,F,30,2026-11-20,Prolactin,60,ng/mL",
        f"C3,F,30,2026-11-21,{second},6000,mIU/L",
        f"C4,F,30,2026-11-20,{first},20,ng/mL",
        f"C4,F,30,2026-11-22,{second},25,ng/mL",
        # two time points of one patient and day: the series is refused
        f"T1,F,30,2026-11-20,{first},40,ng/mL",
        f"T1,F,30,2026-11-20,{second},90,ng/mL",
    ]
    out = _long(tmp_path, lines)
    assert {"C1", "C2", "C3", "C4"} <= set(out.index), out.index.tolist()
    assert len(out.loc[["C4"]]) == 2
    assert out.loc["C3", "priority"] == "urgent"
    assert "T1" not in out.index


def test_time_points_with_a_unit_or_a_sequence_of_minutes() -> None:
    assert timed_series(["PRL 0", "PRL 30", "PRL 60"], set()) == {0, 1, 2}
    assert timed_series(["PRL 30′", "PRL 60′"], set()) == {0, 1}
    assert timed_series(["PRL 1 h", "PRL 2 h"], set()) == {0, 1}
    assert timed_series(["PRL 0min", "PRL 15min"], set()) == {0, 1}
    assert timed_series(["Prolactin (site 1)", "Prolactin (site 2)"], set()) == set()
    assert timed_series(["Prolactin cobas 6000", "Prolactin cobas 8000"], set()) == set()


# --------------------------------------------------------------------------------------------
# 3. a palsy of limbs, fingers or shifts is no cranial-nerve palsy
NO_NERVE = {
    "en": ["VFD 12 (ventilator-free days)", "BTH 3"],
    "de": ["Lähmung der 4 Extremitäten nach Unfall", "Ausfall der 3 letzten Dialysen"],
    "fr": ["paralysie des 4 membres", "atteinte des 4 membres post-AVC"],
    "es": ["paresia del 4 dedo mano derecha", "parálisis de las 4 extremidades"],
    "it": ["paralisi del 4 dito", "paresi della 3 falange"],
    "nl": ["uitval van de 3 diensten", "verlamming van de 4 ledematen"],
}
NERVE = {
    "en": ["CN6 palsy", "VFD"],
    "de": ["N. VI Parese", "III. Hirnnervenparese", "Abduzensparese"],
    "fr": ["parésie du VI", "paralysie du 6 nerf"],
    "es": ["paresia del VI par"],
    "it": ["paresi del VI nervo cranico"],
    "nl": ["verlamming van de nervus abducens"],
}


@pytest.mark.parametrize("lang", sorted(NO_NERVE))
def test_a_digit_without_a_nerve_is_no_cranial_nerve_palsy(tmp_path: Path, lang: str) -> None:
    lines = [f"N{i},F,35,45,ng/mL,{_quoted(w)}" for i, w in enumerate(NO_NERVE[lang])]
    lines += [f"R{i},F,35,45,ng/mL,{_quoted(w)}" for i, w in enumerate(NERVE[lang])]
    out = _rows(tmp_path, "patient_id,sex,age_years,prolactin,prolactin_unit,symptoms", lines)
    for i, words in enumerate(NO_NERVE[lang]):
        row = out.loc[f"N{i}"]
        assert row["priority"] != "urgent", (words, row["factors"])
    for i, words in enumerate(NERVE[lang]):
        assert out.loc[f"R{i}", "priority"] == "urgent", words


# --------------------------------------------------------------------------------------------
# 4. the column's own decimal mark decides for its unit groups
def test_the_columns_comma_decimal_reads_a_dotted_miu_result_as_thousands(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "patient_id;sex;age;collection_date;prolactin;unit\n"
        "D1;F;30;2026-11-20;12,5;ng/mL\nD2;F;30;2026-11-20;8,2;ng/mL\n"
        "D3;F;30;2026-11-20;1.250;mIU/L\nD4;F;30;2026-11-20;450;mIU/L\n"
        "D5;F;30;2026-11-20;5.300;mIU/L\n",
        encoding="utf-8",
    )
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    out = run.results.set_index("patient_id")
    assert "D5" in out.index, [(r.reason_code, r.detail) for r in run.rejected]
    assert out.loc["D5", "priority"] == "urgent"
    assert out.loc["D1", "prolactin_ng_ml"] == 12.5
    assert out.loc["D3", "status"] == "high"  # 1250 mIU/L
    warnings = [w for i in run.inputs for w in i.warnings]
    assert not any("does not show its decimal mark" in w for w in warnings)


# --------------------------------------------------------------------------------------------
# 5. multi-word unknown answers of a state column
UNKNOWN_ANSWERS = {
    "en": ["not known", "not recorded", "n/k"],
    "de": ["nicht bekannt", "unbekannt", "nicht erhoben"],
    "fr": ["non connu", "inconnu", "non renseigné"],
    "es": ["desconocido", "no consta", "no conocido"],
    "it": ["sconosciuto", "non noto"],
    "nl": ["onbekend", "niet bekend"],
}


@pytest.mark.parametrize("lang", sorted(UNKNOWN_ANSWERS))
def test_unknown_answers_are_no_unreadable_state_cells(tmp_path: Path, lang: str) -> None:
    answers = UNKNOWN_ANSWERS[lang]
    lines = [f"U{i},F,30,30,ng/mL,{a}" for i, a in enumerate(answers)]
    path = tmp_path / "export.csv"
    path.write_text(
        "patient_id,sex,age,prolactin,unit,pregnant\n"
        + "\n".join(lines)
        + "\nY,F,30,30,ng/mL,ja\n",
        encoding="utf-8",
    )
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    warnings = [w for i in run.inputs for w in i.warnings]
    assert not any("could not be read as pregnant" in w for w in warnings), warnings
    out = run.results.set_index("patient_id")
    for i, answer in enumerate(answers):
        assert "pregnancy" not in str(out.loc[f"U{i}", "factors"]).split(";"), answer
