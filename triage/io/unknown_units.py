"""Whether a result whose unit is not known may be urgent (rejected as ``unknown_unit``, or in
a line that cannot be read column by column), and the note that says why.

A number without a known unit is urgent if it is at or above the urgent level in ANY prolactin
unit the tool reads: ng/mL (= µg/L) or mIU/L (= µIU/mL).  At or above urgent_miu_l it is above
it in either unit; at or above urgent_miu_l in ng/mL (with the run's mIU/L per ng/mL) it is
urgent if the unit is ng/mL and not if it is mIU/L: listed with the urgent results all the same
(a person reads the unit in the lab system), with a text that says which.  A result written
above the measuring range (``>``) counts from open_result_urgent_fraction of the level, as in
the engine (priority.open_near_urgent).  Below the ng/mL level it could not be urgent in any
unit: nothing is said.
"""

from __future__ import annotations

from typing import Final

from triage.io.red_flags import NOTE_FIELD, red_flag_in, red_flag_note
from triage.knowledge.loaders import DEFAULT_SET_NAME, load_reference_set, load_thresholds
from triage.knowledge.model import Thresholds
from triage.numbers import approx
from triage.values import format_number, normalise_unit, parse_quantity

# How the two prolactin scales are named to the reader (the units the tool reads as each).
MASS_UNITS: Final = "ng/mL (µg/L)"
INTERNATIONAL_UNITS: Final = "mIU/L (µIU/mL)"


def unknown_unit_urgency(
    number: float,
    qualifier: str = "",
    per_ng: float | None = None,
    *,
    cut: bool = False,
    limits: Thresholds | None = None,
) -> str:
    """'' when ``number`` (a result as written, its unit unknown) could not be urgent in any
    prolactin unit; else why it may be (without the "listed with the urgent results" the
    caller adds).  ``per_ng``: the run's mIU/L per ng/mL (default: the default set's).
    ``cut``: the number may have lost digits (a line cut short): a lower bound, so it is never
    said not to be urgent in the other unit.  ``limits``: the thresholds, when the caller has
    them (a loop over rows: not looked up again for each)."""
    limits = limits or load_thresholds()
    urgent = limits.get("urgent_miu_l")
    factor = per_ng or load_reference_set(DEFAULT_SET_NAME).miu_per_ng
    share = limits.get("open_result_urgent_fraction") if qualifier == ">" else 1.0
    in_ng = urgent / factor
    if not number >= in_ng * share:  # NaN too
        return ""
    mark = qualifier if qualifier in ("<", ">") else ""
    shown = f"{mark}{format_number(number)}"
    verb = "may be" if mark else "is"
    if number >= urgent * share:
        return f"at {shown} it {verb} above {format_number(urgent)} mIU/L in either prolactin unit"
    urgent_if = (
        f"unit unknown: at {shown} it {verb} urgent if the unit is {MASS_UNITS} (above "
        f"{approx(in_ng)} ng/mL = {format_number(urgent)} mIU/L)"
    )
    if cut:  # digits may be missing: in mIU/L the whole value may be above the level too
        return f"{urgent_if}; the value may be cut short, so it may be urgent in any unit"
    return f"{urgent_if}, not if it is {INTERNATIONAL_UNITS}"


def untriaged_urgency(
    result: object, unit: str, notes: str = "", *, written: str = "", cut: bool = False
) -> str:
    """Why a prolactin result that is not triaged (its row rejected: its message names no
    patient or is damaged, or a later result superseded it) may be urgent, as the note its
    rejected row's detail ends with ("; ...: listed with the urgent results"); "" when it cannot
    be.  It may be when its number is at or above urgent_miu_l in mIU/L, in ng/mL at the largest
    plausible factor (miu_per_ng_plausible_max), in any prolactin unit when its unit is not
    known (a result above the measuring range, ">", from open_result_urgent_fraction of it);
    when its value may be cut short (``cut``: digits may be missing, whatever it reads); or
    when ``notes`` name a mass-effect red flag (red_flags.red_flag_in: an urgent referral with
    any raised prolactin, and the result is not triaged).  ``written``: the result as written,
    quoted in the note ("" quotes nothing)."""
    shown = f" ({written})" if written else ""
    quantity = parse_quantity(result)
    said = ""
    if cut:
        said = f"its result{shown} may have lost digits and be above the urgent level"
    elif quantity.status == "ok" and quantity.value is not None:
        limits = load_thresholds()
        info = normalise_unit(unit or quantity.unit_text or "")
        if info is None:
            said = unknown_unit_urgency(quantity.value, quantity.qualifier, limits=limits)
        else:
            largest = limits.get("miu_per_ng_plausible_max") if info.unit == "ng/mL" else 1.0
            # above the measuring range (">"): from a share of the level, as the engine reads it
            share = limits.get("open_result_urgent_fraction") if quantity.qualifier == ">" else 1.0
            if quantity.value * info.factor * largest >= limits.get("urgent_miu_l") * share:
                said = f"its result{shown} may be above the urgent level"
    if said:
        return f"; {said}: listed with the urgent results"
    hit = red_flag_in([(NOTE_FIELD, notes)]) if notes else None
    return "" if hit is None else red_flag_note(hit)
