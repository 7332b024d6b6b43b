"""One way to write a number, for every output: results.csv/json/xlsx, the HTML reports and the
evidence and reason texts of the engine.  A value shows the same digits wherever it appears.

Rules (display, not clinical, constants):
- a measured or reference value, and times ULN: at most two decimals below 100 and one from 100
  up, trailing zeros dropped (33562 mIU/L / 21.2 -> 1583.1 ng/mL, not 1583.11; 4.81 stays 4.81;
  23.30 is 23.3).  `rounded` gives the number the files hold, `fmt` the text; ``fmt(x) ==
  fmt(rounded(x))`` always, so a file and a sentence never disagree;
- a value is never shown at or beyond a whole number it is below, nor as a whole number it is
  less than ABOVE_WHOLE above: where those decimals (one or more) would, it is cut toward its
  side with up to MORE_DECIMALS more (99.995 stays 99.995, not 100; 5299 mIU/L / 21.2 is
  249.95, not 250; 0.999 is 0.999, not 1; 30.004 is not 30).  The bands,
  the HH level and most limits are whole numbers: a shown value never lands on the other side of
  the one that decided (`places`, `fmt_lab`, `fmt_limit` keep the same rule);
- a value written beside a limit that is no whole number (23.3, 4.79, 496 mIU/L = 23.396
  ng/mL) is never shown at it or on its other side when it is beyond it (`beside_limit`: both
  take more decimals where their texts would read so);
- a derived number in prose (a threshold converted to another unit): three significant digits,
  whole from 100 up (`approx`: ~236 ng/mL);
- an age: `age_rounded` for the files (one decimal from 2 years, three below: enough to tell the
  days of a neonate), `age_words` for a reader ("34 y", "7 mo", "3 d").

This module imports nothing from the rest of the package, so any layer can use it.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Final

import numpy as np

# Decimal places of values: SMALL_DECIMALS below LARGE_FROM, LARGE_DECIMALS from it up.
SMALL_DECIMALS: Final = 2
LARGE_DECIMALS: Final = 1
LARGE_FROM: Final = 100.0
MISSING: Final = "?"
_SMALL_SCALE: Final = 10.0**SMALL_DECIMALS
_LARGE_SCALE: Final = 10.0**LARGE_DECIMALS

# Ages.  Paediatric convention (team design, a display choice, not a clinical threshold): an age
# is written in whole years from AGE_MONTHS_BELOW_YEARS, in whole months below it and in whole
# days below AGE_DAYS_BELOW_MONTHS months (the neonatal period).  In the files an age keeps
# AGE_DECIMALS decimals from AGE_MONTHS_BELOW_YEARS up and AGE_DECIMALS_YOUNG below (0.001 y is
# under 9 hours, so a neonate's age in days survives the rounding).
AGE_MONTHS_BELOW_YEARS: Final = 2.0
AGE_DAYS_BELOW_MONTHS: Final = 1.0
AGE_DECIMALS: Final = 1
AGE_DECIMALS_YOUNG: Final = 3
_AGE_CUT_DECIMALS: Final = 6
# Calendar arithmetic for ages and durations, defined once for the package (the Julian year).
MONTHS_PER_YEAR: Final = 12.0
NS_PER_DAY: Final = 86_400 * 10**9
DAYS_PER_YEAR: Final = 365.25
DAYS_PER_WEEK: Final = 7.0
CENTURY_YEARS: Final = 100  # a two-digit year is read in one of the centuries around a date
# Pregnancy's trimesters by their ordinal (a trimester written in words: engine/context.py).
FIRST_TRIMESTER: Final = 1
THIRD_TRIMESTER: Final = 3
WEEKS_PER_YEAR: Final = DAYS_PER_YEAR / DAYS_PER_WEEK


# Decimals a shown number may take beyond its usual ones, so as not to be rounded onto or across
# a whole number it is not (a display rule: the decision boundaries are whole numbers).
MORE_DECIMALS: Final = 4
# A value this little above a whole number is not shown as it (an upper limit of 30 decides
# "high" for 30.004); further above, rounding down onto it reads on the right side of a band or
# HH level (102.03 as 102 is "from 100 up" as it is).
ABOVE_WHOLE: Final = 10.0**-SMALL_DECIMALS


def _round_to(value: float, decimals: int) -> float:
    scale = 10.0**decimals
    return round(value * scale) / scale


def _cut_to(value: float, decimals: int) -> float:
    """`value` cut (not rounded) to `decimals`; the float error of a last digit (99.995 held as
    99.99499…) is not a digit short of it.  The arithmetic of `rounded_array`."""
    scale = 10.0**decimals
    return math.floor(_to_guard(value * scale)) / scale


def _to_guard(scaled: float) -> float:
    """`scaled` to _CUT_GUARD decimals (the arithmetic of np.rint, as `_guard_array`)."""
    return round(scaled * _GUARD_SCALE) / _GUARD_SCALE


_CUT_GUARD: Final = 6  # decimals of value * 10**d kept before a cut (as age_rounded does)
_GUARD_SCALE: Final = 10.0**_CUT_GUARD


def _crosses_whole(value: float, shown: float) -> bool:
    """`shown` lies on or beyond a whole number `value` is below, or on one `value` is less
    than ABOVE_WHOLE above (30.004 is not "30" beside an upper limit of 30; 102.03 may be 102)."""
    whole = math.floor(value)
    if value == whole:
        return shown != value
    return shown >= whole + 1 or (shown <= whole and value - whole < ABOVE_WHOLE)


def _shown(value: float, decimals: int) -> tuple[float, int]:
    """`value` as shown from `decimals` up (`places`), with the decimals used: rounded to
    `decimals`; where that lands on or across a whole number it is not (from one decimal up),
    cut toward the side the value is on with one more decimal at a time, at most MORE_DECIMALS
    more.  Idempotent: a shown number is shown as itself."""
    places = max(0, int(decimals))
    shown = _round_to(value, places)
    if places == 0 or not math.isfinite(value):
        return shown, places
    # a last digit at the half held a hair below it (8.995 as 8.99499…) counts as the half: else
    # the shown 8.995 of 8.9951 would be shown again as 8.99
    scale = 10.0**places
    half_up = round(_to_guard(value * scale)) / scale
    if not _crosses_whole(value, shown) and not _crosses_whole(value, half_up):
        return shown, places
    for extra in range(places + 1, places + MORE_DECIMALS + 1):
        shown = _cut_to(value, extra)
        if not _crosses_whole(value, shown):
            return shown, extra
    return shown, places + MORE_DECIMALS


def places(value: float, decimals: int) -> int:
    """The decimals to show `value` with: `decimals`, more where those would round it onto or
    across a whole number (from one decimal up; at most MORE_DECIMALS more): places(99.995, 2)
    -> 3, places(4.81, 2) -> 2, places(102.4, 0) -> 0 (a whole-number display rounds to one)."""
    return _shown(value, decimals)[1]


def _usual(value: float) -> int:
    return LARGE_DECIMALS if abs(value) >= LARGE_FROM else SMALL_DECIMALS


def rounded(value: float) -> float:
    """The value as the outputs hold it (NaN stays NaN); the same arithmetic as `rounded_array`
    (numpy rounds as x * 10**d, to the nearest even whole number, / 10**d), without numpy's
    per-call cost, since evidence texts call it for every number they quote.  Never a whole
    number the value is not (`places`): 249.953 -> 249.95, 99.995 -> 99.995."""
    if not math.isfinite(value):
        return float(value)
    return _shown(value, _usual(value))[0]


def rounded_array(values: object) -> np.ndarray:
    """`rounded` for every element of an array or series (float64 out; NaN stays NaN), with
    the same arithmetic.  Idempotent: 99.996 stays 99.996 (two decimals would make it 100)."""
    array = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        large = np.abs(array) >= LARGE_FROM
    out = np.where(large, np.round(array, LARGE_DECIMALS), np.round(array, SMALL_DECIMALS))
    decimals = np.where(large, LARGE_DECIMALS, SMALL_DECIMALS)
    scale = np.power(10.0, decimals)
    with np.errstate(invalid="ignore"):
        half_up = np.rint(_guard_array(array * scale)) / scale
        pending = _crosses_array(array, out) | _crosses_array(array, half_up)
    for extra in range(1, MORE_DECIMALS + 1):
        if not pending.any():
            break
        at = np.flatnonzero(pending)
        finer = np.power(10.0, decimals[at] + extra)
        cut = np.floor(_guard_array(array[at] * finer)) / finer
        out[at] = cut
        pending[at] = _crosses_array(array[at], cut)
    return out


def _guard_array(scaled: np.ndarray) -> np.ndarray:
    """`_to_guard` of every element."""
    guarded: np.ndarray = np.rint(scaled * _GUARD_SCALE) / _GUARD_SCALE
    return guarded


def _crosses_array(values: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """`_crosses_whole` of every element (False where either is NaN)."""
    with np.errstate(invalid="ignore"):
        whole = np.floor(values)
        crosses: np.ndarray = np.where(
            values == whole,
            shown != values,
            (shown >= whole + 1) | ((shown <= whole) & (values - whole < ABOVE_WHOLE)),
        ) & np.isfinite(values)
    return crosses


def _plain(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@lru_cache(maxsize=8192)  # evidence texts quote the same limits and thresholds over and over
def fmt(value: float | None) -> str:
    """A result, limit or ratio as written: 23.3, 0.25, 1664, 164.7, 1583.1 ('?' if missing)."""
    if value is None or not math.isfinite(value):
        return MISSING
    number = rounded(value)  # the number the files hold, so text and files agree
    return _plain(number, places(value, _usual(value)))


def times_text(times: float | None, qualifier: str = "") -> str:
    """Times ULN as written for a reader, with the result's qualifier: '×8.55', '>×8.55' (a
    result above the measuring range is at least that many times the limit), '<×0.1'; '' when
    missing.  The files hold the number (results.csv `times_uln`) next to `qualifier`."""
    if times is None or not math.isfinite(times):
        return ""
    mark = qualifier if qualifier in ("<", ">") else ""
    return f"{mark}×{fmt(times)}"


def approx(value: float | None) -> str:
    """A derived number to three significant digits, whole from 100 up: 236, 78.5, 4.06."""
    if value is None or not math.isfinite(value):
        return MISSING
    if abs(value) >= LARGE_FROM:
        return f"{round(value):d}"
    return f"{value:.3g}"


def age_rounded(years: float) -> float:
    """An age in years as the files hold it: 34.2, 0.583 (NaN stays NaN), cut, not rounded
    (ages are told in completed units: a girl a day before her sixth birthday is 5.9, never
    the 6 of the interval she is not yet judged on)."""
    if not math.isfinite(years):
        return years
    return float(age_rounded_array(np.array([years], dtype="float64"))[0])


def age_rounded_array(values: object) -> np.ndarray:
    """`age_rounded` for every element (float64 out)."""
    array = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        old = array >= AGE_MONTHS_BELOW_YEARS
    scale = np.where(old, 10.0**AGE_DECIMALS, 10.0**AGE_DECIMALS_YOUNG)
    # the float error of a whole tenth (0.3 held as 0.29999...) is not a day short of it
    cut: np.ndarray = np.floor(np.round(array * scale, _AGE_CUT_DECIMALS)) / scale
    return cut


def age_words(years: float | None, missing: str = MISSING) -> str:
    """An age for a reader: '34 y', '7 mo', '3 d' (completed units, as ages are told)."""
    if years is None or not math.isfinite(years) or years < 0:
        return missing
    if years >= AGE_MONTHS_BELOW_YEARS:
        return f"{math.floor(years)} y"
    months = years * MONTHS_PER_YEAR
    if months >= AGE_DAYS_BELOW_MONTHS:
        return f"{math.floor(months + 1e-9)} mo"
    return f"{math.floor(years * DAYS_PER_YEAR + 1e-9)} d"


# A time span read from words ("2 months ago", "last month", "4 months ago") is held in days of
# the Julian calendar (a month is DAYS_PER_YEAR / MONTHS_PER_YEAR = 30.4375 days): shown as
# written, in whole days when it is a whole number of days, else roughly, in months or years
# ("about 2 months"), never as 60.88 days.  SPAN_DECIMALS: the decimals of such a rough span.
SPAN_DECIMALS: Final = 1
_HOURS_PER_DAY: Final = 24.0


def span_words(days: float | None) -> str:
    """A span of days for a reader: '4 days', '1 day', '12 hours', 'about 2 months', 'about 1
    year' ('?' if missing)."""
    if days is None or not math.isfinite(days) or days < 0:
        return MISSING
    whole = round(days)
    if abs(days - whole) < ABOVE_WHOLE:
        return f"{whole:d} day" if whole == 1 else f"{whole:d} days"
    if days < 1:
        hours = fmt(round(days * _HOURS_PER_DAY, SPAN_DECIMALS))
        return f"{hours} hour" if hours == "1" else f"{hours} hours"
    months = days * MONTHS_PER_YEAR / DAYS_PER_YEAR
    years = round(months / MONTHS_PER_YEAR, SPAN_DECIMALS)
    if years >= 1 and abs(years - round(years)) < ABOVE_WHOLE:
        return f"about {fmt(years)} year" + ("" if years == 1 else "s")
    shown = fmt(round(months, SPAN_DECIMALS))
    return f"about {shown} month" + ("" if shown == "1" else "s")


# The lab's own precision (display, not clinical): the result is shown with as many decimals as
# the lab wrote it with, and a limit not from the lab's own interval is rounded to those decimals
# (trailing zeros dropped: `fmt_limit`), between LAB_DECIMALS_MIN and LAB_DECIMALS_MAX ("33562"
# -> 0, "4.8" -> 1, "0.125" -> 2; a result of "99.995" keeps its three, `fmt_lab`).  A single
# separator followed by exactly three digits after a leading digit other than 0 ("33,562",
# "1.234") is read as a thousands separator (labs report prolactin with at most two decimals).
LAB_DECIMALS_MIN: Final = 0
LAB_DECIMALS_MAX: Final = 2
MIU_L: Final = "mIU/L"  # the normalised unit of a row in mIU/L (canonical frame prolactin_unit)
# The marks labs write between groups of three digits besides "." and ",": the apostrophe of
# Swiss and Liechtenstein exports ("5'600") and the look-alikes a keyboard or LIS puts for it
# (’ U+2019, ´ U+00B4, ` U+0060, ʼ U+02BC, ′ U+2032, ‘ U+2018), and the spaces (the no-break, narrow
# no-break, thin and figure spaces of SI/ISO 80000 grouping).  `thousands_apostrophes_unified`
# makes each apostrophe between a digit and a group of exactly three digits a plain "'".
THOUSANDS_APOSTROPHES: Final = "'\u2019\u00b4`\u02bc\u2032\u2018"
THOUSANDS_SPACES: Final = " \u00a0\u202f\u2009\u2007"
_GROUP_MARKS: Final = ".," + THOUSANDS_APOSTROPHES + THOUSANDS_SPACES
_NUMBER_IN_TEXT: Final = re.compile(rf"\d(?:[\d{_GROUP_MARKS}]*\d)?")
_THOUSANDS_GROUP: Final = re.compile(rf"[1-9]\d{{0,2}}[{_GROUP_MARKS}]\d{{3}}")
_APOSTROPHE_GROUP: Final = re.compile(rf"(?<=\d)[{THOUSANDS_APOSTROPHES[1:]}](?=\d{{3}}(?!\d))")


def thousands_apostrophes_unified(text: str) -> str:
    """``text`` with an apostrophe look-alike between a digit and a group of three digits made a
    plain "'": '5´600' -> "5'600", '12ʼ500,5' -> "12'500,5"; 'Crohn´s' and '5´60' keep theirs."""
    return _APOSTROPHE_GROUP.sub("'", text)


@lru_cache(maxsize=4096)
def lab_decimals(raw: str, value: float | None = None) -> int:
    """Decimals of the number in a result cell as the lab wrote it: '33562' -> 0, '4.8' -> 1,
    '<3,05' -> 2, '1 234,5' -> 1, '33,562' -> 0 (thousands); at most LAB_DECIMALS_MAX; 0 when
    the cell holds no number.  `value` is the number the reader made of the cell: where it read
    a separator before three digits as a decimal one ('12.345' ng/mL as 12.345, not 12345), the
    digits after it are decimals, so the cell is never written as a whole number it is not."""
    found = _NUMBER_IN_TEXT.search(raw or "")
    if found is None:
        return LAB_DECIMALS_MIN
    number = found.group(0)
    read_as_decimal = value is not None and math.isfinite(value) and value != math.floor(value)
    if _THOUSANDS_GROUP.fullmatch(number) and not read_as_decimal:
        return LAB_DECIMALS_MIN
    marks = [i for i, c in enumerate(number) if c in ".,"]
    if not marks:
        return LAB_DECIMALS_MIN
    last = marks[-1]
    if len(marks) > 1 and number[marks[0]] == number[last]:  # "1.234.567": thousands only
        return LAB_DECIMALS_MIN
    digits = sum(c.isdigit() for c in number[last + 1 :])
    return max(LAB_DECIMALS_MIN, min(LAB_DECIMALS_MAX, digits))


def to_lab_unit(ng: float, unit: str, factor: float) -> float:
    """A value in ng/mL in the row's unit: times `factor` (mIU/L per ng/mL) for "mIU/L", as it
    is for any other unit (ng/mL); NaN stays NaN (and a mIU/L value without a factor is NaN)."""
    if unit == MIU_L:
        return ng * factor if math.isfinite(factor) and factor > 0 else math.nan
    return float(ng)


@lru_cache(maxsize=8192)  # limits and thresholds recur on every row of a lab's export
def fmt_lab(value: float | None, decimals: int) -> str:
    """A value with `decimals` decimals (no thousands separator): fmt_lab(101.76, 0) -> '102',
    fmt_lab(4.8, 2) -> '4.80'; more where those would round it onto or across a whole number
    (`places`: fmt_lab(99.995, 2) -> '99.995', not '100.00'); '?' if missing."""
    if value is None or not math.isfinite(value):
        return MISSING
    number, shown = _shown(value, decimals)
    text = f"{number:.{shown}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_limit(value: float | None, decimals: int) -> str:
    """A reference limit at the lab's precision: rounded to `decimals` (those of the lab's
    result) as `fmt_lab` does, without trailing zeros a limit was never given with
    (fmt_limit(2.0, 2) -> '2', fmt_limit(63.6, 0) -> '64', fmt_limit(4.8113, 2) -> '4.81'):
    the same text as the limit's number in the files."""
    text = fmt_lab(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def written_decimals(value: float) -> int:
    """Decimals of a number as a file gave it (the shortest text of the float: 496.0 -> 0, 4.81
    -> 2), at most LAB_DECIMALS_MAX + 1; 0 when missing."""
    if not math.isfinite(value):
        return LAB_DECIMALS_MIN
    text = repr(float(value))
    if "e" in text or "E" in text:
        return LAB_DECIMALS_MIN
    decimals = text.split(".", 1)[1].rstrip("0") if "." in text else ""
    return min(len(decimals), LAB_DECIMALS_MAX + 1)


def age_text(years: float | None) -> str:
    """An age bound in the words a paediatric interval uses: '4 days', '3 months', '11 y'."""
    if years is None or math.isnan(years):
        return "–"
    if years == 0:
        return "0"
    if years >= 1:
        return f"{approx(years)} y"
    months = years * MONTHS_PER_YEAR
    if months >= 2:
        return f"{approx(months)} months"
    days = round(years * DAYS_PER_YEAR)
    return f"{days:d} day" if days == 1 else f"{days:d} days"


_SHOWN_NUMBER: Final = re.compile(r"(?P<mark>[^\d-]*)(?P<number>-?\d+(?:\.(?P<decimals>\d+))?)")


def _shown_number(text: str) -> tuple[str, float, int] | None:
    """(its mark, its number, its decimals) of a shown number ('<3.05' -> ('<', 3.05, 2))."""
    found = _SHOWN_NUMBER.fullmatch(text.strip())
    if found is None:
        return None
    return found["mark"], float(found["number"]), len(found["decimals"] or "")


def beside_limit(
    value: float | None, value_text: str, limit: float | None, limit_text: str, *, upper: bool
) -> tuple[str, str]:
    """(value text, limit text) for a value shown beside a reference limit (`upper`: the upper
    limit, else the lower one), each already written by its own rule (`fmt`, `fmt_lab`,
    `fmt_limit`).  Where the two texts would show the value equal to the limit, or on its other
    side, while the value is beyond it (23.34 beside an upper limit of 23.3 written '23.3' and
    '23.3'; 496 mIU/L beside 495.96 written '496') — or the value beyond a limit it is within —
    both are written with one more decimal at a time (at most MORE_DECIMALS beyond the longer
    text's), each rounded as `fmt_lab` rounds (`_shown`): '23.34' and '23.3'; '496' and
    '495.96'.  A value exactly at its limit, or texts that already agree, are left as they are.
    The files' numeric columns keep their own precision: this is for texts a person reads."""
    if value is None or limit is None or not math.isfinite(value) or not math.isfinite(limit):
        return value_text, limit_text
    shown_value, shown_limit = _shown_number(value_text), _shown_number(limit_text)
    if value == limit or shown_value is None or shown_limit is None:
        return value_text, limit_text
    beyond = value > limit if upper else value < limit

    def agree(number: float, bound: float) -> bool:
        if beyond:
            return number > bound if upper else number < bound
        return number <= bound if upper else number >= bound

    if agree(shown_value[1], shown_limit[1]):
        return value_text, limit_text
    start = max(shown_value[2], shown_limit[2])
    for decimals in range(start + 1, start + MORE_DECIMALS + 1):
        number, number_places = _shown(value, decimals)
        bound, bound_places = _shown(limit, decimals)
        if agree(number, bound):
            return (
                f"{shown_value[0]}{_plain(number, number_places)}",
                f"{shown_limit[0]}{_plain(bound, bound_places)}",
            )
    return value_text, limit_text


def clear_of_limits(value: float | None, value_text: str, limits: tuple[float, ...]) -> str:
    """`value_text` (the text of `value`, as its own rule wrote it) lengthened where it would
    read at or across one of `limits` (the bands, the urgent level: the decisions' numbers
    in the unit it is shown in) that `value` is not at: each by `beside_limit`, the limit
    treated as the one the value lies beyond (a mIU/L value of 1059.79 beside the moderate
    band's 1060 is '1059.8', not '1060'; 5000.02 beside the urgent level is '5000.02')."""
    if value is None or not math.isfinite(value):
        return value_text
    for limit in limits:
        if not math.isfinite(limit) or value == limit:
            continue
        value_text, _ = beside_limit(
            value, value_text, limit, fmt_limit(limit, 0), upper=value > limit
        )
    return value_text
