"""Review 25 (hunts H and M): sex, gender and the companion hormones of an andrology and
gender-identity service.

- Testosterone in ng/mL (1 ng/mL = 3.467 nmol/L: molar mass 288.42 g/mol) and under the short
  names andrology panels use ("T (nmol/l)", "TT", "Testo"; "T" and "TT" only with a
  testosterone unit) is read: a man's low total testosterone is male hypogonadism, a symptom of
  the prolactin excess (clinical-reference §5 "Men: ... low testosterone"; §1.3 Queensland Cat 2;
  contract §7 `soon` = symptomatic), and a testosterone given is not asked for again (§1.4).
- Gender incongruence written as its diagnosis (ICD-10 F64.0 / F64.9, ICD-11 HA60, the clinical
  terms in six languages) in a person on oestradiol, or testes removed ("Z.n. Orchiektomie") in
  one not recorded as male, is read as a trans woman is: no pregnancy test (§1.4: β-hCG in any
  woman who could be pregnant) and gender-affirming oestradiol (§3.1: high-dose oestrogen).
- Two sex columns that disagree (legal sex / gender identity beside the sex at birth), or one
  cell naming both sexes, leave the sex unsettled: both intervals, never a false normal
  (contract §5 `status`); since review 27 a sex at birth beside a gender identity is a
  transgender patient's record, with no caution (tests/test_review27_gender_diverse.py).
- "Big-big prolactin" (bb-PRL) is macroprolactin (clinical-reference §2.3): its line in % is
  the percent macroprolactin, read as "Makroprolaktin" is.
- `check -v` on a workbook read from several sheets describes each sheet (contract §1 `check`:
  the column mapping, the counts and every problem).

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import cli, csv_quoted

from triage.pipeline import TriageRequest, run_triage


def _run(folder: Path, text: str, name: str = "export.csv") -> tuple[pd.DataFrame, list]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=folder / "out", keep_results=True))
    assert outcome.results is not None
    return outcome.results.set_index("patient_id"), outcome.rejected


def _run_lines(
    factory: pytest.TempPathFactory, name: str, lines: list[str]
) -> tuple[pd.DataFrame, list]:
    return _run(factory.mktemp(name), "\n".join(lines) + "\n")


def _long_pairs(
    factory: pytest.TempPathFactory,
    name: str,
    tests: dict[str, tuple[str, str, str]],
    prolactin: str = "30;ng/ml",
) -> tuple[pd.DataFrame, list]:
    """A long export of one man of 50 per key: his prolactin line and one line of another
    test (name, result, unit) on the same order."""
    lines = ["Auftragsnr;Pat-Nr;Geschlecht;Alter;Analyt;Ergebnis;Einheit"]
    for n, (key, (test, value, unit)) in enumerate(tests.items()):
        lines += [f"{n};{key};M;50;Prolaktin;{prolactin}", f"{n};{key};M;50;{test};{value};{unit}"]
    return _run_lines(factory, name, lines)


def _hypogonadal(row: pd.Series) -> None:
    """A man's raised prolactin with a low testosterone read: symptomatic, and the test given
    is not asked for again."""
    assert row["priority"] == "soon", row["suggestions"]
    assert "endocrine_referral" in _codes(row["suggestions"])
    assert "testosterone" not in _codes(row["suggestions"])


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _factor(row: pd.Series, code: str) -> dict[str, str] | None:
    return next((dict(f) for f in row["factor_details"] if f["code"] == code), None)


# --- 1. testosterone in ng/mL and under short names ------------------------------------------
# Men of 45 with prolactin 30 ng/mL (above the men's 18): a low total testosterone (below
# 9.2 nmol/L, Bhasin 2018) makes the rise symptomatic.  Each row fills one column only.
TESTOSTERONE_HEADERS = {
    "de_ngml": ("Testosteron (ng/ml)", "1,2"),  # 4.2 nmol/L
    "en_ngml": ("Total testosterone (ng/mL)", "1.2"),
    "fr_ngml": ("Testostérone totale (ng/mL)", "1,2"),
    "es_ngml": ("Testosterona total (ng/mL)", "1,2"),
    "it_ngml": ("Testosterone totale (ng/mL)", "1,2"),
    "nl_ngml": ("Totaal testosteron (ng/ml)", "1,2"),
    "t_nmol": ("T (nmol/l)", "4,1"),
    "tt_nmol": ("TT (nmol/l)", "4,1"),
    "testo_nmol": ("Testo (nmol/l)", "4,1"),
    "t_ngml": ("T [ng/ml]", "1,2"),
    "gesamt_nmol": ("Testosteron gesamt (nmol/l)", "4,1"),  # read before too
}
NOT_TESTOSTERONE = {"t_seconds": ("T (s)", "12"), "tt_seconds": ("TT (s)", "18")}


@pytest.fixture(scope="module")
def wide_testosterone(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    columns = {**TESTOSTERONE_HEADERS, **NOT_TESTOSTERONE}
    header = ["Pat-Nr", "Geschlecht", "Alter", "Prolaktin (ng/ml)"]
    header += [h for h, _ in columns.values()]
    lines = [";".join(header)]
    for i, (key, (_, value)) in enumerate(columns.items()):
        cells = [""] * len(columns)
        cells[i] = value
        lines.append(";".join([key, "M", "45", "30", *cells]))
    lines.append(";".join(["normal_ngml", "M", "45", "30", "5,0", *[""] * (len(columns) - 1)]))
    lines.append(";".join(["none", "M", "45", "30", *[""] * len(columns)]))
    return _run_lines(tmp_path_factory, "testo", lines)[0]


@pytest.mark.parametrize("key", sorted(TESTOSTERONE_HEADERS))
def test_a_low_testosterone_column_is_male_hypogonadism(
    wide_testosterone: pd.DataFrame, key: str
) -> None:
    _hypogonadal(wide_testosterone.loc[key])


def test_a_normal_testosterone_in_ng_ml_is_not_asked_for_again(
    wide_testosterone: pd.DataFrame,
) -> None:
    row = wide_testosterone.loc["normal_ngml"]  # 5.0 ng/mL = 17 nmol/L: normal
    assert row["priority"] == "routine"
    assert "testosterone" not in _codes(row["suggestions"])


@pytest.mark.parametrize("key", [*sorted(NOT_TESTOSTERONE), "none"])
def test_t_in_another_unit_is_no_testosterone(wide_testosterone: pd.DataFrame, key: str) -> None:
    row = wide_testosterone.loc[key]
    assert row["priority"] == "routine"
    assert "testosterone" in _codes(row["suggestions"])


NOTE_TESTOSTERONE = {
    "n_de": "Libido vermindert? Testosteron 1,1 ng/ml",
    "n_en": "total testosterone 1.1 ng/mL",
    "n_fr": "testostérone totale 1,1 ng/ml",
    "n_short": "LH 1,1 U/l; T 4,0 nmol/l",
    "n_tt": "TT: 3,9 nmol/l, SHBG 28 nmol/l",
    "n_testo": "Testo 1,0 ng/ml",
}


@pytest.fixture(scope="module")
def noted_testosterone(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = ["Patient ID,Sex,Age,Prolactin (ng/mL),Notes"]
    lines += [f"{key},M,52,30,{csv_quoted(note)}" for key, note in NOTE_TESTOSTERONE.items()]
    lines += ["n_free,M,52,30," + csv_quoted("free T 120 pmol/l")]
    return _run_lines(tmp_path_factory, "testo_notes", lines)[0]


@pytest.mark.parametrize("key", sorted(NOTE_TESTOSTERONE))
def test_a_low_testosterone_in_the_notes_is_read_in_ng_ml_and_short(
    noted_testosterone: pd.DataFrame, key: str
) -> None:
    _hypogonadal(noted_testosterone.loc[key])


def test_a_free_testosterone_in_pmol_is_not_the_total(noted_testosterone: pd.DataFrame) -> None:
    row = noted_testosterone.loc["n_free"]
    assert row["priority"] == "routine"
    assert "testosterone" in _codes(row["suggestions"])


LONG_TESTOSTERONE = {
    "L_t": ("T", "4,1", "nmol/l"),
    "L_tt": ("TT", "1,2", "ng/ml"),
    "L_gesamt": ("Testosteron gesamt", "1,2", "ng/ml"),
    "L_fr": ("Testostérone totale", "1,2", "ng/mL"),
    "L_testo": ("Testo", "4,1", "nmol/l"),
}


@pytest.fixture(scope="module")
def long_testosterone(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list]:
    tests = {**LONG_TESTOSTERONE, "L_thrombin": ("TT", "18", "s")}
    return _long_pairs(tmp_path_factory, "testo_long", tests)


@pytest.mark.parametrize("key", sorted(LONG_TESTOSTERONE))
def test_a_long_line_of_testosterone_is_read(
    long_testosterone: tuple[pd.DataFrame, list], key: str
) -> None:
    _hypogonadal(long_testosterone[0].loc[key])
    assert not [r for r in long_testosterone[1] if r.patient_id == key]


def test_a_thrombin_time_tt_is_no_testosterone(
    long_testosterone: tuple[pd.DataFrame, list],
) -> None:
    row = long_testosterone[0].loc["L_thrombin"]
    assert "testosterone" in _codes(row["suggestions"])


# --- 2. gender incongruence written as a diagnosis --------------------------------------------
GENDER_CONTEXT = {
    "icd10": ("W", "Estradiol-Gel 2 Hübe", "F64.0"),
    "icd10_9": ("W", "Estradiol-Gel 2 Hübe", "Dg: F64.9 G"),
    "icd11": ("F", "estradiol patch 100", "HA60 gender incongruence of adulthood"),
    "orchiectomy": ("W", "Estradiol-Gel 2 Hübe", "Z.n. Orchiektomie 2021"),
    "de_incongruence": ("W", "Estradiol valerat", "Geschlechtsinkongruenz, GAHT seit 2022"),
    "de_dysphoria": ("W", "Gynokadin Gel", "Geschlechtsdysphorie"),
    "en": ("F", "estradiol gel", "gender dysphoria"),
    "fr": ("F", "Oestrogel 2 pressions", "dysphorie de genre"),
    "es": ("mujer", "estradiol gel, espironolactona", "disforia de género"),
    "it": ("F", "estradiolo gel", "incongruenza di genere"),
    "nl": ("V", "Oestrogel", "genderdysforie"),
}


@pytest.fixture(scope="module")
def gender_rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = ["Pat-Nr;Sexo;Edad;Prolaktin (ng/ml);Medikation;Diagnosen"]
    for key, (sex, drug, dx) in GENDER_CONTEXT.items():
        lines.append(f"{key};{sex};30;45;{drug};{dx}")
    lines.append("no_drug;weiblich;30;45;;F64.0")  # no direction: a trans man may be pregnant
    lines.append("control;weiblich;30;45;Estradiol-Gel 2 Hübe;")
    return _run_lines(tmp_path_factory, "gender", lines)[0]


@pytest.mark.parametrize("key", sorted(GENDER_CONTEXT))
def test_gender_incongruence_on_oestradiol_is_a_trans_woman(
    gender_rows: pd.DataFrame, key: str
) -> None:
    row = gender_rows.loc[key]
    assert row["sex"] == "F"
    assert "pregnancy_test" not in _codes(row["suggestions"])
    found = _factor(row, "medication:estrogen")
    assert found is not None and found["strength"] == "likely", row["factor_details"]
    assert "gender-affirming" in found["evidence"]


def test_gender_incongruence_without_a_direction_keeps_the_pregnancy_test(
    gender_rows: pd.DataFrame,
) -> None:
    assert "pregnancy_test" in _codes(gender_rows.loc["no_drug"]["suggestions"])
    control = gender_rows.loc["control"]  # a woman on oestradiol, nothing more said
    assert "pregnancy_test" in _codes(control["suggestions"])


def test_an_orchiectomy_in_a_man_says_nothing_of_gender(tmp_path: Path) -> None:
    text = "Patient ID,Sex,Age,Prolactin (ng/mL),Notes\nH1,M,60,30,s/p orchiectomy (seminoma)\n"
    row = _run(tmp_path, text)[0].loc["H1"]
    assert row["sex"] == "M"
    assert "testosterone" in _codes(row["suggestions"])


# --- 3. two sex columns that disagree -------------------------------------------------------
SEX_PAIRS = {
    "en": ("Gender identity", "Sex assigned at birth"),
    "de": ("Geschlecht (Personenstand)", "Geschlecht bei Geburt"),
    "fr": ("Sexe (état civil)", "Sexe à la naissance"),
    "es": ("Sexo legal", "Sexo al nacer"),
    "it": ("Sesso anagrafico", "Sesso alla nascita"),
    "nl": ("Geslacht", "Geslacht bij geboorte"),
}
SEX_WORDS = {
    "en": ("female", "male"),
    "de": ("W", "M"),
    "fr": ("F", "H"),
    "es": ("mujer", "hombre"),
    "it": ("F", "M"),
    "nl": ("vrouw", "man"),
}


def _two_sex_rows(folder: Path, lang: str) -> pd.DataFrame:
    first, second = SEX_PAIRS[lang]
    woman, man = SEX_WORDS[lang]
    lines = [f"ID;{first};{second};Age;Prolactin (ng/mL);Medication"]
    lines += [
        f"amab;{woman};{man};30;25;Estradiol gel",  # trans woman: 25 between 18 and 30
        f"afab;{man};{woman};30;25;Testogel",  # trans man
        f"same;{woman};{woman};30;25;",
        f"one;;{man};30;25;",  # the one filled is read
    ]
    return _run(folder, "\n".join(lines) + "\n")[0]


@pytest.mark.parametrize("lang", sorted(SEX_PAIRS))
def test_two_sex_columns_that_disagree_leave_the_sex_open(tmp_path: Path, lang: str) -> None:
    rows = _two_sex_rows(tmp_path, lang)
    for key in ("amab", "afab"):
        row = rows.loc[key]
        assert pd.isna(row["sex"]), (key, row["sex"])
        assert row["status"] == "indeterminate", (key, row["status"])
        # review 27: a sex at birth beside a gender identity or legal sex is a transgender
        # patient's record (both sexes' intervals), not a conflict
        assert "conflicting_context" not in _codes(row["suggestions"]), row["suggestions"]
        assert "Transgender" in row["reference_note"], row["reference_note"]
    amab = rows.loc["amab"]
    assert "pregnancy_test" not in _codes(amab["suggestions"])
    found = _factor(amab, "medication:estrogen")
    assert found is not None and "gender-affirming" in found["evidence"]


@pytest.mark.parametrize("lang", sorted(SEX_PAIRS))
def test_two_sex_columns_that_agree_read_the_sex(tmp_path: Path, lang: str) -> None:
    rows = _two_sex_rows(tmp_path, lang)
    same = rows.loc["same"]
    assert same["sex"] == "F" and same["status"] == "normal"
    assert "conflicting_context" not in _codes(same["suggestions"])
    one = rows.loc["one"]
    assert one["sex"] == "M" and one["status"] == "high"


@pytest.mark.parametrize(
    "cell",
    ["female (assigned male at birth)", "weiblich (bei Geburt männlich)", "femme / homme"],
)
def test_a_sex_cell_naming_both_sexes_is_open(tmp_path: Path, cell: str) -> None:
    text = f"ID,Sex,Age,Prolactin (ng/mL)\nP1,{csv_quoted(cell)},30,25\n"
    row = _run(tmp_path, text)[0].loc["P1"]
    assert pd.isna(row["sex"]) and row["status"] == "indeterminate"


@pytest.mark.parametrize("cell", ["Mujer (M)", "Sig.ra Rossi", "F (female)", "Herr"])
def test_a_sex_cell_with_one_sex_stays_read(tmp_path: Path, cell: str) -> None:
    text = f"ID,Sex,Age,Prolactin (ng/mL)\nP1,{csv_quoted(cell)},30,25\n"
    row = _run(tmp_path, text)[0].loc["P1"]
    assert row["sex"] in ("F", "M")


# --- 4. big-big prolactin is macroprolactin -------------------------------------------------
BIG_BIG = {
    "de": "Big-Big-Prolaktin",
    "en": "big big prolactin",
    "abbr": "bb-PRL",
    "fr": "Big-big prolactine",
    "es": "Big-big prolactina",
    "it": "big-big prolattina",
    "nl": "Big-big prolactine",
    "de_pct": "Makroprolaktin (%)",  # read before too
}


@pytest.fixture(scope="module")
def big_big(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list]:
    tests = {
        key: (name, "70", "%") for key, name in {**BIG_BIG, "big_only": "Big prolactin"}.items()
    }
    return _long_pairs(tmp_path_factory, "bigbig", tests, "1500;mU/l")


@pytest.mark.parametrize("key", sorted(BIG_BIG))
def test_big_big_prolactin_is_the_percent_macroprolactin(
    big_big: tuple[pd.DataFrame, list], key: str
) -> None:
    results, rejected = big_big
    assert not [r for r in rejected if r.patient_id == key]
    assert _factor(results.loc[key], "macroprolactinemia") is not None


def test_big_prolactin_alone_is_not_macroprolactin(big_big: tuple[pd.DataFrame, list]) -> None:
    results, _ = big_big
    assert _factor(results.loc["big_only"], "macroprolactinemia") is None


# --- 5. check on a workbook of one sheet per site ---------------------------------------------
def test_check_describes_every_sheet_of_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheets = {
        "Bern": ["Patienten-ID", "Geschlecht", "Alter", "Prolaktin [mU/l]"],
        "Lugano": ["Nr. paziente", "Sesso", "Età", "Prolattina [µg/l]"],
        "Genève": ["N° patient", "Sexe", "Âge", "Prolactine (ng/ml)"],
    }
    first = True
    for name, header in sheets.items():
        sheet = book.active if first else book.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        first = False
        sheet.append(header)
        sheet.append([f"{name[:2]}1", "F", 40, 300 if "mU" in header[3] else 14])
        sheet.append([f"{name[:2]}2", "M", 50, 900 if "mU" in header[3] else 40])
    path = tmp_path / "sites.xlsx"
    book.save(path)
    result = cli("check", "-v", path)
    out = result.output
    assert "every row was rejected" not in out, out
    for name, header in sheets.items():
        assert f"sheet {name!r}:" in out
        assert f"prolactin  <- {header[3]}" in out
    assert out.count("read as (2 result(s))") == 3, out
    assert "'Prolattina [µg/l]'" in out and "ng/mL 2" in out
