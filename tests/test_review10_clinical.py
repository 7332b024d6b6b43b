"""Clinical faults found by the outside review of stop 30, each fixed as a class and tested from
the guideline, on the bundled knowledge: a cause a little exceeded is no tumour signal below the
level where drug and systemic causes stop, a seizure outside its hour explains nothing, ..."""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import pytest

from triage.engine import canonical_frame, triage_frame
from triage.knowledge import load_knowledge
from triage.knowledge.model import Knowledge

WOMAN = {"sex": "F", "age_years": 34, "pregnant": False, "unit": "ng/mL"}
MAN = {"sex": "M", "age_years": 40, "unit": "ng/mL"}


@cache
def _knowledge() -> Knowledge:
    return load_knowledge("default")


def one(row: dict[str, Any]) -> pd.Series:
    return triage_frame(canonical_frame([row]), _knowledge()).iloc[0]


def factors(row: pd.Series) -> dict[str, dict[str, Any]]:
    return {d["code"]: d for d in row["factor_details"]}


# Drug and systemic causes usually stay below ~100 ng/mL (clinical-reference §0, §8: a culprit
# drug with prolactin below ~100-120 ng/mL is consistent with a drug effect): a result a little
# above one cause's usual reach is no reason to suspect a prolactinoma; far above it, it is.
@pytest.mark.parametrize(
    ("row", "cause"),
    [({**WOMAN, "prolactin": 55, "medications": "olanzapine 10 mg"}, "medication:antipsychotic"),
     ({**MAN, "prolactin": 80, "medications": "Zyprexa 10 mg"}, "medication:antipsychotic"),
     ({**MAN, "prolactin": 60, "comments": "very anxious, difficult venepuncture, 3 attempts"},
      "venipuncture_stress"),
     ({**WOMAN, "prolactin": 70, "comments": "Patientin sehr ängstlich, schwierige Blutentnahme"},
      "venipuncture_stress")],
)  # fmt: skip
def test_a_cause_a_little_exceeded_is_no_tumour_signal(row: dict[str, Any], cause: str) -> None:
    found = factors(one(row))
    assert cause in found, found
    assert "prolactinoma_suspected" not in found, found
    far = factors(one({**row, "prolactin": 180}))
    assert "prolactinoma_suspected" in far, far  # above ~100 ng/mL another cause is suspected


@pytest.mark.parametrize(
    "note",
    ["seizure at 09:10, sample at 14:30", "crise à 08h00, prélèvement à 11h30",
     "Krampfanfall vor 5 Stunden", "convulsión hace 4 horas", "crisi epilettica 3 ore fa"],
)  # fmt: skip
def test_a_seizure_outside_its_hour_is_no_factor(note: str) -> None:
    """Prolactin is back to baseline about an hour after a seizure (clinical-reference §4)."""
    found = factors(one({**MAN, "prolactin": 25, "comments": note}))
    assert set(found) == {"unexplained"}, (note, found)
    assert "does not explain this result" in found["unexplained"]["evidence"], note


# The neonatal period explains its interval (CALIPER, clinical-reference §2.1) and a result just
# above it (physiological_excess_max_times_uln), as pregnancy and breastfeeding explain theirs;
# 1.3x the infant limit (150 at 11 weeks) and 1.2x the days-0-4 limit (600 at 2 days) are soon
# (review 14: the 2.5x allowance had made them routine).  Contract §7 leaves out of the urgent
# level only what the neonatal period explains: beyond it, above the urgent level, a neonate is
# urgent (review 24; review 16 had made 400-2000 ng/mL soon).
@pytest.mark.parametrize(
    ("age", "value", "priority"),
    [("11 weeks", 1200, "urgent"), ("3 weeks", 2000, "urgent"), ("11 weeks", 400, "urgent"),
     ("11 weeks", 150, "soon"), ("11 weeks", 120, "routine"), ("2 days", 300, "none"),
     ("2 days", 520, "routine"), ("2 days", 600, "urgent")],
)  # fmt: skip
def test_the_neonatal_period_explains_its_interval_not_any_level(
    age: str, value: float, priority: str
) -> None:
    number, unit = age.split()
    years = int(number) * (7 if unit == "weeks" else 1) / 365.25
    row = one({"sex": "M", "age_years": years, "prolactin": value, "unit": "ng/mL"})
    assert row["priority"] == priority, (age, value, row["priority"])
    assert "prolactinoma" not in row["factors"]  # never a tumour from an infant's level


# A lesion only queried, with no size measured, is the question the test was ordered to answer,
# not a finding: with a prolactin below ~250 ng/mL the macroprolactin screen and the rested repeat
# come before imaging (clinical-reference §1.2 Auriemma 2023, §8).  60 ng/mL unexplained is in the
# moderate band, not a mild rise: soon (output-contract §5, §7; review 13).
@pytest.mark.parametrize(
    "note",
    ["?pituitary adenoma - MRI requested", "V.a. Prolaktinom", "Verdacht auf Hypophysenadenom",
     "suspicion de prolactinome", "sospecha de prolactinoma", "sospetto prolattinoma",
     "verdenking prolactinoom", "query prolactinoma", "suspected microadenoma",
     "? prolactinoma"],
)  # fmt: skip
def test_a_lesion_only_queried_is_no_known_lesion(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert "known_pituitary_lesion" not in row["factors"], note
    assert "macroprolactin_screen" in row["suggestions"], note
    assert row["priority"] == "soon", note
    assert "queried, not known" in factors(row)["unexplained"]["evidence"], note


def test_a_lesion_seen_with_a_size_stays_a_lesion_even_when_its_nature_is_doubted() -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": "suspected macroadenoma 25 mm on CT"})
    assert "known_pituitary_lesion" in row["factors"]
    assert "hook_effect_risk" in row["suggestions"]


# The hook effect is a warning for a large lesion whose prolactin is low when it should not be
# (clinical-reference §1.1 1.3, §8); a known prolactinoma whose level fell on a dopamine agonist
# is the expected response.  Its size is the lesion's now, not at diagnosis.
@pytest.mark.parametrize(
    ("row", "size"),
    [({**MAN, "prolactin": 8, "medications": "cabergoline 1 mg weekly",
       "comments": "macroprolactinoma 30mm at diagnosis (PRL 4500), now 9 mm on cabergoline"}, 9),
     ({**WOMAN, "prolactin": 15, "medications": "cabergoline 0.5 mg twice weekly",
       "comments": "macroprolactinoma - PRL normalised on cabergoline"}, None),
     ({**MAN, "prolactin": 12, "medications": "Dostinex 0.5 mg 2x/Woche",
       "comments": "Makroprolaktinom 28 mm (2019), unter Cabergolin normalisiert, jetzt 6 mm"}, 6),
     ({**MAN, "prolactin": 15, "medications": "bromocriptine 2.5 mg",
       "comments": "macroprolactinome de 25 mm au diagnostic, actuellement 12 mm"}, 12),
     ({**WOMAN, "prolactin": 10, "medications": "Norprolac",
       "comments": "macroprolactinoma 22 mm alla diagnosi, ora 8 mm"}, 8)],
)  # fmt: skip
def test_a_treated_prolactinoma_is_no_hook_effect_risk(
    row: dict[str, Any], size: int | None
) -> None:
    result = one(row)
    assert "hook_effect_risk" not in result["suggestions"], row
    assert "dilution_retest" not in result["suggestions"], row
    assert result["priority"] == "none", row
    evidence = factors(result)["known_pituitary_lesion"]["evidence"]
    if size is not None:
        assert f"({size} mm)" in evidence, evidence


def test_an_untreated_large_lesion_with_a_modest_result_keeps_the_hook_warning() -> None:
    for comments in ("macroprolactinoma 30 mm, untreated", "macroadenoma 30 mm"):
        result = one({**MAN, "prolactin": 45, "comments": comments})
        assert "hook_effect_risk" in result["suggestions"], comments


# A hypothetical or an instruction is not a finding (contract §7: urgent for an actual
# mass-effect red flag), whoever its subject; a lab's note on how to read results is not the
# patient's state (a pregnancy read from "In pregnancy, ... reference ranges apply" made
# 150 ng/mL normal).
CONDITIONAL_RED_FLAGS = [
    "If visual disturbance or headache, refer urgently.",
    "Should she develop headache or visual loss, refer urgently.",
    "Urgent referral should visual field defects develop.",
    "Ask about headache and visual symptoms.",
    "Check for visual field loss.",
    "Monitor for visual field defect",
    "Wenn Sehstörungen auftreten: dringende Überweisung.",
    "Bei Auftreten von Gesichtsfeldausfällen sofort vorstellen.",
    "Auf Sehstörungen achten.",
    "Si troubles visuels : adresser en urgence.",
    "En cas de céphalées ou de troubles visuels, adresser en urgence.",
    "En caso de alteraciones visuales, remitir urgente.",
    "Qualora compaiano disturbi visivi, inviare con urgenza.",
    "In caso di cefalea o disturbi visivi, inviare in urgenza.",
    "Indien visusklachten optreden, direct verwijzen.",
    "Headache or visual field defects warrant urgent referral.",
]
ACTUAL_RED_FLAGS = [
    "Visual field defect on confrontation, refer",
    "bitemporal hemianopia; if worse, call",
    "Sehstörungen seit 2 Wochen, bitte Überweisung",
    "troubles visuels depuis une semaine",
]


@pytest.mark.parametrize("note", CONDITIONAL_RED_FLAGS)
def test_a_conditional_red_flag_is_not_urgent(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert row["priority"] != "urgent", note


@pytest.mark.parametrize("note", ACTUAL_RED_FLAGS)
def test_a_red_flag_stated_stays_urgent(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert row["priority"] == "urgent", note


@pytest.mark.parametrize(
    "note",
    ["In pregnancy, trimester-specific TSH reference ranges apply.",
     "Interpret with caution during pregnancy.",
     "In der Schwangerschaft mit Vorsicht zu interpretieren.",
     "Grossesse : à interpréter avec prudence.",
     "Interpretar con precaución durante el embarazo.",
     "In gravidanza interpretare con cautela.",
     "Tijdens zwangerschap voorzichtig interpreteren.",
     "If pregnant, repeat in 3 months."],
)  # fmt: skip
def test_a_note_on_reading_results_in_pregnancy_is_no_pregnancy(note: str) -> None:
    row = one({"sex": "F", "age_years": 30, "unit": "ng/mL", "prolactin": 150, "comments": note})
    assert row["status"] == "high" and "pregnancy" not in row["factors"], note


def test_a_pregnancy_stated_before_a_conditional_clause_stays() -> None:
    row = one({"sex": "F", "age_years": 30, "unit": "ng/mL", "prolactin": 150,
               "comments": "Pregnant 12 weeks, if headache refer"})  # fmt: skip
    assert row["status"] == "normal" and "pregnancy" in row["factors"]


@pytest.mark.parametrize(
    "note", ["Repeat if on oestrogen therapy.", "Please repeat if taking risperidone."]
)
def test_a_drug_named_in_a_condition_is_not_taken(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert not any(code.startswith("medication:") for code in row["factors"].split(";")), note


def test_every_hypothetical_pattern_spells_a_quick_word() -> None:
    from triage.values import synonyms_data

    table = synonyms_data()["general_statements"]
    for pattern in table["hypothetical"]:
        words = [w.replace(" ", "\\s") for w in table["hypothetical_quick_words"]]
        assert any(w in pattern.lower() for w in words), pattern


@pytest.mark.parametrize(
    "note",
    ["macroprolactine négative", "macroprolactine : négatif", "Makroprolaktin negativ",
     "macroprolactina negativa", "macroprolattina negativa", "macroprolactine negatief",
     "macroprolactin negative"],
)  # fmt: skip
def test_a_negative_macroprolactin_screen_is_not_asked_for_again(note: str) -> None:
    """Accented French ("négative") was not read: the screen was suggested again."""
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert "macroprolactin_screen" not in row["suggestions"], note


# A symptom or red flag written as past history, or as gone, is not the patient's now
# (clinical-reference §7.1, §8: a mild rise without current symptoms starts with a rested
# repeat and a macroprolactin screen); one that an ongoing complaint dates from still is.
@pytest.mark.parametrize(
    "note",
    ["history of bitemporal hemianopia (2012) resolved", "Z.n. Hypophysenapoplexie 2015",
     "antécédent d'hémianopsie bitemporale", "hemianopsia bitemporal previa resuelta",
     "pregressa emianopsia bitemporale", "eerder bitemporale hemianopsie",
     "visual field loss resolved after surgery 2018", "galactorrhoea resolved",
     "Galaktorrhoe abgeklungen",
     "galactorrhée résolue", "galattorrea risolta", "galactorroe verdwenen",
     "?galactorrhoea", "screening for galactorrhoea", "query amenorrhoea"],
)  # fmt: skip
def test_a_past_resolved_or_queried_symptom_is_not_current(note: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "routine", (note, row["priority"])


@pytest.mark.parametrize(
    ("note", "priority"),
    [("headache since 2019", "soon"), ("Kopfschmerzen seit 2019", "soon"),
     ("sin regla desde hace 6 meses", "soon"), ("amenorrea da 6 mesi", "soon"),
     ("bitemporal hemianopia", "urgent"), ("galactorrhoea", "soon"),
     ("Galactorrhoea? yes", "soon")],
)  # fmt: skip
def test_a_current_symptom_still_counts(note: str, priority: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == priority, (note, row["priority"])


@pytest.mark.parametrize(
    "note",
    ["mother: pituitary macroadenoma", "father: visual field loss from pituitary tumour",
     "FH pituitary adenoma (sister)", "mère : adénome hypophysaire",
     "moeder had een hypofyseadenoom", "Mutter: Hypophysenadenom", "madre: adenoma hipofisario",
     "sorella: prolattinoma"],
)  # fmt: skip
def test_a_relatives_diagnosis_is_not_the_patients(note: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "routine", (note, row["priority"])
    assert "known_pituitary_lesion" not in row["factors"], note


# clinical-reference §8: a sudden severe headache is urgent, whatever the word order or language.
@pytest.mark.parametrize(
    "note",
    ["acute severe headache", "severe headache of sudden onset", "akute heftige Kopfschmerzen",
     "plötzlich stärkste Kopfschmerzen", "dolor de cabeza súbito",
     "dolor de cabeza súbito e intenso",
     "acute hevige hoofdpijn", "plotseling ernstige hoofdpijn", "céphalée brutale",
     "mal di testa improvviso", "sudden onset severe headache", "cefalea súbita"],
)  # fmt: skip
def test_a_sudden_severe_headache_is_urgent_in_any_wording(note: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "urgent", note


@pytest.mark.parametrize("note", ["headache", "chronic headache", "severe headache"])
def test_a_headache_without_a_sudden_onset_is_a_symptom_not_a_red_flag(note: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "soon", note


# Clinic shorthand for the symptoms of clinical-reference §5 (ES 2011 1.4).
@pytest.mark.parametrize(
    ("sex", "note"),
    [("F", "Gal+"), ("F", "gal ++"), ("F", "Amen."), ("F", "sec. amen."), ("F", "GAL+ AMEN+"),
     ("F", "O/A"), ("M", "ED+"), ("M", "↓libido"), ("F", "règles irrégulières"),
     ("F", "mestruazioni irregolari"), ("F", "Blutungsstörung"), ("F", "Mamillensekretion"),
     ("F", "tepelvocht"), ("M", "decreased sex drive"), ("M", "erection problems")],
)  # fmt: skip
def test_clinic_shorthand_for_a_symptom_is_read(sex: str, note: str) -> None:
    base = WOMAN if sex == "F" else MAN
    value = 45 if sex == "F" else 30
    row = one({**base, "prolactin": value, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "soon", note


@pytest.mark.parametrize("note", ["gal -", "seen in ED with cough", "amenities fine"])
def test_shorthand_lookalikes_are_no_symptom(note: str) -> None:
    row = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "routine", note


@pytest.mark.parametrize("assay", ["Immulite 2000", "Archtect", "Liaison XL"])
def test_an_assay_the_tool_has_no_set_for_is_said_in_the_note(assay: str) -> None:
    """clinical-reference §7.7: an assay-specific default plus a caveat; an assay that matches no
    set was silently judged as "method not stated"."""
    row = one({**WOMAN, "prolactin": 25, "assay": assay})
    assert f"Assay {assay!r} matches no reference set" in row["reference_note"], assay
    known = one({**WOMAN, "prolactin": 25, "assay": "Architect i2000SR"})
    assert "matches no reference set" not in known["reference_note"]


def test_a_soon_comment_names_the_referral_that_makes_it_soon() -> None:
    """The comment named the first step only ("Liver assessment advised.") and never the
    referral that makes the result soon."""
    row = one({**MAN, "prolactin": 60, "tsh": 1.5, "egfr": 95.0})
    assert row["priority"] == "soon"
    assert "Endocrine referral advised; first: " in row["comment"], row["comment"]
    routine = one({**WOMAN, "prolactin": 40, "tsh": 1.5, "egfr": 95.0})
    assert "Endocrine referral" not in routine["comment"]


# clinical-reference §5 lists menstrual symptoms for premenopausal women: after the menopause, or
# with a cause of its own written beside it, amenorrhoea does not make a mild rise soon.
@pytest.mark.parametrize(
    ("row", "note"),
    [({"sex": "F", "age_years": 60, "menopausal": True}, "amenorrhoea"),
     ({"sex": "F", "age_years": 60}, "postmenopausal amenorrhoea for 10 years"),
     ({"sex": "F", "age_years": 30}, "amenorrhoea since hysterectomy"),
     ({"sex": "F", "age_years": 30}, "amenorrhoea on Depo-Provera"),
     ({"sex": "F", "age_years": 45}, "amenorrhoea; GnRH analogue for endometriosis"),
     ({"sex": "F", "age_years": 30}, "amenorrhoea (Mirena)"),
     ({"sex": "F", "age_years": 38}, "Amenorrhö unter Zoladex"),
     ({"sex": "F", "age_years": 35}, "aménorrhée sous stérilet hormonal")],
)  # fmt: skip
def test_amenorrhoea_with_its_own_cause_is_no_prolactin_symptom(
    row: dict[str, Any], note: str
) -> None:
    value = 25 if row["age_years"] >= 50 else 45
    found = one({**row, "unit": "ng/mL", "prolactin": value, "comments": note, "tsh": 1.5,
                 "egfr": 95.0})  # fmt: skip
    assert found["priority"] == "routine", (note, found["priority"])


@pytest.mark.parametrize(
    "note", ["amenorrhoea", "amenorrhoea, galactorrhoea", "Zyklusstörung", "GAL+ AMEN+"]
)
def test_amenorrhoea_before_the_menopause_stays_a_symptom(note: str) -> None:
    found = one({**WOMAN, "prolactin": 45, "comments": note, "tsh": 1.5, "egfr": 95.0})
    assert found["priority"] == "soon", note


# The exclusions above reach only what they say: onset and duration words, a current finding
# beside a past one, "not resolved", a query of something else, an Italian impersonal "si",
# a request for imaging because of a finding, a label before a colon, a cause in another
# sentence or of someone else, a lesion whose kind (not presence) is queried.
STILL_URGENT = [
    "Visual disturbance over the past month",
    "Progressive visual loss over the last year",
    "Headache and blurred vision for 2 weeks prior to sampling",
    "Bitemporal hemianopia on fields done prior to referral",
    "Visual disturbance began 3 months ago",
    "troubles visuels apparus il y a 3 mois",
    "disturbi visivi comparsi 2 mesi fa",
    "hemianopsia bitemporal iniciada hace 2 meses",
    "gezichtsvelduitval sinds vorig jaar toegenomen",
    "Sehstörung seit Oktober 2026",
    "visual field loss since March 2026",
    "troubles visuels depuis septembre 2026",
    "previous surgery now bitemporal hemianopia",
    "Z.n. OP jetzt Sehstörung",
    "new bitemporal hemianopia on today's fields compared with prior fields",
    "déficit du champ visuel aggravé par rapport à l'examen précédent",
    "Vorgeschichte: Doppelbilder seit 3 Tagen",
    "s/p TSS 2018 for macroadenoma now new diplopia",
    "diplopia not resolved",
    "Sehstörung nicht rückläufig",
    "Si segnala emianopsia bitemporale",
    "Si riferisce cefalea improvvisa",
    "Si evidenzia deficit del campo visivo",
    "Sudden severe headache, needs urgent MRI.",
    "New diplopia and ptosis - requires urgent assessment",
    "Valorar RM urgente por cefalea súbita",
    "Reason: sudden severe headache",
    "Clinical reason: bitemporal hemianopia",
    "Raison: troubles visuels",
    "Importante: emianopsia bitemporale",
    "Bitemporal hemianopia ?macroadenoma",
]  # fmt: skip
STILL_SOON = [
    "past week galactorrhoea", "Galactorrhoea for the past 3 months",
    "Amenorrhoea for the past 6 months", "galactorrhée apparue il y a 2 mois",
    "galactorrea comparsa 3 mesi fa", "tepelvloed sinds vorige maand",
    "galactorrhoea since last month", "amenorrhoea since previous visit",
    "galactorrhoea 2 years ago resolved now recurrent galactorrhoea",
    "Galaktorrhoe seit 2 Monaten nicht rückläufig", "Galactorrhoea ?prolactinoma",
    "Galactorrhoea, needs further investigation", "Amenorrhoea; mother had hysterectomy",
    "Secondary amenorrhoea. Radioiodine ablation for Graves 2025",
    "Amenorrhoea; AF catheter ablation last spring", "Amenorrhoea 8 months; Mirena removed 2024",
    "Amenorrhoea 8 months; Mirena removed 8 months ago",
    "MRI: pituitary macroadenoma abutting chiasm. ?prolactinoma vs NFPA",
    "Hypophysenmakroadenom im MRT. V.a. Prolaktinom",
]  # fmt: skip


@pytest.mark.parametrize("note", STILL_URGENT)
def test_a_current_red_flag_beside_a_past_or_query_word_stays_urgent(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert row["priority"] == "urgent", note


@pytest.mark.parametrize("note", STILL_SOON)
def test_a_current_symptom_or_lesion_beside_a_past_or_query_word_stays_soon(note: str) -> None:
    row = one({**WOMAN, "prolactin": 60, "comments": note})
    assert row["priority"] == "soon", note


def test_an_italian_impersonal_si_keeps_the_pregnancy_and_the_drug() -> None:
    pregnant = one({"sex": "F", "age_years": 34, "unit": "ng/mL", "prolactin": 60,
                    "comments": "Si tratta di gravidanza alla 12a settimana"})  # fmt: skip
    assert "pregnancy" in pregnant["factors"]
    drug = one({**WOMAN, "prolactin": 60, "comments": "Si segnala terapia con aloperidolo"})
    assert "medication:antipsychotic" in drug["factors"]
