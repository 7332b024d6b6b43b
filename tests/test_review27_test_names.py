"""Review 27 (hunt AH): how a long or merged export names prolactin, its monomeric (post-PEG)
result and the test column, and a wide file's second monomeric column.

Output contract §2: LOINC 2842-3, 20568-2 and 15081-3 identify prolactin and the test may be any
common synonym; context tests (macroprolactin / PEG) join their prolactin result.  §7: above
5000 mIU/L (~236 ng/mL) is urgent.  Clinical reference §2.3: a total prolactin with a normal
post-PEG (monomeric) result is macroprolactinaemia, not an unexplained rise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import run_csv

from triage.io.long import identify_test
from triage.schema import NoUsableInputError

MERGED = "Pat-ID,Geschlecht,Alter,Auftragsnr,Entnahme,Analyt,Ergebnis,Einheit,Labor\n"


def _merged(name: str, value: str, unit: str) -> str:
    """A merged group export: site A writes 'PRL', site B its own name for the same test."""
    return (
        MERGED
        + "M1,M,50,A1,01.03.2026 08:00,PRL,12,ng/mL,Site A\n"
        + "M1,M,50,A1,01.03.2026 08:00,TSH,2.1,mU/L,Site A\n"
        + f'M2,W,34,A2,01.03.2026 08:10,"{name}",{value},{unit},Site B\n'
        + "M2,W,34,A2,01.03.2026 08:10,S-TSH,1.9,mU/L,Site B\n"
        + "  \n"
    )


@pytest.mark.parametrize(
    "name",
    [
        "S-Prol",
        "PRLS",
        "fS-Prol",
        "P-Prol",
        "PRLA",
        "HPRL",
        "S -Prolaktiini",
        "LTH",
        "Luteotropes Hormon",
        "LAKTOTROPES HORMON",
        "Hormone lutéotrope",
        "Hormona luteotrópica",
        "Ormone luteotropo",
        "Luteotroop hormoon",
        "2842-3",
        "20568-2",
        " LN:2842-3 ",
        # guards: these were read before
        "B-PRL",
        "S-PRL",
        "PROL",
    ],
)
def test_a_local_code_or_loinc_in_the_test_column_is_prolactin(tmp_path: Path, name: str) -> None:
    outcome = run_csv(tmp_path, _merged(name, "7400", "mU/L"))
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    assert results.loc["M2", "priority"] == "urgent"
    assert not [r for r in outcome.rejected if r.reason_code == "other_test"]


def test_a_bare_loinc_of_units_per_volume_without_unit_is_read_in_miu(tmp_path: Path) -> None:
    """15081-3 is prolactin in units/volume (reference §0b): 400 with no unit is 400 mIU/L
    (~19 ng/mL), never 400 ng/mL (urgent)."""
    outcome = run_csv(tmp_path, _merged("15081-3", "400", ""))
    assert outcome.results is not None
    row = outcome.results.set_index("patient_id").loc["M2"]
    assert row["priority"] != "urgent"
    assert row["prolactin_ng_ml"] < 30


PEG = "Pat-ID,Geschlecht,Alter,Auftragsnr,Entnahme,Analyt,Ergebnis,Einheit,Referenzbereich\n"


@pytest.mark.parametrize(
    "name",
    [
        "PRL mono",
        "PRL-mono",
        "PRL-M",
        "S-PRL-mono",
        "Bioaktives Prolaktin",
        "PRL nach PEG",
        "Prolactine monomère",
        "Prolactina bioactiva",
        "Prolattina bioattiva",
        "Bioactieve prolactine",
        "Prolactina mono",
        # guards: these were read before
        "Monomeric PRL",
        "PRL (post-PEG)",
    ],
)
def test_a_short_monomeric_name_is_the_post_peg_result_of_the_sample(
    tmp_path: Path, name: str
) -> None:
    text = (
        PEG
        + "R1,W,40,A1,01.03.2026 08:00,Prolaktin,60,ng/mL,4.8-23.3\n"
        + f'R1,W,40,A1,01.03.2026 08:00,"{name}",10,ng/mL,3.4-18.5\n'
    )
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    results = outcome.results
    assert len(results) == 1, "the monomeric line is no second total prolactin"
    assert results.iloc[0]["prolactin_ng_ml"] == pytest.approx(60)
    assert "macroprolactinemia" in str(results.iloc[0]["factors"])


@pytest.mark.parametrize("name", ["Mono-Test", "Monospot", "Mono screen"])
def test_a_bare_mono_line_is_no_monomeric_prolactin(name: str) -> None:
    spec, _ = identify_test("", "", name, None, "")
    assert spec is None or spec.field != "monomeric_prolactin"


CERNER = (
    "Person ID,FIN,Sex,Birth Date,Accession,Drawn Date/Time,{test},Result Value,Result Units,"
    "Normal Low,Normal High,Result Status\n"
    "C01,F900001,Female,1979-06-01,00026060000101,2026-03-01 07:50,Prolactin Lvl,52.0,ng/mL,"
    "4.8,23.3,Auth (Verified)\n"
    "C02,F900002,Female,1979-06-01,00026060000102,2026-03-01 07:50,Prolactin Lvl,300,ng/mL,"
    "4.8,23.3,Auth (Verified)\n"
    "C03,F900003,Male,1960-02-02,00026060000103,2026-03-01 07:50,TSH,2.0,mIU/L,0.4,4.0,"
    "Auth (Verified)\n"
)


@pytest.mark.parametrize(
    "header", ["Event Display", "Clinical Event", "Order Name", "Orderable", "Procedure"]
)
def test_cerner_test_column_names_are_read(tmp_path: Path, header: str) -> None:
    outcome = run_csv(tmp_path, CERNER.format(test=header))
    assert not outcome.errors
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    assert results.loc["C02", "priority"] == "urgent"
    assert set(results.index) == {"C01", "C02"}


def test_a_long_file_without_a_known_test_column_is_told_to_name_it(tmp_path: Path) -> None:
    """A bare "Event" is a REDCap visit too: the refusal names the mapping that reads it."""
    with pytest.raises(NoUsableInputError) as refused:
        run_csv(tmp_path, CERNER.format(test="Event"))
    assert '[columns] test = "<header>"' in str(refused.value)


WIDE = "MRN,Sex,Age,Collection Date,PROLACTIN (ng/mL),Post-PEG prolactin (ng/mL),{second},TSH\n"


@pytest.mark.parametrize(
    ("second", "value"),
    [
        ("PRL-mono (ng/mL)", "12"),
        ("Bioaktives Prolaktin (ng/mL)", "12"),
        ("Prolactine monomérique (µg/L)", "12"),
        ("prl_mono_miul", "254"),  # 12 ng/mL at ~21.2 mIU/L per ng/mL
        ("PRL mono (mIU/L)", "254"),
    ],
)
def test_a_second_monomeric_column_gives_the_value_the_first_lacks(
    tmp_path: Path, second: str, value: str
) -> None:
    text = WIDE.format(second=second) + (
        "W1,F,33,2026-03-01 08:00,85,12,,2.1\n" + f"W2,F,34,2026-03-01 08:00,85,,{value},2.1\n"
    )
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    for patient in ("W1", "W2"):
        assert "macroprolactinemia" in str(results.loc[patient, "factors"]), patient
