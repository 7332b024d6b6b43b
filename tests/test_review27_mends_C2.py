"""Review 27 mends, review C finding 2 (R2): a man recorded male on oestrogen is not by that
alone a trans woman.

- Oestrogen (estradiol patches, Progynova) alone or beside a GnRH analogue (Zoladex,
  Decapeptyl), bicalutamide or cyproterone in a man recorded M is also prostate-cancer
  treatment (the PATCH trial's transdermal oestradiol): the man's interval judges him, his
  oestradiol is the plain estradiol factor, and the work-up a man is asked (testosterone,
  macroprolactin) stays.
- Spironolactone (no prostate-cancer drug) beside oestrogen in a man recorded M still tells
  feminising care, as a trans or gender word does.
- Prostate cancer (or its hormonal treatment) named in the row stops every reading of feminising
  care from the drugs and the recorded sex, in the six languages; words that say a trans woman
  still count, and a relative's prostate cancer says nothing.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageRequest, run_triage


def _run(folder: Path, lines: list[str]) -> pd.DataFrame:
    path = folder / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=folder / "out", keep_results=True))
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _oestrogen(row: pd.Series) -> dict[str, str]:
    return next(dict(f) for f in row["factor_details"] if f["code"] == "medication:estrogen")


def _a_man(row: pd.Series) -> None:
    assert row["reference_stratum"] == "default:adult_male", row["reference_stratum"]
    assert "Transgender" not in row["reference_note"], row["reference_note"]
    found = _oestrogen(row)
    assert "gender-affirming" not in found["evidence"], found
    assert found["strength"] == "possible", found
    assert row["status"] == "high"
    assert {"macroprolactin_screen", "testosterone", "medication_review"} <= set(
        _codes(row["suggestions"])
    ), row["suggestions"]


def _a_trans_woman(row: pd.Series) -> None:
    # both sexes' intervals (the women's by age: postmenopausal at 66)
    assert row["reference_stratum"].endswith("|default:adult_male"), row["reference_stratum"]
    assert "Transgender woman" in row["reference_note"], row["reference_note"]
    assert "gender-affirming" in _oestrogen(row)["evidence"]


# (medication list, notes): oestrogen in a man recorded M with no trans evidence
MEN = {
    "en_patch": ("Estradiol patch 100 mcg", ""),
    "en_zoladex": ("Zoladex 10.8 mg 3-monthly, Estradiol patch", ""),
    "de_progynova": ("Progynova 2 mg", ""),
    "de_gnrh": ("Zoladex 10,8 mg, Progynova 2 mg", "Z.n. Orchiektomie"),
    "fr_decapeptyl": ("Provames 2 mg/j, Décapeptyl 11,25 mg", ""),
    "es_bica": ("Estradiol gel, bicalutamida 50 mg", ""),
    "it_cpa": ("Estradiolo valerato 2 mg, ciproterone acetato 50 mg", ""),
    "nl_triptorelin": ("Estradot 100, triptoreline 3,75 mg", ""),
}


@pytest.mark.parametrize("key", sorted(MEN))
def test_oestrogen_in_a_man_recorded_male_is_no_trans_evidence(tmp_path: Path, key: str) -> None:
    meds, note = MEN[key]
    rows = _run(
        tmp_path, ["ID;Sex;Age;Prolactin (ng/mL);Medications;Notes", f"P1;M;60;27;{meds};{note}"]
    )
    _a_man(rows.loc["P1"])


# prostate cancer named in the notes, in the six languages and the clinics' short forms
PROSTATE = [
    "metastatic prostate cancer",
    "prostate ca, PATCH trial",
    "Prostatakarzinom pT3",
    "Prostata-Ca",
    "cancer de la prostate",
    "cáncer de próstata",
    "carcinoma prostatico",
    "prostaatkanker",
    "PCa",
    "on ADT",
    "hormonal therapy for prostate",
]


@pytest.mark.parametrize("note", PROSTATE)
def test_prostate_cancer_named_stops_the_reading_from_the_drugs(tmp_path: Path, note: str) -> None:
    lines = [
        "ID;Sex;Age;Prolactin (ng/mL);Medications;Notes",
        # spironolactone would tell feminising care in a man recorded M, but not here
        f"spiro;M;66;27;Estradiol 4 mg, spironolactone 100 mg;{note}",
        # nor a sex recorded as neither with a GnRH analogue
        f"other;X;66;27;Estradiol patch, Zoladex 10.8 mg;{note}",
        # nor testes removed with no sex recorded
        f"orchi;;66;27;Progynova 2 mg;orchidectomy, {note}",
    ]
    rows = _run(tmp_path, lines)
    _a_man(rows.loc["spiro"])
    for key in ("other", "orchi"):
        row = rows.loc[key]
        assert "Transgender" not in row["reference_note"], (key, row["reference_note"])
        assert "gender-affirming" not in _oestrogen(row)["evidence"], key


@pytest.mark.parametrize(
    "meds",
    [
        "Estradiol 4 mg, spironolactone 100 mg",
        "Progynova 2 mg, Aldactone 100 mg",
        "Estradiol gel, espironolactona 100 mg",
        "Estradiolo 4 mg, spironolattone 100 mg",
    ],
)
def test_spironolactone_beside_oestrogen_in_a_man_recorded_male_is_feminising(
    tmp_path: Path, meds: str
) -> None:
    lines = [
        "ID;Sex;Age;Prolactin (ng/mL);Medications;Notes",
        f"P1;M;30;45;{meds};",
        # a relative's prostate cancer says nothing
        f"P2;M;30;45;{meds};family history of prostate cancer",
        f"P3;M;30;45;{meds};Familienanamnese: Vater Prostatakarzinom",
    ]
    rows = _run(tmp_path, lines)
    for key in ("P1", "P2", "P3"):
        _a_trans_woman(rows.loc[key])


@pytest.mark.parametrize(
    "note", ["trans woman, prostate cancer", "Transfrau, Prostatakarzinom", "femme trans, PCa"]
)
def test_trans_words_still_count_beside_prostate_cancer(tmp_path: Path, note: str) -> None:
    lines = [
        "ID;Sex;Age;Prolactin (ng/mL);Medications;Notes",
        f"P1;M;66;45;Estradiol patch, Zoladex 10.8 mg;{note}",
    ]
    _a_trans_woman(_run(tmp_path, lines).loc["P1"])
