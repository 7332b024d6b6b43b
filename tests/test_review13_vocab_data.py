"""The medication free-text words and the creatinine units are data, edited in one place.

* drugs.toml [words] and [patterns] hold the words the drug matcher reads a medication list with
  (stopped, replaced, switched, not yet, end of, past, instead of, continued ...), in six
  languages; triage.knowledge.drugs builds its regular expressions from them.  A word added there
  changes the reading; a malformed table is refused naming the file, the line and the key.
* synonyms.toml [values.lab_units.creatinine] holds the creatinine units the readers convert.

Synthetic patients only.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pipeline_helpers import triage_csv

import triage
import triage.io.wide as wide
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import load_drugs
from triage.resources import data_file
from triage.schema import ConfigError

ROOT = Path(triage.__file__).resolve().parents[1]  # the code under test
DRUGS_TOML = data_file("drugs.toml")
MATCHER = drug_matcher(load_drugs())

# Reads `text` with the drug vocabulary of the drugs.toml at argv[1] (a fresh process: the
# matcher reads its words once, at import) and prints the drugs found as taken.
_READ_WITH = """
import sys
from pathlib import Path
import triage.resources as resources
bundled = resources.data_file
resources.data_file = lambda name: Path(sys.argv[1]) if name == "drugs.toml" else bundled(name)
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import load_drugs
print("|".join(m.drug.name for m in drug_matcher(load_drugs()).find(sys.argv[2])))
"""


def _found(text: str) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text)]


def _found_with(toml: Path, text: str) -> list[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _READ_WITH, str(toml), text],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [name for name in done.stdout.strip().split("|") if name]


def _with_list_item(text: str, table: str, key: str, item: str) -> str:
    """drugs.toml's text with `item` (a TOML string) added at the head of [table] `key`."""
    header = text.index(f"\n[{table}]\n")
    start = text.index(f"\n{key} = [", header) + 1
    opening = text.index("[", start) + 1
    return text[:opening] + f"\n    {item}," + text[opening:]


# ============================================================ the words are data, not code ==
def _literal_word_lists(source: str, smallest: int) -> list[int]:
    """Lines of the set/tuple/list literals of `source` holding at least `smallest` texts (not
    the module's `__all__`: names of its API, no words)."""
    tree = ast.parse(source)
    exported = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)
    }
    lines = []
    for node in ast.walk(tree):
        if id(node) in exported:
            continue
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            texts = [
                item
                for item in ast.walk(node)
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
            if len(texts) >= smallest:
                lines.append(node.lineno)
    return lines


def test_the_medication_words_are_no_literals_of_the_matcher() -> None:
    """A pure move: drugs.py holds no word list any more (the old code held _STOPPED, _NEGATING,
    _AFFIRMING_WORDS ... as literals of hundreds of words); its regular expressions read them."""
    source = (ROOT / "triage" / "knowledge" / "drugs.py").read_text(encoding="utf-8")
    assert _literal_word_lists(source, 10) == []
    texts = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    for word in ("abgesetzt", "arrêté", "suspendido", "sospeso", "gestopt", "discontinued"):
        assert word not in texts


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("stopped", ["stopped", "abgesetzt", "arrêté", "suspendido", "sospeso", "gestopt"]),
        ("negating", ["no", "kein", "pas de", "sin", "senza", "geen"]),
        ("affirming", ["started", "seit", "depuis", "desde", "dal", "sinds"]),
        ("replaced", ["replaced by", "ersetzt durch", "remplacé par", "sustituido por",
                      "sostituito da", "vervangen door"]),
        ("switched_to", ["switched to", "umgestellt auf", "relais par", "cambio a", "passato a",
                         "overgezet op"]),
        ("past_alone", ["ex", "fruher", "ancien", "anterior", "precedente", "vroeger"]),
        ("answer_no", ["no", "nein", "non", "ninguno", "nessuno", "nee"]),
    ],
)  # fmt: skip
def test_the_data_holds_the_words_in_six_languages(key: str, words: list[str]) -> None:
    from triage.knowledge.loaders import load_drug_words

    assert set(words) <= set(load_drug_words().words[key])


def test_the_data_holds_the_patterns_in_six_languages() -> None:
    from triage.knowledge.loaders import load_drug_words

    patterns = load_drug_words().patterns
    assert {"prior\\s+to", "vor\\s+(?:beginn|start|einleitung)(?:\\s+(?:mit|der|des|von))?"} <= set(
        patterns["not_yet"]
    )
    assert {"instead\\s+of", "statt", "in\\s+plaats\\s+van"} <= set(patterns["instead_of"])
    assert {"previously", "anciennement", "vroeger"} <= set(patterns["past_time"])
    assert {"fortgesetzt", "poursuivie?", "gecontinueerd"} <= set(patterns["continued_after"])


# ===================================================== a word added to the data is read ==
# A stop word of each language that the bundled data does not know (yet): a list that writes it
# after the drug says the drug is not taken once the word is in [words] stopped.
NEW_STOP_WORDS = [
    ("en", "Risperdal 2 mg binned", "binned"),
    ("de", "Risperdal 2 mg weggelassen", "weggelassen"),
    ("fr", "Risperdal 2 mg délaissé", "délaissé"),
    ("es", "Risperdal 2 mg dejado", "dejado"),
    ("it", "Risperdal 2 mg tolto", "tolto"),
    ("nl", "Risperdal 2 mg opgeborgen", "opgeborgen"),
]


@pytest.mark.parametrize(("lang", "text", "word"), NEW_STOP_WORDS)
def test_a_stop_word_added_to_the_data_stops_the_drug(
    tmp_path: Path, lang: str, text: str, word: str
) -> None:
    assert _found(text) == ["risperidone"], lang  # an unknown word: still taken
    toml = tmp_path / "drugs.toml"
    bundled = DRUGS_TOML.read_text(encoding="utf-8")
    toml.write_text(_with_list_item(bundled, "words", "stopped", json.dumps(word)), "utf-8")
    assert _found_with(toml, text) == [], lang


def test_a_pattern_added_to_the_data_is_read(tmp_path: Path) -> None:
    """A new "instead of" (Dutch "als vervanger van"): the drug after it is the old one."""
    text = "Abilify 10 mg als vervanger van Risperdal"
    assert _found(text) == ["aripiprazole", "risperidone"]
    toml = tmp_path / "drugs.toml"
    bundled = DRUGS_TOML.read_text(encoding="utf-8")
    item = "'als\\s+vervanger\\s+van'"
    toml.write_text(_with_list_item(bundled, "patterns", "instead_of", item), "utf-8")
    assert _found_with(toml, text) == ["aripiprazole"]


# ================================================= a malformed table is refused, by name ==
def _broken(tmp_path: Path, old: str, new: str) -> Path:
    bundled = DRUGS_TOML.read_text(encoding="utf-8")
    assert old in bundled
    path = tmp_path / "drugs.toml"
    path.write_text(bundled.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("\nanswer_no = [", '\nanswer_no = "nein"\nunused = [', "words.answer_no", "list"),
        ("\nnot_yet = [", "\nnot_yet = ['prior\\s+(to',", "patterns.not_yet", "regular expression"),
        ('\nswitch_between = ["auf", "durch", "naar", "door", "op", "gegen"]\n', "\n",
         "words.switch_between", "missing"),
        ("\nend_of_with = [", "\nend_of_wiht = [", "words.end_of_wiht", "unknown key"),
        ("\nas_before = [", '\nas_before = ["", ', "words.as_before", "non-empty"),
        ("\n[patterns]\n", "\n[pattern]\n", "patterns", "missing table"),
    ],
)  # fmt: skip
def test_a_malformed_word_table_is_refused_with_its_file_line_and_key(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    from triage.knowledge.loaders import load_drug_words

    path = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_drug_words(path)
    error = caught.value
    assert error.file == str(path)
    assert error.field == field
    assert message in error.message
    if "." in field:  # the line of the key, or of its table's header when the key is missing
        assert error.line is not None
        lines = path.read_text(encoding="utf-8").splitlines()
        key = field.split(".")[1]
        assert key in lines[error.line - 1] or lines[error.line - 1].startswith("[")


def test_the_lexicon_loader_checks_the_word_tables_too(tmp_path: Path) -> None:
    """load_drugs on a drugs.toml whose [words] is broken fails (with the file and the key), as
    every run reads the matcher's words from the same file."""
    path = _broken(tmp_path, "\nstopped = [", "\nstopped = 3\nunused = [")
    with pytest.raises(ConfigError) as caught:
        load_drugs(path)
    assert caught.value.file == str(path)
    assert caught.value.field == "words.stopped"


# ========================================================================== creatinine units ==
@pytest.mark.parametrize(
    ("header", "cell", "renal"),
    [("Creatinine (mg/dL)", "4.5", True), ("Creatinine (mg/dL)", "0.9", False),
     ("Kreatinin (mg/100ml)", "4,5", True),
     ("Créatinine (mg/L)", "45", True), ("Créatinine (mg/L)", "9", False),
     ("Creatinine (µmol/L)", "400", True), ("Creatinine (µmol/L)", "19", False),
     ("Creatinina (μmol/L)", "400", True), ("Creatinina (μmol/L)", "19", False),
     ("Creatinine (umol/L)", "19", False),
     ("Kreatinine (mmol/L)", "0,4", True), ("Kreatinine (mmol/L)", "0,08", False)],
)  # fmt: skip
def test_a_creatinine_converts_as_before_in_each_unit(
    tmp_path: Path, header: str, cell: str, renal: bool
) -> None:
    """A pure move (passes on the old code too): 0.4 mmol/L is 400 µmol/L (a kidney failure),
    19 µmol/L (Greek or micro sign) is no 19 mg/dL, 9 mg/L is 0.9 mg/dL."""
    results = triage_csv(tmp_path, f'ID;Sex;Age;Prolactine (ng/mL);{header}\nC1;M;50;70;"{cell}"\n')
    assert ("renal_impairment" in str(results.iloc[0]["factors"])) == renal, (header, cell)


def test_the_creatinine_units_are_data_not_code() -> None:
    source = (ROOT / "triage" / "io" / "wide.py").read_text(encoding="utf-8")
    assert not re.search(r"_CREATININE_(?:MG_DL|UMOL_L)\s*:", source)
    table = wide.synonyms_data()["values"]["lab_units"]["creatinine"]
    assert table["mg_dl"] == {"mg/dl": 1.0, "mg/l": 0.1, "mg/100ml": 1.0}
    assert table["umol_l"] == {"umol/l": 1.0, "µmol/l": 1.0, "μmol/l": 1.0, "mmol/l": 1000.0}


def _with_creatinine(monkeypatch: pytest.MonkeyPatch, creatinine: object) -> None:
    data = wide.synonyms_data()
    values = {**data["values"], "lab_units": {**data["values"]["lab_units"]}}
    values["lab_units"]["creatinine"] = creatinine
    monkeypatch.setattr(wide, "synonyms_data", lambda: {**data, "values": values})
    for cached in ("_lab_units", "_creatinine_units"):
        if hasattr(wide, cached):
            getattr(wide, cached).cache_clear()


@pytest.fixture(autouse=True)
def _fresh_unit_caches() -> Iterator[None]:
    """After a test that patched synonyms.toml, the unit tables are read again."""
    yield
    for cached in ("_lab_units", "_creatinine_units"):
        if hasattr(wide, cached):
            getattr(wide, cached).cache_clear()


def test_a_creatinine_unit_added_to_the_data_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "µmol/litre" (a UK spelling) added to [values.lab_units.creatinine] umol_l: 19 µmol/litre
    is 0.21 mg/dL, not 19 mg/dL (an invented kidney failure)."""
    table = wide.synonyms_data()["values"]["lab_units"]["creatinine"]
    before = wide.creatinine_for_engine(np.array([19.0]), np.array(["µmol/litre"], dtype=object))
    assert before[0] == 19.0  # unknown: as written
    _with_creatinine(
        monkeypatch, {"mg_dl": table["mg_dl"], "umol_l": {**table["umol_l"], "µmol/litre": 1.0}}
    )
    after = wide.creatinine_for_engine(np.array([19.0]), np.array(["µmol/litre"], dtype=object))
    assert after[0] == pytest.approx(19.0 / 88.4)


@pytest.mark.parametrize(
    ("creatinine", "field"),
    [(None, "values.lab_units.creatinine"),
     ({"mg_dl": {"mg/dl": 1.0}}, "values.lab_units.creatinine.umol_l"),
     ({"mg_dl": {"mg/dl": "one"}, "umol_l": {"umol/l": 1.0}}, "values.lab_units.creatinine.mg_dl"),
     ({"mg_dl": {"mg/dl": 1.0}, "umol_l": {"umol/l": 0}}, "values.lab_units.creatinine.umol_l")],
)  # fmt: skip
def test_a_malformed_creatinine_table_is_refused_by_its_key(
    monkeypatch: pytest.MonkeyPatch, creatinine: object, field: str
) -> None:
    _with_creatinine(monkeypatch, creatinine)
    with pytest.raises(ConfigError) as caught:
        wide.creatinine_for_engine(np.array([1.0]), np.array(["mg/dl"], dtype=object))
    assert caught.value.file == "synonyms.toml"
    assert caught.value.field == field
