"""The drug lexicon (triage/data/drugs.toml) and DrugMatcher on free-text medication lists."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.knowledge import DrugMatcher, drug_matcher, load_drugs
from triage.knowledge.loaders import ATC_RE, factor_codes, load_drug_classes, load_drug_words
from triage.knowledge.model import Drug

DRUGS = load_drugs()
MATCHER = drug_matcher(DRUGS)
BY_NAME = {drug.name: drug for drug in DRUGS}
# the classes of the drugs, but those that lower prolactin or have no effect (neutral,
# feminising_adjunct: review 27)
RAISING_CLASSES = {d.drug_class for d in DRUGS} - {
    c.name for c in load_drug_classes() if c.effect != "raises"
}


def names(text: str | None) -> list[str]:
    return [match.drug.name for match in MATCHER.find(text)]


# ------------------------------------------------------------------------------- the lexicon ---
def test_lexicon_size_and_required_fields() -> None:
    assert len(DRUGS) >= 60
    assert len(BY_NAME) == len(DRUGS)
    for drug in DRUGS:
        assert drug.name == drug.name.lower() and drug.name.strip()
        assert drug.source.strip() and drug.line > 0
        assert drug.drug_class in {c.name for c in load_drug_classes()}
        assert all(ATC_RE.match(code) for code in drug.atc), drug.name
        assert drug.typical_max_ng_ml is None or drug.typical_max_ng_ml > 0
        assert any(tag in drug.source for tag in ("[S]", "[S2]", "[M]")), drug.name


def test_raising_classes_are_contract_factor_codes() -> None:
    no_effect = {c.name for c in load_drug_classes() if c.effect == "none"}
    for drug in DRUGS:
        if drug.effect == "raises" and drug.drug_class not in no_effect:
            assert f"medication:{drug.drug_class}" in factor_codes(), drug.name
    assert {
        code.split(":", 1)[1] for code in factor_codes() if code.startswith("medication:")
    } == RAISING_CLASSES


def test_clinical_reference_corrections() -> None:
    """Clinical-reference §0b overrides the older grades."""
    assert BY_NAME["prochlorperazine"].frequency == "low"
    assert BY_NAME["clomipramine"].frequency == "high"
    assert BY_NAME["methyldopa"].frequency == "moderate"
    assert BY_NAME["verapamil"].frequency == "low"
    for name in ("venlafaxine", "mirtazapine", "bupropion", "trazodone", "nortriptyline"):
        assert BY_NAME[name].drug_class == "neutral", name
        assert BY_NAME[name].frequency in {"none", "low"}
    for name in (
        "haloperidol",
        "risperidone",
        "paliperidone",
        "amisulpride",
        "sulpiride",
        "metoclopramide",
        "domperidone",
    ):
        assert BY_NAME[name].frequency == "high", name
    assert "Zantac" not in BY_NAME["ranitidine"].brands
    assert "Zantac 360" in BY_NAME["famotidine"].brands
    assert BY_NAME["progestogen"].drug_class == "neutral"


def test_masking_drugs() -> None:
    masking = {drug.name for drug in DRUGS if drug.masks}
    assert {
        "cabergoline",
        "bromocriptine",
        "quinagolide",
        "levodopa",
        "pramipexole",
        "ropinirole",
        "aripiprazole",
        "brexpiprazole",
        "cariprazine",
    } <= masking
    assert all(BY_NAME[name].effect == "lowers" for name in masking)
    assert not BY_NAME["risperidone"].masks


def test_typical_maxima_where_the_reference_gives_one() -> None:
    for name in ("risperidone", "paliperidone", "amisulpride", "metoclopramide"):
        assert BY_NAME[name].typical_max_ng_ml == 200
    assert BY_NAME["olanzapine"].typical_max_ng_ml == 50
    # benzamides and the D2-blocking antiemetics with metoclopramide (§3.1 rows: can exceed 200)
    for name in ("sulpiride", "levosulpiride", "tiapride", "domperidone"):
        assert BY_NAME[name].typical_max_ng_ml == 200
    # first-generation antipsychotics: §8, a culprit drug below ~100-120 ng/mL is consistent
    assert BY_NAME["haloperidol"].typical_max_ng_ml == 120
    assert BY_NAME["chlorpromazine"].typical_max_ng_ml is None  # moderate: the general ceiling


# ---------------------------------------------------------------------------- free-text table ---
CASES: list[tuple[str | None, list[str]]] = [
    # depot forms, salts, brands
    ("FLUPENTIXOL DECANOATE 40MG IM 2-WEEKLY", ["flupentixol"]),
    ("flupenthixol depot 20 mg every 2/52", ["flupentixol"]),
    ("Risperdal Consta 37.5mg", ["risperidone"]),
    ("risperidone LAI 50 mg 2-weekly", ["risperidone"]),
    ("paliperidone palmitate (Xeplion) 100mg monthly", ["paliperidone"]),
    ("Invega Sustenna 150 mg", ["paliperidone"]),
    ("Haldol decanoate 100mg/4 weeks", ["haloperidol"]),
    ("zuclopenthixol decanoate 200mg", ["zuclopenthixol"]),
    ("fluphenazine enanthate", ["fluphenazine"]),
    ("Abilify Maintena 400mg monthly", ["aripiprazole"]),
    ("Aldomet (methyldopa) 250mg tds", ["methyldopa"]),
    ("Verelan PM 200 mg nocte", ["verapamil"]),
    ("verapamil SR 240mg", ["verapamil"]),
    ("Isoptin", ["verapamil"]),
    ("Motilium 10 mg", ["domperidone"]),
    ("Sinemet 25/100", ["levodopa"]),
    ("co-careldopa 25/100 tds", ["levodopa"]),
    ("Dostinex 0.5mg twice weekly", ["cabergoline"]),
    ("Oxycontin 20mg", ["oxycodone"]),
    ("Prozac 20 mg", ["fluoxetine"]),
    ("Solian 200 mg", ["amisulpride"]),
    ("Stemetil 5mg prn", ["prochlorperazine"]),
    ("Compazine", ["prochlorperazine"]),
    ("Anafranil 75", ["clomipramine"]),
    # glued doses, case, separators, accents
    ("metoclopramide10mg", ["metoclopramide"]),
    ("METOCLOPRAMIDE 10MG TDS", ["metoclopramide"]),
    ("Halopéridol 5 mg", ["haloperidol"]),
    ("risperidone 2 mg bd; metformin 1g bd; ramipril 5 mg", ["risperidone"]),
    (
        "olanzapine 10 mg nocte\ncitalopram 20mg\r\nomeprazole",
        ["olanzapine", "citalopram", "omeprazole"],
    ),
    ("domperidone+metoclopramide", ["domperidone", "metoclopramide"]),
    ("Isoptin, amisulpride 400mg, methyldopa 250 mg", ["verapamil", "amisulpride", "methyldopa"]),
    ("quetiapine|sertraline", ["quetiapine", "sertraline"]),
    # oestrogens and progestogens
    ("ethinylestradiol/levonorgestrel (COC)", ["ethinylestradiol", "progestogen"]),
    ("Ethinyl estradiol 30mcg + levonorgestrel", ["ethinylestradiol", "progestogen"]),
    ("EE30/LNG150", ["ethinylestradiol"]),
    ("combined pill", ["ethinylestradiol"]),
    ("Microgynon 30", ["ethinylestradiol"]),
    ("oestradiol 2 mg (HRT)", ["estradiol"]),
    ("Estradiol valerate 2mg", ["estradiol"]),
    ("levonorgestrel IUS (Mirena)", ["progestogen"]),
    ("Premarin 0.625", ["conjugated estrogens"]),
    ("anti-oestrogen (tamoxifen 20mg)", ["tamoxifen"]),
    # each drug once, in order of first appearance
    ("Aldomet; methyldopa 500 mg", ["methyldopa"]),
    ("Cabergoline 0.5 mg twice weekly; Dostinex", ["cabergoline"]),
    ("Abilify 10mg; aripiprazole 15 mg", ["aripiprazole"]),
    ("Risperdal; Sinemet; risperidone", ["risperidone", "levodopa"]),
    # no false positives inside other words
    ("amisulpride 400mg", ["amisulpride"]),
    ("levosulpiride 25 mg tds", ["levosulpiride"]),
    ("sulpiride 200mg bd", ["sulpiride"]),
    ("dihydrocodeine 30 mg", ["codeine"]),
    ("methyl-L-dopa", ["methyldopa"]),
    ("L-dopa", ["levodopa"]),
    ("see GP; keep under review", []),
    ("metformin 1g bd; atorvastatin 40mg; amlodipine 5mg", []),
    ("ee", []),
    # Zantac
    ("Zantac 150mg bd", ["h2 antagonist (unspecified)"]),
    ("Zantac 360 20mg", ["famotidine"]),
    ("ranitidine 150mg", ["ranitidine"]),
    ("Pepcid AC", ["famotidine"]),
    # negations
    ("no metoclopramide", []),
    ("NO METOCLOPRAMIDE", []),
    ("stopped risperidone", []),
    ("stopped risperidone 3/12 ago; now aripiprazole", ["aripiprazole"]),
    ("stopped risperidone, started aripiprazole", ["aripiprazole"]),
    ("risperidone stopped and aripiprazole started", ["aripiprazole"]),
    ("switched from risperidone to aripiprazole", ["aripiprazole"]),
    ("no metoclopramide or domperidone", []),
    ("nil", []),
    ("NKDA", []),
    ("nil regular medication", []),
    ("none", []),
    ("risperidone (discontinued)", []),
    ("haloperidol - allergy", []),
    ("allergic to haloperidol; olanzapine 5 mg", ["olanzapine"]),
    ("Allergies: haloperidol, penicillin\nMeds: olanzapine 10mg", ["olanzapine"]),
    ("d/c metoclopramide, cont. domperidone", ["domperidone"]),
    ("not on any antipsychotic; sertraline", ["sertraline"]),
    ("previously on risperidone", []),
    ("off-label risperidone 0.5 mg", ["risperidone"]),
    ("no change to risperidone dose", ["risperidone"]),
    ("Meds from GP: risperidone 2mg", ["risperidone"]),
    ("Stopped: haloperidol, metoclopramide. Current meds: olanzapine", ["olanzapine"]),
    ("metoclopramide prn - no benefit", ["metoclopramide"]),
    ("", []),
    (None, []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_find_drugs_in_free_text(text: str | None, expected: list[str]) -> None:
    assert names(text) == expected


def test_matched_text_and_via() -> None:
    matches = MATCHER.find("Risperdal Consta 37.5mg; FLUPENTIXOL DECANOATE; Haldol; clozapine")
    assert [(m.matched_text, m.via) for m in matches] == [
        ("Risperdal Consta", "brand"),
        ("FLUPENTIXOL DECANOATE", "synonym"),
        ("Haldol", "brand"),
        ("clozapine", "generic"),
    ]
    (accented,) = MATCHER.find("rispéridone 2mg")
    assert accented.matched_text == "rispéridone" and accented.drug.name == "risperidone"


def test_mentions_keep_negated_ones() -> None:
    mentions = MATCHER.mentions("stopped risperidone; olanzapine 5mg; no domperidone")
    assert [(m.match.drug.name, m.negated) for m in mentions] == [
        ("risperidone", True),
        ("olanzapine", False),
        ("domperidone", True),
    ]
    assert mentions[0].start == len("stopped ")


def test_short_terms_match_only_as_written() -> None:
    assert names("EE 35 mcg") == ["ethinylestradiol"]
    assert names("ee 35 mcg") == []


def test_results_are_cached_and_safe_to_mutate() -> None:
    matcher = DrugMatcher(DRUGS)
    first = matcher.find("risperidone 2mg; Motilium")
    first.clear()
    assert [m.drug.name for m in matcher.find("risperidone 2mg; Motilium")] == [
        "risperidone",
        "domperidone",
    ]
    assert matcher._mentions_cached.cache_info().hits == 1
    assert drug_matcher(DRUGS) is MATCHER


def test_non_text_values_are_empty() -> None:
    assert MATCHER.find(float("nan")) == []  # type: ignore[arg-type]
    assert MATCHER.find("   ") == []


# ------------------------------------------------------------------------------ sample files ---
NOT_IN_LEXICON = {"metformin", "ramipril", "levothyroxine", "atorvastatin", "amlodipine"}


def _sample_medications(samples_dir: Path) -> list[str]:
    with (samples_dir / "lis_long_export.csv").open(encoding="cp1252", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return sorted(
        {row["Medication (from order)"] for row in rows if row["Medication (from order)"]}
    )


def test_every_medication_in_the_sample_export_is_recognised(samples_dir: Path) -> None:
    texts = _sample_medications(samples_dir)
    assert len(texts) > 20
    for text in texts:
        items = [item.strip() for item in text.split(",")]
        found = names(text)
        for item in items:
            word = item.split()[0].lower()
            if word in NOT_IN_LEXICON:
                assert not any(name == word for name in found)
            else:
                assert names(item), item
        assert len(found) == len(set(found))
    assert names("Isoptin, cabergoline 0.5 mg twice weekly") == ["verapamil", "cabergoline"]
    assert names("paliperidone palmitate (Xeplion) 100mg monthly, Dostinex") == [
        "paliperidone",
        "cabergoline",
    ]


# --------------------------------------------------------------------------------- properties ---
# Every written form of every drug.  An entry named "... (unspecified)" is a label for a class
# mention (its written forms are its synonyms: "SNRI", "H2 antagonist"), never text itself.  A
# class adjective ("neuroleptische") names a drug only next to a word of intake (drugs.toml
# class_adjectives; tests/test_review14_drug_regressions.py).
_ADJECTIVES = frozenset(load_drug_words().words["class_adjectives"])
TERMS = sorted(
    {
        (term, drug.name)
        for drug in DRUGS
        for term in (drug.name, *drug.brands, *drug.synonyms)
        if not term.endswith(" (unspecified)") and term not in _ADJECTIVES
    }
)

# A brand that is also an ordinary word or a name is a drug only with a dose (drugs.toml [words]
# name_brands, word_brands, dose_brands): each is written here with one.
_WITH_DOSE_ONLY = frozenset(
    term
    for key in ("name_brands", "word_brands", "dose_brands")
    for term in load_drug_words().words[key]
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TERMS),
    st.sampled_from(["", "  ", "1 x ", "; ", "(", "Rx: ", "\n"]),
    st.sampled_from(["", " 10mg", "10 mg bd", ")", ";", " /", "\n", " 37.5 mg IM 2-weekly"]),
    st.booleans(),
)
def test_every_term_is_found_whatever_surrounds_it(
    item: tuple[str, str], before: str, after: str, upper: bool
) -> None:
    term, drug = item
    written = term.upper() if upper and len(term) >= 3 else term
    if term in _WITH_DOSE_ONLY:
        after = " 25 mg " + after  # "Consta", "Yasmin", "Antra" alone are words (drugs.toml)
    if term[-1].isdigit() and after[:1].isdigit():
        after = " " + after  # "Diane-35" glued to "10 mg" is ambiguous even to a reader
    assert drug in names(before + written + after)


ONE_WORD_TERMS = [(term, drug) for term, drug in TERMS if term.isalpha()]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ONE_WORD_TERMS), st.sampled_from(["zq", "xyl"]))
def test_no_term_is_found_inside_a_longer_word(item: tuple[str, str], glue: str) -> None:
    term, drug = item
    assert drug not in names(f"{glue}{term}{glue}")


def test_many_distinct_texts_each_read_alike() -> None:
    # Speed is for bench/lexicon.py to measure (ratios in one run), never a timed test;
    # from 1 mg: "0 mg" is no dose taken
    matcher = DrugMatcher(DRUGS)
    texts = [f"metoclopramide {i} mg tds; metformin 1g bd; Risperdal {i}" for i in range(1, 20_001)]
    found = {tuple(sorted(m.drug.name for m in matcher.find(text))) for text in texts}
    assert found == {("metoclopramide", "risperidone")}


def test_lexicon_is_a_valid_matcher_input() -> None:
    """A lexicon with one drug works: nothing in DrugMatcher depends on the shipped file."""
    drug = Drug(
        name="examplazine",
        drug_class="antipsychotic",
        effect="raises",
        atc=(),
        brands=("Examplix",),
        synonyms=("examplazine depot",),
        frequency="high",
        typical_max_ng_ml=None,
        masks=False,
        source="test",
    )
    matcher = DrugMatcher([drug])
    assert [m.via for m in matcher.find("EXAMPLIX 5mg, examplazine depot")] == ["brand"]


# ----------------------------------------------- contraception and national brands (review 3) ---
COMBINED_PILL = [
    *("the pill", "on the pill", "OCP", "COC", "Pille", "die Pille", "orale Kontrazeptiva"),
    *("pilule", "la pilule", "contraception orale", "píldora", "anticonceptivos orales"),
    *("pillola", "la pillola", "contraccettivo orale", "de pil", "anticonceptiepil"),
    *("Belara", "Diane-35", "Yaz", "Minesse", "Loette", "Yasminelle", "Qlaira", "Zoely"),
]


@pytest.mark.parametrize("text", COMBINED_PILL)
def test_the_combined_pill_in_six_languages_is_an_oestrogen(text: str) -> None:
    found = MATCHER.find(text)
    assert [m.drug.drug_class for m in found] == ["estrogen"], text


@pytest.mark.parametrize(
    "text",
    [
        *("minipill", "progestogen-only pill", "Cerazette", "desogestrel", "Minipille"),
        *("Mini-Pille", "micropilule", "Slinda", "minipillola", "minipil"),
        # the morning-after pill is not the combined pill either
        *("Pille danach", "pilule du lendemain", "píldora del día después"),
        *("pillola del giorno dopo", "morning-after pill", "Norlevo", "ellaOne"),
    ],
)
def test_progestogen_only_and_emergency_pills_are_not_an_oestrogen(text: str) -> None:
    assert names(text) == ["progestogen"], text


@pytest.mark.parametrize(
    "text",
    ["sleeping pill", "water pill", "Schlafpille", "keine Pille", "pas de pilule", "daily"],
)
def test_pill_traps(text: str) -> None:
    assert not names(text), text


@pytest.mark.parametrize(
    ("text", "name", "drug_class"),
    [
        ("Tercian 25 mg le soir", "cyamemazine", "antipsychotic"),
        ("cyamémazine gouttes", "cyamemazine", "antipsychotic"),
        ("L-Polamidon 5 mg/ml", "levomethadone", "opioid"),
        ("Levomethadon Substitution", "levomethadone", "opioid"),
        ("Methaddict 10 mg", "methadone", "opioid"),
        ("Eptadone sciroppo", "methadone", "opioid"),
        ("Valoron N retard", "tilidine", "opioid"),
        ("Palexia 50 mg", "tapentadol", "opioid"),
        ("Truxal 15 mg", "chlorprothixene", "antipsychotic"),
        ("Dipiperon 40 mg zur Nacht", "pipamperone", "antipsychotic"),
        ("Eunerpan 25 mg", "melperone", "antipsychotic"),
        ("Dominal forte", "prothipendyl", "antipsychotic"),
        ("Vogalène 15 mg", "metopimazine", "antiemetic_prokinetic"),
        ("Visanne 2 mg", "progestogen", "neutral"),
        # combination analgesics and hospital opioids sold under national names
        ("Codoliprane 1 cp si besoin", "codeine", "opioid"),
        ("Dafalgan codéine 2 cp", "codeine", "opioid"),
        ("Co-Efferalgan 500/30", "codeine", "opioid"),
        ("Talvosilen forte", "codeine", "opioid"),
        ("Lamaline gélules", "opium", "opioid"),
        ("Opiumtinktur 5 gtt", "opium", "opioid"),
        ("Jurnista 8 mg", "hydromorphone", "opioid"),
        ("Dolantin 50 mg i.v.", "pethidine", "opioid"),
        ("meperidine PRN", "pethidine", "opioid"),
        ("Dolosal 100 mg", "pethidine", "opioid"),
        ("Dipidolor postoperativ", "piritramide", "opioid"),
        ("Mopral 20 mg", "omeprazole", "other"),
    ],
)
def test_national_brands_of_antipsychotics_and_opioids(
    text: str, name: str, drug_class: str
) -> None:
    assert names(text) == [name], text
    assert BY_NAME[name].drug_class == drug_class


@pytest.mark.parametrize(
    "text",
    [
        "Haldol: nein",
        "Haldol: no",
        "metoclopramide - no",
        "Tercian ? non",
        "Risperdal: nee",
        "Primperan : aucun",
        "Plasil: nessuno",
        "risperidona: ninguno",
    ],
)
def test_a_form_answer_after_a_drug_means_not_taken(text: str) -> None:
    assert names(text) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Haldol: nein, Risperdal 2 mg", ["risperidone"]),
        ("Haldol: no change", ["haloperidol"]),
        ("Haldol: non-adherent", []),  # not reliably taken: no drug cause claimed
        ("Haldol: ja", ["haloperidol"]),
        ("Valoron N", ["tilidine"]),
    ],
)
def test_a_form_answer_negates_only_its_own_drug(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# ------------------------------------------------ class abbreviations in the medication list ---
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OC", ["ethinylestradiol"]),  # oral contraceptive (en)
        ("COC", ["ethinylestradiol"]),
        ("ACO", []),  # anticonceptivo oral or anticoagulación oral (es): not guessed
        ("SSRI", ["ssri (unspecified)"]),
        ("ISRS", ["ssri (unspecified)"]),  # es, fr, it
        ("IRS", ["ssri (unspecified)"]),
        ("SNRI", ["snri (unspecified)"]),
        ("IRSN", ["snri (unspecified)"]),  # fr, es, it
        ("TCA", ["tca (unspecified)"]),
        ("Serotonin-Wiederaufnahmehemmer", ["ssri (unspecified)"]),
        ("antidepresivo tricíclico", ["tca (unspecified)"]),
        # the named drug wins over its class: "ISRS (sertralina 50)" is sertraline
        ("ISRS (sertralina 50)", ["sertraline"]),
        ("TCA: amitriptyline 10 mg", ["amitriptyline"]),
        ("SSRI, Solian 200 mg", ["ssri (unspecified)", "amisulpride"]),
    ],
)
def test_class_abbreviations_in_capitals(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    ["oc", "Oc", "aco", "ssri", "isrs", "irs", "Irs", "snri", "irsn", "tca", "Tca", "DOC", "OCT",
     "TACO", "SSRIX", "BTCA", "no SSRI", "ISRS suspendido", "stopped TCA"],
)  # fmt: skip
def test_class_abbreviations_never_inside_words_lowercase_or_stopped(text: str) -> None:
    assert names(text) == [], text


def test_class_entries_carry_the_class_grade_and_a_source() -> None:
    for name, atc in (("ssri (unspecified)", "N06AB"), ("snri (unspecified)", "N06AX")):
        drug = BY_NAME[name]
        assert drug.drug_class == "antidepressant" and drug.frequency == "low", name
        assert atc in drug.atc and "§3" in drug.source, name
    assert BY_NAME["tca (unspecified)"].frequency == "low"
    notes = drug_matcher(DRUGS, abbreviations=False)  # clinical notes: no capital abbreviations
    for text in ("OC", "ACO", "ISRS", "IRS", "IRSN", "TCA", "SNRI"):
        assert notes.find(text) == [], text


@pytest.mark.parametrize(
    "text", ["Modopar 125 x3", "Madopar 250", "Restex 100/25", "Sinemet 25/100"]
)
def test_levodopa_brands_in_several_countries_give_the_masking_caution(text: str) -> None:
    # Levodopa lowers prolactin and can hide a raised one (clinical-reference §3.2).
    assert [m.drug.name for m in drug_matcher(load_drugs()).find(text)] == ["levodopa"]


@pytest.mark.parametrize(
    "text", ["Dafalgan 1 g", "Efferalgan 500", "Doliprane 1000", "Paracetamol 1 g"]
)
def test_the_plain_brand_of_a_codeine_combination_is_no_opioid(text: str) -> None:
    """Dafalgan, Efferalgan, Doliprane are paracetamol alone; only their codeine versions
    (Dafalgan codéine, Codoliprane, Klipal codéine) are opioids."""
    assert names(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        # a re-test after stopping or switching (the withdrawal test: clinical-reference §1.1)
        "Kontrolle 4 Wochen nach Absetzen von Risperdal",
        "repeat PRL after stopping risperidone",
        "control tras suspender risperidona",
        "controllo dopo sospensione di Risperdal",
        "controle na stoppen van Risperdal",
        "Auslassversuch Risperdal seit 1 Woche",
        "Risperdal (Absetzversuch seit 3 Wochen)",
        "risperidone replaced by aripiprazole",
        "Risperdal ersetzt durch Abilify",
        "Risperdal remplacé par Abilify",
        "Risperdal abgesetzt -> Abilify",
        # ended in a past month, abbreviated, paused, refused
        "Risperdal bis 01/2026",
        "risperidone until Jan 2026",
        "Risperdal 03/2024 - 01/2026",
        "Risperdal abges.",
        "ehem. Risperdal",
        "risperidone - off since August",
        "risperidona, la dejó hace 3 meses",
        "Risperdal Pause seit 4 Wochen",
        "Risperdal en pause",
        "Risperdal: verweigert Einnahme",
        "refuses risperidone",
        # a single or last dose longer ago than the withdrawal test's days
        "MCP einmalig vor 3 Wochen",
        "metoclopramide single dose 2 months ago",
        "metoclopramide PRN (last dose 3 weeks ago)",
        "Risperdal, letzte Einnahme vor 10 Tagen",
        "Risperdal, dernière prise il y a 15 jours",
    ],
)
def test_a_drug_stopped_switched_or_long_since_taken_is_not_current(text: str) -> None:
    """A prolactin still high after the drug was stopped or switched calls for the work-up of
    an unexplained rise, not "drug-induced, routine" (clinical-reference §1.1, 3-day rule)."""
    assert not [d for d in names(text) if BY_NAME[d].effect == "raises"], text


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Risperdal 2 mg 0-0-1 (früher 4 mg)", "risperidone"),
        ("Risperidone 2 mg daily (previously 4 mg)", "risperidone"),
        ("Risperdal 2 mg (voorheen 4 mg)", "risperidone"),
        ("Haldol decanoate 50 mg every 4 weeks for the past 3 years", "haloperidol"),
        ("Risperdal 2 mg, Allergie: Penicillin", "risperidone"),
        ("Allergie: Penicillin; Haldol 5 mg 1-0-1", "haloperidol"),
        ("CAVE: Penicillinallergie. Risperdal 2 mg 0-0-1", "risperidone"),
        ("Risperdal 2 mg (Allergie: keine)", "risperidone"),
        ("From March 2025 risperidone 2 mg daily", "risperidone"),
        ("ohne Nebenwirkungen unter Risperdal 4 mg", "risperidone"),
        ("pas d'effet secondaire sous Risperdal 2 mg", "risperidone"),
        ("Amisulprid 400 mg (Dosisreduktion empfohlen)", "amisulpride"),
        ("Haloperidol 5 mg/d (taper advised)", "haloperidol"),
        ("Risperdal wird ausgeschlichen (aktuell 1 mg)", "risperidone"),
        ("Risperdal 2 mg - arrêt progressif en cours", "risperidone"),
        ("no regular meds except risperidone", "risperidone"),
        ("keine Dauermedikation außer Risperdal 2 mg", "risperidone"),
        ("aucun traitement sauf Risperdal 2 mg", "risperidone"),
        ("sin medicación salvo risperidona 3 mg", "risperidone"),
        ("nessun farmaco tranne Risperdal", "risperidone"),
        ("geen medicatie behalve Risperdal", "risperidone"),
        ("Risperdal, letzte Einnahme gestern", "risperidone"),
        ("Abilify statt Risperdal? nein, Risperdal bis 12/2026", "risperidone"),
    ],
)
def test_a_drug_taken_now_is_read_as_taken_whatever_is_said_beside_it(text: str, drug: str) -> None:
    """An earlier dose, a duration, an allergy label of another list, a reduction advised or
    under way, or "except": the drug is taken (it was "no medication cause", and an MRI)."""
    assert drug in names(text), text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a class named, the drug not (a possible cause until the drug is named)
        ("Depot-Neuroleptikum alle 4 Wochen", "antipsychotic (unspecified)"),
        ("neuroleptique retard", "antipsychotic (unspecified)"),
        ("antipsicótico depot mensual", "antipsychotic (unspecified)"),
        ("antipsychotic depot injection monthly", "antipsychotic (unspecified)"),
        # a full ATC code
        ("N05AX08 2 mg", "risperidone"),
        ("ATC N05AL05 400 mg", "amisulpride"),
        ("A03FA01 10 mg 1-1-1", "metoclopramide"),
        # a salt written as one word with the drug
        ("Metoclopramidhydrochlorid 10 mg", "metoclopramide"),
        ("Domperidonmaleat", "domperidone"),
        ("Flupentixoldihydrochlorid", "flupentixol"),
        ("Levomepromazinhydrogenmaleat", "levomepromazine"),
        ("zuclopentixoldecanoaat", "zuclopenthixol"),
        ("paliperidonpalmitaat", "paliperidone"),
        # national brands and common misspellings
        ("Glianimon 2 mg", "benperidol"),
        ("Prokinyl LP", "metoclopramide"),
        ("Barnetil 400", "sultopride"),
        ("Guastil 50 mg", "sulpiride"),
        ("Mutabon mite", "perphenazine"),
        ("Arolac", "lisuride"),
        ("Risperidal 2 mg", "risperidone"),
        ("Haloperdiol 5 mg", "haloperidol"),
        ("Zyprexia 10", "olanzapine"),
        ("östrogenfreie Pille", "progestogen"),
        ("pillola senza estrogeni", "progestogen"),
    ],
)
def test_more_ways_a_list_names_a_drug(text: str, name: str) -> None:
    assert names(text) == [name], text


@pytest.mark.parametrize(
    "text",
    [
        "ACO: Sintrom",  # anticoagulación oral (es), not a contraceptive
        "Östradiol 20 pg/ml erniedrigt",
        "low oestradiol",
        "oestradiol bas",
        "estrogen deficiency",
        "letrozole, estrogen receptor positive",
        "metoprolol 50 mg",
        "seen in ED",
    ],
)
def test_a_hormone_measured_or_another_abbreviation_is_no_oestrogen(text: str) -> None:
    assert not [n for n in names(text) if BY_NAME[n].drug_class == "estrogen"], text


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        # switched from one drug to the next: only the second is taken
        ("Haldol -> switched to aripiprazole 3 weeks ago", ["aripiprazole"]),
        ("Haldol -> aripiprazole", ["aripiprazole"]),
        ("Haldol, switched to aripiprazole", ["aripiprazole"]),
        ("Risperdal → Abilify seit 2 Wochen", ["aripiprazole"]),
        ("Risperdal, umgestellt auf Abilify", ["aripiprazole"]),
        ("Haldol, relais par Abilify", ["aripiprazole"]),
        ("risperidona, cambio a aripiprazol", ["aripiprazole"]),
        ("risperidone, passato a aripiprazolo", ["aripiprazole"]),
        ("risperidon, overgezet op aripiprazol", ["aripiprazole"]),
        # a switch still to come: the first is still taken
        ("Risperdal (-> Abilify geplant)", ["risperidone"]),
        # an arrow between doses, and a list: both taken
        ("risperidone 2 mg -> 4 mg", ["risperidone"]),
        ("risperidone 2mg → 3mg, metoclopramide", ["risperidone", "metoclopramide"]),
        ("Risperdal 2 mg; Abilify 5 mg", ["risperidone", "aripiprazole"]),
        # French "plus de" right before the drug is "no more"; before a quantity it is "more than"
        ("plus de Solian depuis 2024", []),
        ("plus de Dogmatil", []),
        ("prend plus de 400 mg de Solian", ["amisulpride"]),
        # a dose of nothing
        ("Risperdal 0 mg", []),
        ("Haldol: 0,0 mg", []),
        ("Risperdal 0,5 mg", ["risperidone"]),
    ],
)
def test_switched_stopped_and_zero_dose_drugs(text: str, taken: list[str]) -> None:
    """A drug switched away from, no longer taken ("plus de"), or at a dose of nothing is not a
    current cause (clinical-reference §0 drug withdrawal: its effect is gone days after it is
    stopped); a switch still planned, or an arrow between doses, changes nothing."""
    assert [m.drug.name for m in MATCHER.find(text)] == taken, text


def test_no_class_adjective_folds_onto_another_written_term() -> None:
    """A class adjective needs a word of intake beside it; a term written otherwise that the
    matcher folds to the same key (the Spanish adjective "neuroléptica", the Dutch noun
    "neuroleptica") would need one too, and go unread on its own."""
    from triage.knowledge.drugs import _CLASS_ADJECTIVES, _fold_word, drug_term_key

    adjectives = {w.casefold() for w in load_drug_words().words["class_adjectives"]}
    clashes = sorted(
        term
        for term, _ in TERMS
        if drug_term_key(_fold_word(term)) in _CLASS_ADJECTIVES
        and term.casefold() not in adjectives
    )
    assert not clashes
