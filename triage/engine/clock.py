"""Clock times and parts of the day that a note writes for an event (a seizure, the sample).

The words are cues.toml `[times]`: each event's words (`events`), the clock time (`clock`), the
word before a time that makes it the event's (`lead`), a start that does not time the event
(`since`) and the parts of the day (`day_parts`).  An event's time is the first clock time after
one of its words, up to the end of its clause or a word of another event; a time without a lead
word or a mark ("Uhr", "h", "pm") is the event's only in the same stretch of words ("tonic-clonic
seizure 09:50", "prelievo 14:25").  12-hour times are read with their mark ("2:05 PM" is 14:05,
"12:05 am" 00:05).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from triage.schema import ConfigError

# where an event's clause ends (the comma does not: "crisi, testimoniata, alle 09:05")
_CLAUSE_END = re.compile(r"[;\n]")
_MERIDIEM = re.compile(r"([ap])\.?\s?m\b\.?", re.IGNORECASE)
# marks that make an hour written alone a clock time only after a lead word ("à 14h", "om 14
# uur"; "il y a 2h", "2 uur geleden" are durations)
_HOUR_MARKS_LED = frozenset({"h", "hr", "hrs", "heure", "heures", "uur", "uhr"})
# marks of a length of hours ("1 hr ago", "il y a 1 h"; "Uhr" is only the clock's)
_HOUR_UNITS = _HOUR_MARKS_LED - {"uhr"}
# where the stretch of words right before an event's word begins ("gestern Krampfanfall 14:05")
_STRETCH_END = re.compile(r"[,;\n]")
# the clock's numbers, from the calendar's (the engine writes no number literals)
_DAY_HOURS = time.max.hour + 1
_HALF_DAY = _DAY_HOURS // 2
_MINUTES = timedelta(hours=1) // timedelta(minutes=1)

Compile = Callable[[str, str], re.Pattern[str]]


@dataclass(frozen=True)
class DayPart:
    """A part of the day a note names for an event ("this morning"): [start, end) of the day."""

    name: str
    words: re.Pattern[str]
    start: timedelta
    end: timedelta


@dataclass(frozen=True)
class EventTime:
    """What a text writes of an event's time: the clock time read, else whether one was written
    that could not be read ("seizure, witnessed 09:50", "seizure at 25:10")."""

    clock: tuple[int, int] | None
    written: bool
    # the time read is written for another day ("seizure yesterday 14:10"), and the dates with
    # no year written with it ("seizure 12/11 14:10": (12, 11)), to compare with the sample's
    other_day: bool = False
    dates: tuple[tuple[int, int], ...] = ()


class EventClock:
    """The clock times and parts of the day written for the events of cues.toml `[times]`."""

    def __init__(self, times: Mapping[str, Any], compile_pattern: Compile, source: str) -> None:
        events = times.get("events", {})
        if not isinstance(events, Mapping):
            raise ConfigError(source, "[times] events must be a table")
        self._events = {str(k): compile_pattern(str(v), f"times.{k}") for k, v in events.items()}
        self._others = {
            kind: compile_pattern(
                "|".join(f"(?:{v})" for k, v in events.items() if str(k) != kind) or "(?!)",
                f"times.{kind}.others",
            )
            for kind in self._events
        }
        self._clock = compile_pattern(str(times.get("clock", "(?!)")), "times.clock")
        self._lead = compile_pattern(rf"(?:{times.get('lead', '(?!)')})\s*$", "times.lead")
        self._since = compile_pattern(rf"(?:{times.get('since', '(?!)')})\s*$", "times.since")
        self._bare_reach = int(times.get("bare_reach", 0))
        self._other_day = compile_pattern(str(times.get("other_day", "(?!)")), "times.other_day")
        self._other_date = compile_pattern(str(times.get("other_date", "(?!)")), "times.other_date")
        self._after = compile_pattern(str(times.get("duration_after", "(?!)")), "times.after")
        self._before = compile_pattern(str(times.get("duration_before", "(?!)")), "times.before")
        parts = times.get("day_parts", {})
        self._day_parts = tuple(
            DayPart(
                str(name),
                compile_pattern(str(body.get("words", "(?!)")), f"times.day_parts.{name}"),
                timedelta(hours=float(body["hours"][0])),
                timedelta(hours=float(body["hours"][1])),
            )
            for name, body in (parts.items() if isinstance(parts, Mapping) else ())
        )

    def read(self, kind: str, text: str) -> EventTime:
        """The `kind` event's clock time in `text` (hour, minute), or whether one was written."""
        written = False
        for start, stop in self._spans(kind, text):
            for found in self._clock.finditer(text, start, stop):
                gap = text[start : found.start()]
                if self._since.search(gap):
                    continue  # "since 08:00": an event going on from then
                if self._duration(found, text, gap):
                    continue  # "about 1 hr ago", "il y a 1 h": a length of time
                clock, shaped = self._reading(found, gap)
                if clock is not None:
                    ends = [m.end() for m in _STRETCH_END.finditer(text, 0, start)]
                    words = text[ends[-1] if ends else 0 : found.start()]
                    dates = tuple(
                        (int(d.group("first")), int(d.group("second")))
                        for d in self._other_date.finditer(words)
                    )
                    other_day = self._other_day.search(words) is not None
                    return EventTime(clock, True, other_day, dates)
                written = written or shaped
        return EventTime(None, written)

    def _duration(self, found: re.Match[str], text: str, gap: str) -> bool:
        """The number `found` is a length of time, not a clock time: with an hour unit and an
        "ago" word after it ("about 1 hr ago", "rond 1 uur geleden", "2 hrs before sample"), or
        after "vor", "il y a", "hace" ("vor ca. 1 h", "il y a 1 h"; "vor 14 Uhr" is a time)."""
        mark = (found.group("mark") or "").lower()
        if mark == "uhr":
            return False
        if self._before.search(gap):
            return True
        unit = mark in _HOUR_UNITS or (found.group("sep") or "").lower() in {"h", "u"}
        return unit and self._after.match(text, found.end()) is not None

    def day_part(self, kind: str, text: str) -> DayPart | None:
        """The part of the day written for the `kind` event ("seizure this morning", "stamattina
        crisi"): in its clause, before the next event's words."""
        for start, stop in self._spans(kind, text, with_before=True):
            for part in self._day_parts:
                if part.words.search(text, start, stop):
                    return part
        return None

    def _spans(
        self, kind: str, text: str, *, with_before: bool = False
    ) -> Iterator[tuple[int, int]]:
        """(start, stop) of the words after each of the event's words, to the end of its clause
        or another event's words; with `with_before`, also those of its clause before it."""
        words = self._events.get(kind)
        if words is None:
            return
        for found in words.finditer(text):
            end = _CLAUSE_END.search(text, found.end())
            stop = end.start() if end else len(text)
            other = self._others[kind].search(text, found.end(), stop)
            yield found.end(), other.start() if other else stop
            if with_before:
                ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, found.start())]
                yield (ends[-1] if ends else 0), found.start()

    def _reading(self, found: re.Match[str], gap: str) -> tuple[tuple[int, int] | None, bool]:
        """The clock time `found` after the words `gap`, and whether it is written as one (hour
        and minutes, or a number with a clock mark) though it cannot be read."""
        mark = (found.group("mark") or "").lower()
        meridiem = _MERIDIEM.fullmatch(mark)
        led = self._lead.search(gap) is not None
        bare = "," not in gap and len(gap) <= self._bare_reach
        if found.group("minute") is not None:
            hour, minute = int(found.group("hour")), int(found.group("minute"))
            if not (led or mark or bare):
                # past a comma: a time, unless a dot may make it a number ("seizure, Hb 12.50")
                return None, found.group("sep") != "."
        elif found.group("four") is not None:
            if not (led or mark):
                return None, False
            hour, minute = divmod(int(found.group("four")), 100)
        else:
            if not (meridiem or mark == "uhr" or (led and mark in _HOUR_MARKS_LED)):
                return None, False
            hour, minute = int(found.group("alone")), 0
        if meridiem and 0 < hour <= _HALF_DAY:
            hour = hour % _HALF_DAY + (_HALF_DAY if meridiem.group(1).lower() == "p" else 0)
        if hour >= _DAY_HOURS or minute >= _MINUTES:
            return None, True
        return (hour, minute), True
