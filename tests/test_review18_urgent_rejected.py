"""A row rejected for its age is still listed with the urgent results when its result may be
above the urgent level whatever the interval (review 18).

The urgent level is 5000 mIU/L (thresholds.toml urgent_miu_l), ~236 ng/mL at the shipped
assays' 21.2 mIU/L per ng/mL (clinical-reference §2.4).  A result in ng/mL was compared at
miu_per_ng_plausible_max (40, a bound for checking a factor someone wrote), so every
age-rejected row from 125 ng/mL up was announced as possibly urgent (urgent.txt, stderr,
``--fail-on urgent`` exit 10): a false alarm a lab learns to ignore.  It is compared at the
row's factor (a mapping's conversion_factor), else the largest shipped assay's.  Synthetic
patients only.
"""

from __future__ import annotations

from pathlib import Path

from triage.knowledge.loaders import list_reference_sets, load_thresholds
from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, text: str, mapping: str = "") -> TriageOutcome:
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    columns = None
    if mapping:
        columns = tmp_path / "mapping.toml"
        columns.write_text(mapping, encoding="utf-8")
    request = TriageRequest(
        inputs=[path], out_dir=tmp_path / "out", keep_results=True, columns=columns
    )
    return run_triage(request)


def _urgent_level_ng() -> float:
    urgent = load_thresholds().get("urgent_miu_l")
    return urgent / max(rs.miu_per_ng for rs in list_reference_sets())


def test_age_rejected_rows_are_urgent_only_above_the_assays_urgent_level(tmp_path: Path) -> None:
    level = _urgent_level_ng()  # ~236 ng/mL
    rows = {  # source row -> (age as written, result, unit)
        2: ("150", 130, "ng/mL"),  # ~2760 mIU/L: below 5000 at any shipped factor
        3: ("250", round(level * 0.8), "ng/mL"),
        4: ("-4", round(level * 1.2), "ng/mL"),  # above: listed
        5: ("150", 6100, "mIU/L"),  # above, in mIU/L: listed
        6: ("-4", 4200, "mIU/L"),
    }
    # a cohort's ages, most of them readable
    rows |= {r: (str(20 + r), 130, "ng/mL") for r in range(7, 19)}
    lines = [f"S-{r},F,{age},{value},{unit}" for r, (age, value, unit) in rows.items()]
    outcome = _run(tmp_path, "record_id,sex,age,prl,unit\n" + "\n".join(lines) + "\n")
    by_row = {r.source_row: r for r in outcome.rejected}
    aged = {row for row, r in by_row.items() if r.reason_code == "unreadable_age"}
    listed = {row for row, r in by_row.items() if r.possibly_urgent}
    assert aged == {2, 3, 4, 5, 6}
    assert listed == {4, 5}
    assert outcome.result_count + len(outcome.rejected) == len(rows)
    urgent = "\n".join(outcome.urgent)
    assert "row 4" in urgent and "row 2 " not in urgent and "row 3 " not in urgent


def test_a_labs_own_factor_decides(tmp_path: Path) -> None:
    # A lab whose assay converts at 25 mIU/L per ng/mL: 210 ng/mL is 5250 mIU/L for it.
    lines = ["S-1,M,-4,210", "S-2,M,-4,180", *(f"S-{r},M,{30 + r},12" for r in range(3, 9))]
    text = "record_id,sex,age,prl (ng/mL)\n" + "\n".join(lines) + "\n"
    outcome = _run(tmp_path, text, "[defaults]\nconversion_factor = 25\n")
    listed = {r.source_row for r in outcome.rejected if r.possibly_urgent}
    assert {r.reason_code for r in outcome.rejected} == {"unreadable_age"}
    assert listed == {2}
