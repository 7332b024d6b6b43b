"""columns.candidates skips scoring a cell none of whose words any field's vocabulary uses
(_names_nothing): the shortcut must never change what a header is read as.  Checked against the
full scoring on every cell of the sample exports' first rows and on headers built from the
vocabulary itself (synonyms, weak synonyms, glued and shortened words, units in brackets)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from triage import columns


def _cells(samples_dir: Path) -> set[str]:
    texts: set[str] = set()
    for path in sorted(samples_dir.iterdir()):
        if path.suffix in {".csv", ".xlsx", ".xls", ".ods"}:
            if path.suffix == ".csv":
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[:60]
                rows = [cell for line in lines for cell in re.split(r"[,;\t|]", line)]
                frames = {"": pd.DataFrame([rows], dtype=str)}
            else:
                frames = pd.read_excel(
                    path, header=None, sheet_name=None, nrows=60, dtype=str, engine="calamine"
                )
            for frame in frames.values():
                texts.update(str(v) for v in frame.to_numpy().ravel() if isinstance(v, str))
    return texts


def _vocabulary_headers() -> set[str]:
    """Headers whose words are not all the vocabulary's as written: words run together, words
    shortened with a dot, units and signs alone, brackets."""
    texts = {"%", "(%)", "ng/mL", "(mIU/L)", "µg/l", "#", "№", "Nr.", "(1=f, 2=m)"}
    for spec in columns.field_specs().values():
        for synonym in list(spec.synonyms)[:3]:
            texts |= {synonym.replace(" ", ""), f"{synonym[:4]}. ({synonym[-3:]})"}
        for rule in spec.rules:
            words = [sorted(group)[0] for group in rule]
            texts |= {"".join(words), "".join(reversed(words)), f"{words[0][:4]}. {words[-1]}"}
    return texts


def test_the_shortcut_never_changes_a_reading(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _cells(samples_dir) | _vocabulary_headers()
    texts |= {"MRN0100038", "26L4400038", "Müller, Anna", "1234.5", "03.11.2026", "n/a"}
    assert len(texts) > 1000
    scored = {text: columns.candidates.__wrapped__(text) for text in texts}
    skipped = [text for text in texts if columns._names_nothing(columns.parse_header(text))]
    assert len(skipped) > 100  # the shortcut is taken: most data cells name nothing
    monkeypatch.setattr(columns, "_names_nothing", lambda header: False)
    unchanged = {text: columns.candidates.__wrapped__(text) for text in texts}
    assert scored == unchanged
