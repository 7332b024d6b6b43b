"""Review 21: context columns coded the way SPSS, SAS and REDCap export them.

1. A yes/no finding column coded 1 = yes, 2 = no (the radio buttons of REDCap and SPSS; 9 or
   -99 = unknown) is read as its 0/1 twin is: a "2" had been no answer at all, so a visual field
   defect coded 1/2 was silently not used (clinical-reference §8: visual field loss is urgent)
   and a "No" (2) under "Pituitary adenoma" was read as a known lesion.  The header's own codes
   or a codebook come first; a 0/1 column keeps 1 = yes; 1 and 2 beside a 0 are no such codes.
2. A dialysis "vintage" column (months or years on dialysis, six languages) or the day dialysis
   began answers the dialysis question (§8: dialysis is a kidney contributor): a time above 0 or
   a start up to the sample is on dialysis, 0 or a later start is not.
3. The serum creatinine's abbreviations ("SCr", "sCr", "S-Krea", "Krea (mg/dl)", "scr_umol")
   name the creatinine column in wide files as they do in long ones (§8: eGFR < 30 is a kidney
   contributor); "scr" as a visit's mark ("prl_scr", "tsh_scr") stays a screening visit.

Synthetic patients only; in process (run_triage), one CSV per case family.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import triage_csv_warned, triage_lines

from triage.pipeline import TriageRequest, run_triage
from triage.values import column_flag_codes

URGENT = "urgent"


def _factors(row: pd.Series) -> list[str]:
    return str(row["factors"]).split(";")


def _triage_files(
    tmp_path: Path, files: dict[str, str], columns: Path | None = None
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """One run over several CSV files (name -> text; patient ids unique across them): the
    results indexed by patient_id, and every input's warnings by file name."""
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    outcome = run_triage(
        TriageRequest(inputs=paths, out_dir=tmp_path / "out", keep_results=True, columns=columns)
    )
    assert outcome.results is not None and not outcome.errors, outcome.errors
    warnings = {Path(s.file).name: list(s.warnings) for s in outcome.inputs}
    return outcome.results.set_index("patient_id"), warnings


# ------------------------------------------------------------------------------------------------
# 1. Yes/no findings coded 1 = yes, 2 = no
# ------------------------------------------------------------------------------------------------
RED_FLAG_HEADERS = [
    "visual_field_defect",
    "visual field loss",
    "Gesichtsfeldausfall",
    "hemianopia",
    "diplopia",
    "visual_field_defect_yn",
    "Campo visivo ridotto",
]


def test_red_flags_coded_one_two_are_urgent_and_their_noes_are_not(tmp_path: Path) -> None:
    """§8: visual field loss (or diplopia) is an urgent referral.  Each column coded 1 = yes,
    2 = no, 9 = unknown and -99 = missing, as an SPSS export writes them ("2.0" where a column
    has a blank): patient Yk has only the k-th finding; the others have none."""
    n = len(RED_FLAG_HEADERS)
    lines = [
        f"Y{k},F,30,150," + ",".join("1" if j == k else "2" for j in range(n)) for k in range(n)
    ]
    lines += [
        "N1,F,30,150," + ",".join(["2"] * n),
        "U1,F,30,150," + ",".join(["9"] * n),
        "M1,F,30,150," + ",".join(["-99"] * n),
        "N2,F,30,150," + ",".join(["2.0"] * n),
        "B1,F,30,150," + "," * (n - 1),
    ]
    header = "id,sex,age,prl_ngml," + ",".join(f'"{h}"' for h in RED_FLAG_HEADERS)
    out, warnings = triage_csv_warned(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    for k, name in enumerate(RED_FLAG_HEADERS):
        assert out.loc[f"Y{k}", "priority"] == URGENT, name
        assert any("holds yes/no answers" in w and name in w for w in warnings), name
    for pid in ("N1", "U1", "M1", "N2", "B1"):
        assert out.loc[pid, "priority"] != URGENT, pid


def test_the_same_patient_is_urgent_whether_coded_zero_one_or_one_two(tmp_path: Path) -> None:
    """The reviewer's pair: the same woman with a visual field defect coded 0/1 was urgent and
    coded 1/2 'soon'; a column of 2s only (nobody has diplopia) is a column of noes."""
    header = "id,sex,age,prl_ngml,visual_field_defect,diplopia\n"
    out, _ = _triage_files(
        tmp_path,
        {
            "one_two.csv": header + "A1,F,30,150,2,2\nA3,F,30,150,1,2\nA4,F,30,150,2,2\n",
            "zero_one.csv": header + "B1,F,30,150,0,0\nB3,F,30,150,1,0\nB4,F,30,150,0,0\n",
        },
    )
    for n in ("1", "3", "4"):
        assert out.loc[f"A{n}", "priority"] == out.loc[f"B{n}", "priority"], n
    assert out.loc["A3", "priority"] == URGENT
    assert out.loc["A1", "priority"] != URGENT


LESION_HEADERS = ["pituitary_adenoma", "pituitary_lesion", "adenome_hypophysaire", "MRI_adenoma"]
CODES = ("1", "2", "9", "-99")  # yes, no, unknown, missing


def test_a_lesion_column_coded_one_two_makes_no_lesion_of_a_no(tmp_path: Path) -> None:
    """A "No" (2) or an unknown (9, -99) is never a known pituitary lesion; a yes (1) is."""
    files = {
        f"lesion{k}.csv": f"id,sex,age,prl_ngml,{header}\n"
        + "".join(
            f"{c}{k},F,30,150,{v}\n" for c, v in zip("YNUM", ("1", "2", "9", "-99"), strict=True)
        )
        for k, header in enumerate(LESION_HEADERS)
    }
    out, _ = _triage_files(tmp_path, files)
    for k, header in enumerate(LESION_HEADERS):
        assert "known_pituitary_lesion" in _factors(out.loc[f"Y{k}"]), header
        for pid in (f"N{k}", f"U{k}", f"M{k}"):
            assert "known_pituitary_lesion" not in _factors(out.loc[pid]), (header, pid)


def test_a_lesion_column_of_noes_and_unknowns_only_makes_no_lesion(tmp_path: Path) -> None:
    """A cohort where nobody has an adenoma: 2 and 9 only, with no 1 to show the coding."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prl_ngml,pituitary_adenoma",
        ["N1,F,30,150,2", "U1,F,30,150,9", "N2,F,30,150,2"],
    )
    assert not any("known_pituitary_lesion" in _factors(out.loc[p]) for p in out.index)


def test_conditions_coded_one_two_are_read_as_their_yes(tmp_path: Path) -> None:
    """Hypothyroidism (§4) and liver cirrhosis coded 1/2: the 1 is the condition, the 2 none."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prl_ngml,hypothyroidism,liver_cirrhosis",
        ["H1,F,30,60,1,2", "C1,F,30,60,2,1", "N1,F,30,60,2,2", "U1,F,30,60,9,9"],
    )
    assert "hypothyroidism" in _factors(out.loc["H1"])
    assert "liver_cirrhosis" in _factors(out.loc["C1"])
    for pid in ("N1", "U1"):
        assert not {"hypothyroidism", "liver_cirrhosis"} & set(_factors(out.loc[pid])), pid
    assert "hypothyroidism" not in _factors(out.loc["C1"])


def test_state_columns_coded_one_two_read_their_no_and_unknown(tmp_path: Path) -> None:
    """Pregnant, breastfeeding and dialysis coded 1/2/9: 1 is the state (its interval or
    factor), 2 is none and 9 says nothing, with no warning of an unread '2'."""
    out, warnings = triage_csv_warned(
        tmp_path,
        "id,sex,age,prl_ngml,pregnant,breastfeeding,dialysis\n"
        "G1,F,30,150,1,2,2\nL1,F,30,150,2,1,2\nD1,F,30,150,2,2,1\nN1,F,30,150,2,2,2\n"
        "U1,F,30,150,9,9,9\n",
    )
    assert out.loc["G1", "reference_stratum"] == "default:pregnant"
    assert out.loc["L1", "reference_stratum"] == "default:lactating"
    assert "dialysis" in _factors(out.loc["D1"])
    for pid in ("N1", "U1"):
        assert out.loc[pid, "reference_stratum"] == "default:adult_female", pid
        assert not {"pregnancy", "lactation", "dialysis"} & set(_factors(out.loc[pid])), pid
    assert not any("could not be read" in w for w in warnings), warnings


def test_the_codes_a_header_states_come_before_the_one_two_reading(tmp_path: Path) -> None:
    """'(1=nein, 2=ja)' in the header: 2 is the yes, whatever the values show."""
    header = 'id,sex,age,prl_ngml,"Gesichtsfeldausfall (1=nein, 2=ja)",'
    header += '"Hypophysenadenom (1=nein, 2=ja)"'
    out = triage_lines(tmp_path, header, ["J1,F,30,150,2,2", "N1,F,30,150,1,1"])
    assert out.loc["J1", "priority"] == URGENT
    assert "known_pituitary_lesion" in _factors(out.loc["J1"])
    assert out.loc["N1", "priority"] != URGENT
    assert "known_pituitary_lesion" not in _factors(out.loc["N1"])


def test_a_mapping_files_codebook_comes_before_the_one_two_reading(tmp_path: Path) -> None:
    """A codebook in the mapping file ([values.pregnant] "1" = "no", "2" = "yes") is obeyed."""
    mapping = tmp_path / "map.toml"
    mapping.write_text('[values.pregnant]\n"1" = "no"\n"2" = "yes"\n')
    out, _ = _triage_files(
        tmp_path,
        {"export.csv": "id,sex,age,prl_ngml,pregnant\nA1,F,30,150,2\nB1,F,30,150,1\n"},
        columns=mapping,
    )
    assert out.loc["A1", "reference_stratum"] == "default:pregnant"
    assert out.loc["B1", "reference_stratum"] == "default:adult_female"


def test_columns_that_are_no_one_two_codes_are_not_read_so(tmp_path: Path) -> None:
    """Negatives: 0/1/2 is no 1/2 coding (a 2 beside a 0: a count or a grade); a sex column's
    1/2 are sex codes, never yes/no; a menopause column's 1/2 (pre/post) is not read as yes/no;
    a threshold column 'egfr_lt60' coded 1/2 is never an eGFR of 1 or 2."""
    out, warnings = triage_csv_warned(
        tmp_path,
        "id,sex,age,prl_ngml,diplopia,menopause,egfr_lt60\n"
        "A1,F,30,150,0,1,1\nB1,F,30,150,2,2,2\nC1,F,30,150,1,1,2\n",
    )
    assert out.loc["B1", "priority"] != URGENT  # 0/1/2: the 2 is not read as a yes
    assert not any("renal_impairment" in _factors(out.loc[p]) for p in out.index)
    # review 23: neither 1 nor 2 is read (1 had been read as yes: postmenopausal), said once
    assert any("menopause" in w and "codes 1 and 2 without a codebook" in w for w in warnings)
    assert column_flag_codes("sex", ["1", "2"], "menopausal") == ({}, frozenset({"1", "2"}))
    assert column_flag_codes("visual_field_defect", ["1", "2", "9"]) == (
        {"1": True, "2": False},
        frozenset({"9"}),
    )
    assert column_flag_codes("visual_field_defect", ["0", "1", "2"]) == ({}, frozenset())
    assert column_flag_codes("visual_field_defect", ["1", "1", ""]) == ({}, frozenset())


# ------------------------------------------------------------------------------------------------
# 2. Dialysis vintage and start
# ------------------------------------------------------------------------------------------------
VINTAGE_HEADERS = [
    "months_on_dialysis",
    "dialysis_vintage_months",
    "HD vintage (months)",
    "dialysis_duration_years",
    "years_on_hd",
    "Dialysedauer (Monate)",
    "duree_dialyse_mois",
    "durata dialisi",
    "tiempo en diálisis",
    "dialyseduur",
]


def test_a_time_on_dialysis_above_zero_is_on_dialysis(tmp_path: Path) -> None:
    """§8: dialysis explains a moderately raised prolactin (median 65 ng/mL on HD): the
    reviewer's 68 ng/mL with 24 months on dialysis had been 'unexplained', soon.  Each header
    in a file of its own: 24 and 1.5 are on dialysis, 0, a blank and -99 are not."""
    cells = {"D": "24", "H": "1.5", "Z": "0", "B": "", "M": "-99"}
    files = {
        f"vintage{k}.csv": f'id,sex,age,prl_ngml,"{header}"\n'
        + "".join(f"{c}{k},M,50,68,{v}\n" for c, v in cells.items())
        for k, header in enumerate(VINTAGE_HEADERS)
    }
    out, warnings = _triage_files(tmp_path, files)
    for k, header in enumerate(VINTAGE_HEADERS):
        assert "dialysis" in _factors(out.loc[f"D{k}"]), header
        assert out.loc[f"D{k}", "priority"] == "routine", header
        assert "24" in str(out.loc[f"D{k}", "factor_evidence"]), header
        assert "dialysis" in _factors(out.loc[f"H{k}"]), header
        for pid in (f"Z{k}", f"B{k}", f"M{k}"):
            assert "dialysis" not in _factors(out.loc[pid]), (header, pid)
        assert any("time on dialysis" in w for w in warnings[f"vintage{k}.csv"]), header


def test_a_dialysis_start_date_up_to_the_sample_is_on_dialysis(tmp_path: Path) -> None:
    """A start before the sample is on dialysis at it; a start after it is not yet; a word
    ('nein') is read as a dialysis column's word."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,sample_date,prl_ngml,dialysis_start_date",
        [
            "D1,M,50,2025-03-01,68,2024-01-10",
            "F1,M,50,2025-03-01,68,2025-06-01",
            "N1,M,50,2025-03-01,68,nein",
            "B1,M,50,2025-03-01,68,",
        ],
    )
    assert "dialysis" in _factors(out.loc["D1"])
    for pid in ("F1", "N1", "B1"):
        assert "dialysis" not in _factors(out.loc[pid]), pid


def test_a_dialysis_column_answers_before_the_vintage(tmp_path: Path) -> None:
    """Where a dialysis column answers, it is read; the vintage fills only its blanks."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prl_ngml,Dialysis,months_on_dialysis,Dialysebeginn",
        ["A1,M,50,68,no,24,", "B1,M,50,68,,24,", "C1,M,50,68,yes,0,", "E1,M,50,68,,,10.01.2024"],
    )
    assert "dialysis" not in _factors(out.loc["A1"])
    assert "dialysis" in _factors(out.loc["B1"])
    assert "dialysis" in _factors(out.loc["C1"])
    assert "dialysis" in _factors(out.loc["E1"])


def test_other_times_are_no_dialysis_vintage(tmp_path: Path) -> None:
    """Negatives: Parkinson's or Huntington's disease duration ('PD duration (years)',
    'hd_years'), a session's hours and a smoking history are no time on dialysis."""
    out = triage_lines(
        tmp_path,
        'id,sex,age,prl_ngml,"PD duration (years)",hd_years,"dialysis time (h)",smoking_pack_years',
        ["P1,M,50,68,6,4,4,20"],
    )
    assert "dialysis" not in _factors(out.loc["P1"])


# ------------------------------------------------------------------------------------------------
# 3. Serum creatinine abbreviations
# ------------------------------------------------------------------------------------------------
CREATININE_HEADERS = [
    ("SCr", "4.8"),
    ("sCr", "4.8"),
    ("SCr (mg/dL)", "4.8"),
    ("scr_umol", "420"),
    ("SCr_umolL", "420"),
    ("S-Krea", "4.8"),
    ("Krea (mg/dl)", "4.8"),
    ("Kreat", "4.8"),
]


def test_a_serum_creatinine_abbreviation_is_the_creatinine(tmp_path: Path) -> None:
    """§8: eGFR < 30 is a kidney contributor.  4.8 mg/dL (420 µmol/L) in a woman of 30 is an
    eGFR of about 12 (CKD-EPI 2021); each header in a file of its own."""
    files = {
        f"creat{k}.csv": f'id,sex,age,prl_ngml,"{header}"\nP{k},F,30,70,{value}\n'
        for k, (header, value) in enumerate(CREATININE_HEADERS)
    }
    out, _ = _triage_files(tmp_path, files)
    for k, (header, _) in enumerate(CREATININE_HEADERS):
        assert "renal_impairment" in _factors(out.loc[f"P{k}"]), header
        assert "eGFR ≈ 12" in str(out.loc[f"P{k}", "factor_evidence"]), header


def test_scr_as_a_visit_mark_stays_the_screening_visit(tmp_path: Path) -> None:
    """Negatives: 'prl_scr' and 'tsh_scr' are the prolactin and TSH of the screening visit,
    never a creatinine; a creatinine column beside them is read as usual."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prl_scr_ngml,tsh_scr,creat",
        ["P1,F,30,70,12,0.8", "P2,F,30,70,1.2,4.8"],
    )
    assert out.loc["P1", "prolactin_value"] == 70
    assert "hypothyroidism" in _factors(out.loc["P1"])
    assert "renal_impairment" not in _factors(out.loc["P1"])
    assert "renal_impairment" in _factors(out.loc["P2"])
