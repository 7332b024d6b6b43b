"""The docs that are generated from code, and the README's promises, stay true."""

from __future__ import annotations

import re
from pathlib import Path

from triage.cli.docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), "docs/cli.md is stale: run python -m triage.cli.docs > docs/cli.md"


def test_quick_start_is_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start$(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README has no Quick start section"
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", section.group(1), re.S)
    assert block
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "prolactin-triage demo" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q ".[test]"' in ci and "\npytest\n" in ci
