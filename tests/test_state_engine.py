"""The patient state through the engine (issue 7): no false normal from a descriptive cell,
physiological explanations listed for results normal in their state, contradictions reported.

Hand-made knowledge (tests/engine_fixtures.py): women 3-30, men 2-18, postmenopausal 2-20,
pregnancy 10-209, breastfeeding <=200 ng/mL.  Synthetic data only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from engine_fixtures import knowledge

from triage.engine import canonical_frame, triage_frame

WOMAN = {"sex": "F", "age_years": 35, "unit": "ng/mL"}


def one(row: dict[str, Any]) -> pd.Series:
    out = triage_frame(canonical_frame([row]), knowledge())
    return out.iloc[0]


def codes(cell: object) -> list[str]:
    return [c for c in str(cell).split(";") if c] if isinstance(cell, str) else []


def details(row: pd.Series) -> dict[str, dict[str, Any]]:
    return {d["code"]: d for d in row["factor_details"]}


# --------------------------------------------------------------------------- no false normal ---
TRAPS = [
    ("pregnant", "post-menopausal", 58),
    ("pregnant", "postpartum 6 wks bottle feeding", 30),
    ("pregnant", "hysterectomy", 45),
    ("pregnant", "?pregnant", 30),
    ("pregnant", "possibly pregnant", 30),
    ("pregnant", "IVF", 33),
    ("pregnant", "miscarriage last month", 30),
    ("pregnant", "G2P1", 30),
    ("pregnant", "pregnancy test negative", 30),
    ("pregnant", "no longer pregnant", 30),
    ("pregnant", "TAH BSO", 50),
    ("pregnant", "ex-smoker", 30),
    ("pregnant", "unsure", 30),
    ("pregnant", "nicht schwanger", 30),
    ("pregnant", "pas enceinte", 30),
    ("pregnant", "grossesse ?", 30),
    ("pregnant", "evtl. schwanger", 30),
    ("pregnant", "no embarazada", 30),
    ("pregnant", "non incinta", 30),
    ("pregnant", "niet zwanger", 30),
    ("pregnant", "LMP unknown", 30),
    ("lactating", "bottle", 30),
    ("lactating", "not breastfeeding", 30),
    ("lactating", "weaned", 30),
    ("lactating", "abgestillt", 30),
    ("lactating", "flesvoeding", 30),
    ("comments", "post-partum, formula fed", 30),
    ("symptoms", "galactorrhoea, lactation", 30),
    ("comments", "previous pregnancy 2019", 30),
]


@pytest.mark.parametrize(("column", "text", "age"), TRAPS, ids=[t[1] for t in TRAPS])
def test_descriptive_cell_never_gives_a_false_normal(column: str, text: str, age: int) -> None:
    row = one({**WOMAN, "age_years": age, column: text, "prolactin": 150})
    assert row["status"] == "high", row["reference_note"]
    assert row["reference_source"] != "physiological"
    assert "pregnancy" not in codes(row["factors"]) or details(row)["pregnancy"]["strength"] == (
        "possible"
    )
    assert "lactation" not in codes(row["factors"])


@pytest.mark.parametrize(
    "text", ["N/A (male)", "n/a", "nvt", "yes", "Y", "28/40"], ids=lambda t: f"male:{t}"
)
def test_a_man_never_gets_the_pregnancy_interval(text: str) -> None:
    row = one({"sex": "M", "age_years": 40, "unit": "ng/mL", "pregnant": text, "prolactin": 150})
    assert row["reference_source"] != "physiological"
    assert row["status"] in ("high", "indeterminate")
    if text in ("yes", "Y"):  # no explicit evidence: no factor at all
        assert "pregnancy" not in codes(row["factors"])
        assert row["status"] == "high"


def test_far_past_childbearing_age_a_bare_yes_is_not_used() -> None:
    row = one({**WOMAN, "age_years": 78, "pregnant": "Y", "prolactin": 150})
    assert row["status"] == "high" and row["reference_source"] == "set"
    assert "pregnancy" not in codes(row["factors"])
    assert "conflicting_context" in codes(row["suggestions"])


def test_postpartum_not_breastfeeding_past_the_first_week_is_not_physiological() -> None:
    row = one({**WOMAN, "pregnant": "postpartum 6 wks bottle feeding", "prolactin": 60})
    assert row["status"] == "high" and "lactation" not in codes(row["factors"])
    early = one({**WOMAN, "comments": "3 days postpartum, bottle fed", "prolactin": 60})
    assert "lactation" in codes(early["factors"])  # the first week: raised even without feeding


def test_transplant_is_not_dialysis() -> None:
    graft = one({**WOMAN, "dialysis": "renal transplant 2015", "egfr": 22.0, "prolactin": 60})
    assert "dialysis" not in codes(graft["factors"])
    assert "renal_impairment" in codes(graft["factors"])
    assert "renal transplant 2015" in details(graft)["renal_impairment"]["evidence"]
    working = one({**WOMAN, "comments": "NTx 2015", "prolactin": 60})
    assert "dialysis" not in codes(working["factors"])
    assert "check_renal_function" in codes(working["suggestions"])


def test_no_longer_on_dialysis_is_not_dialysis() -> None:
    row = one({**WOMAN, "dialysis": "no longer on dialysis", "prolactin": 60})
    assert "dialysis" not in codes(row["factors"])


@pytest.mark.parametrize(
    "text", ["HD Mon/Wed/Fri", "CAPD", "Peritonealdialyse", "hémodialyse", "hemodialyse", "yes"]
)
def test_dialysis_in_any_language(text: str) -> None:
    row = one({**WOMAN, "dialysis": text, "prolactin": 60})
    assert details(row)["dialysis"]["strength"] == "likely"


@pytest.mark.parametrize("text", ["fatty liver", "NAFLD", "steatosis", "epatite C", "no cirrhosis"])
def test_fatty_liver_and_hepatitis_are_not_cirrhosis(text: str) -> None:
    row = one({**WOMAN, "liver_disease": text, "prolactin": 60})
    assert "liver_cirrhosis" not in codes(row["factors"])
    assert "check_liver_function" in codes(row["suggestions"])


@pytest.mark.parametrize(
    ("text", "strength"),
    [("Leberzirrhose Child B", "possible"), ("cirrhose", "possible"), ("Child-Pugh C", "likely")],
)
def test_cirrhosis_in_any_language(text: str, strength: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert details(row)["liver_cirrhosis"]["strength"] == strength
    assert "check_liver_function" not in codes(row["suggestions"])


# ---------------------------------------------------------------- physiological explanations ---
@pytest.mark.parametrize(
    ("extra", "code", "said"),
    [
        ({"pregnant": "28/40"}, "pregnancy", "pregnant: '28/40'"),
        ({"comments": "SSW 20"}, "pregnancy", "comments: 'SSW 20'"),
        ({"pregnant": True}, "pregnancy", "pregnant: 'yes'"),
        ({"lactating": "stillende Mutter"}, "lactation", "lactating: 'stillende Mutter'"),
        ({"pregnant": "lactating"}, "lactation", "pregnant: 'lactating'"),
        ({"age_years": 0.02, "sex": "M"}, "neonatal", "neonatal period"),
    ],
)
def test_physiological_state_is_listed_when_it_explains_a_normal_result(
    extra: dict[str, Any], code: str, said: str
) -> None:
    row = one({**WOMAN, **extra, "prolactin": 150})
    assert row["status"] == "normal" and row["reference_source"] == "physiological"
    assert row["priority"] == "none"
    assert codes(row["factors"]) == [code]
    found = details(row)[code]
    assert found["strength"] == "likely"
    assert said in found["evidence"]
    assert "150 ng/mL is within the" in found["evidence"]
    assert "limit" in found["evidence"]


def test_pregnancy_evidence_names_both_limits() -> None:
    row = one({**WOMAN, "pregnant": "28/40", "prolactin": 150})
    assert details(row)["pregnancy"]["evidence"] == (
        "pregnant: '28/40'; 150 ng/mL is within the pregnancy interval 10–209 ng/mL; above the "
        "non-pregnant limit 30"
    )


def test_a_result_within_the_usual_limit_lists_the_state_as_possible() -> None:
    # Every row judged against a physiological interval names the state that judged it (review
    # 2 #14: a pregnancy interval with no factor listed); within the usual limit too, it
    # explains nothing, so it is only possible and the priority stays none.
    row = one({**WOMAN, "pregnant": "28/40", "prolactin": 20})
    assert row["status"] == "normal" and row["factors"] == "pregnancy"
    assert row["priority"] == "none" and row["suggestions"] == ""
    found = details(row)["pregnancy"]
    assert found["strength"] == "possible"
    assert found["evidence"] == (
        "pregnant: '28/40'; judged against the pregnancy interval 10–209 ng/mL: 20 ng/mL is "
        "within it, and within the non-pregnant limit 30 ng/mL"
    )


# ------------------------------------------------------------------------------ contradictions ---
@pytest.mark.parametrize(
    "extra",
    [
        {"pregnant": "yes", "menopausal": "post-menopausal"},
        {"pregnant": "28/40", "comments": "hysterectomy 2010"},
        {"pregnant": "yes", "lactating": "exclusively breastfeeding"},
        {"pregnant": "yes", "comments": "pregnancy test negative"},
        {"pregnant": "no", "comments": "pregnant 20/40"},
        {"pregnant": "28/40", "sex": "M"},
    ],
    ids=["post-menopausal", "hysterectomy", "breastfeeding", "test negative", "said no", "male"],
)
def test_pregnancy_contradiction_is_reported_and_the_stricter_status_wins(
    extra: dict[str, Any],
) -> None:
    row = one({**WOMAN, **extra, "prolactin": 150})
    assert row["status"] == "indeterminate"  # above the usual limit, within the pregnancy one
    assert row["reference_source"] != "physiological"
    assert "Conflicting context" in row["reference_note"]
    assert "conflicting_context" in codes(row["suggestions"])
    assert details(row)["pregnancy"]["strength"] == "possible"
    high = one({**WOMAN, **extra, "prolactin": 260})
    assert high["status"] == "high"


def test_feeding_contradiction_is_reported_and_no_breastfeeding_interval_is_used() -> None:
    row = one({**WOMAN, "lactating": "breastfeeding", "comments": "bottle fed", "prolactin": 150})
    assert row["status"] == "high" and row["reference_source"] == "set"
    assert "conflicting_context" in codes(row["suggestions"])
    assert "feeding conflicts" in row["reference_note"]


def test_contradiction_is_reported_for_a_normal_result_too() -> None:
    row = one({"sex": "M", "age_years": 40, "unit": "ng/mL", "pregnant": "yes", "prolactin": 10})
    assert row["status"] == "normal"
    assert codes(row["suggestions"]) == ["conflicting_context"]
    assert row["priority"] == "none"


def test_ckd_stage_without_egfr_is_a_kidney_factor() -> None:
    row = one({**WOMAN, "comments": "insuficiencia renal crónica estadio 4", "prolactin": 45})
    assert details(row)["renal_impairment"]["strength"] == "likely"
    assert "dialysis" not in codes(row["factors"])
    early = one({**WOMAN, "comments": "CKD 3a", "prolactin": 45})
    assert details(early)["renal_impairment"]["strength"] == "possible"


def test_planned_dialysis_is_not_dialysis() -> None:
    row = one({**WOMAN, "dialysis": "nein, Dialyse geplant", "egfr": 12.0, "prolactin": 60})
    assert "dialysis" not in codes(row["factors"])
    assert details(row)["renal_impairment"]["strength"] == "likely"


@pytest.mark.parametrize("text", ["negativo", "negativ", "négatif", "negative"])
def test_negative_hcg_text_excludes_pregnancy(text: str) -> None:
    row = one({**WOMAN, "hcg": text, "prolactin": 45})
    assert "pregnancy_test" not in codes(row["suggestions"])
    assert "pregnancy" not in codes(row["factors"])


# ------------------------------------------- negation, exclusion, past and doubt (reviews 1, 2) --
# A raised result with a pregnancy or breastfeeding that is excluded, unlikely or ended: the usual
# interval applies, so the result is high (never a false normal) and no physiological factor.
NEGATED_PHYSIOLOGY = [
    ("pregnant", "Schwangerschaft ausgeschlossen"),
    ("comments", "Schwangerschaft unwahrscheinlich"),
    ("pregnant", "pregnancy excluded"),
    ("comments", "pregnancy ruled out"),
    ("comments", "pregnancy unlikely"),
    ("pregnant", "grossesse exclue"),
    ("comments", "grossesse écartée"),
    ("comments", "embarazo descartado"),
    ("comments", "gravidanza esclusa"),
    ("comments", "zwangerschap uitgesloten"),
    ("comments", "no embarazada; lactancia materna suspendida hace 1 año"),
    ("comments", "allaitement arrêté il y a 2 ans"),
    ("comments", "ha smesso di allattare"),
    ("comments", "gestopt met borstvoeding"),
    ("comments", "Abstillen vor 6 Monaten"),
    ("comments", "stopped breastfeeding last year"),
    ("lactating", "Stillen beendet"),
]


@pytest.mark.parametrize(("column", "text"), NEGATED_PHYSIOLOGY)
def test_excluded_or_ended_physiology_is_never_a_false_normal(column: str, text: str) -> None:
    row = one({**WOMAN, column: text, "prolactin": 60})
    assert row["status"] == "high", (text, row["status"])
    assert row["priority"] != "none"
    assert not {"pregnancy", "lactation"} & set(codes(row["factors"]))


@pytest.mark.parametrize(
    "text",
    [
        "pregnancy test negative",
        "β-hCG neg",
        "hCG negativ",
        "test de grossesse négatif",
        "prueba de embarazo negativa",
        "test di gravidanza negativo",
        "zwangerschapstest negatief",
    ],
)
def test_a_negative_pregnancy_test_in_notes_needs_no_pregnancy_test(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert row["status"] == "high"
    assert "pregnancy_test" not in codes(row["suggestions"])


@pytest.mark.parametrize(
    "text",
    [
        "Haemodialysis stopped after transplant 2022",
        "Dialyse beendet nach NTX",
        "ex-dialysé",
        "diálisis suspendida tras trasplante renal",
        "dialisi sospesa dopo trapianto di rene",
        "dialyse gestopt na niertransplantatie",
    ],
)
def test_ended_dialysis_is_not_dialysis(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert "dialysis" not in codes(row["factors"])
    assert row["status"] == "high"


@pytest.mark.parametrize(
    "text",
    [
        "niertransplantatie 2019, goede functie, geen dialyse meer",
        "greffe rénale fonctionnelle",
        "NTx 2015",
        "Nierentransplantation 2018, gute Funktion",
        "trasplante renal funcionante",
        "trapianto di rene funzionante",
    ],
)
def test_a_working_graft_without_egfr_is_no_renal_factor(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert not {"renal_impairment", "dialysis"} & set(codes(row["factors"]))
    assert "check_renal_function" in codes(row["suggestions"])


@pytest.mark.parametrize(
    "text", ["peritoneaaldialyse", "Bauchfelldialyse", "hemodialyse", "nierdialyse"]
)
def test_compound_dialysis_words_are_dialysis(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert "dialysis" in codes(row["factors"])


@pytest.mark.parametrize(
    "text",
    [
        "Leberzirrhose ausgeschlossen",
        "descartada cirrosis; hígado graso",
        "cirrosis descartada",
        "cirrhosis excluded",
        "cirrhose exclue",
        "cirrosi esclusa",
        "levercirrose uitgesloten",
    ],
)
def test_excluded_cirrhosis_is_no_factor(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert "liver_cirrhosis" not in codes(row["factors"])
    assert row["status"] == "high"


@pytest.mark.parametrize(
    "text",
    [
        "sospetta cirrosi? da confermare",
        "V.a. Leberzirrhose",
        "?cirrhosis",
        "suspicion de cirrhose",
        "sospecha de cirrosis",
        "verdenking levercirrose",
    ],
)
def test_a_suspected_cirrhosis_is_at_most_possible(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert details(row)["liver_cirrhosis"]["strength"] == "possible"
    assert "check_liver_function" in codes(row["suggestions"])


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("comments", "grossesse possible ?"),
        ("pregnant", "möglich"),
        ("pregnant", "Schwangerschaft möglich"),
        ("pregnant", "possibile"),
        ("pregnant", "posible"),
        ("pregnant", "mogelijk"),
    ],
)
def test_a_doubted_pregnancy_is_settled_by_a_test(column: str, text: str) -> None:
    row = one({**WOMAN, column: text, "prolactin": 60})
    assert row["status"] == "high"  # the usual interval: a doubt never gives a normal
    assert details(row)["pregnancy"]["strength"] == "possible"  # as for "?pregnant"
    assert "pregnancy_test" in codes(row["suggestions"])


@pytest.mark.parametrize(
    "text",
    [
        "dialysis planned; eGFR 14",
        "GFR 25 ml/min",
        "Dialyse geplant, eGFR 18",
        "DFG 20 mL/min/1,73 m2",
        "FG 12",
        "TFG: 22",
        "eGFR 15, in attesa di dialisi",
        "eGFR 19 ml/min, dialyse gepland",
    ],
)
def test_an_egfr_written_in_a_note_is_read_where_the_column_is_empty(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert details(row)["renal_impairment"]["strength"] == "likely", text


@pytest.mark.parametrize(
    ("text", "egfr"), [("eGFR 14", 80.0), ("eGFR >60", None), ("eGFR 14%", None)]
)
def test_a_note_egfr_never_overrides_the_column_nor_reads_other_numbers(
    text: str, egfr: float | None
) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60, "egfr": egfr})
    assert "renal_impairment" not in codes(row["factors"])


@pytest.mark.parametrize(
    "text", ["TSH 25", "TSH: 25 mU/l", "TSH 18,5 mUI/L", "TSH 30 mIU/L", "TSH >100"]
)
def test_a_tsh_written_in_a_note_is_read_where_the_column_is_empty(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert details(row)["hypothyroidism"]["strength"] == "likely", text
    assert "check_tsh" not in codes(row["suggestions"])
    kept = one({**WOMAN, "comments": text, "prolactin": 60, "tsh": 2.0})
    assert "hypothyroidism" not in codes(kept["factors"])


# ------------------------------------------------- an infant is never pregnant or breastfeeding --
@pytest.mark.parametrize(
    ("column", "text"),
    [
        # (the words of the child's own feeding or age, "lactante 2 meses", "Säugling,
        # gestillt", "nourrisson allaité", "breastfed baby", "baby 8 weeks old", are the
        # child's, no contradiction: test_review18_remark_negation)
        ("comments", "lactante, lactancia materna exclusiva"),
        ("comments", "lattante, allattamento al seno"),
        ("comments", "zuigeling, borstvoeding"),
        ("lactating", "yes"),
        ("pregnant", "yes"),
    ],
)
def test_an_infant_keeps_the_infant_interval(column: str, text: str) -> None:
    """A 2-month-old girl at 150 ng/mL is HIGH against the infant interval (6.3-113.7): a
    breastfeeding, postpartum or pregnancy record on a child's row is conflicting context
    (below pregnancy_min_age_years), never her physiological state."""
    row = one({"sex": "F", "age_years": 2 / 12, "unit": "ng/mL", column: text, "prolactin": 150})
    assert row["status"] == "high", row["reference_note"]
    assert row["reference_high_ng_ml"] == pytest.approx(113.7)
    assert "lactation" not in codes(row["factors"])
    assert "pregnancy" not in codes(row["factors"])
    assert "postpartum" not in codes(row["factors"])
    assert "conflicting_context" in codes(row["suggestions"])
    assert "Conflicting context" in row["reference_note"]


def test_a_breastfeeding_mother_still_gets_her_interval() -> None:
    for text in ("madre lactante", "pp 3 wks, BF", "lactante de 2 meses, lactancia materna"):
        row = one({**WOMAN, "comments": text, "prolactin": 150})
        assert row["status"] == "normal", text
        assert "lactation" in codes(row["factors"]), text


# ------------------------------------------ another person, a plan, lactate (review 7 A, B) ---
NOT_HERS = [
    # another person's pregnancy
    ("comments", "partner pregnant"),
    ("comments", "daughter pregnant"),
    ("comments", "pregnant daughter accompanies"),
    ("comments", "friend pregnant"),
    ("comments", "nurse in maternity ward (works with pregnant women)"),
    ("comments", "pregnant colleague"),
    ("comments", "partner's sister pregnant"),
    ("pregnant", "partner pregnant"),
    ("comments", "Partnerin schwanger"),
    ("comments", "Schwester schwanger"),
    ("comments", "sœur enceinte"),
    ("comments", "hermana embarazada"),
    ("comments", "sorella incinta"),
    ("comments", "partner zwanger"),
    ("comments", "zus zwanger"),
    # planned, or a test booked
    ("comments", "IVF planned 2027"),
    ("comments", "pregnancy test booked"),
    ("comments", "test de grossesse prévu"),
    ("comments", "test di gravidanza programmato"),
    ("comments", "Schwangerschaftstest geplant"),
    ("comments", "prueba de embarazo programada"),
    ("comments", "zwangerschapstest gepland"),
    # a wish for a pregnancy (an infertility work-up, where a raised prolactin matters most)
    ("comments", "Wunsch nach Schwangerschaft"),
    ("comments", "souhait de grossesse"),
    ("comments", "désir de grossesse"),
    ("comments", "búsqueda de embarazo"),
    ("comments", "deseo de embarazo"),
    ("comments", "ricerca di gravidanza"),
    ("comments", "desiderio di gravidanza"),
    ("comments", "wens tot zwangerschap"),
    ("comments", "pregnancy wish"),
    ("comments", "wish for pregnancy"),
    # blood lactate, the patient as an infant, another person, a plan, galactorrhoea
    ("comments", "lactate 2.1 mmol/L"),
    ("comments", "serum lactate 1.8"),
    ("comments", "lactates 2,5"),
    ("comments", "lactato 2,0 mmol/L"),
    ("comments", "Laktat 2,1"),
    ("comments", "lattato 1,9"),
    ("comments", "lactaat 2,0"),
    ("lactating", "lactate 2.1 mmol/L"),
    ("comments", "was breastfed as a baby"),
    ("comments", "sister is breastfeeding"),
    ("comments", "mother is breastfeeding twins (visitor)"),
    ("comments", "Schwester stillt"),
    ("comments", "sa sœur allaite"),
    ("comments", "plans to breastfeed next baby"),
    ("comments", "Stillen geplant"),
    ("comments", "expressing milky discharge"),
    ("symptoms", "milky nipple discharge"),
    ("comments", "Milchfluss aus der Brust"),
]


@pytest.mark.parametrize("prolactin", [60, 90])
@pytest.mark.parametrize(("column", "text"), NOT_HERS, ids=[t[1] for t in NOT_HERS])
def test_another_persons_or_a_planned_state_keeps_a_raised_result_high(
    column: str, text: str, prolactin: int
) -> None:
    row = one({**WOMAN, "age_years": 30, column: text, "prolactin": prolactin})
    assert row["status"] == "high", row["reference_note"]
    assert row["reference_source"] != "physiological"
    # a booked test leaves the status unknown: pregnancy at most a possible cause, to be tested
    assert "pregnancy" not in codes(row["factors"]) or details(row)["pregnancy"]["strength"] == (
        "possible"
    )
    assert "lactation" not in codes(row["factors"])


@pytest.mark.parametrize(
    "text", ["pregnancy test booked", "Schwangerschaftstest geplant", "zwangerschapstest gepland"]
)
def test_a_booked_pregnancy_test_asks_for_the_test(text: str) -> None:
    row = one({**WOMAN, "age_years": 30, "comments": text, "prolactin": 60})
    assert "pregnancy_test" in codes(row["suggestions"])


def test_a_note_about_a_colleague_does_not_contradict_her_own_column() -> None:
    row = one({**WOMAN, "pregnant": "no", "comments": "pregnant colleague", "prolactin": 60})
    assert row["status"] == "high"
    assert "conflicting_context" not in codes(row["suggestions"])


@pytest.mark.parametrize(
    "text", ["expressing milky discharge", "Milchfluss aus der Brust", "milky nipple discharge"]
)
def test_milky_discharge_is_a_symptom_not_breastfeeding(text: str) -> None:
    row = one({**WOMAN, "age_years": 30, "comments": text, "prolactin": 60})
    assert row["status"] == "high"
    assert "lactation" not in codes(row["factors"])


@pytest.mark.parametrize(
    ("text", "factor"),
    [("HD bis 2022, jetzt NTX", None), ("dialisi fino al 2020", None),
     ("hemodiálisis hasta 2021", None), ("voorheen hemodialyse", None), ("Z.n. Dialyse", None),
     ("Hämodialyse 3x/Woche", "dialysis"), ("hémodiafiltration", "dialysis"),
     ("hemodiafiltración", "dialysis"), ("Heimdialyse", "dialysis"),
     ("prédialyse", "renal_impairment"), ("pre-dialysis CKD", "renal_impairment"),
     ("Prädialyse", "renal_impairment")],
)  # fmt: skip
def test_dialysis_ended_ongoing_or_not_yet_begun(text: str, factor: str | None) -> None:
    """Dialysis that ended (a past year, 'voorheen', 'Z.n.') is no current dialysis (it explained
    a rise as likely); haemodiafiltration and home dialysis are dialysis; pre-dialysis is kidney
    failure at stage 4 or 5, not on dialysis yet."""
    row = one({"sex": "M", "age_years": 50, "unit": "ng/mL", "comments": text, "prolactin": 60})
    factors = codes(row["factors"])
    assert "dialysis" not in factors or factor == "dialysis", text
    if factor is not None:
        assert factor in factors, text


@pytest.mark.parametrize(
    ("column", "text"),
    [("kidney_disease", "IV"), ("kidney_disease", "G4A2"), ("kidney_disease", "5D"),
     ("kidney_disease", "stadio IV"), ("comments", "IRC stadio IV"), ("comments", "CKD 5D"),
     ("comments", "CKD stage IV"), ("comments", "insuffisance rénale chronique stade V")],
)  # fmt: skip
def test_a_ckd_stage_in_roman_numerals_or_with_its_grades_is_read(column: str, text: str) -> None:
    """A stage written IV, G4A2 or 5D was dropped (or counted only as a possible cause): from
    stage 4 kidney failure is a likely cause of a raised prolactin.  ("CKD 5D on PD" is read as
    the peritoneal dialysis it says since review 20: the dialysis factor, as "on HD".)  Review
    24: KDIGO "5D" is stage 5 on dialysis, the dialysis factor (clinical-reference §4, the
    dialysis row), as "CKD 5 on HD" is."""
    row = one({"sex": "M", "age_years": 60, "unit": "ng/mL", column: text, "prolactin": 80})
    strengths = {d["code"]: d["strength"] for d in row["factor_details"]}
    factor = "dialysis" if text.endswith("5D") else "renal_impairment"
    assert strengths.get(factor) == "likely", text


@pytest.mark.parametrize(
    ("text", "strength"),
    [("HE Grad 2", "likely"), ("varices oesophagiennes, ascite", "likely"),
     ("Ösophagusvarizen", "likely"), ("MELD 25", "likely"), ("hipertensión portal", "likely"),
     ("Leberfibrose F4", "possible"), ("Child-Pugh B8", "possible"), ("MELD 9", None),
     ("NAFLD", None)],
)  # fmt: skip
def test_advanced_liver_disease_in_other_words(text: str, strength: str | None) -> None:
    """Encephalopathy graded, varices and portal hypertension, a high MELD, fibrosis F4, a
    Child-Pugh score with its points: each was no liver cause at all."""
    row = one(
        {"sex": "M", "age_years": 60, "unit": "ng/mL", "liver_disease": text, "prolactin": 80}
    )
    strengths = {d["code"]: d["strength"] for d in row["factor_details"]}
    assert strengths.get("liver_cirrhosis") == strength, text
    if strength:
        evidence = next(
            d["evidence"] for d in row["factor_details"] if d["code"] == "liver_cirrhosis"
        )
        assert "compensated" not in evidence or text == "Leberfibrose F4", evidence


@pytest.mark.parametrize(
    "text",
    [
        "cirrhosis, liver transplant 2019",
        "OLT 2020 for NASH cirrhosis",
        "Z.n. Lebertransplantation 2018 bei äthyltoxischer Zirrhose",
        "cirrhose biliaire primitive, greffe hépatique en 2017",
        "cirrosis por VHC, trasplante hepático 2016",
        "trapianto di fegato per cirrosi alcolica",
        "levertransplantatie 2015 wegens cirrose",
    ],
)
def test_the_cirrhosis_a_liver_transplant_replaced_is_no_factor(text: str) -> None:
    """The cirrhotic liver is gone: prolactin returns toward normal once the graft works."""
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert "liver_cirrhosis" not in codes(row["factors"]), row["factor_evidence"]
    assert row["status"] == "high"


@pytest.mark.parametrize(
    "text",
    [
        "cirrhosis; awaiting liver transplant",
        "cirrhosis, not listed for liver transplant",
        "Leberzirrhose; Listung zur Lebertransplantation",
        "cirrhose - en attente de greffe hépatique",
        "cirrosis en lista de espera de trasplante hepático",
        "cirrosi in lista per trapianto di fegato",
        "levercirrose; op de wachtlijst voor levertransplantatie",
        "Transplantatzirrhose nach LTx 2010",
        "recurrent HCV cirrhosis after OLT",
    ],
)
def test_a_cirrhosis_still_there_beside_a_transplant_word_is_a_factor(text: str) -> None:
    """A transplant only awaited, refused, or a graft that is cirrhotic itself: the cirrhosis
    is current."""
    row = one({**WOMAN, "comments": text, "prolactin": 60})
    assert "liver_cirrhosis" in codes(row["factors"]), row["factor_evidence"]


@pytest.mark.parametrize(
    "text",
    [
        "grossesse il y a 6 mois",
        "Schwangerschaft vor 6 Monaten",
        "Schwangerschaft vor einem Jahr",
        "embarazo hace 1 año",
        "gravidanza 6 mesi fa",
        "zwangerschap 2 maanden geleden",
        "pregnancy 6 months ago",
        "pregnancy a year ago",
        "Stillen vor 6 Monaten",
        "lactancia materna hace 1 año",
        "allattamento 8 mesi fa",
    ],
)
def test_a_pregnancy_or_breastfeeding_months_ago_is_over(text: str) -> None:
    """Months or a year ago is the past: judged against the woman's own interval (it was
    judged against the pregnancy or breastfeeding one: a false normal)."""
    row = one({**WOMAN, "comments": text, "prolactin": 80})
    assert row["status"] == "high", text
    assert row["reference_stratum"].endswith("adult_female"), text


@pytest.mark.parametrize(
    "text",
    [
        "breastfeeding started 6 months ago",
        "Stillen begonnen vor 6 Monaten",
        "allaitement commencé il y a 6 mois",
    ],
)
def test_a_state_that_began_months_ago_is_current(text: str) -> None:
    row = one({**WOMAN, "comments": text, "prolactin": 80})
    assert row["status"] == "normal", text


@pytest.mark.parametrize(
    "text",
    [
        "3 days postpartum, not breastfeeding",
        "post-partum J3, pas d'allaitement",
        "accouchement il y a 3 jours, biberon",
        "parto hace 3 días, lactancia artificial",
        "parto 3 giorni fa, allattamento artificiale",
        "kraamperiode dag 3, flesvoeding",
        "Entbindung vor 3 Tagen, Abstillen",
        "Wochenbett Tag 3, nicht stillend",
    ],
)
def test_the_first_days_after_delivery_explain_a_rise_without_feeding(text: str) -> None:
    """In the first week after delivery prolactin is still raised without breastfeeding: a
    delivery dated in days in any language (it was a suspected prolactinoma and an MRI)."""
    row = one({**WOMAN, "comments": text, "prolactin": 150})
    assert "prolactinoma_suspected" not in codes(row["factors"]), text
    assert "pituitary_mri" not in codes(row["suggestions"]), text


@pytest.mark.parametrize("hcg", ["positive", "850 IU/L", "hCG positiv"])
def test_a_positive_hcg_in_a_man_is_never_a_pregnancy(hcg: str) -> None:
    """A man's raised prolactin is judged against the men's interval: a positive hCG made it
    indeterminate against the pregnancy one (and an hCG-secreting tumour is said)."""
    row = one({"sex": "M", "age_years": 40, "unit": "ng/mL", "prolactin": 150, "hcg": hcg,
               "hcg_positive": True})  # fmt: skip
    assert row["status"] == "high"
    assert "pregnancy" not in codes(row["factors"])
    assert "hCG-secreting tumour" in row["reference_note"]


@pytest.mark.parametrize(
    "note",
    [
        "Stress, Schlaf, Stillen und Brustwarzenstimulation erhöhen Prolaktin.",
        "Bei Hypothyreose, Niereninsuffizienz und Stillzeit ist Prolaktin häufig erhöht.",
        "In Schwangerschaft und Stillzeit physiologisch erhöht.",
        "Prolactin is physiologically elevated during pregnancy and lactation.",
        "La prolactine est souvent élevée pendant la grossesse et l'allaitement.",
        "Ausschluss medikamentöser Ursachen (Neuroleptika, Metoclopramid, Domperidon) empfohlen.",
        "Hyperprolactinémie : éliminer une grossesse, une prise médicamenteuse (neuroleptiques).",
        "Bij hyperprolactinemie: denk aan medicatie (haloperidol, metoclopramide, domperidon).",
        "Embarazo, lactancia y estrés pueden elevar la prolactina.",
        # prolactin as the subject of a rule, raised values found in ..., conditions on values
        "Prolaktin kann durch Stress, Schlaf, Stillen und Medikamente (z.B. Neuroleptika, "
        "Metoclopramid) erhöht sein.",
        "Erhöhte Werte finden sich in der Schwangerschaft, in der Stillzeit, bei "
        "Niereninsuffizienz und Hypothyreose.",
        "La prolactine augmente au cours de la grossesse, de l'allaitement, du stress et sous "
        "neuroleptiques.",
        "La prolattina aumenta in gravidanza, durante l'allattamento e in corso di terapia con "
        "neurolettici.",
        "La prolactina se eleva en el embarazo, la lactancia, el estrés y con antipsicóticos.",
        "Prolactine is verhoogd bij zwangerschap, borstvoeding, stress en gebruik van "
        "antipsychotica.",
        "Hyperprolactinaemia may be caused by drugs such as risperidone, haloperidol or "
        "metoclopramide; please review medication.",
        "Bei Werten > 200 ng/ml Verdacht auf Makroprolaktinom; bei Hypophysenadenom > 3 cm an "
        "Hook-Effekt denken.",
    ],
)
def test_a_labs_general_comment_says_nothing_of_this_patient(note: str) -> None:
    """A lab's printed comment on patients in general: its pregnancy, breastfeeding, drugs and
    diseases are not this woman's (a false normal against the breastfeeding interval, or a
    prolactinoma called drug-induced)."""
    row = one({**WOMAN, "comments": note, "prolactin": 150})
    assert row["status"] == "high", note
    assert not {"pregnancy", "lactation"} & set(codes(row["factors"])), note
    assert not [c for c in codes(row["factors"]) if c.startswith("medication:")], note


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Prolaktin physiologisch erhöht, SSW 20", "pregnancy"),
        ("Patientin stillt; Prolaktin häufig erhöht in der Stillzeit", "lactation"),
        ("Pat. nimmt Risperdal, das Prolaktin erhöhen kann", "medication:antipsychotic"),
        ("Prolaktin unter Haloperidol erhöht", "medication:antipsychotic"),
        ("prolactine élevée sous halopéridol", "medication:antipsychotic"),
        ("stillt seit 3 Monaten, Werte erhöht", "lactation"),
    ],
)
def test_a_comment_about_this_patient_is_still_read(note: str, code: str) -> None:
    row = one({**WOMAN, "comments": note, "prolactin": 150})
    assert code in codes(row["factors"]), note


def test_the_snomed_term_mother_currently_breast_feeding_is_the_patients() -> None:
    """SNOMED CT 413712001 names the patient as the mother (it was read as another person)."""
    row = one({**WOMAN, "comments": "Mother currently breast-feeding", "prolactin": 120})
    assert row["status"] == "normal" and "lactation" in codes(row["factors"])
    other = one({**WOMAN, "comments": "her mother is breastfeeding twins", "prolactin": 120})
    assert other["status"] == "high"


@pytest.mark.parametrize(
    "text",
    ["noch regelmäßige Menses", "noch Menstruation", "encore réglée", "todavía menstrúa",
     "ancora mestruata", "nog menstruerend", "still menstruating", "regular menses"],
)  # fmt: skip
def test_a_woman_still_menstruating_is_judged_premenopausal(text: str) -> None:
    """At 56 a woman who still menstruates is judged against the women's interval, not the
    postmenopausal one."""
    row = one({"sex": "F", "age_years": 56, "unit": "ng/mL", "prolactin": 25, "comments": text})
    assert not str(row["reference_stratum"]).endswith("postmenopausal"), text


def test_every_general_statement_pattern_spells_out_a_quick_word() -> None:
    """A text without any quick word is never searched: a pattern without one would never
    fire (synonyms.toml [general_statements])."""
    from triage.values import synonyms_data

    table = synonyms_data()["general_statements"]
    for pattern in table["general"]:
        assert any(word in pattern.lower() for word in table["quick_words"]), pattern


@pytest.mark.parametrize(
    "text",
    ["letzte Regel vor 5 Jahren", "letzte Periode vor drei Jahren",
     "dernières règles il y a 4 ans", "última regla hace 3 años", "ultima mestruazione 3 anni fa",
     "laatste menstruatie 5 jaar geleden", "last period 6 years ago"],
)  # fmt: skip
def test_a_last_period_years_before_is_a_postmenopause(text: str) -> None:
    """The last period dated years back, in any language, is the menopause (clinical-reference
    §2.1: a lower interval after it); it was judged against the premenopausal one."""
    row = one({"sex": "F", "age_years": 52, "unit": "ng/mL", "prolactin": 25, "comments": text})
    assert str(row["reference_stratum"]).endswith("postmenopausal"), text
    assert row["status"] == "high", text


@pytest.mark.parametrize(
    "text",
    ["no periods for 3 years", "sin menstruación desde hace 3 años", "Regel seit 2 Jahren aus"],
)
def test_years_without_periods_is_no_menopause_by_itself(text: str) -> None:
    """Years of amenorrhoea at 30 is a symptom of hyperprolactinaemia, not a menopause."""
    row = one({"sex": "F", "age_years": 30, "unit": "ng/mL", "prolactin": 25, "comments": text})
    assert not str(row["reference_stratum"]).endswith("postmenopausal"), text


@pytest.mark.parametrize(
    "note",
    ["domperidone for milk supply", "zur Steigerung der Milchmenge", "pour la montée de lait",
     "para aumentar la producción de leche", "per aumentare la produzione di latte",
     "galactogogue", "Milchstau", "exclusively pumping"],
)  # fmt: skip
def test_breastfeeding_named_by_its_purpose_or_troubles_is_breastfeeding(note: str) -> None:
    """A galactagogue "for milk supply" or engorgement is breastfeeding: the breastfeeding
    interval judges (clinical-reference §8), never a suspected prolactinoma.  (A low supply,
    "Hypogalaktie", does not say she still breastfeeds: test_review27_obstetric_notations.)"""
    row = one({**WOMAN, "comments": note, "prolactin": 150})
    assert row["status"] == "normal" and "lactation" in codes(row["factors"]), note


@pytest.mark.parametrize(
    "note",
    ["Dialyse noch nicht notwendig", "dialysis not yet required", "dialyse envisagée",
     "Shunt-Anlage für geplante Dialyse", "seit NTX dialysefrei"],
)  # fmt: skip
def test_dialysis_not_yet_or_no_longer_needed_is_no_dialysis(note: str) -> None:
    row = one({"sex": "M", "age_years": 50, "unit": "ng/mL", "comments": note, "prolactin": 120})
    assert "dialysis" not in codes(row["factors"]), note


@pytest.mark.parametrize(
    ("weeks", "strength", "priority"),
    [(0.5, "likely", "none"), (12.0, "likely", "routine"), (40.0, "possible", "soon"),
     (120.0, None, "soon"), (520.0, None, "soon")],
)  # fmt: skip
def test_breastfeeding_not_stated_is_assumed_less_the_longer_ago_the_delivery(
    weeks: float, strength: str | None, priority: str
) -> None:
    """In the first week after delivery the breastfeeding interval judges the result, feeding or
    not (clinical-reference §2.1: back to non-pregnant levels only by about day 7).  With
    feeding not stated, a delivery weeks ago makes breastfeeding likely; months ago only
    possible (the work-up goes on: "confirm whether she is breastfeeding"); years ago it is no
    reason at all (a delivery date ten years back had explained a raised result and stopped its
    work-up).  Clinical-reference §2.1; thresholds lactation_late_weeks and
    postpartum_feeding_unknown_max_weeks."""
    row = one({**WOMAN, "postpartum_weeks": weeks, "prolactin": 150})
    found = [d["strength"] for d in row["factor_details"] if d["code"] == "lactation"]
    assert found == ([strength] if strength else []), weeks
    assert row["priority"] == priority, weeks


@pytest.mark.parametrize(
    ("note", "status", "source"),
    [("delivered 3 days ago", "normal", "physiological"),
     ("entbunden vor 3 Tagen, stillt nicht", "normal", "physiological"),
     ("accouchement il y a 4 jours, allaitement artificiel", "normal", "physiological"),
     ("accouchée il y a 4 jours", "normal", "physiological"),
     ("ha partorito 3 giorni fa", "normal", "physiological"),
     ("dio a luz hace 5 días", "normal", "physiological"),
     ("bevallen 2 dagen geleden", "normal", "physiological"),
     ("delivered 3 weeks ago, not breastfeeding", "high", "set"),
     ("parto hace 2 semanas, lactancia artificial", "high", "set")],
)  # fmt: skip
def test_the_first_week_after_delivery_is_physiological_feeding_or_not(
    note: str, status: str, source: str
) -> None:
    """150 ng/mL three or four days after delivery is the expected level, breastfeeding or not
    (prolactin falls back only by about day 7); weeks after delivery without breastfeeding it is
    raised against the usual interval."""
    row = one({**WOMAN, "comments": note, "prolactin": 150})
    assert (row["status"], row["reference_source"]) == (status, source), note
    if status == "normal":
        assert row["priority"] == "none"
        assert "lactation" in codes(row["factors"])
