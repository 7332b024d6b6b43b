"""Synthetic results frames for the writer and report tests (and bench/render.py).

The engine is built in parallel, so these frames are made here to its interface: RESULT_COLUMNS
then ENGINE_EXTRA_COLUMNS, with the dtypes the engine documents.  Patients are synthetic.  Rows are
drawn from clinical vignettes (urgent, soon, routine, none; ng/mL and mIU/L; text values such as
"<3.0" or ">470"; several results per patient over time).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from triage.knowledge import load_knowledge
from triage.output import RunMeta
from triage.schema import ENGINE_EXTRA_COLUMNS, RESULT_COLUMNS, InputSummary, Rejected

MIU_PER_NG = 21.2
BANDS: list[tuple[str, float]] = [
    ("mild", 0.0),
    ("moderate", 50.0),
    ("marked", 100.0),
    ("very_high", 250.0),
    ("extreme", 500.0),
]
GENERATED_AT = datetime(2026, 3, 14, 9, 30)
FILES = (
    ("wide_clinic_export.xlsx", "Results"),
    ("lis_long_export.csv", ""),
    ("clinic_list.ods", "PRL"),
)


def factor(code: str, label: str, strength: str, evidence: str) -> dict[str, str]:
    return {"code": code, "label": label, "strength": strength, "evidence": evidence, "rule": code}


def step(code: str, label: str, reason: str) -> dict[str, str]:
    return {"code": code, "label": label, "reason": reason, "rule": code}


@dataclass(frozen=True)
class Vignette:
    """One kind of result; rows drawn from it vary the value a little."""

    name: str
    weight: float
    ng_ml: float
    unit: str  # "ng/mL" or "mIU/L"
    status: str
    band: str
    interpretation: str
    priority: str
    sex: str | None
    age: float
    low: float | None
    high: float | None
    source: str = "set"
    stratum: str = "default:adult_female"
    qualifier: str = ""
    raw_text: str | None = None  # a fixed text value, e.g. "<3.0"
    factors: list[dict[str, str]] = field(default_factory=list)
    steps: list[dict[str, str]] = field(default_factory=list)


VIGNETTES: tuple[Vignette, ...] = (
    Vignette("normal", 0.30, 12.3, "ng/mL", "normal", "", "N", "none", "F", 34, 4.8, 23.3),
    Vignette(
        "normal_miu",
        0.10,
        8.1,
        "mIU/L",
        "normal",
        "",
        "N",
        "none",
        "M",
        51,
        4.0,
        15.2,
        stratum="default:adult_male",
    ),
    Vignette(
        "risperidone",
        0.12,
        38.0,
        "ng/mL",
        "high",
        "mild",
        "H",
        "routine",
        "F",
        29,
        4.8,
        23.3,
        factors=[
            factor(
                "medication:antipsychotic",
                "Antipsychotic (risperidone)",
                "likely",
                "medications: 'Risperdal 2 mg nocte' names risperidone",
            )
        ],
        steps=[
            step("medication_review", "Review the medication", "risperidone raises prolactin"),
            step("repeat_rested_sample", "Repeat on a rested sample", "mild rise"),
        ],
    ),
    Vignette(
        "unexplained_marked",
        0.10,
        145.0,
        "mIU/L",
        "high",
        "marked",
        "H",
        "soon",
        "F",
        31,
        4.8,
        23.3,
        factors=[
            factor(
                "prolactinoma_suspected",
                "Prolactinoma suspected",
                "possible",
                "prolactin 3074 mIU/L (145 ng/mL) with no drug or systemic cause",
            ),
            factor("unexplained", "No cause found in the data", "possible", "no factor fired"),
        ],
        steps=[
            step("macroprolactin_screen", "Macroprolactin screen (PEG)", "asymptomatic rise"),
            step("pituitary_mri", "Pituitary MRI", "marked rise without a cause"),
            step("endocrine_referral", "Endocrine referral", "unexplained rise"),
            step("check_tsh", "Check TSH", "no TSH in the data"),
        ],
    ),
    Vignette(
        "urgent_visual",
        0.05,
        292.0,
        "mIU/L",
        "high",
        "very_high",
        "HH",
        "urgent",
        "M",
        58,
        4.0,
        15.2,
        stratum="default:adult_male",
        factors=[
            factor(
                "macroprolactinoma_suspected",
                "Macroprolactinoma suspected",
                "likely",
                "prolactin 6190 mIU/L above 5000 mIU/L; symptoms: 'bitemporal field loss'",
            ),
            factor(
                "known_pituitary_lesion",
                "Known pituitary lesion",
                "likely",
                "pituitary_lesion: 'macroadenoma 24 mm'",
            ),
        ],
        steps=[
            step(
                "urgent_endocrine_referral",
                "Urgent endocrine referral",
                "visual disturbance with a very high prolactin",
            ),
            step("visual_field_test", "Visual field test", "symptoms mention field loss"),
            step("pituitary_function_tests", "Pituitary function tests", "macroadenoma"),
        ],
    ),
    Vignette(
        "extreme_text",
        0.02,
        470.0,
        "ng/mL",
        "high",
        "extreme",
        "HH",
        "urgent",
        "F",
        44,
        4.8,
        23.3,
        qualifier=">",
        raw_text=">470",
        factors=[
            factor(
                "macroprolactinoma_suspected",
                "Macroprolactinoma suspected",
                "likely",
                "prolactin '>470' ng/mL, above the assay's range",
            )
        ],
        steps=[
            step("dilution_retest", "Re-assay with dilution", "the result is above the range"),
            step("urgent_endocrine_referral", "Urgent endocrine referral", "extreme result"),
        ],
    ),
    Vignette(
        "pregnancy",
        0.06,
        180.0,
        "ng/mL",
        "normal",
        "",
        "N",
        "none",
        "F",
        30,
        35.0,
        600.0,
        source="physiological",
        stratum="default:pregnant_t3",
        factors=[factor("pregnancy", "Pregnancy", "likely", "pregnant: 'Y (32 wk)'")],
    ),
    Vignette(
        "hook_risk",
        0.03,
        62.0,
        "ng/mL",
        "high",
        "moderate",
        "H",
        "soon",
        "M",
        47,
        4.0,
        15.2,
        stratum="default:adult_male",
        factors=[
            factor(
                "known_pituitary_lesion",
                "Known pituitary lesion",
                "likely",
                "pituitary_lesion_mm: 35",
            )
        ],
        steps=[
            step(
                "hook_effect_risk",
                "Hook effect possible",
                "35 mm lesion with a modest prolactin: the assay may under-read",
            ),
            step("dilution_retest", "Re-assay with dilution", "hook effect possible"),
        ],
    ),
    Vignette(
        "low",
        0.05,
        3.0,
        "ng/mL",
        "low",
        "",
        "L",
        "none",
        "F",
        62,
        4.8,
        23.3,
        qualifier="<",
        raw_text="<3.0",
        stratum="default:postmenopausal",
    ),
    Vignette(
        "indeterminate",
        0.04,
        21.0,
        "ng/mL",
        "indeterminate",
        "",
        "N",
        "routine",
        None,
        40,
        None,
        None,
        stratum="",
        steps=[
            step(
                "repeat_rested_sample",
                "Repeat with sex recorded",
                "the value lies between the male and female limits",
            )
        ],
    ),
    Vignette(
        "renal",
        0.05,
        55.0,
        "mIU/L",
        "high",
        "moderate",
        "H",
        "routine",
        "M",
        71,
        4.0,
        15.2,
        stratum="default:adult_male",
        factors=[factor("renal_impairment", "Renal impairment", "likely", "egfr: 22")],
        steps=[step("check_renal_function", "Check renal function", "eGFR 22")],
    ),
    Vignette(
        "hypothyroid",
        0.05,
        41.0,
        "ng/mL",
        "high",
        "mild",
        "H",
        "routine",
        "F",
        38,
        4.8,
        23.3,
        source="row",
        stratum="row",
        factors=[factor("hypothyroidism", "Primary hypothyroidism", "likely", "tsh: 12.4")],
        steps=[step("check_tsh", "Repeat TSH and free T4", "TSH 12.4")],
    ),
    Vignette(
        "masked",
        0.03,
        16.0,
        "ng/mL",
        "normal",
        "",
        "N",
        "routine",
        "F",
        36,
        4.8,
        23.3,
        factors=[],
        steps=[
            step(
                "dopamine_agonist_masking",
                "Dopamine agonist may mask a rise",
                "medications: 'cabergoline 0.5 mg twice weekly'",
            )
        ],
    ),
)

NAMES = (
    "Moreau, Élodie",
    "O'Brien, Siobhan",
    "Nguyen Van An",
    "Müller, Jürgen",
    "Okafor, Chidi",
    "Kowalska, Zofia",
    "García López, Inés",
    "Tanaka Yui",
    "Haddad, Karim",
    "Lindqvist, Sara",
    "Smith, Jane",
    "Fernandes, Rui",
)


def _raw_value(v: Vignette, value_unit: float) -> str:
    if v.raw_text:
        return v.raw_text
    return f"{value_unit:.0f}" if v.unit == "mIU/L" else f"{value_unit:.1f}"


def make_results(n: int, *, seed: int = 7, patients: int | None = None) -> pd.DataFrame:
    """``n`` varied results; about 1.6 results per patient unless ``patients`` is given."""
    rng = np.random.default_rng(seed)
    weights = np.array([v.weight for v in VIGNETTES])
    pick = rng.choice(len(VIGNETTES), size=n, p=weights / weights.sum())
    every = min(n, len(VIGNETTES))
    pick[:every] = np.arange(every)  # every vignette at least once when n allows
    n_patients = patients or max(1, int(n / 1.6))
    patient = rng.integers(0, n_patients, size=n)
    jitter = rng.uniform(0.92, 1.08, size=n)
    start = datetime(2026, 1, 5, 8, 0)
    collected = [
        start + timedelta(days=int(d), minutes=int(m))
        for d, m in zip(rng.integers(0, 70, size=n), rng.integers(0, 600, size=n), strict=True)
    ]
    rows: dict[str, list[Any]] = {c: [] for c in (*RESULT_COLUMNS, *ENGINE_EXTRA_COLUMNS)}
    per_file_row = {f: 4 for f, _ in FILES}
    for i in range(n):
        v = VIGNETTES[pick[i]]
        file, sheet = FILES[i % len(FILES)]
        per_file_row[file] += 1
        ng = v.ng_ml if v.raw_text else round(v.ng_ml * jitter[i], 1)
        value_unit = ng * MIU_PER_NG if v.unit == "mIU/L" else ng
        pid = f"P{patient[i]:05d}"
        rows["source_file"].append(file)
        rows["source_sheet"].append(sheet)
        rows["source_row"].append(per_file_row[file])
        rows["patient_id"].append(pid)
        rows["collected_at"].append(collected[i])
        rows["sex"].append(v.sex)
        rows["age_years"].append(float(v.age))
        rows["prolactin_raw"].append(_raw_value(v, value_unit))
        rows["unit_raw"].append("mU/L" if v.unit == "mIU/L" and i % 2 else v.unit)
        rows["prolactin_ng_ml"].append(ng)
        rows["qualifier"].append(v.qualifier)
        rows["reference_set"].append("default")
        rows["reference_source"].append(v.source if v.high is not None else "")
        rows["reference_low_ng_ml"].append(v.low if v.low is not None else np.nan)
        rows["reference_high_ng_ml"].append(v.high if v.high is not None else np.nan)
        rows["times_uln"].append(ng / v.high if v.high else np.nan)
        rows["status"].append(v.status)
        rows["band"].append(v.band)
        rows["interpretation"].append(v.interpretation)
        rows["priority"].append(v.priority)
        rows["factors"].append(";".join(f["code"] for f in v.factors))
        rows["suggestions"].append(";".join(s["code"] for s in v.steps))
        rows["patient_name"].append(NAMES[patient[i] % len(NAMES)])
        rows["prolactin_value"].append(value_unit)
        rows["prolactin_unit"].append(v.unit)
        rows["conversion_factor_used"].append(MIU_PER_NG if v.unit == "mIU/L" else np.nan)
        rows["reference_stratum"].append(v.stratum)
        rows["reference_note"].append(
            f"{v.stratum or 'no stratum'}: interval of the default set"
            if v.high
            else "sex unknown: the value lies between the male and female limits"
        )
        rows["factor_details"].append(v.factors)
        rows["suggestion_details"].append(v.steps)
        rows["factor_evidence"].append(
            " | ".join(f"{f['code']} ({f['strength']}): {f['evidence']}" for f in v.factors)
        )
        rows["specimen_id"].append(f"S{i:06d}")
        rows["birth_date"].append(pd.NaT)
        # the limits in the row's unit at the lab's precision (the engine's reference_*_value)
        lab_limit = (lambda x: float(round(x * MIU_PER_NG))) if v.unit == "mIU/L" else float
        rows["reference_low_value"].append(lab_limit(v.low) if v.low is not None else np.nan)
        rows["reference_high_value"].append(lab_limit(v.high) if v.high is not None else np.nan)
        rows["requesting_clinician"].append("Dr A. Example" if i % 3 == 0 else None)
        rows["location"].append("Endocrine clinic" if i % 3 == 0 else None)
        rows["patient_issuer"].append(None)  # no input here names an issuer
        rows["result_status"].append(None)  # no input here gives a result status
        rows["visit"].append(None)  # no input here names a visit
        rows["source_column"].append(None)  # one prolactin column per row here
        rows["unmatched_assay"].append(None)  # every row's assay is a set's (or none is named)
        rows["comment"].append(f"{v.status.capitalize()} result ({v.name.replace('_', ' ')}).")
    return _typed(pd.DataFrame(rows))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = (
        "age_years",
        "prolactin_ng_ml",
        "reference_low_ng_ml",
        "reference_high_ng_ml",
        "times_uln",
        "prolactin_value",
        "conversion_factor_used",
        "reference_low_value",
        "reference_high_value",
    )
    out = frame.copy()
    for c in floats:
        out[c] = out[c].astype("float64")
    out["source_row"] = out["source_row"].astype("int64")
    out["collected_at"] = pd.to_datetime(out["collected_at"]).astype("datetime64[ns]")
    for c in out.columns:
        if c not in floats and c not in (
            "source_row",
            "collected_at",
            "factor_details",
            "suggestion_details",
        ):
            out[c] = out[c].astype("string")
    return out


REJECT_SAMPLES = (
    ("unparseable_result", "prolactin cell 'haemolysed'"),
    ("missing_result", "prolactin cell is empty"),
    ("not_a_result_row", "footer: 'Report printed 2026-03-01'"),
    ("unknown_unit", "no unit for '45'"),
    ("duplicate_header", "repeated header row"),
)


def make_rejected(n: int) -> list[Rejected]:
    out = []
    for i in range(n):
        code, detail = REJECT_SAMPLES[i % len(REJECT_SAMPLES)]
        file, sheet = FILES[i % len(FILES)]
        out.append(Rejected(file, sheet, 100 + i, code, detail))
    return out


def make_inputs(results: pd.DataFrame, rejected: list[Rejected]) -> list[InputSummary]:
    out = []
    for file, sheet in FILES:
        triaged = int((results["source_file"] == file).sum())
        rej = sum(1 for r in rejected if r.source_file == file)
        out.append(
            InputSummary(
                file=file,
                sha256=(file.encode().hex() * 8)[:64],
                sheet=sheet,
                rows_read=triaged + rej,
                rows_triaged=triaged,
                rows_rejected=rej,
                shape="long" if file.endswith(".csv") else "wide",
                header_row=3 if file.endswith(".xlsx") else 1,
                warnings=["column 'Notes' not used"] if file.endswith(".ods") else [],
            )
        )
    return out


def make_meta(results: pd.DataFrame, rejected: list[Rejected]) -> RunMeta:
    return RunMeta(
        tool_name="prolactin-triage",
        tool_version="0.1.0",
        generated_at=GENERATED_AT,
        reference_set="default",
        reference_title="Default adult and physiological intervals",
        inputs=make_inputs(results, rejected),
        band_thresholds=list(BANDS),
        # the default set's factor, as a run takes it from reference_ranges/default.toml
        miu_per_ng=load_knowledge("default").reference_set.miu_per_ng,
    )


def flagged_patients(results: pd.DataFrame, *, all_patients: bool = False) -> set[str]:
    """Patient ids with any result whose priority is not none (every id with all_patients)."""
    if all_patients:
        return set(results["patient_id"])
    return set(results.loc[results["priority"] != "none", "patient_id"])


# ---------------------------------------------------------------------------------------------
# Injection payloads in every text field
# ---------------------------------------------------------------------------------------------
PAYLOAD_FILE = Path(__file__).parent / "data" / "injection_payloads.txt"


def load_payloads() -> list[str]:
    """One payload per line; ``\\t`` and ``\\r`` written as escapes in the file."""
    out = []
    for line in PAYLOAD_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("# "):  # "#REF!" is a payload, "# note" a comment
            continue
        out.append(line.replace("\\t", "\t").replace("\\r", "\r"))
    return out


def with_payloads(
    results: pd.DataFrame, rejected: list[Rejected], payloads: list[str]
) -> tuple[pd.DataFrame, list[Rejected]]:
    """Every text field of every row holds a payload (a different one per row and field)."""
    out = results.copy()
    text_columns = [
        "source_file",
        "source_sheet",
        "patient_id",
        "patient_name",
        "prolactin_raw",
        "unit_raw",
        "reference_stratum",
        "reference_note",
        "factor_evidence",
        "sex",
        "band",
        "interpretation",
        "reference_set",
        "reference_source",
        "status",
        "factors",
        "suggestions",
    ]
    k = len(payloads)
    for j, column in enumerate(text_columns):
        out[column] = pd.Series(
            [payloads[(i + j) % k] for i in range(len(out))], index=out.index, dtype="string"
        )
    factor_cells, step_cells = [], []
    for i in range(len(out)):
        p = payloads[i % k]
        q = payloads[(i + 3) % k]
        factor_cells.append(
            [factor("medication:other", p, "likely", q), factor(p, q, "possible", p)]
        )
        step_cells.append([step("pituitary_mri", q, p), step("hook_effect_risk", p, q)])
    out["factor_details"] = pd.Series(factor_cells, index=out.index, dtype=object)
    out["suggestion_details"] = pd.Series(step_cells, index=out.index, dtype=object)
    bad_rejected = [
        replace(
            r,
            source_file=payloads[i % k],
            source_sheet=payloads[(i + 1) % k],
            reason_code=payloads[(i + 2) % k],
            detail=payloads[(i + 4) % k],
        )
        for i, r in enumerate(rejected)
    ]
    return out, bad_rejected
