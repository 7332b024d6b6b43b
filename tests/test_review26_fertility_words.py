"""Review 26, a fertility clinic's words (ES, IT, NL, FR, DE, EN):

1. a Spanish "Sexo" column holding only M beside a column of a woman's own record (her last
   period "FUR", the cycle day, the gestation) or a positive hCG is mujer: never a man's interval
   and a testosterone test for a woman (contract §5 never a false reading; clinical-reference
   §2.2 sex-specific intervals);
2. a pregnancy-test column headed in the clinic's words ("Test de embarazo", "Test gestación",
   "Test gravidanza", "Test de grossesse urinaire", "Schwangerschaftstest Urin") is the hCG:
   a positive test is a pregnancy (clinical-reference §4 "Do not label pregnant patients as
   hyperprolactinaemic", §2.1), a negative one answers the pregnancy test (§1.4);
3. a gestation column's shorthand ("7s", "6+2 (FIV)", "7 sett. (PMA)") gives the weeks;
4. stopping breastfeeding in each language's verbs ("ha dejado la lactancia", "ha abbandonato
   l'allattamento", "a abandonné l'allaitement", "hat das Stillen aufgegeben") is no lactation:
   the rise persists only while breastfeeding continues (§2.1, §4), never a false normal;
5. "not done" in the hCG column, any gender ("no realizada", "non eseguita", "n.r.", "non
   faite", "nicht durchgeführt") is no test, never a negative one: the pregnancy test is asked
   (§1.4 "β-hCG in any woman who could be pregnant", §1.2 exclude pregnancy before MRI);
6. hCG's Spanish and Dutch names ("GONADOTROFINA CORIÓNICA HUMANA", "GCH beta",
   "Choriongonadotrofine") in a long export and as a wide header are the hCG (contract §2);
7. the lab's interval under "Valores referencia" and its siblings is the row's interval
   (clinical-reference §2.2 "Always prefer the lab-supplied interval");
8. the combined pills of Spain, Italy, the Netherlands, Germany and France and the Spanish
   abbreviations AOC/AHC are oestrogens (clinical-reference §3.1 "Oestrogens: oral
   contraceptives ... many brands").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted, triage_csv, triage_lines


def _row(tmp_path: Path, header: str, line: str) -> dict[str, object]:
    return triage_lines(tmp_path, header, [line]).iloc[0].to_dict()


# 1. A Spanish "Sexo" column holding only M --------------------------------------------------------
FEMALE_RECORDS = [
    ("FUR", "08/11/2026"),
    ("Fecha última regla", "15/10/2026"),
    ("Día del ciclo", "CD3"),
    ("Día del ciclo", "3"),
    ("LMP", "2026-10-20"),
    ("Semanas de gestación", "7+2"),
    ("β-hCG (mUI/mL)", "1.250,0"),
    ("Beta-hCG", "positivo"),
]


@pytest.mark.parametrize(("header", "cell"), FEMALE_RECORDS)
def test_a_lone_m_beside_a_womans_own_record_is_mujer(
    tmp_path: Path, header: str, cell: str
) -> None:
    # 24 ng/mL: within a woman's 30 ng/mL, above a man's 18; every row M, one row with the record
    out = triage_lines(
        tmp_path,
        f"NHC;Sexo;Edad;Fecha extracción;Prolactina (ng/mL);{header}".replace(";", ","),
        [
            f"S1,M,34,10/11/2026,24,{csv_quoted(cell)}",
            "S2,M,36,10/11/2026,22,",
        ],
    )
    for pid in ("S1", "S2"):
        assert out.loc[pid, "reference_high_ng_ml"] != pytest.approx(18.0)
        assert "testosterone" not in str(out.loc[pid, "suggestions"])
    assert out.loc["S2", "status"] == "normal"


def test_a_lone_m_without_a_womans_record_stays_male(tmp_path: Path) -> None:
    # guard: one letter alone cannot tell; M/F reads it as a man (as before)
    out = triage_lines(
        tmp_path,
        "NHC,Sexo,Edad,Prolactina (ng/mL),Beta-hCG",
        ["S1,M,34,24,negativo", "S2,M,36,22,"],
    )
    assert out.loc["S1", "status"] == "high"


# 2. Pregnancy-test headers ------------------------------------------------------------------------
TEST_HEADERS = [
    ("Test embarazo", "positivo", "negativo"),
    ("Test de embarazo", "positivo", "negativo"),
    ("Test embarazo orina", "POSITIVO", "NEGATIVO"),
    ("Test de gestación", "positivo", "negativo"),
    ("Prueba gestación", "positiva", "negativa"),
    ("Test gravidanza", "positivo", "negativo"),
    ("Test gestazione", "positivo", "negativo"),
    ("Test grossesse", "positif", "négatif"),
    ("Test de grossesse urinaire", "positif", "négatif"),
    ("Zwangerschap test", "positief", "negatief"),
    ("Schwangerschaftstest Urin", "positiv", "negativ"),
]


@pytest.mark.parametrize(("header", "positive", "negative"), TEST_HEADERS)
def test_a_positive_pregnancy_test_column_is_a_pregnancy(
    tmp_path: Path, header: str, positive: str, negative: str
) -> None:
    out = triage_lines(
        tmp_path,
        f"NHC,Sexo,Edad,Prolactina (ng/mL),{csv_quoted(header)}",
        [f"T1,F,31,180,{positive}", f"T2,F,31,45,{negative}"],
    )
    assert out.loc["T1", "reference_source"] == "physiological"
    assert "pregnancy" in str(out.loc["T1", "factors"])
    assert "pituitary_mri" not in str(out.loc["T1", "suggestions"])
    # the negative test answers the pregnancy test
    assert "pregnancy_test" not in str(out.loc["T2", "suggestions"])
    assert out.loc["T2", "status"] == "high"


# 3. A gestation column's shorthand ----------------------------------------------------------------
GESTATION_CELLS = [
    ("Semanas de gestación", "7s"),
    ("Semanas de gestación", "7 s"),
    ("Semanas de gestación", "6+2 (FIV)"),
    ("Semanas de gestación", "6+2 FIV"),
    ("Edad gestacional", "7 sem (ICSI)"),
    ("Edad gestacional", "8+3 (gemelar)"),
    ("Settimane di gestazione", "7 sett. (PMA)"),
    ("Zwangerschapsduur", "7 weken (IVF)"),
    ("Terme (SA)", "9 SA (FIV)"),
    ("SSW", "8 Wo. (ICSI)"),
]


@pytest.mark.parametrize(("header", "cell"), GESTATION_CELLS)
def test_a_gestation_in_clinic_shorthand_gives_the_pregnancy(
    tmp_path: Path, header: str, cell: str
) -> None:
    row = _row(
        tmp_path,
        f"NHC,Sexo,Edad,Prolactina (ng/mL),{csv_quoted(header)}",
        f"W1,F,33,150,{csv_quoted(cell)}",
    )
    assert row["reference_source"] == "physiological"
    assert "prolactinoma_suspected" not in str(row["factors"])
    assert "pituitary_mri" not in str(row["suggestions"])


def test_a_gestation_in_a_weeks_word_still_reads(tmp_path: Path) -> None:
    # guard: "7sem" was read before
    header = "NHC,Sexo,Edad,Prolactina (ng/mL),Semanas de gestación"
    row = _row(tmp_path, header, "W1,F,33,150,7sem")
    assert row["reference_source"] == "physiological"


# 4. Stopped breastfeeding -------------------------------------------------------------------------
WEANED = [
    "ha dejado la lactancia",
    "dejó la lactancia en julio",
    "abandonó la lactancia materna",
    "terminó la lactancia hace 2 meses",
    "ha abbandonato l'allattamento al seno",
    "ha terminato l'allattamento a giugno",
    "a abandonné l'allaitement en mai",
    "a terminé l'allaitement",
    "hat das Stillen aufgegeben",
    "beendete das Stillen im Mai",
    "borstvoeding opgegeven in juni",
    "ended breastfeeding in June",
]


@pytest.mark.parametrize("note", WEANED)
def test_stopped_breastfeeding_is_judged_on_the_usual_interval(tmp_path: Path, note: str) -> None:
    row = _row(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Notes",
        f"L1,F,31,60,{csv_quoted(note + ', amenorrea')}",
    )
    assert row["status"] == "high"
    assert row["reference_source"] != "physiological"
    assert "lactation" not in str(row["factors"])


@pytest.mark.parametrize("note", ["lactancia materna exclusiva", "allatta al seno", "borstvoeding"])
def test_breastfeeding_still_reads_as_breastfeeding(tmp_path: Path, note: str) -> None:
    # guard
    row = _row(tmp_path, "ID,Sex,Age,Prolactin (ng/mL),Notes", f"L1,F,31,60,{note}")
    assert row["reference_source"] == "physiological"


# 5. "Not done" in the hCG column ------------------------------------------------------------------
NOT_DONE = [
    "no realizada",
    "no realizadas",
    "no solicitada",
    "no procede",
    "n.r.",
    "non eseguita",
    "non effettuata",
    "non faite",
    "non effectuée",
    "nicht durchgeführt",
    "nicht durchgefuehrt",
    "niet verricht",
    "niet uitgevoerd",
]


@pytest.mark.parametrize("cell", NOT_DONE)
def test_an_hcg_not_done_asks_for_the_pregnancy_test(tmp_path: Path, cell: str) -> None:
    out = triage_lines(
        tmp_path,
        "NHC,Sexo,Edad,Prolactina (ng/mL),Beta-hCG,Motivo",
        [f"N1,F,29,45,{csv_quoted(cell)},amenorrea secundaria", "N2,F,30,20,<2,control"],
    )
    assert "pregnancy_test" in str(out.loc["N1", "suggestions"])


# 6. hCG's Spanish and Dutch names -----------------------------------------------------------------
HCG_NAMES = [
    "GONADOTROFINA CORIÓNICA HUMANA (BETA)",
    "Gonadotrofina coriónica humana, subunidad beta",
    "GONADOTROFINA CORIONICA",
    "GCH BETA",
    "Choriongonadotrofine",
    "Humaan choriongonadotrofine (hCG)",
]


@pytest.mark.parametrize("name", HCG_NAMES)
def test_a_long_hcg_line_by_its_spanish_or_dutch_name_gives_the_pregnancy(
    tmp_path: Path, name: str
) -> None:
    out = triage_csv(
        tmp_path,
        "Petición;NHC;Sexo;Edad;Fecha toma;Prueba;Resultado;Unidades\n"
        "P1;G1;Mujer;31;10/11/2026;PROLACTINA;60,0;ng/mL\n"
        f"P1;G1;Mujer;31;10/11/2026;{name};1523,0;mUI/mL\n",
    )
    assert out is not None and len(out) == 1
    row = out.iloc[0]
    assert row["reference_source"] == "physiological"
    assert "pregnancy" in str(row["factors"])


@pytest.mark.parametrize(
    "header",
    [
        "Gonadotrofina coriónica (mUI/mL)",
        "GCH beta",
        "Choriongonadotrofine (IE/L)",
        "Gonadotrophine chorionique (UI/L)",
    ],
)
def test_a_wide_hcg_header_by_its_name_gives_the_pregnancy(tmp_path: Path, header: str) -> None:
    row = _row(
        tmp_path, f"NHC,Sexo,Edad,Prolactina (ng/mL),{csv_quoted(header)}", "H1,F,31,60,1523"
    )
    assert row["reference_source"] == "physiological"


# 7. The lab's interval column ---------------------------------------------------------------------
INTERVAL_HEADERS = [
    "Valores referencia",
    "V. referencia",
    "Referencia",
    "Intervalo referencia",
    "Valori riferimento",
    "Referentie waarden",
    "Valeurs référence",
]


@pytest.mark.parametrize("header", INTERVAL_HEADERS)
def test_the_labs_interval_column_judges_the_row_long(tmp_path: Path, header: str) -> None:
    out = triage_csv(
        tmp_path,
        f"NHC;Sexo;Edad;Prueba;Resultado;Unidades;{header}\n"
        "V1;Mujer;31;PROLACTINA;27,0;ng/mL;4,8 - 23,3\n",
    )
    assert out is not None
    row = out.iloc[0]
    assert row["reference_source"] == "row"
    assert row["reference_high_ng_ml"] == pytest.approx(23.3)
    assert row["status"] == "high"


@pytest.mark.parametrize("header", INTERVAL_HEADERS)
def test_the_labs_interval_column_judges_the_row_wide(tmp_path: Path, header: str) -> None:
    row = _row(
        tmp_path,
        f"NHC,Sexo,Edad,Prolactina (ng/mL),{csv_quoted(header)}",
        f"V1,F,31,27,{csv_quoted('4,8 - 23,3')}",
    )
    assert row["reference_source"] == "row"
    assert row["status"] == "high"


# 8. Combined pills --------------------------------------------------------------------------------
COMBINED_PILLS = [
    "Sibilla",
    "Klaira",
    "Effiprev",
    "Fedra",
    "Arianna",
    "Milvane",
    "Practil",
    "Securgin",
    "Ginoden",
    "Gelestra gel",
    "Ovoplex",
    "Microdiol",
    "Edelsin",
    "Minulet",
    "Femodeen",
    "Chariva",
    "Optidril",
    "AOC",
    "AHC",
    "anticoncepción hormonal combinada",
    "contraccezione ormonale combinata",
    "kombinierte hormonale Kontrazeption",
    "gecombineerde orale anticonceptie",
]


@pytest.mark.parametrize("drug", COMBINED_PILLS)
def test_a_combined_pill_is_an_oestrogen(tmp_path: Path, drug: str) -> None:
    row = _row(tmp_path, "ID,Sesso,Età,PRL (ng/mL),Terapia", f"C1,F,30,40,{csv_quoted(drug)}")
    assert "medication:estrogen" in str(row["factors"])
    assert "medication_review" in str(row["suggestions"])


@pytest.mark.parametrize(
    "drug", ["Cerazette", "Slinda", "Utrogestan", "Gonal-f 150 UI", "OAC", "ACO: Sintrom"]
)
def test_a_progestogen_fertility_drug_or_anticoagulant_is_no_oestrogen(
    tmp_path: Path, drug: str
) -> None:
    # guard: progestogen-only pills, vaginal progesterone, FSH; "OAC" and the Spanish "ACO" are
    # as often the oral anticoagulant (anticoagulación oral)
    row = _row(tmp_path, "ID,Sesso,Età,PRL (ng/mL),Terapia", f"C1,F,30,40,{csv_quoted(drug)}")
    assert "medication:estrogen" not in str(row["factors"])


def test_a_brand_that_is_a_given_name_is_no_drug_beside_a_person(tmp_path: Path) -> None:
    # guard: "sorella Sibilla" names the sister
    row = _row(
        tmp_path, "ID,Sesso,Età,PRL (ng/mL),Note", "C1,F,30,40,accompagnata dalla sorella Sibilla"
    )
    assert "medication:estrogen" not in str(row["factors"])
