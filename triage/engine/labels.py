"""Human labels, kinds and display order of the factor, suggestion and caution codes.

The words live in triage/data/labels.toml; every code of knowledge.factor_codes(), SUGGESTION_CODES
and CAUTION_CODES must have a label there (checked on load) — the drug factors' labels, and how
evidence names a drug class, come from the [[class]] tables of triage/data/drugs.toml, placed
where labels.toml's [factors] says "medication:*" — and the `[comments]` table holds the
wording of each result's comment in words (CommentWords, used by engine/comment.py; checked on
load too).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from string import Formatter
from typing import Any, Final

from triage.engine.classify import CONTRARY_FLAGS, FLAGGED_STATUS, OVERRULING_FLAGS
from triage.knowledge.loaders import BAND_NAMES, factor_codes_with, load_drug_classes
from triage.knowledge.model import DrugClassInfo
from triage.resources import data_file
from triage.schema import (
    CAUTION_CODES,
    DRUG_FACTOR_PREFIX,
    DRUG_FACTORS,
    PRIORITIES,
    STATUSES,
    SUGGESTION_CODES,
    ConfigError,
)

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
    # A caution's words in the comment of a raised result, when they differ ("Prolactin-lowering
    # drug may mask a raised prolactin" is wrong when the result is raised despite it).
    label_when_high: str = ""

    def label_for(self, status: str) -> str:
        return self.label_when_high if status == "high" and self.label_when_high else self.label


# [comments]: each template and the {fields} it may use.
COMMENT_TEMPLATES: Final[dict[str, frozenset[str]]] = {
    "result": frozenset({"status", "value", "unit", "reference"}),
    "reference": frozenset({"low", "high", "unit"}),
    "reference_upper": frozenset({"high", "unit"}),
    "reference_lower": frozenset({"low", "unit"}),
    "reference_none": frozenset(),
    "lead": frozenset({"strength", "label"}),
    "lead_none": frozenset({"label"}),
    "negatives": frozenset({"causes"}),
    "or": frozenset(),
    "caution": frozenset({"label"}),
    # a soon result whose first step is not the referral: the referral that makes it soon, then
    # the first step ("Endocrine referral advised; first: Pregnancy test.")
    "referral_first": frozenset({"referral", "label"}),
    # a result judged with the diluted value a note gives (engine/diluted.py): {source} the note
    # as evidence ("comments: 'diluted 1:100: 9800 mIU/L'"), {cell} the cell as written
    "diluted": frozenset({"source", "cell"}),
}
UNKNOWN_STATUS: Final = "unknown"  # [comments.status] key of a result without a status
COMMENT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "status": (
        *STATUSES,
        UNKNOWN_STATUS,
        *(FLAGGED_STATUS.format(flag=flag) for flag in OVERRULING_FLAGS),
        *(FLAGGED_STATUS.format(flag=flag) for flag in CONTRARY_FLAGS.values()),
    ),
    "band": BAND_NAMES,
    "strength": ("likely", "possible"),
    "causes": ("medication", "kidney", "thyroid"),
}
NEXT_STEP_FIELDS: Final = frozenset({"label"})
# [drug_stops]: how the evidence names a drug written as stopped, switched or not yet started,
# and the {fields} each may use: {when} the time before the sample ("21 days before the sample",
# "0–30 days before the sample (only its month written)"), {drug} the drug it was switched to.
DRUG_STOP_TEMPLATES: Final[dict[str, frozenset[str]]] = {
    "not_started": frozenset(),
    "stopped": frozenset(),
    "stopped_when": frozenset({"when"}),
    "stopped_recently": frozenset(),
    "last_given_when": frozenset({"when"}),
    "last_injection_when": frozenset({"when"}),
    "switched": frozenset({"drug"}),
    "switched_when": frozenset({"drug", "when"}),
    "switched_recently": frozenset({"drug"}),
}


@dataclass(frozen=True)
class CommentWords:
    """The wording of the comment in words (labels.toml [comments])."""

    templates: Mapping[str, str]  # COMMENT_TEMPLATES keys
    status: Mapping[str, str]  # STATUSES and "unknown"
    band: Mapping[str, str]  # BAND_NAMES
    strength: Mapping[str, str]  # likely, possible
    causes: Mapping[str, str]  # medication, kidney, thyroid
    next_step: Mapping[str, str]  # PRIORITIES

    def template(self, name: str) -> str:
        return self.templates[name]


@dataclass(frozen=True)
class Labels:
    factors: Mapping[str, CodeInfo]
    suggestions: Mapping[str, CodeInfo]
    drug_classes: Mapping[str, str]
    comments: CommentWords | None = field(default=None, compare=False)
    # [drug_stops]: DRUG_STOP_TEMPLATES keys
    drug_stops: Mapping[str, str] = field(default_factory=dict, compare=False)

    def drug_class(self, name: str) -> str:
        """How evidence names a drug class ("antiemetic/prokinetic"); else the class itself."""
        return self.drug_classes.get(name, name.replace("_", " "))

    def factor(self, code: str) -> CodeInfo:
        return self.factors[code]

    def suggestion(self, code: str) -> CodeInfo:
        return self.suggestions[code]


def parse_labels(
    spec: Mapping[str, Any],
    source: str = LABELS_FILE,
    classes: tuple[DrugClassInfo, ...] | None = None,
) -> Labels:
    """Labels from the parsed TOML and the drug classes (the bundled drugs.toml's by default);
    ConfigError when a code is missing or unknown."""
    classes = load_drug_classes() if classes is None else classes
    spec = {**spec, "factors": _with_drug_factors(spec.get("factors"), classes, source)}
    factors = _codes(spec, "factors", factor_codes_with(classes), FACTOR_KINDS, source)
    suggestions = _codes(
        spec, "suggestions", SUGGESTION_CODES + CAUTION_CODES, SUGGESTION_KINDS, source
    )
    for code in CAUTION_CODES:
        if suggestions[code].kind != "caution":
            raise ConfigError(source, f"{code!r} must have kind 'caution'", field=code)
    return Labels(
        factors=factors,
        suggestions=suggestions,
        drug_classes={c.name: c.evidence for c in classes},
        comments=parse_comments(spec, source),
        drug_stops=parse_drug_stops(spec, source),
    )


def parse_drug_stops(spec: Mapping[str, Any], source: str = LABELS_FILE) -> dict[str, str]:
    """The [drug_stops] table; ConfigError when a wording is missing, unknown or uses a {field}
    it cannot have."""
    body = spec.get("drug_stops")
    if not isinstance(body, Mapping):
        raise ConfigError(source, "missing table [drug_stops]", field="drug_stops")
    if unknown := sorted(str(k) for k in body if k not in DRUG_STOP_TEMPLATES):
        raise ConfigError(source, f"[drug_stops]: unknown {unknown}", field="drug_stops")
    return {
        name: _template(body, name, fields, source, table="drug_stops")
        for name, fields in DRUG_STOP_TEMPLATES.items()
    }


def _with_drug_factors(
    body: object, classes: tuple[DrugClassInfo, ...], source: str
) -> Mapping[str, Any] | None:
    """[factors] with its DRUG_FACTORS entry (which gives their kind) replaced, in place, by one
    entry per class that raises prolactin, labelled as the class says."""
    if not isinstance(body, Mapping):
        return None
    marker = body.get(DRUG_FACTORS)
    if not isinstance(marker, Mapping):
        raise ConfigError(source, f"[factors] needs {DRUG_FACTORS!r} = {{ kind = ... }}")
    expanded: dict[str, Any] = {}
    for code, entry in body.items():
        if code != DRUG_FACTORS:
            expanded[code] = entry
            continue
        for c in classes:
            if c.effect == "raises":
                expanded[DRUG_FACTOR_PREFIX + c.name] = {**marker, "label": c.label}
    return expanded


def parse_comments(spec: Mapping[str, Any], source: str = LABELS_FILE) -> CommentWords:
    """The [comments] table; ConfigError when a template or word is missing, unknown or uses a
    {field} it cannot have."""
    body = spec.get("comments")
    if not isinstance(body, Mapping):
        raise ConfigError(source, "missing table [comments]", field="comments")
    known = set(COMMENT_TEMPLATES) | set(COMMENT_WORDS) | {"next_step"}
    if unknown := sorted(str(k) for k in body if k not in known):
        raise ConfigError(source, f"[comments]: unknown {unknown}", field="comments")
    templates = {
        name: _template(body, name, fields, source) for name, fields in COMMENT_TEMPLATES.items()
    }
    words = {
        table: _words(body, table, names, frozenset(), source)
        for table, names in COMMENT_WORDS.items()
    }
    return CommentWords(
        templates=templates,
        status=words["status"],
        band=words["band"],
        strength=words["strength"],
        causes=words["causes"],
        next_step=_words(body, "next_step", PRIORITIES, NEXT_STEP_FIELDS, source),
    )


def _template(
    body: Mapping[str, Any],
    name: str,
    fields: frozenset[str],
    source: str,
    where: str = "",
    *,
    table: str = "comments",
) -> str:
    text = body.get(name)
    place = f"[{table}{where}] {name}"
    if not isinstance(text, str) or (not text.strip() and name != "reference_none"):
        raise ConfigError(source, f"{place} must be a text", field=name)
    try:
        used = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ConfigError(source, f"{place}: {exc}", field=name) from None
    if bad := sorted(used - fields):
        allowed = ", ".join(f"{{{f}}}" for f in sorted(fields)) or "none"
        raise ConfigError(source, f"{place} uses {bad}; allowed fields: {allowed}", field=name)
    return text


def _words(
    body: Mapping[str, Any],
    table: str,
    names: tuple[str, ...],
    fields: frozenset[str],
    source: str,
) -> dict[str, str]:
    entries = body.get(table)
    if not isinstance(entries, Mapping):
        raise ConfigError(source, f"missing table [comments.{table}]", field=table)
    missing = [n for n in names if n not in entries]
    unknown = [str(k) for k in entries if k not in names]
    if missing or unknown:
        raise ConfigError(
            source, f"[comments.{table}]: missing {missing}, unknown {unknown}", field=table
        )
    return {n: _template(entries, n, fields, source, f".{table}") for n in names}


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
        when_high = entry.get("label_when_high", "")
        if not isinstance(when_high, str):
            raise ConfigError(source, f"{code!r}: label_when_high must be a text", field=code)
        infos[code] = CodeInfo(code, label, str(kind), order, when_high)
    return infos


@cache
def load_labels() -> Labels:
    """The bundled labels (triage/data/labels.toml), read once."""
    with data_file(LABELS_FILE).open("rb") as handle:
        return parse_labels(tomllib.load(handle))
