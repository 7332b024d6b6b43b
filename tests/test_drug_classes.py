"""A class of drugs is defined once, by a [[class]] table of the drug lexicon (drugs.toml): its
factor code medication:<class>, the factor's label, how evidence names it and the effect its drugs
must have all follow from that one entry."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.engine.labels import load_labels, parse_labels
from triage.knowledge import factor_codes, load_drug_classes, load_drugs
from triage.knowledge.loaders import factor_codes_with
from triage.knowledge.model import DrugClassInfo
from triage.resources import data_file
from triage.schema import DRUG_FACTORS, FACTOR_CODES, ConfigError

# output-contract §7, as the contract writes it, and this project's documented extension
# (docs/output-contract-extensions.md: transient_physiological, acute_illness,
# cranial_radiation, treated_hyperprolactinemia, acromegaly)
CONTRACT_FACTORS = """pregnancy, lactation, neonatal, medication:antipsychotic,
medication:antiemetic_prokinetic, medication:antidepressant, medication:h2_antagonist,
medication:verapamil, medication:antihypertensive, medication:opioid, medication:estrogen,
medication:other, renal_impairment, dialysis, liver_cirrhosis, hypothyroidism,
prolactinoma_suspected, macroprolactinoma_suspected, known_pituitary_lesion, stalk_effect,
head_trauma, chest_wall_stimulation, seizure, macroprolactinemia, venipuncture_stress,
unexplained"""
EXTENSIONS = {
    "transient_physiological",
    "acute_illness",
    "cranial_radiation",
    "treated_hyperprolactinemia",
    "acromegaly",
}

DRUG = """
[[drug]]
name = "{name}"
class = "{drug_class}"
effect = "{effect}"
frequency = "low"
masks = false
source = "synthetic [M]"
"""
CLASS = """
[[class]]
name = "{name}"
effect = "{effect}"
label = "{label}"
evidence = "{evidence}"
"""


def lexicon(tmp_path: Path, *parts: str) -> Path:
    path = tmp_path / "drugs.toml"
    path.write_text(textwrap.dedent("".join(parts)), encoding="utf-8")
    return path


def test_the_bundled_classes_give_the_contracts_drug_factors() -> None:
    contract = {code.strip() for code in CONTRACT_FACTORS.split(",")}
    assert set(factor_codes()) == contract | EXTENSIONS
    assert DRUG_FACTORS not in factor_codes()
    assert len(factor_codes()) == len(set(factor_codes()))


def test_every_bundled_drug_names_a_defined_class_and_obeys_its_effect() -> None:
    classes = {c.name: c for c in load_drug_classes()}
    for drug in load_drugs():
        cls = classes[drug.drug_class]
        assert cls.effect in ("none", drug.effect), drug.name


def test_the_labels_of_drug_factors_come_from_the_class_table() -> None:
    labels = load_labels()
    raising = [c for c in load_drug_classes() if c.effect == "raises"]
    for cls in raising:
        info = labels.factor(f"medication:{cls.name}")
        assert (info.label, info.kind) == (cls.label, "drug")
    for cls in load_drug_classes():
        assert labels.drug_class(cls.name) == cls.evidence
    assert set(labels.factors) == set(factor_codes())
    # the drug factors stand where labels.toml's marker stands, in the class table's order
    order = sorted(labels.factors, key=lambda code: labels.factor(code).order)
    at = order.index(f"medication:{raising[0].name}")
    assert order[at : at + len(raising)] == [f"medication:{c.name}" for c in raising]


def test_a_new_class_is_one_entry_and_its_drugs(tmp_path: Path) -> None:
    path = lexicon(
        tmp_path,
        CLASS.format(
            name="antiandrogen",
            effect="raises",
            label="Anti-androgen medication",
            evidence="anti-androgen",
        ),
        CLASS.format(name="neutral", effect="none", label="", evidence="no known effect"),
        DRUG.format(name="cyproterone", drug_class="antiandrogen", effect="raises"),
        DRUG.format(name="paracetamol", drug_class="neutral", effect="raises"),
    )
    classes = load_drug_classes(path)
    assert [c.name for c in classes] == ["antiandrogen", "neutral"]
    assert [d.drug_class for d in load_drugs(path)] == ["antiandrogen", "neutral"]
    codes = factor_codes_with(classes)
    assert "medication:antiandrogen" in codes and "medication:neutral" not in codes
    assert codes.index("medication:antiandrogen") == FACTOR_CODES.index(DRUG_FACTORS)
    spec = tomllib.loads(data_file("labels.toml").read_text(encoding="utf-8"))
    labels = parse_labels(spec, classes=classes)
    assert labels.factor("medication:antiandrogen").label == "Anti-androgen medication"
    assert labels.drug_class("antiandrogen") == "anti-androgen"
    assert "medication:antipsychotic" not in labels.factors


@pytest.mark.parametrize(
    ("parts", "message", "field"),
    [
        (  # a drug of a class nobody defined
            (
                CLASS.format(name="opioid", effect="raises", label="Opioid", evidence="opioid"),
                DRUG.format(name="tramadol", drug_class="opiod", effect="raises"),
            ),
            "class 'opiod' is not one of opioid",
            "class",
        ),
        (  # a drug whose effect contradicts its class
            (
                CLASS.format(name="dopamine_agonist", effect="lowers", label="", evidence="DA"),
                DRUG.format(name="cabergoline", drug_class="dopamine_agonist", effect="raises"),
            ),
            "class 'dopamine_agonist' must have effect 'lowers'",
            None,
        ),
        (  # the same class twice
            (
                CLASS.format(name="opioid", effect="raises", label="Opioid", evidence="opioid"),
                CLASS.format(name="opioid", effect="raises", label="Opioid", evidence="opioid"),
                DRUG.format(name="tramadol", drug_class="opioid", effect="raises"),
            ),
            "class 'opioid' is defined twice",
            "name",
        ),
        (  # a raising class is a factor: it needs a label
            (
                CLASS.format(name="opioid", effect="raises", label="", evidence="opioid"),
                DRUG.format(name="tramadol", drug_class="opioid", effect="raises"),
            ),
            "missing 'label'",
            "label",
        ),
        (  # a name the factor code cannot carry
            (
                CLASS.format(name="Opioid drugs", effect="raises", label="O", evidence="opioid"),
                DRUG.format(name="tramadol", drug_class="Opioid drugs", effect="raises"),
            ),
            "must be lower case letters",
            "name",
        ),
        (  # no class table at all (a lexicon written before classes were data)
            (DRUG.format(name="tramadol", drug_class="opioid", effect="raises"),),
            "no [[class]] entries",
            "class",
        ),
    ],
)
def test_class_problems_name_the_file_line_and_field(
    tmp_path: Path, parts: tuple[str, ...], message: str, field: str | None
) -> None:
    path = lexicon(tmp_path, *parts)
    with pytest.raises(ConfigError) as caught:
        load_drugs(path)
    error = caught.value
    assert message in error.message and str(path) in str(error)
    assert error.field == field
    if field not in (None, "class") or "not one of" in message:
        assert error.line is not None and error.line > 0


def test_labels_without_the_drug_marker_are_refused() -> None:
    spec = tomllib.loads(data_file("labels.toml").read_text(encoding="utf-8"))
    factors = {k: v for k, v in spec["factors"].items() if k != DRUG_FACTORS}
    with pytest.raises(ConfigError, match="medication:"):
        parse_labels({**spec, "factors": factors})


def test_a_raising_class_reaches_the_results_with_its_label_and_evidence_name(
    tmp_path: Path,
) -> None:
    classes: dict[str, DrugClassInfo] = {c.name: c for c in load_drug_classes()}
    results = triage_csv(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,medications\n"
        "A,F,35,48,ng/mL,Zantac 360 20 mg\n"
        "B,M,50,30,ng/mL,Isoptin 80 mg 1-0-1\n",
    )
    details = results["factor_details"].tolist()
    famotidine = next(d for d in details[0] if d["code"] == "medication:h2_antagonist")
    assert famotidine["label"] == classes["h2_antagonist"].label
    assert classes["h2_antagonist"].evidence in famotidine["evidence"]
    verapamil = next(d for d in details[1] if d["code"] == "medication:verapamil")
    assert verapamil["label"] == classes["verapamil"].label
    assert classes["verapamil"].evidence in verapamil["evidence"]
