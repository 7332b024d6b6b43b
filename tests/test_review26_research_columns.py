"""Review 26 (hunter Q): research cohort exports (REDCap, Castor, SPSS, Stata) name their columns
with short variable names, and a long export gives the patient's details on a row of their own.

- A yes/no column whose abbreviated name says visual loss or disturbance ("vis_loss", "vfd",
  "sx_visual", "gf_ausfall", "tr_visuels", "alt_cv", "dist_vis", "gv_uitval") is that red flag:
  raised prolactin with visual disturbance is urgent (contract §7; clinical-reference §1.3:
  urgent referral for visual field loss), as the spelled-out headers already were.  The same
  column named in a mapping file ([columns] symptoms / comments) means the same.
- A drug-class flag under a short name ("ap_drug", "med_ap", "antipsych_use") is the class:
  an antipsychotic is a possible cause (clinical-reference §3.1), its review is suggested.
- Research id headers ("subj", "sid", "pseudonym", "castor_id") name the patient: the urgent
  line names whom it is about (contract §2, any common synonym).
- A sex codebook glued into a variable name ("sex_m1f2", "geslacht_1m_2v") is the codebook:
  a man's result is judged against the men's interval (clinical-reference §2.2).
- A REDCap long export's baseline row (sex and age, no test) gives them to the same record's
  lab rows: an 8-year-old girl's 30 ng/mL is judged against the 6-10 y female interval
  (clinical-reference §2.1: 1.2-15.5 ng/mL), high, not indeterminate against adults'.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, text: str, mapping: str | None = None) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    columns = None
    if mapping is not None:
        columns = tmp_path / "columns.toml"
        columns.write_text(mapping, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", columns=columns, keep_results=True)
    )
    assert outcome.results is not None
    return outcome


def _results(tmp_path: Path, text: str, mapping: str | None = None) -> pd.DataFrame:
    results = _run(tmp_path, text, mapping).results
    assert results is not None
    return results.set_index("patient_id")


def _flag_export(header: str, yes: str = "1", no: str = "0") -> str:
    """Three women of 40 with a mildly raised prolactin (45 ng/mL: routine unless something
    else counts): a yes, a no and a blank (or a missing-data code) in the flag column."""
    return (
        f'subject_id,sex,age_yrs,prl_ngml,"{header}"\n'
        f"V1,F,40,45,{yes}\n"
        f"V2,F,41,45,{no}\n"
        "V3,F,39,45,\n"
        "V4,F,38,45,-99\n"
    )


# Visual red flags under a research form's short variable names, by language
VISUAL_FLAGS = {
    "en": ["vis_loss", "vis_dist", "visual_disturb", "visual_disturb_yn", "vfd", "vis_symptoms",
           "sx_visual", "visual_sx", "vf_def"],
    "de": ["gf_ausfall", "gfd", "sehst_jn", "GF_Einschr"],
    "fr": ["tr_visuels", "trouble_vis", "cv_deficit", "alt_cv"],
    "es": ["alt_vis", "perd_vis", "def_cv", "alteracion_cv"],
    "it": ["dist_vis", "disturbo_visivo", "deficit_cv"],
    "nl": ["gv_uitval", "vis_verlies", "gv_beperking"],
}  # fmt: skip
YES_NO = {
    "en": ("1", "0"),
    "de": ("ja", "nein"),
    "fr": ("oui", "non"),
    "es": ("sí", "no"),
    "it": ("1", "0"),
    "nl": ("ja", "nee"),
}


@pytest.mark.parametrize(
    ("lang", "header"), [(lang, h) for lang, headers in VISUAL_FLAGS.items() for h in headers]
)
def test_an_abbreviated_visual_flag_is_the_red_flag(tmp_path: Path, lang: str, header: str) -> None:
    yes, no = YES_NO[lang]
    results = _results(tmp_path, _flag_export(header, yes, no))
    flagged = results.loc["V1"]
    assert flagged["priority"] == "urgent", (header, flagged["factors"])
    assert "urgent_endocrine_referral" in flagged["suggestions"]
    assert "visual_field_test" in flagged["suggestions"]
    # a no, a blank and a missing-data code are no finding
    assert [results.loc[p, "priority"] for p in ("V2", "V3", "V4")] == ["routine"] * 3


@pytest.mark.parametrize("header", ["vis", "cv", "VF", "cv_event", "vis_allergie", "sx_count"])
def test_an_abbreviation_alone_names_no_finding(tmp_path: Path, header: str) -> None:
    """Guard (passes before and after): "VF" 1 may be a dilution factor, "cv" a cardiovascular
    event; the spelled-out word alone ("visual", "champ visuel") names no finding."""
    results = _results(tmp_path, _flag_export(header))
    assert results.loc["V1", "priority"] == "routine"


@pytest.mark.parametrize(
    ("field", "header"),
    [
        ("symptoms", "vis_loss"),
        ("symptoms", "gf_ausfall"),
        ("comments", "vis_loss"),
        ("comments", "visual_loss"),
        ("comments", "Sehstörung"),
        ("comments", "tr_visuels"),
        ("symptoms", "alt_vis"),
        ("comments", "dist_vis"),
        ("symptoms", "gv_uitval"),
    ],
)
def test_a_flag_column_named_in_the_mapping_file_is_its_finding(
    tmp_path: Path, field: str, header: str
) -> None:
    """The warning for an unread yes/no column advises naming it in a mapping file: so named,
    its yes is the finding its header names, not the bare "1"."""
    mapping = f'[columns]\n{field} = "{header}"\n'
    results = _results(tmp_path, _flag_export(header), mapping)
    assert results.loc["V1", "priority"] == "urgent"
    assert results.loc["V2", "priority"] == "routine"


DRUG_CLASS_FLAGS = ["ap_drug", "ap_med", "med_ap", "antipsych_use", "antipsych (0/1)",
                    "meds_antipsych", "neurolept_jn", "antipsy_med"]  # fmt: skip


@pytest.mark.parametrize("header", DRUG_CLASS_FLAGS)
def test_a_shortened_drug_class_flag_is_the_class(tmp_path: Path, header: str) -> None:
    """60 ng/mL in a woman on an antipsychotic: a possible cause, routine, medication review
    (clinical-reference §3.1), not an unexplained rise for endocrine referral."""
    text = f'subject_id,sex,age_yrs,prl_ngml,"{header}"\nA1,F,34,60,1\nA2,F,35,60,0\nA3,F,36,60,\n'
    results = _results(tmp_path, text)
    taking = results.loc["A1"]
    assert "medication:antipsychotic" in taking["factors"]
    assert taking["priority"] == "routine"
    assert "medication_review" in taking["suggestions"]
    assert "medication" not in results.loc["A2", "factors"]


def test_a_drug_class_flag_named_in_the_mapping_file_is_the_class(tmp_path: Path) -> None:
    text = "subject_id,sex,age_yrs,prl_ngml,ap_drug\nA1,F,34,60,1\nA2,F,35,60,0\n"
    results = _results(tmp_path, text, '[columns]\nmedications = "ap_drug"\n')
    assert "medication:antipsychotic" in results.loc["A1", "factors"]
    assert "medication" not in results.loc["A2", "factors"]


@pytest.mark.parametrize(
    "header",
    ["AP", "AP (U/L)", "ap_level", "AP (ja/nein)", "AP j/n", "AP (0/1)", "ap_yn", "APS (ja/nein)",
     "APS_yn"],
)  # fmt: skip
def test_alkaline_phosphatase_is_no_antipsychotic(tmp_path: Path, header: str) -> None:
    """Guard: "AP" alone is also alkaline phosphatase, a lab value; "AP (ja/nein)" beside a bare
    answer is the German angina pectoris, "APS" the antiphospholipid syndrome (review 26)."""
    text = f'subject_id,sex,age_yrs,prl_ngml,"{header}"\nA1,F,34,60,85\nA2,F,35,60,1\n'
    results = _results(tmp_path, text)
    assert not any("medication" in str(f) for f in results["factors"])


ID_HEADERS = ["subj", "subj_id", "Subj. No.", "pseudonym", "Pseudonym-ID",
              "pseudo_id", "castor_id", "Castor ID", "castor_participant_id", "record_id",
              "participant_id", "study_id", "Probandennr", "Teilnehmernr", "Studiennr",
              "pseudoniem", "deelnemersnummer", "proefpersoon_nr", "pseudonyme", "seudónimo",
              "pseudonimo"]  # fmt: skip


@pytest.mark.parametrize("header", ID_HEADERS)
def test_a_research_id_header_names_the_patient(tmp_path: Path, header: str) -> None:
    """An urgent result (300 ng/mL, above ~236 ng/mL = 5,000 mIU/L) names its patient, and the
    patient's rows are linked (the follow-up row takes the sex of the baseline row)."""
    text = f'"{header}",sex,age_yrs,prl_ngml\nQ-17,M,50,300\nQ-18,F,31,12\nQ-18,,31,14\n'
    outcome = _run(tmp_path, text)
    results = outcome.results
    assert results is not None
    assert list(results["patient_id"]) == ["Q-17", "Q-18", "Q-18"]
    assert list(results["sex"])[2] == "F"
    assert any("Q-17" in line for line in outcome.urgent)


def test_sid_beside_a_patient_id_is_not_the_patient(tmp_path: Path) -> None:
    """Guard: "SID" is also some analysers' sample id; a named patient id wins."""
    text = "Patient ID,SID,sex,age_yrs,prl_ngml\nP-1,S-900,F,30,20\n"
    results = _run(tmp_path, text).results
    assert results is not None
    assert list(results["patient_id"]) == ["P-1"]


def test_sid_alone_is_no_patient_id(tmp_path: Path) -> None:
    """A German lab's "SID" is the tube's sample id: one patient's two samples are not two
    patients (review 26)."""
    text = "SID,Geschlecht,Alter,Prolaktin (ng/ml)\n77001,W,30,20\n77002,W,30,22\n"
    results = _run(tmp_path, text).results
    assert results is not None
    assert not {"77001", "77002"} & set(results["patient_id"].astype(str))


# (header, code of the man, code of the woman)
GLUED_SEX_CODES = [
    ("sex_m1f2", "1", "2"),
    ("sex_1m2f", "1", "2"),
    ("sex_m1_f2", "1", "2"),
    ("gender_f1m2", "2", "1"),
    ("sex_m0f1", "0", "1"),
    ("sex_male1female2", "1", "2"),
    ("Geschlecht_1m2w", "1", "2"),
    ("geslacht_1m_2v", "1", "2"),
    ("geslacht_1v_2m", "2", "1"),
    ("sexe_1h2f", "1", "2"),
    ("sexo_1h2m", "1", "2"),
    ("sexo_1v2m", "1", "2"),
    ("sesso_1m2f", "1", "2"),
]


@pytest.mark.parametrize(("header", "man", "woman"), GLUED_SEX_CODES)
def test_a_sex_codebook_in_the_variable_name_is_read(
    tmp_path: Path, header: str, man: str, woman: str
) -> None:
    """25 ng/mL is high for a man (adult ULN about 18-20 ng/mL) and normal for a woman
    (clinical-reference §2.2): the codes must not leave the sex unknown (indeterminate)."""
    text = f"subject_id,{header},age_yrs,prl_ngml\nS1,{man},40,25\nS2,{woman},40,25\nS3,,40,25\n"
    results = _results(tmp_path, text)
    assert results.loc["S1", "sex"] == "M"
    assert results.loc["S1", "status"] == "high"
    assert results.loc["S2", "sex"] == "F"
    assert results.loc["S2", "status"] == "normal"


@pytest.mark.parametrize(
    ("header", "yes_sex"), [("female (1=yes 0=no)", "F"), ("male_yn", "M"), ("is_female", "F")]
)
def test_a_one_sex_indicator_with_its_answer_words_is_the_sex(
    tmp_path: Path, header: str, yes_sex: str
) -> None:
    other = "M" if yes_sex == "F" else "F"
    text = f'subject_id,"{header}",age_yrs,prl_ngml\nS1,1,40,25\nS2,0,40,25\n'
    results = _results(tmp_path, text)
    assert [results.loc["S1", "sex"], results.loc["S2", "sex"]] == [yes_sex, other]


@pytest.mark.parametrize("header", ["sex_v1", "sex_v1_v2"])
def test_a_visit_number_in_the_sex_name_is_no_codebook(tmp_path: Path, header: str) -> None:
    """Guard (passes before and after): "sex_v1" is the sex at visit 1, not "v = 1"."""
    text = f"subject_id,{header},age_yrs,prl_ngml\nS1,1,40,25\nS2,2,40,25\n"
    results = _results(tmp_path, text)
    assert results["sex"].isna().all()


REDCAP_HEAD = (
    "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,"
    "{sex},{age},visit_date,test,result,unit\n"
)


@pytest.mark.parametrize(
    ("sex_header", "age_header", "girl", "man"),
    [
        ("sex", "age_yrs", ("F", "8.5"), ("M", "45")),
        ("sex_m1f2", "age_yrs", ("2", "8.5"), ("1", "45")),
        ("geslacht", "leeftijd", ("V", "8,5"), ("M", "45")),
        ("Geschlecht", "Alter", ("w", "8.5"), ("m", "45")),
        ("sexe", "age", ("F", "8.5"), ("H", "45")),
        ("sexo", "edad", ("M", "8.5"), ("H", "45")),
    ],
)
def test_a_redcap_baseline_row_gives_sex_and_age_to_the_lab_rows(
    tmp_path: Path,
    sex_header: str,
    age_header: str,
    girl: tuple[str, str],
    man: tuple[str, str],
) -> None:
    text = REDCAP_HEAD.format(sex=sex_header, age=age_header) + (
        f'K-01,baseline_arm_1,,,{girl[0]},"{girl[1]}",,,,\n'
        "K-01,baseline_arm_1,lab,1,,,2024-02-01,Prolactin,30,ng/mL\n"
        "K-01,month_12_arm_1,lab,1,,,2025-02-03,Prolactin,28,ng/mL\n"
        "K-01,month_12_arm_1,lab,2,,,2025-02-03,TSH,1.9,mU/L\n"
        f'K-02,baseline_arm_1,,,{man[0]},"{man[1]}",,,,\n'
        "K-02,baseline_arm_1,lab,1,,,2024-02-02,Prolactin,25,ng/mL\n"
    )
    outcome = _run(tmp_path, text)
    results = outcome.results
    assert results is not None
    girl_rows = results[results["patient_id"] == "K-01"].sort_values("collected_at")
    assert list(girl_rows["sex"]) == ["F", "F"]
    assert list(girl_rows["status"]) == ["high", "high"]
    assert list(girl_rows["priority"]) == ["soon", "soon"]
    ages = [float(a) for a in girl_rows["age_years"]]
    assert ages[0] == pytest.approx(8.5)
    assert 9.3 < ages[1] < 9.7  # the baseline age, a year on at month 12
    boy = results[results["patient_id"] == "K-02"].iloc[0]
    assert (boy["sex"], float(boy["age_years"]), boy["status"]) == ("M", 45.0, "high")
    details = [r.detail for r in outcome.rejected if r.source_row in (2, 6)]
    assert len(details) == 2
    assert all("(no test name)" not in d and "details" in d for d in details)


def test_a_redcap_baseline_birth_date_reaches_the_lab_rows(tmp_path: Path) -> None:
    text = (
        "record_id,redcap_event_name,sex,dob,visit_date,test,result,unit\n"
        "7,baseline_arm_1,F,2015-06-01,,,,\n"
        "7,baseline_arm_1,,,2024-02-01,Prolactin,30,ng/mL\n"
    )
    results = _results(tmp_path, text)
    assert results.loc[7 if 7 in results.index else "7", "status"] == "high"


def test_disagreeing_baseline_rows_give_no_sex(tmp_path: Path) -> None:
    """Guard: two detail rows of one record that disagree give nothing (never a guess)."""
    text = (
        "record_id,redcap_event_name,sex,age_yrs,visit_date,test,result,unit\n"
        "K-09,baseline_arm_1,F,30,,,,\n"
        "K-09,screening_arm_1,M,30,,,,\n"
        "K-09,baseline_arm_1,,,2024-02-01,Prolactin,22,ng/mL\n"
    )
    results = _results(tmp_path, text)
    assert pd.isna(results.loc["K-09", "sex"])
