"""The comment in words of each result (results `comment`): the same decision as the codes, in
the wording of labels.toml [comments] (engine/labels.py CommentWords).  Decision support: a factor
is "likely" or "possible", never a diagnosis.

    Markedly raised (3356 mIU/L; reference 102–496 mIU/L). Likely contributing factor: Suspected
    prolactinoma; no medication or kidney cause found. Pituitary MRI advised.

The first sentence (the result against the limits that decided, in the lab's unit at the lab's
precision) is written per row; the rest depends on the decision only and is built once per
distinct decision (`decision_text`, cached by the caller).  Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from triage.engine.labels import UNKNOWN_STATUS, CommentWords, Labels

# Factor codes (and kinds) that show a cause of each [comments.causes] kind was found: such a
# cause is then never listed as "not found".
DRUG_KIND = "drug"
KIDNEY_FACTORS = frozenset({"renal_impairment", "dialysis"})
THYROID_FACTORS = frozenset({"hypothyroidism"})
# A raised result on a prolactin-lowering treatment: the medication list was read and names the
# treatment (clinical-reference §3.2), so "no medication cause found" would contradict it.
MEDICATION_FACTORS = frozenset({"treated_hyperprolactinemia"})
NONE_KIND = "none"
CAUTION_KIND = "caution"
STEP_KIND = "step"


class Given(NamedTuple):
    """Which inputs the row gave that would show a cause (the negatives are only said then)."""

    medication: bool
    kidney: bool
    thyroid: bool


def status_words(words: CommentWords, status: str, band: str) -> str:
    """How the first sentence names the status: the band's words for a high result with a band,
    else the status's ("unknown" for a result without one)."""
    if status == "high" and band in words.band:
        return words.band[band]
    return words.status.get(status) or words.status[UNKNOWN_STATUS]


def reference_text(words: CommentWords, low: str, high: str, unit: str) -> str:
    """The limits that decided, as written in the comment ('' for a missing limit)."""
    if low and high:
        return words.template("reference").format(low=low, high=high, unit=unit)
    if high:
        return words.template("reference_upper").format(high=high, unit=unit)
    if low:
        return words.template("reference_lower").format(low=low, unit=unit)
    return words.template("reference_none")


def result_sentence(
    words: CommentWords, status: str, band: str, value: str, unit: str, reference: str
) -> str:
    """The first sentence: "Extremely high (33562 mIU/L; reference 102–496 mIU/L)."."""
    return words.template("result").format(
        status=status_words(words, status, band), value=value, unit=unit, reference=reference
    )


def decision_text(
    labels: Labels,
    words: CommentWords,
    *,
    status: str,
    priority: str,
    factors: Sequence[tuple[str, str]],
    suggestions: Sequence[str],
    given: Given,
) -> str:
    """The sentences after the first: the lead factor (`factors`: (code, strength), most likely
    first), for a high result the causes looked for and not found, the first caution, and the
    first next step by priority (`suggestions`: codes in the order listed)."""
    parts: list[str] = []
    if factors:
        code, strength = factors[0]
        info = labels.factor(code)
        if info.kind == NONE_KIND:
            parts.append(words.template("lead_none").format(label=info.label))
        else:
            shown = words.strength.get(strength, strength)
            parts.append(words.template("lead").format(strength=shown, label=info.label))
    if status == "high":
        missing = _not_found(labels, words, factors, given)
        if missing:
            parts.append(words.template("negatives").format(causes=missing))
    sentences: list[str] = []
    if parts:
        sentences.append(_sentence("; ".join(parts)))
    cautions = [c for c in suggestions if labels.suggestion(c).kind == CAUTION_KIND]
    if cautions:
        caution = labels.suggestion(cautions[0]).label_for(status)
        sentences.append(words.template("caution").format(label=caution))
    steps = [c for c in suggestions if labels.suggestion(c).kind == STEP_KIND]
    if steps and priority in words.next_step:
        step = labels.suggestion(steps[0]).label
        referral = _REFERRAL_OF.get(priority, "")
        if referral in steps and steps[0] != referral:
            # the referral is what makes the result soon: said first, with the first step
            shown = labels.suggestion(referral).label
            sentences.append(words.template("referral_first").format(referral=shown, label=step))
        else:
            sentences.append(words.next_step[priority].format(label=step))
    return " ".join(sentences)


# The referral that a priority means, named in the comment whatever step comes first.
_REFERRAL_OF: Final = {"soon": "endocrine_referral", "urgent": "urgent_endocrine_referral"}


def comment(first: str, rest: str) -> str:
    """The whole comment from its first sentence and the decision's sentences."""
    return f"{first} {rest}" if rest else first


def _not_found(
    labels: Labels, words: CommentWords, factors: Sequence[tuple[str, str]], given: Given
) -> str:
    codes = {code for code, _ in factors}
    kinds = {labels.factor(code).kind for code in codes}
    causes: list[str] = []
    if given.medication and DRUG_KIND not in kinds and not codes & MEDICATION_FACTORS:
        causes.append(words.causes["medication"])
    if given.kidney and not codes & KIDNEY_FACTORS:
        causes.append(words.causes["kidney"])
    if given.thyroid and not codes & THYROID_FACTORS:
        causes.append(words.causes["thyroid"])
    if len(causes) < 2:
        return "".join(causes)
    joiner = words.template("or")
    return f"{', '.join(causes[:-1])} {joiner} {causes[-1]}"


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
