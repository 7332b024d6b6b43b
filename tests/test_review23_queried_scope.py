"""Review 23 (a pituitary / neurosurgery MDT clinic in the UK, Germany and Italy): how far a
doubt reaches in a note, and the apoplexy picture with a loss of sight.  Through the pipeline
(in-process CSV runs, several phrasings per run).  Synthetic patients only.

1. A question opening a note doubted every finding after it: "?macroadenoma - bitemporal
   hemianopia on perimetry" at 40 ng/mL (a man) was `routine` with a rested repeat and a
   macroprolactin screen, where "bitemporal hemianopia on perimetry" was `urgent`.  The "?"
   doubts the diagnosis only; the hemianopia is a finding, and a raised prolactin with a visual
   field defect is urgent (output-contract §7; clinical-reference §5 "Red flags -> urgent
   referral", §8 "Urgent: visual field loss"; a rested repeat only "<= 2.5 x ULN, no mass
   symptoms").  A doubt ends once it has named what it doubts: at a spaced dash or arrow, a
   colon, a bracket, a word giving the finding it rests on ("bei", "given", "ante", "bij"),
   or a word a negation does not reach past ("with", "mit", "con", "met").  What it names is
   still asked about ("?visual field loss - please check", "Frage nach Gesichtsfeldausfall bei
   Makroadenom"), and so is a finding after a label's colon ("query: visual field defect").
   The same holds for a negation phrase ("no evidence of adenoma - visual field loss") and a
   question's label opening a list item ("Fragestellung: Hypophysentumor bei
   Gesichtsfeldausfall").
2. A sudden severe headache with a visual field defect or a loss of sight was `soon` at a normal
   or low prolactin, where the same headache with diplopia was `urgent` (the project's apoplexy
   rule, context.EMERGENCY_CUES).  Clinical-reference §5 (Metro North: sudden headache, visual
   loss, diplopia -> emergency department) and §8 (urgent: visual field loss, sudden severe
   headache): the classic apoplexy picture is urgent whatever the prolactin, which apoplexy
   often leaves normal or low.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "id,sex,age,prolactin ng/mL,comments"


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c and c != "nan"]


def _run(tmp_path: Path, notes: list[str], prolactin: str = "40") -> pd.DataFrame:
    lines = [f"P{i},M,60,{prolactin},{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_lines(tmp_path, HEADER, lines)


# 1. how far a doubt reaches ---------------------------------------------------------------------
FINDING_AFTER_THE_DOUBT = [
    "?macroadenoma - bitemporal hemianopia on perimetry",
    "?macroadenoma with bitemporal hemianopia",
    "?macroadenoma (bitemporal hemianopia on perimetry)",
    "suspected pituitary tumour - visual field defect and diplopia",
    "to exclude pituitary tumour – visual field loss",
    "r/o pituitary mass: diplopia and ptosis",
    "query pituitary tumour given visual field loss",
    "V.a. Makroadenom - bitemporale Hemianopsie",
    "V.a. Hypophysenadenom → Gesichtsfeldausfall",
    "Frage nach Hypophysentumor bei Gesichtsfeldausfall",
    "Ausschluss Hypophysenadenom: Gesichtsfeldausfall",
    "sospetto macroadenoma: emianopsia bitemporale",
    "sospetto adenoma ipofisario con diplopia",
    "sospecha de macroadenoma: hemianopsia bitemporal",
    "sospecha de macroadenoma ante hemianopsia bitemporal",
    "suspicion de macroadénome : hémianopsie bitemporale",
    "verdenking op macroadenoom - bitemporale hemianopsie",
    "verdenking op macroadenoom bij gezichtsvelduitval",
]
STILL_ASKED = [
    "?visual field loss",
    "?visual field loss - please check",
    "query: visual field defect",
    "V.a.: Gesichtsfeldausfall",
    "Frage nach Gesichtsfeldausfall bei Makroadenom",
    "r/o: diplopia",
    "?galactorrhoea - ?visual field loss",
    "?macroadenoma and bitemporal hemianopia",  # "and" joins what is asked about
    "query diplopia at 10:30",  # a clock time's colon ends nothing
    "sospetto deficit del campo visivo",
]
ALREADY_FINDINGS = [
    "?macroadenoma. Bitemporal hemianopia.",
    "possible macroadenoma, bitemporal hemianopia",
    "bitemporal hemianopia ?macroadenoma",
    "bitemporal hemianopia on perimetry",
]


def test_a_doubt_ends_at_what_it_names(tmp_path: Path) -> None:
    notes = FINDING_AFTER_THE_DOUBT + STILL_ASKED + ALREADY_FINDINGS
    out = _run(tmp_path, notes)
    for i, note in enumerate(notes):
        row = out.loc[f"P{i}"]
        codes = _codes(row["suggestions"])
        if note in STILL_ASKED:
            assert row["priority"] != "urgent", note
            assert "urgent_endocrine_referral" not in codes, note
        else:
            assert row["priority"] == "urgent", note
            assert codes[0] == "urgent_endocrine_referral", note
            # a mass sign: no rested repeat, no macroprolactin screen before the imaging
            assert "repeat_rested_sample" not in codes, note
            assert "pituitary_mri" in codes, note


def test_a_doubted_apoplexy_keeps_the_signs_written_after_it(tmp_path: Path) -> None:
    """At a normal prolactin, "?apoplexy - sudden headache and diplopia": the signs are stated,
    and together they are the apoplexy picture, urgent whatever the prolactin."""
    notes = [
        "?apoplexy - sudden headache and diplopia",
        "V.a. Apoplex: Donnerschlagkopfschmerz, Doppelbilder",
        "?apoplexy - sudden headache. ?diplopia",  # the diplopia asked about in its own clause
    ]
    out = _run(tmp_path, notes, prolactin="8")
    assert out.loc["P0", "priority"] == "urgent"
    assert out.loc["P1", "priority"] == "urgent"
    assert out.loc["P2", "priority"] == "soon"  # a sudden severe headache alone


def test_a_negation_phrase_ends_at_what_it_names(tmp_path: Path) -> None:
    notes = [
        "no evidence of adenoma - visual field loss",
        "kein Hinweis auf Tumor: Gesichtsfeldausfall",
        "sin evidencia de adenoma: hemianopsia bitemporal",
        "no evidence of: visual field loss",  # the colon right after the phrase
        "no evidence of visual field loss",
    ]
    out = _run(tmp_path, notes)
    for pid in ("P0", "P1", "P2"):
        assert out.loc[pid, "priority"] == "urgent", pid
    for pid in ("P3", "P4"):
        assert out.loc[pid, "priority"] != "urgent", pid


def test_a_question_label_ends_at_what_it_names(tmp_path: Path) -> None:
    """A Fragestellung column (written into comments after its label, review 22)."""
    header = "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);Fragestellung"
    asked = [
        "Hypophysentumor bei Gesichtsfeldausfall",
        "Makroadenom - bitemporale Hemianopsie",
        "Gesichtsfeldausfall bei Makroadenom",
        "Gesichtsfeldausfall",
    ]
    lines = [f"Q{i};m;45;60;{text}" for i, text in enumerate(asked)]
    out = triage_lines(tmp_path, header, lines)
    assert out.loc["Q0", "priority"] == "urgent"
    assert out.loc["Q1", "priority"] == "urgent"
    for pid in ("Q2", "Q3"):
        assert out.loc[pid, "priority"] == "soon", pid
        assert "urgent_endocrine_referral" not in _codes(out.loc[pid, "suggestions"]), pid


# 2. the apoplexy picture with a loss of sight ---------------------------------------------------
APOPLEXY_PICTURES = [
    "sudden severe headache, visual field defect",
    "sudden headache, reduced visual acuity",
    "sudden severe headache and visual loss",
    "thunderclap headache, bitemporal hemianopia",
    "worst headache of her life; loss of vision left eye",
    "Donnerschlagkopfschmerz, Visusverlust beidseits",
    "plötzliche starke Kopfschmerzen und Sehverlust",
    "schlagartige Kopfschmerzen, Gesichtsfeldausfall",
    "céphalée brutale, baisse de l'acuité visuelle",
    "céphalée en coup de tonnerre, hémianopsie bitemporale",
    "cefalea súbita, pérdida de visión",
    "cefalea improvvisa, calo del visus",
    "cefalea improvvisa, emianopsia bitemporale",
    "plotselinge hevige hoofdpijn, gezichtsvelduitval",
    "plotselinge hevige hoofdpijn, visusdaling",
]
NOT_THE_PICTURE = [
    "sudden severe headache",
    "sudden severe headache, blurred vision",  # blurred vision is no loss of sight
    "sudden severe headache, Sehstörung",  # a visual disturbance in general
    "sudden severe headache, no visual loss",
    "sudden severe headache, visual fields full",
    "sudden severe headache, ?visual field defect",
    "sudden severe headache, h/o visual loss",
    "sudden severe headache, visual field loss due to glaucoma",
    "thunderclap headache 2019; visual loss",  # the headache an episode years back
    "headache, visual field defect",  # not sudden: a red flag, no apoplexy picture
]


def test_a_sudden_headache_with_a_loss_of_sight_is_urgent_whatever_the_prolactin(
    tmp_path: Path,
) -> None:
    notes = APOPLEXY_PICTURES + NOT_THE_PICTURE
    levels = ("8", "1.0", "<1")  # normal, low, below the measuring range
    lines = [
        f"L{j}P{i},M,60,{level},{csv_quoted(note)}"
        for j, level in enumerate(levels)
        for i, note in enumerate(notes)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    for j, level in enumerate(levels):
        for i, note in enumerate(notes):
            row = out.loc[f"L{j}P{i}"]
            codes = _codes(row["suggestions"])
            # a red flag is never quiet: the urgent referral leads either way
            assert codes[0] == "urgent_endocrine_referral", (level, note)
            expected = "urgent" if note in APOPLEXY_PICTURES else "soon"
            assert row["priority"] == expected, (level, note)


def test_a_loss_of_sight_stays_a_red_flag_beside_a_raised_prolactin(tmp_path: Path) -> None:
    """The loss-of-sight words (now cues.toml visual_loss, read by red_flag) are the same
    mass-effect red flag as before with a raised prolactin; blurred vision too."""
    notes = [
        "reduced visual acuity",
        "Visusverlust rechts",
        "perdita della vista",
        "blindness of the right eye",
        "blurred vision",
        "visual field loss due to glaucoma",  # put down to the eye
    ]
    out = _run(tmp_path, notes)
    for i in range(5):
        assert out.loc[f"P{i}", "priority"] == "urgent", notes[i]
    assert out.loc["P5", "priority"] != "urgent"
