"""Review 22: the stress of the sample and exercise before it, as clinicians write them.

A child who cried, screamed or had to be held down at the draw ("Kind weinte bei der
Blutentnahme", "a pleuré pendant le prélèvement", "lloró durante la extracción", "ha pianto
durante il prelievo", "huilde tijdens de bloedafname"), a difficult blood draw, repeated
punctures ("Mehrfachpunktion"), a collapse at the draw, and exercise just before the sample ("after
a 10 km run", "na intensieve training", "Wettkampf heute morgen") are the sampling's stress or a
transient rise (clinical-reference §0 "Possible stress artefact", §1.1; ES 2011: a repeat
rested sample), where they had been read as an unexplained rise with a referral.  A calm draw
("did not cry", "weinte nicht", "n'a pas pleuré", "no lloró") and a word that only looks alike
("pleural effusion" beside a sample) are not.

Synthetic patients only; in process (run_triage), one CSV per case family.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin (ng/mL),comments"

STRESS = [
    "Kind weinte bei der Blutentnahme",
    "cried a lot during the blood draw",
    "screaming and had to be held down for bloods",
    "Kind hat bei der Blutentnahme stark geweint",
    "unruhiges Kind bei der Abnahme",
    "a pleuré pendant le prélèvement",
    "lloró durante la extracción",
    "ha pianto durante il prelievo",
    "huilde tijdens de bloedafname",
    "Mehrfachpunktion",
    "difficult blood draw",
    "Kollaps bei Blutentnahme",
]
EXERCISE = ["after a 10 km run", "na intensieve training", "Wettkampf heute morgen"]
CALM = [
    "did not cry at the blood draw",
    "Kind weinte nicht bei der Blutentnahme",
    "n'a pas pleuré au prélèvement",
    "no lloró durante la extracción",
    "non ha pianto al prelievo",
    "huilde niet bij de bloedafname",
    "pleural effusion; sample taken",
    "",
]


def test_stress_at_the_draw_and_exercise_before_it(tmp_path: Path) -> None:
    lines = [f"S{i},M,6,25,{csv_quoted(t)}" for i, t in enumerate(STRESS)]
    lines += [f"E{i},M,30,40,{csv_quoted(t)}" for i, t in enumerate(EXERCISE)]
    lines += [f"C{i},M,6,25,{csv_quoted(t)}" for i, t in enumerate(CALM)]
    out = triage_lines(tmp_path, HEADER, lines)
    for i, text in enumerate(STRESS):
        assert out.loc[f"S{i}", "factors"].split(";")[0] == "venipuncture_stress", text
        assert "repeat_rested_sample" in out.loc[f"S{i}", "suggestions"], text
    for i, text in enumerate(EXERCISE):
        assert "transient_physiological" in out.loc[f"E{i}", "factors"], text
    for i, text in enumerate(CALM):
        factors = out.loc[f"C{i}", "factors"]
        assert "venipuncture_stress" not in factors and "transient" not in factors, text
        assert out.loc[f"C{i}", "priority"] == "soon", text
