"""German written without umlauts, as old LIS systems, HL7 feeds and ASCII-only fields write it
(ä -> ae, ö -> oe, ü -> ue, ß -> ss: "Sehstoerungen", "Schilddruese", "nicht bestaetigt"), reads
as the umlaut spelling does wherever a vocabulary file (cues, states, drugs, synonyms) holds the
word: triage.transliteration, applied where those files are loaded, on the vocabulary's side only
(the text is never rewritten: "aktuell", "neue", "Quelle" are no umlauts).  The spelling with
the umlaut and the one that drops it ("Sehstorungen") read as before.  Synthetic patients only."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.columns import candidates
from triage.engine.text import load_cue_book
from triage.transliteration import pattern, spellings, vocabulary
from triage.values import result_status, second_number_in_brackets

BOOK = load_cue_book()


def _run(tmp_path: Path, header: str, rows: list[str]) -> pd.DataFrame:
    return triage_csv(tmp_path, header + "\n" + "\n".join(rows) + "\n").set_index("patient_id")


def _codes(row: pd.Series) -> list[str]:
    return [c for c in str(row["suggestions"]).split(";") if c]


def _factors(row: pd.Series) -> list[str]:
    value = row["factors"]
    return [] if pd.isna(value) or not value else str(value).split(";")


# ----------------------------------------------------------------- 1. the regex rewrite ---
@pytest.mark.parametrize(
    ("source", "rewritten"),
    [
        ("Sehstörung", "Sehst(?:ö|oe)rung"),
        ("übelkeit", "(?:ü|ue)belkeit"),
        ("Ärzte", "(?:Ä|Ae|AE)rzte"),  # a capital: "Aerzte", and "AERZTE" in a (?-i:) part
        ("Maß", "Ma(?:ß|ss)"),
        ("sehst[öo]rung", "sehst(?:[öo]|oe)rung"),  # a class with an umlaut
        ("[äöü]", "(?:[äöü]|ae|oe|ue)"),
        ("[Ää]rzt", "(?:[Ää]|Ae|AE|ae)rzt"),
        ("[]ä]", "(?:[]ä]|ae)"),  # "]" first in a class is a literal
        ("[^ä]x", "[^ä]x"),  # a negated class excludes only the umlaut
        ("[a-zäöü]+", "[a-zäöü]+"),  # repeated, it already matches "ae", "oe", "ue"
        ("[a-zä]", "(?:[a-zä]|ae)"),  # once, it does not
        (r"\ä", "(?:ä|ae)"),  # an escaped umlaut is the letter
        (r"\\ä", r"\\(?:ä|ae)"),  # an escaped backslash, then the letter
        (r"\bgr\wße\b", r"\bgr\w(?:ß|ss)e\b"),
        ("(?<!ü)ber", "(?<!ü)ber"),  # a look-behind keeps its fixed width
        ("(?<=ö(?:x))ö", "(?<=ö(?:x))(?:ö|oe)"),
        (r"(?P<größe>\d+)", r"(?P<größe>\d+)"),  # a group's name is no text
        (r"(?P<größe>\d)(?P=größe)ö", r"(?P<größe>\d)(?P=größe)(?:ö|oe)"),
        ("(?-i:ÄRZ)", "(?-i:(?:Ä|Ae|AE)RZ)"),
        ("ö?", "(?:ö|oe)?"),  # a quantifier applies to both spellings
        (r"\N{LATIN SMALL LETTER A WITH DIAERESIS}", r"\N{LATIN SMALL LETTER A WITH DIAERESIS}"),
        (r"\bno\s+change\b", r"\bno\s+change\b"),  # no umlaut: the pattern as written
    ],
)
def test_a_regex_accepts_the_ascii_spelling_of_each_umlaut(source: str, rewritten: str) -> None:
    assert pattern(source) == rewritten
    re.compile(rewritten)


@pytest.mark.parametrize(
    ("source", "text", "found"),
    [
        (r"\bsehst[öo]rung", "neue Sehstoerungen", True),
        (r"\bsehst[öo]rung", "neue Sehstörungen", True),
        (r"\bsehst[öo]rung", "neue Sehstorungen", True),
        (r"\bschilddr[üu]se", "SCHILDDRUESE", True),
        (r"\bgr[öo]ße\b", "Groesse", True),
        (r"\bgr[öo]ße\b", "Grösse", True),
        (r"\bgr[öo]ße\b", "Größe", True),
        (r"(?-i:\bÄRZTE\b)", "AERZTE", True),
        (r"(?-i:\bÄrzte\b)", "Aerzte", True),
        (r"\b[üu]belkeit", "Uebelkeit", True),
        (r"\bsehst[öo]rung", "Sehstxerung", False),
        (r"(?<!ü)ber\b", "aber", True),
    ],
)
def test_the_rewritten_regex_matches_every_spelling(source: str, text: str, found: bool) -> None:
    assert (re.search(pattern(source), text, re.IGNORECASE) is not None) is found


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Sehstörung", ("Sehstörung", "Sehstoerung")),
        ("Größe", ("Größe", "Groeße", "Grösse", "Groesse")),
        ("Maßeinheit", ("Maßeinheit", "Masseinheit")),
        ("ÄRZTE", ("ÄRZTE", "AERZTE")),
        ("Übelkeit", ("Übelkeit", "Uebelkeit")),
        ("aktuell", ("aktuell",)),
    ],
)
def test_the_spellings_of_a_word(word: str, expected: tuple[str, ...]) -> None:
    assert spellings(word) == expected


def test_a_vocabulary_file_gets_both_spellings_in_one_place() -> None:
    """Words get their ASCII spellings at the end of their list (the file's order stays, e.g. a
    header synonym's rank); a regex is rewritten in its place; a key gets its spellings with the
    same value; pairs and tables nested in lists are read the same way; the input is unchanged."""
    table = {
        "words": ["männlich", "weiblich", "Größe"],
        "patterns": [r"\bsehst[öo]rung", "Übelkeit"],
        "pairs": [["Maß", "unit"]],
        "regex": r"\bfr[üu]her\b",
        "note": "abnormal flags (H, L, erhöht ...)",
        "ordinals": {"fünf": 5},
        "concept": [{"patterns": [r"\bstörung"]}],
    }
    out = vocabulary(table)
    assert out["words"] == [
        "männlich", "weiblich", "Größe", "maennlich", "Groeße", "Grösse", "Groesse",
    ]  # fmt: skip
    assert out["patterns"] == [r"\bsehst(?:[öo]|oe)rung", "Übelkeit", "Uebelkeit"]
    assert out["pairs"] == [["Maß", "unit"]]
    assert out["regex"] == r"\bfr(?:[üu]|ue)her\b"
    assert out["note"] == table["note"]  # a text of its own that is no regex is no vocabulary
    assert out["ordinals"] == {"fünf": 5, "fuenf": 5}
    assert out["concept"] == [{"patterns": [r"\bst(?:ö|oe)rung"]}]
    assert table["words"] == ["männlich", "weiblich", "Größe"]


# ------------------------------------------------ 2. red flags in a German ASCII export ---
# Clinical-reference §5: a visual disturbance or a sudden severe headache is a red flag (urgent
# referral); written without umlauts it was read as nothing, a missed urgent referral.  Each
# row: the umlaut spelling, the ASCII transliteration, the spelling that drops the dots.  With a
# raised prolactin each is urgent; with one that is not raised each spelling gives what the
# umlaut one gives (a visual field defect: the urgent referral, review 13).
RED_FLAGS = [
    ("neue Sehstörungen", "neue Sehstoerungen", "neue Sehstorungen"),
    ("Gesichtsfeldausfälle beidseits", "Gesichtsfeldausfaelle beidseits", None),
    ("Gesichtsfeldeinschränkung", "Gesichtsfeldeinschraenkung", "Gesichtsfeldeinschrankung"),
    ("Gesichtsfeldstörung", "Gesichtsfeldstoerung", "Gesichtsfeldstorung"),
    (
        "plötzlich einsetzende Kopfschmerzen",
        "ploetzlich einsetzende Kopfschmerzen",
        "plotzlich einsetzende Kopfschmerzen",
    ),
    (
        "akute stärkste Kopfschmerzen",
        "akute staerkste Kopfschmerzen",
        "akute starkste Kopfschmerzen",
    ),
    ("SEHSTÖRUNGEN", "SEHSTOERUNGEN", None),  # an export in capitals
]


@pytest.mark.parametrize("spellings_of_a_flag", RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_a_red_flag_written_without_umlauts_is_the_same_urgent_referral(
    tmp_path: Path, spellings_of_a_flag: tuple[str, str, str | None]
) -> None:
    written = [s for s in spellings_of_a_flag if s is not None]
    header = "Patient ID,Sex,Age,Prolactin,Unit,Symptoms"
    rows = [f'R{i},F,34,12,ng/mL,"{note}"' for i, note in enumerate(written)]
    rows += [f'U{i},F,34,80,ng/mL,"{note}"' for i, note in enumerate(written)]  # raised
    out = _run(tmp_path, header, rows)
    for i, note in enumerate(written):
        low, raised = out.loc[f"R{i}"], out.loc[f"U{i}"]
        assert raised["priority"] == "urgent", note
        assert _codes(raised)[0] == "urgent_endocrine_referral", note
        for column in ("priority", "suggestions", "factors"):
            assert low[column] == out.loc["R0", column], (note, column)
            assert raised[column] == out.loc["U0", column], (note, column)
    if "Gesichtsfeld" in written[0]:  # a sign of the lesion: urgent whatever the prolactin
        for i, note in enumerate(written):
            assert _codes(out.loc[f"R{i}"])[0] == "urgent_endocrine_referral", note


# A denied red flag stays denied in either spelling ("keine Sehstoerungen"), and a negation
# phrase of the vocabulary written without umlauts denies as the umlaut one does ("kein Anhalt
# fuer", beyond the window of the single word "kein").
DENIED = [
    "keine Sehstörungen",
    "keine Sehstoerungen",
    "keine Sehstorungen",
    "Sehstoerungen: keine",
    "Gesichtsfeldausfall nicht bestaetigt",
    "kein Anhalt für einen neuen Gesichtsfeldausfall",
    "kein Anhalt fuer einen neuen Gesichtsfeldausfall",
    "KEIN ANHALT FUER EINEN NEUEN GESICHTSFELDAUSFALL",
]


@pytest.mark.parametrize("note", DENIED)
def test_a_denied_red_flag_without_umlauts_stays_denied(tmp_path: Path, note: str) -> None:
    out = _run(
        tmp_path, "Patient ID,Sex,Age,Prolactin,Unit,Symptoms", [f'N1,F,34,12,ng/mL,"{note}"']
    )
    row = out.loc["N1"]
    assert row["priority"] == "none", note
    assert "urgent_endocrine_referral" not in _codes(row), note
    assert "red_flag" not in BOOK.match("symptoms", note), note


# -------------------------------------------- 3. other cues: thyroid, cycle, head trauma ---
CUES = [
    ("comments", "Schilddrüsenunterfunktion", "Schilddruesenunterfunktion", "hypothyroidism"),
    (
        "comments",
        "Zyklusstörung seit 1 Jahr",
        "Zyklusstoerung seit 1 Jahr",
        "menstrual_disturbance",
    ),
    ("comments", "Potenzstörung", "Potenzstoerung", "symptom"),
    ("comments", "Hypophysenvergrößerung", "Hypophysenvergroesserung", "pituitary_hyperplasia"),
    ("comments", "Schädel-Hirn-Trauma", "Schaedel-Hirn-Trauma", "head_trauma"),
]


@pytest.mark.parametrize(("field", "umlaut", "ascii_form", "cue"), CUES)
def test_a_cue_written_without_umlauts_is_found(
    field: str, umlaut: str, ascii_form: str, cue: str
) -> None:
    assert cue in BOOK.match(field, umlaut)
    assert cue in BOOK.match(field, ascii_form)


@pytest.mark.parametrize(
    "note",
    ["Schilddrüsenunterfunktion", "Schilddruesenunterfunktion", "SCHILDDRUESENUNTERFUNKTION"],
)
def test_hypothyroidism_written_without_umlauts_explains_the_result(
    tmp_path: Path, note: str
) -> None:
    out = _run(tmp_path, "Patient ID,Sex,Age,Prolactin,Unit,Comments", [f"H1,F,34,60,ng/mL,{note}"])
    assert "hypothyroidism" in _factors(out.loc["H1"]), note


# ---------------------------------------------------- 4. headers and values of a table ---
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Geraet", "assay"),
        ("Messgeraet", "assay"),
        ("Haemodialyse", "dialysis"),
        ("Hypophysenlaesion", "pituitary_lesion"),
        ("Schaedeltrauma", "head_trauma"),
        ("GFR geschaetzt", "egfr"),
        ("Testkuerzel", "test_code"),
        ("Auffaellig", "lab_flag"),
        ("Prolaktin nach PEG-Faellung", "monomeric_prolactin"),
        # the umlaut and the dropped dots, as before
        ("Gerät", "assay"),
        ("Gerat", "assay"),
        ("Hämodialyse", "dialysis"),
        ("Schädeltrauma", "head_trauma"),
        ("Masseinheit", "unit"),
        ("Maßeinheit", "unit"),
    ],
)
def test_a_header_written_without_umlauts_names_its_field(header: str, field: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == field, (header, found[:2])
    assert found[0][1] > 90  # an exact synonym, not a guess by word rule


@pytest.mark.parametrize("header", ["Schilddrüse", "Schilddruese", "Schilddruesenfunktion"])
def test_a_thyroid_column_written_without_umlauts_is_read(tmp_path: Path, header: str) -> None:
    text = f"Patient ID,Geschlecht,Alter,Prolaktin,Einheit,{header}"
    out = _run(tmp_path, text, ["T1,W,34,60,ng/mL,Hypothyreose"])
    assert "hypothyroidism" in _factors(out.loc["T1"]), header


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("maennlich", "M"),  # typed by hand in [values.sex] before: as before
        ("männlich", "M"),
        ("mannlich", "M"),
        ("MAENNLICH", "M"),
        ("weiblich", "F"),
    ],
)
def test_a_sex_written_without_umlauts(tmp_path: Path, cell: str, sex: str) -> None:
    out = _run(
        tmp_path, "Patient ID,Geschlecht,Alter,Prolaktin,Einheit", [f"S1,{cell},40,30,ng/mL"]
    )
    assert out.loc["S1", "sex"] == sex, cell


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("ungueltig", "void"),
        ("ungültig", "void"),
        ("geloescht", "void"),
        ("zurueckgezogen", "void"),
        ("vorlaeufig", "preliminary"),
        ("vorläufig", "preliminary"),
        ("geaendert", "corrected"),
        ("endgueltig", "kept"),
    ],
)
def test_a_result_status_written_without_umlauts(cell: str, kind: str) -> None:
    assert result_status(cell) == kind


# ------------------------------------------------------ 5. stop words of the medications ---
# drugs.toml [words]: "Unverträglichkeit" (stopped: not taken), "ab übermorgen", "ab nächster
# Woche" (not yet taken).  Written without umlauts the drug was read as taken: a drug cause
# given for a prolactin it cannot explain.
STOPPED = [
    ("Risperidon: Unverträglichkeit", "Risperidon: Unvertraeglichkeit"),
    ("Risperidon ab übermorgen", "Risperidon ab uebermorgen"),
    ("Risperidon ab nächster Woche", "Risperidon ab naechster Woche"),
    ("Risperidon früher", "Risperidon frueher"),  # typed in both spellings before: as before
]


@pytest.mark.parametrize(("umlaut", "ascii_form"), STOPPED)
def test_a_stop_word_written_without_umlauts_stops_the_drug(
    tmp_path: Path, umlaut: str, ascii_form: str
) -> None:
    rows = [f'D1,F,34,60,ng/mL,"{umlaut}"', f'D2,F,34,60,ng/mL,"{ascii_form}"']
    rows.append('D3,F,34,60,ng/mL,"Risperidon"')  # taken
    out = _run(tmp_path, "Patient ID,Sex,Age,Prolactin,Unit,Medications", rows)
    assert "medication:antipsychotic" in _factors(out.loc["D3"])
    for patient, text in (("D1", umlaut), ("D2", ascii_form)):
        assert "medication:antipsychotic" not in _factors(out.loc[patient]), text
    assert out.loc["D1", "factors"] == out.loc["D2", "factors"]


# ------------------------------------------- 6. German words in the code's own patterns ---
# A switch only planned keeps the old drug taken (knowledge/drugs.py _PLAN_WORDS): "naechste
# Woche" read as no plan made the switch done, and risperidone no cause.
@pytest.mark.parametrize(
    "note",
    [
        "Risperidon, Umstellung auf Aripiprazol nächste Woche",
        "Risperidon, Umstellung auf Aripiprazol naechste Woche",
        "Risperidon, Umstellung auf Aripiprazol nachste Woche",
    ],
)
def test_a_switch_planned_for_next_week_without_umlauts_keeps_the_drug(
    tmp_path: Path, note: str
) -> None:
    out = _run(
        tmp_path, "Patient ID,Sex,Age,Prolactin,Unit,Medications", [f'P1,F,34,60,ng/mL,"{note}"']
    )
    assert "medication:antipsychotic" in _factors(out.loc["P1"]), note


# A diluted result in brackets is another result of the sample (values.py _SECOND_RESULT_WORDS).
@pytest.mark.parametrize(
    "cell", ["57 (nach Verdünnung 420)", "57 (nach Verduennung 420)", "57 (nach Verdunnung 420)"]
)
def test_a_diluted_result_in_brackets_without_umlauts_is_a_second_result(cell: str) -> None:
    assert second_number_in_brackets(cell)
