"""Review 26 mends A (reviewer A, finding R1): a negation written after a state's noun ("not
detected", "nicht nachweisbar", "non détecté", "no objetivada", "non evidenziata", "niet
aangetoond", "not needed") binds to the nearest finding.  It denies the dialysis or the
cirrhosis only when nothing that names another thing stands between: an adverb, a copula or
an auxiliary may ("Dialyse derzeit nicht indiziert", "Zirrhose sonographisch nicht
nachweisbar"); another finding, a lab analyte or a finding introduced by a colon or a bracket
may not ("haemodialysis: HBsAg not detected", "cirrhosis: ascites not seen").

Clinical-reference §4 (dialysis: median 65 ng/mL; cirrhosis raises prolactin) and §8 (both are
contributors when the patient has them); output contract §7 ("soon": high and not explained).

Synthetic patients only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_lines


def _run(folder: Path, cells: list[str], value: float) -> pd.DataFrame:
    """A comma export: one row per note, a man of 61."""
    return triage_lines(
        folder,
        "patient_id,sex,age,prolactin ng/mL,comments",
        [f'P{i:02d},M,61,{value},"{cell}"' for i, cell in enumerate(cells)],
    )


@pytest.fixture(scope="module")
def factors_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, float], list[str]]:
    """One run per prolactin value over every note this module asks about (CASES)."""
    done: dict[float, dict[str, list[str]]] = {}

    def factors(note: str, value: float) -> list[str]:
        if value not in done:
            notes = list(dict.fromkeys(n for n, v in CASES if v == value))
            results = _run(tmp_path_factory.mktemp("mendA"), notes, value)
            done[value] = {
                text: str(results.loc[f"P{i:02d}"]["factors"]).split(";")
                for i, text in enumerate(notes)
            }
        return done[value][note]

    return factors


# another finding between the state and the negation: the state stands
DIALYSIS_KEPT = [
    "haemodialysis: HBsAg not detected",
    "Dialyse HBsAg nicht nachweisbar",
    "hémodialyse: Ag HBs non détecté",
    "on haemodialysis (AV fistula) stenosis not seen",
    "Dialyse: Shunt-Stenose nicht nachweisbar",
    "Dialyse seit 2019 HBsAg nicht nachweisbar",
    "HD 3x/Woche Hyperkaliämie nicht vorhanden",
    "Dialysepatient HBsAg nicht nachweisbar",
    "Dialyse: Restdiurese nicht vorhanden",
    "hemodiálisis: HBsAg no detectado",
    "emodialisi: HBsAg non rilevato",
    "hemodialyse: HBsAg niet aangetoond",
    "haemodialysis, fistula stenosis not needed",
    "Hämodialyse Shunt-OP nicht notwendig",
]
CIRRHOSIS_KEPT = [
    "cirrhosis: ascites not seen",
    "cirrosis: ascitis no objetivada",
    "cirrosi: ascite non evidenziata",
    "levercirrose: ascites niet aangetoond",
    "cirrhosis HCC not seen",
    "Zirrhose (Child A) HCC nicht nachweisbar",
    "Leberzirrhose: Aszites nicht nachweisbar",
    "Leberzirrhose (Aszites nicht nachweisbar)",
    "cirrhose : ascite non retrouvée",
    "cirrhose, varices non retrouvées",
]
# the negation is the state's own (fix195's intended cases): the state is denied
DIALYSIS_DENIED = [
    "Dialyse derzeit nicht indiziert",
    "dialyse non nécessaire",
    "dialysis currently not required",
    "diálisis actualmente no necesaria",
    "dialisi attualmente non indicata",
    "dialyse momenteel niet nodig",
]
CIRRHOSIS_DENIED = [
    "Zirrhose sonographisch nicht nachweisbar",
    "cirrhose non retrouvée",
    "cirrhosis not seen on ultrasound",
    "cirrhosis clinically not evident",
    "cirrosis ecográficamente no objetivada",
    "cirrosi ecograficamente non evidenziata",
    "levercirrose echografisch niet aangetoond",
    "cirrhose n'est pas retrouvée à l'échographie",
]


@pytest.mark.parametrize("note", DIALYSIS_KEPT)
def test_a_denied_other_finding_after_dialysis_leaves_the_dialysis(
    factors_of: Callable, note: str
) -> None:
    """120 ng/mL on dialysis is explained by it: no prolactinoma called on a denied serology."""
    factors = factors_of(note, 120)
    assert "dialysis" in factors
    assert "prolactinoma_suspected" not in factors


@pytest.mark.parametrize("note", CIRRHOSIS_KEPT)
def test_a_denied_other_finding_after_cirrhosis_leaves_the_cirrhosis(
    factors_of: Callable, note: str
) -> None:
    assert "liver_cirrhosis" in factors_of(note, 45)


@pytest.mark.parametrize("note", DIALYSIS_DENIED)
def test_dialysis_itself_not_needed_is_no_dialysis(factors_of: Callable, note: str) -> None:
    assert "dialysis" not in factors_of(note, 120)


@pytest.mark.parametrize("note", CIRRHOSIS_DENIED)
def test_cirrhosis_itself_not_found_is_no_cirrhosis(factors_of: Callable, note: str) -> None:
    factors = factors_of(note, 45)
    assert "liver_cirrhosis" not in factors
    assert "unexplained" in factors


CASES: list[tuple[str, float]] = [
    *((n, 120) for n in [*DIALYSIS_KEPT, *DIALYSIS_DENIED]),
    *((n, 45) for n in [*CIRRHOSIS_KEPT, *CIRRHOSIS_DENIED]),
]
