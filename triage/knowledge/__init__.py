"""Clinical knowledge as data: reference sets, thresholds and the drug lexicon, validated on load.

knowledge = load_knowledge("default")            # or a set name, or a .toml/.csv file
matcher = drug_matcher(knowledge.drugs)
matcher.find("Risperdal Consta 37.5mg; no metoclopramide")   # -> [DrugMatch(risperidone)]
"""

from __future__ import annotations

from triage.knowledge.drugs import DrugMatcher, DrugMention, drug_matcher
from triage.knowledge.loaders import (
    DEFAULT_SET_NAME,
    factor_codes,
    find_assay_set,
    list_reference_sets,
    load_drug_classes,
    load_drugs,
    load_knowledge,
    load_reference_set,
    load_thresholds,
    reference_file_problems,
    reference_set_paths,
    validate_reference_file,
)
from triage.knowledge.model import (
    Band,
    Drug,
    DrugClassInfo,
    DrugMatch,
    Knowledge,
    ReferenceSet,
    Stratum,
    Threshold,
    Thresholds,
)

__all__ = [
    "DEFAULT_SET_NAME",
    "Band",
    "Drug",
    "DrugClassInfo",
    "DrugMatch",
    "DrugMatcher",
    "DrugMention",
    "Knowledge",
    "ReferenceSet",
    "Stratum",
    "Threshold",
    "Thresholds",
    "drug_matcher",
    "factor_codes",
    "find_assay_set",
    "list_reference_sets",
    "load_drug_classes",
    "load_drugs",
    "load_knowledge",
    "load_reference_set",
    "load_thresholds",
    "reference_file_problems",
    "reference_set_paths",
    "validate_reference_file",
]
