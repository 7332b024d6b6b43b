"""Human labels, kinds and display order of the factor, suggestion and caution codes.

The words live in triage/data/labels.toml; every code of schema.FACTOR_CODES, SUGGESTION_CODES
and CAUTION_CODES must have a label there (checked on load).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from triage.resources import data_file
from triage.schema import CAUTION_CODES, FACTOR_CODES, SUGGESTION_CODES, ConfigError

LABELS_FILE = "labels.toml"
FACTOR_KINDS = frozenset(
    {"artefact", "pathological", "physiological", "drug", "systemic", "other", "none"}
)
SUGGESTION_KINDS = frozenset({"step", "caution"})


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    label: str
    kind: str
    order: int  # position in labels.toml: the display order


@dataclass(frozen=True)
class Labels:
    factors: Mapping[str, CodeInfo]
    suggestions: Mapping[str, CodeInfo]
    drug_classes: Mapping[str, str]

    def drug_class(self, name: str) -> str:
        """How evidence names a drug class ("antiemetic/prokinetic"); else the class itself."""
        return self.drug_classes.get(name, name.replace("_", " "))

    def factor(self, code: str) -> CodeInfo:
        return self.factors[code]

    def suggestion(self, code: str) -> CodeInfo:
        return self.suggestions[code]


def parse_labels(spec: Mapping[str, Any], source: str = LABELS_FILE) -> Labels:
    """Labels from the parsed TOML; ConfigError when a code is missing or unknown."""
    factors = _codes(spec, "factors", FACTOR_CODES, FACTOR_KINDS, source)
    suggestions = _codes(
        spec, "suggestions", SUGGESTION_CODES + CAUTION_CODES, SUGGESTION_KINDS, source
    )
    for code in CAUTION_CODES:
        if suggestions[code].kind != "caution":
            raise ConfigError(source, f"{code!r} must have kind 'caution'", field=code)
    classes = spec.get("drug_classes", {})
    if not isinstance(classes, Mapping):
        raise ConfigError(source, "[drug_classes] must be a table", field="drug_classes")
    return Labels(
        factors=factors,
        suggestions=suggestions,
        drug_classes={str(k): str(v) for k, v in classes.items()},
    )


def _codes(
    spec: Mapping[str, Any],
    table: str,
    expected: tuple[str, ...],
    kinds: frozenset[str],
    source: str,
) -> dict[str, CodeInfo]:
    body = spec.get(table)
    if not isinstance(body, Mapping):
        raise ConfigError(source, f"missing table [{table}]", field=table)
    missing = [c for c in expected if c not in body]
    unknown = [c for c in body if c not in expected]
    if missing or unknown:
        raise ConfigError(source, f"[{table}]: missing {missing}, unknown {unknown}", field=table)
    infos: dict[str, CodeInfo] = {}
    for order, (code, entry) in enumerate(body.items()):
        label = entry.get("label") if isinstance(entry, Mapping) else None
        kind = entry.get("kind") if isinstance(entry, Mapping) else None
        if not isinstance(label, str) or not label or kind not in kinds:
            raise ConfigError(source, f"{code!r} needs a label and a kind", field=code)
        infos[code] = CodeInfo(code=code, label=label, kind=str(kind), order=order)
    return infos


@cache
def load_labels() -> Labels:
    """The bundled labels (triage/data/labels.toml), read once."""
    with data_file(LABELS_FILE).open("rb") as handle:
        return parse_labels(tomllib.load(handle))
