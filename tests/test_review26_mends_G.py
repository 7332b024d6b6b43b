"""Review 26 mends G (after mend A): a negation written after a state's noun within the reach
window is the state's own, whatever adverb or phrase stands between ("pregnancy biochemically
excluded", "Schwangerschaft laborchemisch sicher ausgeschlossen", "zwangerschap met zekerheid
uitgesloten", "cirrhosis clinically and radiologically excluded").  Mend A read such a state
as present unless every word between was on a list of fillers: a pregnancy, a lactation, a
dialysis or a cirrhosis that explains a raised result then hid it (a false normal).  The
state stands only where something that clearly names another finding stands between: a word
of [negation] after_others ("pregnancy HIV excluded") or a colon or a bracket opening one
("Schwangerschaft: HBsAg nicht nachweisbar").

Clinical-reference §4 (pregnancy, lactation, dialysis and cirrhosis raise prolactin) and §8
(each explains a raised result only when the patient has it); output contract §7 (a raised
result not explained is `routine` / `unexplained`, never the pregnancy interval's none).

Synthetic patients only."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

STATES = ("pregnancy", "lactation", "dialysis", "liver_cirrhosis")


@pytest.fixture(scope="module")
def result_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], pd.Series]:
    """One run over every note of this module: a woman of 30 with 45 ng/mL per note."""
    notes = list(dict.fromkeys([*(n for n, _ in DENIED), *(n for n, _ in KEPT)]))
    results = triage_lines(
        tmp_path_factory.mktemp("mendG"),
        "patient_id,sex,age,prolactin ng/mL,comments",
        [f'P{i:02d},F,30,45,"{note}"' for i, note in enumerate(notes)],
    )
    rows = {note: results.loc[f"P{i:02d}"] for i, note in enumerate(notes)}
    return rows.__getitem__


# the negation is the state's own, an adverb or a phrase between: no state, a raised result
DENIED = [
    ("pregnancy biochemically excluded", "pregnancy"),
    ("pregnancy: biochemically excluded", "pregnancy"),
    ("Schwangerschaft laborchemisch sicher ausgeschlossen", "pregnancy"),
    ("Gravidität laborchemisch ausgeschlossen", "pregnancy"),
    ("grossesse formellement exclue", "pregnancy"),
    ("grossesse biologiquement exclue", "pregnancy"),
    ("embarazo razonablemente descartado", "pregnancy"),
    ("gravidanza escluso con certezza", "pregnancy"),
    ("gravidanza con certezza esclusa", "pregnancy"),
    ("zwangerschap met zekerheid uitgesloten", "pregnancy"),
    ("breastfeeding definitively stopped", "lactation"),
    ("Stillen vollständig beendet", "lactation"),
    ("allaitement complètement arrêté", "lactation"),
    ("lactancia completamente suspendida", "lactation"),
    ("allattamento completamente sospeso", "lactation"),
    ("borstvoeding volledig gestopt", "lactation"),
    ("dialysis permanently discontinued", "dialysis"),
    ("Dialyse endgültig beendet", "dialysis"),
    ("dialyse définitivement arrêtée", "dialysis"),
    ("diálisis definitivamente suspendida", "dialysis"),
    ("dialisi definitivamente sospesa", "dialysis"),
    ("dialyse definitief gestopt", "dialysis"),
    ("cirrhosis clinically and radiologically excluded", "liver_cirrhosis"),
    ("Leberzirrhose laborchemisch und sonographisch ausgeschlossen", "liver_cirrhosis"),
    ("cirrhose cliniquement et radiologiquement exclue", "liver_cirrhosis"),
    ("cirrosis razonablemente descartada", "liver_cirrhosis"),
    ("cirrosi ragionevolmente esclusa", "liver_cirrhosis"),
    ("levercirrose met zekerheid uitgesloten", "liver_cirrhosis"),
]
# another finding named between (a listed word, or a colon opening one): the state stands
KEPT = [
    ("pregnancy HIV excluded", "pregnancy"),
    ("Schwangerschaft: HBsAg nicht nachweisbar", "pregnancy"),
    ("grossesse : CMV exclue", "pregnancy"),
    ("embarazo: VIH descartado", "pregnancy"),
    ("gravidanza: HIV escluso", "pregnancy"),
    ("zwangerschap: HIV uitgesloten", "pregnancy"),
    ("haemodialysis HCV-RNA not detected", "dialysis"),
    ("Dialyse Shunt-Thrombose ausgeschlossen", "dialysis"),
    ("cirrhosis (ascites not seen)", "liver_cirrhosis"),
    ("cirrosis varices descartadas", "liver_cirrhosis"),
]


@pytest.mark.parametrize(("note", "state"), DENIED)
def test_a_state_negated_past_an_adverb_is_no_state(
    result_of: Callable[[str], pd.Series], note: str, state: str
) -> None:
    """45 ng/mL in a woman of 30 is raised and, with the state denied, not explained."""
    row = result_of(note)
    factors = str(row["factors"]).split(";")
    assert state not in factors
    assert "unexplained" in factors
    assert row["priority"] == "routine"


@pytest.mark.parametrize(("note", "state"), KEPT)
def test_another_finding_between_keeps_the_state(
    result_of: Callable[[str], pd.Series], note: str, state: str
) -> None:
    assert state in str(result_of(note)["factors"]).split(";")
