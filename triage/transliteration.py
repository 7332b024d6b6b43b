"""German words written without umlauts: the ASCII transliteration, on the vocabulary's side.

Old LIS systems, HL7 feeds and ASCII-only fields write German with ä -> ae, ö -> oe, ü -> ue and
ß -> ss ("Sehstoerung", "Schilddruese", "maennlich", "nicht bestaetigt").  A word of the data
files written with its umlaut is read in both spellings; the input text is never rewritten, since
the reverse is ambiguous ("aktuell", "neue", "Quelle", "does" are not umlauts).

One rule, applied where a vocabulary file is loaded (`vocabulary`: synonyms.toml, cues.toml,
states.toml, drugs.toml), so a word added to a data file is read in both spellings with no further
edit:

* a regular expression (a text with a backslash, a ``[`` or a ``(?``) has every literal umlaut
  accept its transliteration (`pattern`: ``ö`` -> ``(?:ö|oe)``, ``[öo]`` -> ``(?:[öo]|oe)``);
* any other text is a word or phrase: its ASCII spellings (`spellings`) are added at the end of
  its list, after every word written in the file, which keeps its place (an order the file
  gives, e.g. a header synonym's rank, is unchanged), or under the same value when it is a key.

Code that folds accents away before comparing ("Sehstörung" -> "sehstorung") then finds both
"sehstorung" and "sehstoerung" among the words; a regex run on the text as written matches both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["pattern", "spellings", "vocabulary"]

# The umlaut letters and ß, with the ASCII form written in their place.
_ASCII: Final = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "ẞ": "SS",
}
# The forms of a capital in a word written in capitals ("AERZTE"), for a regex's literal.
_CAPITALS: Final = {"Ä": "AE", "Ö": "OE", "Ü": "UE"}
_UMLAUTS: Final = frozenset("äöüÄÖÜ")
_SHARP_S: Final = frozenset("ßẞ")
_ANY: Final = re.compile("[äöüÄÖÜßẞ]")
# A text with any of these is a regular expression of the data files, not a word.
_REGEX_MARK: Final = re.compile(r"[\\\[]|\(\?")
_REPEATS: Final = frozenset("*+")
# What the regex rewrite stops at: an escape, a class, a group's ends, an umlaut or ß.
_SPECIAL: Final = re.compile(r"[\\\[()äöüÄÖÜßẞ]")


# ------------------------------------------------------------------------------------- words ---
def _replaced(word: str, letters: frozenset[str]) -> str:
    out: list[str] = []
    for at, char in enumerate(word):
        if char not in letters:
            out.append(char)
            continue
        after = word[at + 1 : at + 2]
        before = word[at - 1 : at]
        capitals = after.isupper() or (not after.isalpha() and before.isupper())
        out.append(_CAPITALS.get(char, _ASCII[char]) if capitals else _ASCII[char])
    return "".join(out)


def spellings(word: str) -> tuple[str, ...]:
    """`word` and its ASCII spellings: umlauts transliterated, ß as ss, and both ("Größe" ->
    "Größe", "Groeße", "Grösse", "Groesse"; "ÄRZTE" -> "AERZTE"); `word` alone without either."""
    if not _ANY.search(word):
        return (word,)
    found = [word]
    for letters in (_UMLAUTS, _SHARP_S, _UMLAUTS | _SHARP_S):
        spelt = _replaced(word, letters)
        if spelt not in found:
            found.append(spelt)
    return tuple(found)


# ------------------------------------------------------------------------------------ regexes ---
def _literal(char: str) -> str:
    """The alternatives a literal umlaut stands for ("ö" -> "(?:ö|oe)")."""
    forms = [char, _ASCII[char]]
    if char in _CAPITALS:
        forms.append(_CAPITALS[char])  # "(?-i:...)" parts: "AE" as well as "Ae"
    return "(?:" + "|".join(forms) + ")"


def _class_end(source: str, start: int) -> int:
    """The index after the "]" that closes the character class opened at `start`."""
    at = start + 1
    if source.startswith("^", at):
        at += 1
    if source.startswith("]", at):
        at += 1  # a "]" first in a class is a literal
    while at < len(source):
        char = source[at]
        if char == "\\":
            at += 2
            continue
        at += 1
        if char == "]":
            return at
    return len(source)  # unclosed: re.compile will say so


def _class(text: str, repeated: bool) -> str:
    """A character class with its umlauts' ASCII forms as alternatives ("[öo]" ->
    "(?:[öo]|oe)"); a negated class stays as it is ("[^ö]" excludes only the umlaut).  Under
    "*" or "+" a class that already matches each letter of a form needs no alternative
    ("[a-zäöü]+" matches "oe")."""
    if text.startswith("[^"):
        return text
    letters = [c for c in dict.fromkeys(text[1:-1]) if c in _ASCII]
    if not letters:
        return text
    try:
        plain = re.compile(text)
    except re.error:
        return text  # not a class re can read: its own error is reported where it is compiled
    forms: dict[str, None] = {}
    for char in letters:
        for form in (_ASCII[char], _CAPITALS.get(char, "")):
            if form and not (repeated and all(plain.fullmatch(c) for c in form)):
                forms.setdefault(form)
    if not forms:
        return text
    return "(?:" + "|".join((text, *forms)) + ")"


def pattern(source: str) -> str:
    """The regex `source` with every literal umlaut and ß also matching its ASCII form: "ö" ->
    "(?:ö|oe)", "Ä" -> "(?:Ä|Ae|AE)", "ß" -> "(?:ß|ss)", a class "[üu]" -> "(?:[üu]|ue)".  A
    look-behind stays as written (it must keep a fixed width); so do group names and escapes
    other than an escaped umlaut ("\\ä")."""
    if not _ANY.search(source):
        return source
    out: list[str] = []
    behind: list[bool] = []  # per open group: a look-behind
    at = 0
    end = len(source)
    while at < end:
        found = _SPECIAL.search(source, at)
        if found is None:
            out.append(source[at:])
            break
        out.append(source[at : found.start()])  # plain text up to the next special character
        at = found.start()
        char = source[at]
        inside_behind = any(behind)
        if char == "\\":
            if at + 1 < end and source[at + 1] in _ASCII and not inside_behind:
                out.append(_literal(source[at + 1]))
            elif source.startswith("\\N{", at):
                close = source.find("}", at)
                stop = end if close < 0 else close + 1
                out.append(source[at:stop])
                at = stop
                continue
            else:
                out.append(source[at : at + 2])
            at += 2
            continue
        if char == "[":
            stop = _class_end(source, at)
            text = source[at:stop]
            repeated = source[stop : stop + 1] in _REPEATS
            out.append(text if inside_behind else _class(text, repeated))
            at = stop
            continue
        if char == "(":
            opening = _group_opening(source, at)
            out.append(opening)
            if not opening.startswith(("(?P=", "(?#")):
                behind.append(opening in ("(?<=", "(?<!"))
            at += len(opening)
            continue
        if char == ")":
            if behind:
                behind.pop()
            out.append(char)
        elif char in _ASCII and not inside_behind:
            out.append(_literal(char))
        else:
            out.append(char)
        at += 1
    return "".join(out)


def _group_opening(source: str, at: int) -> str:
    """The opening of the group at `at`, copied as written: "(", "(?:", "(?<=", "(?<!", a named
    group's "(?P<name>" or "(?<name>", a back reference "(?P=name)" or a comment "(?#...)"."""
    for fixed in ("(?<=", "(?<!"):
        if source.startswith(fixed, at):
            return fixed
    for named, close in (("(?P<", ">"), ("(?<", ">"), ("(?P=", ")"), ("(?#", ")")):
        if source.startswith(named, at):
            stop = source.find(close, at)
            return source[at : stop + 1] if stop >= 0 else source[at:]
    return "("


# ------------------------------------------------------------------------- vocabulary files ---
def _is_regex(text: str) -> bool:
    return _REGEX_MARK.search(text) is not None


def _list(values: list[Any]) -> list[Any]:
    if not all(isinstance(v, str) for v in values):
        return [vocabulary(v) if isinstance(v, Mapping) else v for v in values]
    if not _ANY.search("\n".join(values)):
        return list(values)  # most lists: no umlaut, nothing to add
    out = [pattern(text) if _is_regex(text) else text for text in values]
    known = set(out)
    for text in values:
        if not _is_regex(text):
            for spelt in spellings(text)[1:]:
                if spelt not in known:
                    known.add(spelt)
                    out.append(spelt)
    return out


def vocabulary(table: Mapping[str, Any]) -> dict[str, Any]:
    """A parsed vocabulary file (or table) with both spellings of every German word: in each
    list of texts, a regex is rewritten in its place (`pattern`) and the ASCII spellings of its
    words (`spellings`) are added at its end; a regex given as a value of its own is rewritten;
    a key with a value that is not a table is listed in its ASCII spellings too, with the same
    value.  Lists of lists (pairs such as [word, unit]) are kept as written.  `table` is not
    changed."""
    out: dict[str, Any] = {}
    spelt_keys: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out[key] = vocabulary(value)
        elif isinstance(value, list):
            out[key] = _list(value)
        elif isinstance(value, str) and _is_regex(value):
            out[key] = pattern(value)
        else:
            out[key] = value
        if not isinstance(value, Mapping | list):
            for spelt in spellings(key)[1:]:
                spelt_keys.setdefault(spelt, out[key])
    for key, value in spelt_keys.items():
        out.setdefault(key, value)
    return out
