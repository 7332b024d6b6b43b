"""Review 27 (hunt X): gender-diverse patients of a gender-identity clinic.

- Oestradiol in a patient recorded male beside spironolactone (alone, or beside a GnRH analogue, it
  may be prostate-cancer treatment: review 27 mend), or recorded as neither sex ("X", "divers")
  beside an anti-androgen or a GnRH analogue, is feminising care: gender-affirming oestradiol
  (clinical-reference §3.1: high-dose oestrogen raises prolactin more), as "trans woman" in the
  notes gives; "transfem" is such a note. A woman's oestradiol with cyproterone (Climen) or a GnRH
  analogue (add-back) says nothing.
- A sex assigned at birth beside a gender identity (two columns, or one cell "F (né M)") is a
  transgender patient's record, not a sex conflict.
- The reference gives no interval for transgender patients (§2.1): a trans woman or man is
  judged against both sexes' intervals whatever sex the file records (output-contract §5: never
  a false normal), and reference_note says so.
- `check` names a second sex column's header in its warning (contract §1: the mapping found).

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import cli

from triage.pipeline import TriageRequest, run_triage


def _run(folder: Path, lines: list[str], sep: str = ";") -> pd.DataFrame:
    path = folder / "export.csv"
    path.write_text("\n".join(line.replace(";", sep) for line in lines) + "\n", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=folder / "out", keep_results=True))
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _oestrogen(row: pd.Series) -> dict[str, str]:
    found = next(dict(f) for f in row["factor_details"] if f["code"] == "medication:estrogen")
    return found


def _affirming(row: pd.Series) -> None:
    found = _oestrogen(row)
    assert "gender-affirming" in found["evidence"], found
    assert found["strength"] == "likely", found
    assert "pregnancy_test" not in _codes(row["suggestions"])
    assert "testosterone" not in _codes(row["suggestions"])


def _both_strata(row: pd.Series, kind: str) -> None:
    assert row["reference_stratum"] == "default:adult_female|default:adult_male", row
    assert f"Transgender {kind}" in row["reference_note"], row["reference_note"]
    assert "conflicting_context" not in _codes(row["suggestions"])


# --- 1. feminising regimens from the drugs and the recorded sex ------------------------------
# (language, sex code, medication list): oestradiol with an anti-androgen or a GnRH analogue
REGIMENS = {
    "en_x_cpa": ("X", "Estradiol valerate 6mg, cyproterone acetate 12.5mg"),
    "en_m_spiro": ("M", "Estradiol 4mg, spironolactone 100mg BD"),
    "de_divers": ("divers", "Estradiolvalerat 4 mg, Androcur 10 mg"),
    "de_x_gnrh": ("X", "Gynokadin Gel 2 Hub, Trenantone 11,25 mg"),
    "fr_x": ("X", "Provames 4 mg/j, acétate de cyprotérone 25 mg"),
    "es_x": ("X", "Estradiol gel, espironolactona 100 mg"),
    "it_x": ("X", "Estradiolo valerato 4 mg, ciproterone acetato 10 mg"),
    "nl_x": ("X", "Estradot 100, triptoreline 3,75 mg"),
    "en_x_bica": ("X", "Estrogel 4 pumps, bicalutamide 50mg"),
}


@pytest.fixture(scope="module")
def regimens(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = ["ID;Sex;Age;Prolactin (ng/mL);Medications"]
    lines += [f"{key};{sex};30;45;{meds}" for key, (sex, meds) in REGIMENS.items()]
    lines += [
        "hrt;F;52;45;Climen (estradiol valerate/cyproterone acetate)",  # a woman's HRT
        "addback;F;32;45;Zoladex 3.6 mg, Kliogest",  # endometriosis add-back
        "x_alone;X;30;45;Estradiol 2 mg",  # neither sex, no anti-androgen: not told
        # a man recorded male on oestrogen alone: also prostate-cancer treatment, not told
        # (review 27 mend of review C R2)
        "m_alone;M;30;45;Estradot 100 patch twice weekly",
        "empty;;30;45;Estradiol 4 mg, spironolactone 100 mg",  # no sex recorded: not told
    ]
    return _run(tmp_path_factory.mktemp("regimens"), lines)


@pytest.mark.parametrize("key", sorted(REGIMENS))
def test_a_feminising_regimen_is_gender_affirming_oestradiol(
    regimens: pd.DataFrame, key: str
) -> None:
    row = regimens.loc[key]
    _affirming(row)
    _both_strata(row, "woman")
    assert row["status"] == "high"


@pytest.mark.parametrize("key", ["hrt", "addback", "x_alone", "m_alone", "empty"])
def test_oestradiol_that_tells_no_feminising_care_stays_as_it_was(
    regimens: pd.DataFrame, key: str
) -> None:
    row = regimens.loc[key]
    assert "gender-affirming" not in _oestrogen(row)["evidence"]
    assert "Transgender" not in row["reference_note"]


@pytest.mark.parametrize("note", ["transfem", "Transfem - breast development ok", "transmasc"])
def test_the_clinics_short_forms_are_trans_words(tmp_path: Path, note: str) -> None:
    meds = "Testogel 50mg" if "masc" in note else "Estradiol 2mg"
    rows = _run(
        tmp_path, ["ID;Sex;Age;Prolactin (ng/mL);Medications;Notes", f"P1;F;30;25;{meds};{note}"]
    )
    kind = "man" if "masc" in note else "woman"
    _both_strata(rows.loc["P1"], kind)


# --- 2. the sex assigned at birth beside the gender identity ---------------------------------
PAIRS = {
    "en": ("Sex", "Gender identity", "M", "Female", "F", "Male"),
    "en_sab": ("Gender", "Sex assigned at birth", "Female", "Male", "Male", "Female"),
    "de": ("Geschlecht (Personenstand)", "Geschlecht bei Geburt", "W", "M", "M", "W"),
    "fr": ("Sexe", "Identité de genre", "H", "F", "F", "H"),
    "es": ("Sexo al nacer", "Identidad de género", "hombre", "mujer", "mujer", "hombre"),
    "it": ("Sesso alla nascita", "Identità di genere", "M", "F", "F", "M"),
    "nl": ("Geslacht bij geboorte", "Genderidentiteit", "man", "vrouw", "vrouw", "man"),
}


@pytest.mark.parametrize("lang", sorted(PAIRS))
def test_birth_sex_beside_gender_identity_is_no_conflict(tmp_path: Path, lang: str) -> None:
    first, second, w1, w2, m1, m2 = PAIRS[lang]
    lines = [
        f"ID;{first};{second};Age;Prolactin (ng/mL);Medication",
        f"woman;{w1};{w2};30;25;Estradiol 4 mg",
        f"man;{m1};{m2};28;25;Testogel 50 mg",
    ]
    rows = _run(tmp_path, lines)
    woman, man = rows.loc["woman"], rows.loc["man"]
    _both_strata(woman, "woman")
    _both_strata(man, "man")
    assert "Conflicting context" not in woman["reference_note"]
    _affirming(woman)
    assert woman["status"] == man["status"] == "indeterminate"
    # a trans man may be pregnant (clinical-reference §1.4): a result that may be high asks
    assert "pregnancy_test" in _codes(man["suggestions"])


def test_two_sex_columns_whose_headers_do_not_tell_still_conflict(tmp_path: Path) -> None:
    lines = ["ID;Sex;Geschlecht;Age;Prolactin (ng/mL)", "P1;F;M;30;25"]
    row = _run(tmp_path, lines).loc["P1"]
    assert row["status"] == "indeterminate"
    assert "conflicting_context" in _codes(row["suggestions"])
    assert "Transgender" not in row["reference_note"]


def test_a_non_binary_identity_beside_a_male_birth_sex_is_read(tmp_path: Path) -> None:
    lines = [
        "MRN,Sex assigned at birth,Gender,Age,Prolactin (ng/mL),Medications",
        "A3,Male,Non-binary,30,45,Estradiol 2mg",
        "A4,Male,,30,45,",  # no identity: the man he is recorded as
    ]
    rows = _run(tmp_path, lines, sep=",")
    _affirming(rows.loc["A3"])
    assert rows.loc["A4"]["sex"] == "M" and "Transgender" not in rows.loc["A4"]["reference_note"]


@pytest.mark.parametrize(
    "cell",
    [
        "F (né M)",
        "W (bei Geburt M)",
        "femme (sexe de naissance: H)",
        "female (AMAB)",
        "V (geboren M)",
        "Mujer (nacida hombre)",
        "F (nata M)",
    ],
)
def test_a_sex_cell_giving_the_birth_sex_is_a_trans_womans(tmp_path: Path, cell: str) -> None:
    lines = ["ID|Sex|Age|Prolactin (ng/mL)|Medications", f"P1|{cell}|33|38|Provames 4 mg/j"]
    row = _run(tmp_path, lines, sep="|").loc["P1"]
    _affirming(row)
    _both_strata(row, "woman")


# --- 3. one interval choice for a trans patient whatever the sex cell --------------------------
@pytest.mark.parametrize(
    ("note", "kind", "meds"),
    [
        ("trans woman", "woman", "Estradiol 4mg"),
        ("Transfrau", "woman", "Estradiol 4mg"),
        ("femme trans", "woman", "Estradiol 4mg"),
        ("mujer trans", "woman", "Estradiol 4mg"),
        ("donna trans", "woman", "Estradiol 4mg"),
        ("transvrouw", "woman", "Estradiol 4mg"),
        ("Transmann", "man", "Testogel 50mg"),
        ("transman", "man", "Sustanon 250"),
    ],
)
def test_a_trans_patient_is_judged_alike_whatever_the_sex_cell(
    tmp_path: Path, note: str, kind: str, meds: str
) -> None:
    lines = ["ID;Sex;Age;Prolactin (ng/mL);Medications;Notes"]
    lines += [f"{sex or 'none'};{sex};30;25;{meds};{note}" for sex in ("M", "F", "X", "")]
    rows = _run(tmp_path, lines)
    assert set(rows["status"]) == {"indeterminate"}, rows["status"].to_dict()
    for key in rows.index:
        _both_strata(rows.loc[key], kind)
        assert rows.loc[key]["priority"] != "none"


def test_a_trans_woman_above_both_limits_is_high(tmp_path: Path) -> None:
    lines = [
        "ID;Sex;Age;Prolactin (ng/mL);Medications;Notes",
        "P1;F;30;45;Estradiol 4mg;trans woman",
    ]
    row = _run(tmp_path, lines).loc["P1"]
    assert row["status"] == "high"
    _both_strata(row, "woman")


# --- 4. check names the header -----------------------------------------------------------------
def test_check_names_the_second_sex_columns_header(tmp_path: Path) -> None:
    path = tmp_path / "gic.csv"
    path.write_text(
        "Hospital No,Sex,Gender identity,Age,Prolactin (mIU/L)\nG1,M,Female,30,612\n",
        encoding="utf-8",
    )
    result = cli("check", str(path))
    assert "header 'Gender identity' also gives the sex" in result.output, result.output
    assert "[redacted] also gives" not in result.output
