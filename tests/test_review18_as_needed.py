"""A drug taken only as needed is a possible, not a likely, cause (review 18).

clinical-reference §3: a drug raises prolactin while it is taken; one taken now and then may not
have been taken before the sample.  The prescription abbreviations for "as needed" (Dutch
"z.n." = zo nodig, Italian "s.n." = secondo necessità, German "b.B." = bei Bedarf) and "if
necessary" in each language were read as a regular intake: "likely".  German "Z.n." before a
drug is "Zustand nach" (status post), a past drug, never "as needed".  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

_HEADER = "id,sex,age,prolactin (ng/mL),medication"


def _strength(tmp_path: Path, meds: list[str]) -> list[str]:
    lines = [f"P{i},F,40,45,{m}" for i, m in enumerate(meds)]
    results = triage_lines(tmp_path, _HEADER, lines)
    out = []
    for factors, evidence in zip(results["factors"], results["factor_evidence"], strict=True):
        if "medication:" not in str(factors):
            out.append("none")
        else:
            out.append("possible" if "(possible)" in str(evidence).split(":", 2)[1] else "likely")
    return out


def test_as_needed_abbreviations_and_phrases_after_the_drug(tmp_path: Path) -> None:
    meds = [
        "Primperan 10mg z.n.",  # nl
        "metoclopramide 10 mg z. n.",
        "Plasil 10 mg s.n.",  # it
        "Plasil 10 mg secondo necessità",
        "Plasil 10 mg in caso di necessità",
        "MCP 10 mg b.B.",  # de
        "MCP 10 mg falls nötig",
        "Primperan si nécessaire",  # fr
        "Primperan si besoin est",
        "metoclopramida 10 mg si fuera necesario",  # es
        "metoclopramide 10 mg if necessary",  # en
        "metoclopramide indien noodzakelijk",
        "Haldol 5 mg (s.n.)",
    ]
    assert _strength(tmp_path, meds) == ["possible"] * len(meds)


def test_regular_intake_and_lookalikes_stay_likely(tmp_path: Path) -> None:
    meds = [
        "metoclopramide 10 mg",
        "Primperan 10 mg sn",  # no abbreviation dots: not read as one
        "Plasil 10 mg 1-1-1",
        "b.B. MCP",  # before the drug: as needed (possible)
        "Z.n. Primperan",  # German: status post, a past drug
    ]
    assert _strength(tmp_path, meds) == ["likely", "likely", "likely", "possible", "none"]
