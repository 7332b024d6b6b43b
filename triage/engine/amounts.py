"""Amounts as a reader is told them: in the unit the lab reported, ng/mL beside it when different.

The rules reason in ng/mL; their texts write every amount through `LabUnit` (RowContext.amount,
.number, .interval, .result), so a row in ng/mL reads "102 ng/mL" and a row in mIU/L reads
"2162 mIU/L (102 ng/mL)":
- the result is the lab's own number at the lab's precision (numbers.lab_decimals);
- a limit the file gave for the row (its own interval, reference_low_value / _high_value of the
  results) is the file's number; any other limit is converted with the row's factor (mIU/L per
  ng/mL) at the precision of the lab's result, as reference_low_value / _high_value are;
- a threshold (`approx`): three significant digits, marked "~" ("~10600 mIU/L (500 ng/mL)").

Texts built once for many rows of different units (the interval notes, per distinct interval
choice) hold markers instead (`marked_amount`, `marked_range`, `marked_result`), which `render`
writes in each row's unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Final

from triage.numbers import MIU_L, beside_limit, fmt, fmt_lab, fmt_limit
from triage.numbers import approx as approx_text

NG_ML: Final = "ng/mL"


@dataclass(frozen=True, slots=True)
class LabUnit:
    """How one row writes an amount given in ng/mL.  `NG` (the default) writes ng/mL only."""

    unit: str = NG_ML
    factor: float = math.nan  # mIU/L per ng/mL (mIU/L rows)
    decimals: int = 0  # decimals of the lab's result (numbers.lab_decimals)
    # Limits the file gave: (ng/mL, the file's number in the unit, its decimals).
    known: tuple[tuple[float, float, int], ...] = ()
    converts: bool = field(init=False, compare=False)  # a mIU/L row with a factor

    def __post_init__(self) -> None:
        converts = self.unit == MIU_L and math.isfinite(self.factor) and self.factor > 0
        object.__setattr__(self, "converts", converts)

    def _in_unit(self, ng: float, approximate: bool) -> str:
        for known_ng, value, places in self.known:
            if known_ng == ng:
                return fmt_limit(value, places)
        if approximate:
            return f"~{approx_text(ng * self.factor)}"
        return fmt_limit(ng * self.factor, self.decimals)

    def number(self, ng: float, *, approx: bool = False, mark: str = "") -> str:
        """An amount after a unit already named: '23.3' for ng/mL, '494 mIU/L (23.3 ng/mL)'."""
        if not self.converts or not math.isfinite(ng):
            return f"{mark}{fmt(ng)}"
        return self.amount(ng, approx=approx, mark=mark)

    def amount(self, ng: float, *, approx: bool = False, mark: str = "") -> str:
        """'23.3 ng/mL' or '494 mIU/L (23.3 ng/mL)'; `approx`: a threshold ('~10600 mIU/L (500
        ng/mL)'); `mark` ('~', '≤ ', '>') goes before both numbers."""
        if not self.converts or not math.isfinite(ng):
            return f"{mark}{fmt(ng)} {NG_ML}"
        shown = self._in_unit(ng, approx)
        if mark.endswith("~") and shown.startswith("~"):
            shown = shown[1:]
        return f"{mark}{shown} {MIU_L} ({mark}{fmt(ng)} {NG_ML})"

    def range(self, low: float, high: float) -> str:
        """'4.81–23.4 ng/mL', '≤ 23.4 ng/mL' (no lower limit); '102–496 mIU/L (4.81–23.4
        ng/mL)' for a mIU/L row."""
        ng = f"{fmt(low)}–{fmt(high)}" if low == low else f"≤ {fmt(high)}"
        if not self.converts:
            return f"{ng} {NG_ML}"
        top = self._in_unit(high, False)
        lab = f"{self._in_unit(low, False)}–{top}" if low == low else f"≤ {top}"
        return f"{lab} {MIU_L} ({ng} {NG_ML})"

    def result(self, ng: float, qualifier: str, lab_value: float) -> str:
        """The result with its qualifier: '>470 ng/mL', '235.85 ng/mL' (the lab's number at the
        lab's precision, as the comment writes it), '33562 mIU/L (1583.1 ng/mL)'."""
        return self.result_beside(ng, qualifier, lab_value)[0]

    def result_beside(
        self,
        ng: float,
        qualifier: str,
        lab_value: float,
        limit_ng: float = math.nan,
        limit_text: str = "",
        *,
        upper: bool = True,
    ) -> tuple[str, str]:
        """(`result`, `limit_text`) for the result written beside a limit in ng/mL (`upper`: a
        level it is above, else one it is below), the limit as its own rule wrote it: where the
        two would read the value at the limit or on its other side, both take more decimals
        (numbers.beside_limit: '235.85 ng/mL' beside '~235.849', not '235.8' beside it)."""
        if not math.isfinite(ng):
            return f"{qualifier}{fmt(ng)} {NG_ML}", limit_text
        if self.converts:
            ng_text, limit_text = beside_limit(ng, fmt(ng), limit_ng, limit_text, upper=upper)
            value = lab_value if math.isfinite(lab_value) else ng * self.factor
            shown = fmt_lab(value, self.decimals)
            return f"{qualifier}{shown} {MIU_L} ({qualifier}{ng_text} {NG_ML})", limit_text
        own = self.unit == NG_ML and math.isfinite(lab_value) and math.isclose(lab_value, ng)
        value = lab_value if own else ng
        text = fmt_lab(value, self.decimals) if own and self.decimals else fmt(value)
        text, limit_text = beside_limit(value, text, limit_ng, limit_text, upper=upper)
        return f"{qualifier}{text} {NG_ML}", limit_text


NG: Final = LabUnit()

# Markers: private-use characters around a kind and its numbers (repr: exact round trip).
_OPEN: Final = "\ue000"
_CLOSE: Final = "\ue001"
_MARKER: Final = re.compile(f"{_OPEN}([arv])([^{_CLOSE}]*){_CLOSE}")


def marked_amount(ng: float) -> str:
    """An amount in a text shared by rows of different units (see `render`)."""
    return f"{_OPEN}a{float(ng)!r}{_CLOSE}"


def marked_range(low: float, high: float) -> str:
    """An interval in a text shared by rows of different units (see `render`)."""
    return f"{_OPEN}r{float(low)!r};{float(high)!r}{_CLOSE}"


def marked_result(qualifier: str, ng: float) -> str:
    """The row's result in a text shared by rows of different units (see `render`)."""
    return f"{_OPEN}v{qualifier};{float(ng)!r}{_CLOSE}"


def has_markers(text: str) -> bool:
    return _OPEN in text


def has_result(text: str) -> bool:
    """`text` quotes the row's result (`marked_result`)."""
    return f"{_OPEN}v" in text


def render(text: str, lab: LabUnit, result: str | None = None) -> str:
    """`text` with its markers written in the row's unit (`result`: the row's result as
    `LabUnit.result` writes it; the marker's own number in ng/mL when None)."""
    if _OPEN not in text:
        return text

    def one(found: re.Match[str]) -> str:
        kind, payload = found.group(1), found.group(2)
        if kind == "a":
            return lab.amount(float(payload))
        if kind == "r":
            low, high = payload.split(";")
            return lab.range(float(low), float(high))
        qualifier, ng = payload.split(";")
        if result is not None:
            return result
        return NG.result(float(ng), qualifier, math.nan)

    return _MARKER.sub(one, text)
