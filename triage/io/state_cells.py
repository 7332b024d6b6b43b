"""How a cell of a yes/no state column (pregnant, lactating, menopausal, dialysis, kidney
transplant) reads, in the engine's own words for that column (states.toml, read by
engine/state_words.py): a reader uses it for what a codebook's labels mean and for the cells the
engine will not be able to read, so that the reader and the engine never read a state apart."""

from __future__ import annotations

from collections.abc import Mapping

from triage.values import parse_yes_no, synonyms_data


def state_answer(field: str, text: str) -> str | None:
    """What ``text`` in the yes/no column ``field`` says of the column's state: "yes" / "no",
    "" for something else of it or an answer that it is not known ("Perimenopausal",
    "Unknown"), None when the engine's words for the column do not read it."""
    # imported here: the engine's vocabulary, without the reader importing the engine at
    # start-up (as columns.names_a_finding)
    from triage.engine.state_words import load_state_vocabulary

    said = load_state_vocabulary().answer_of(f"{field}_text", text)
    if said is not None:
        return said
    answer = parse_yes_no(text, field, strict=True)
    return None if answer is None else "yes" if answer else "no"


def state_codes(field: str, labels: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The codes of the yes/no column ``field`` as a codebook or its header states them (code ->
    label: "1 | Not pregnant", "menopausa (1=pre; 2=post)"), each label read with the column's
    own state words (``state_answer``): (code -> "yes" / "no", another reading of the state
    ("Perimenopausal", "Unknown") as its label, a label the words do not read as unknown "";
    the codes so unread -> their label).  A code so stated is never read as the bare 1 = yes."""
    codes: dict[str, str] = {}
    unread: dict[str, str] = {}
    for code, label in labels.items():
        said = state_answer(field, label)
        if said is None:
            unread[code] = label
        codes[code] = label if said == "" else said or ""
    return codes, unread


def reads_state_cell(field: str, text: str) -> bool:
    """The engine reads something from ``text`` written in the yes/no column ``field`` (its
    state, another state, or an answer)."""
    if parse_yes_no(text, field, strict=True) is not None:
        return True  # a plain yes or no ("Y", "nein", "2 = no"): read without the vocabulary
    from triage.engine.state_words import load_state_vocabulary

    if load_state_vocabulary().read(f"{field}_text", text):
        return True
    return state_answer(field, text) is not None


def trimester_text(cell: object) -> str | None:
    """The words in which the engine reads the trimester a cell of a trimester column gives
    ("3", "T3", "3rd", "third", "III", "drittes", "troisième", "2. Trimenon": "trimester 3",
    "T3", "3rd trimester" ...), as the pregnancy column's words (states.toml trimester,
    trimester_code, [ordinals]); None when the cell gives no trimester ("0", "no", "?")."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    if not text:
        return None
    from triage.engine.state_words import load_state_vocabulary

    vocabulary = load_state_vocabulary()
    for said in (text, f"{text} trimester", f"trimester {text}"):
        if any(f.field == "trimester" for f in vocabulary.read("pregnant_text", said)):
            return said
    return None


def gestation_trimester(cell: object) -> str | None:
    """The words in which the engine reads the trimester a cell of a gestation column gives,
    when it gives one rather than weeks: the pregnancy column's words read a trimester in the
    cell itself ("3rd trimester", "3. Trimester", "III. Trimenon", "troisième trimestre",
    "terzo trimestre", "3er trimestre", "derde trimester", "T3": never three days, "at
    term"), or, without a digit, as a trimester column's cell ("III", "third":
    trimester_text).  None for weeks ("34", "32+4") and for other cells."""
    if cell is None or isinstance(cell, bool) or not isinstance(cell, str):
        return None
    text = cell.strip()
    if not any(ch.isalpha() for ch in text):
        return None
    from triage.engine.state_words import load_state_vocabulary

    if any(f.field == "trimester" for f in load_state_vocabulary().read("pregnant_text", text)):
        return text
    return None if any(ch.isdigit() for ch in text) else trimester_text(text)


def gestation_in_words(cell: object) -> float | None:
    """The weeks of gestation a cell of a gestation column writes as the pregnancy column's
    words read them, where a plain duration does not ("GA 32+4", "EG 32", "AD 30+2", "32+4
    SSW"), else as a note saying it after the gestation word (synonyms.toml
    [values.gestation_days] cell_subject: "7s", "6+2 (FIV)"), else None."""
    if not isinstance(cell, str) or not any(ch.isdigit() for ch in cell):
        return None
    from triage.engine.state_words import load_state_vocabulary

    vocabulary = load_state_vocabulary()
    text = cell.strip()
    subject = synonyms_data()["values"]["gestation_days"]["cell_subject"]
    for said in (text, f"{subject} {text}"):
        for fact in vocabulary.read("pregnant_text", said):
            if fact.field == "gestation" and fact.number is not None:
                return fact.number
    return None


# What kidney words say (states.toml): chronic kidney disease and its stage, dialysis, a graft.
KIDNEY_FACTS = frozenset({"ckd", "dialysis", "transplant"})


def kidney_words(field: str, text: object) -> bool:
    """The engine reads kidney words from ``text`` written in the lab column ``field`` ("egfr",
    "creatinine": "ESRD", "CKD G4", "terminale Niereninsuffizienz", "ERC estadio 5") with the
    vocabulary it reads comments with: a stage written where a number is expected."""
    if not isinstance(text, str) or not any(c.isalpha() for c in text):
        return False  # no word at all (">90", "<15"): nothing for the vocabulary to read
    from triage.engine.state_words import load_state_vocabulary

    facts = load_state_vocabulary().read(f"{field}_text", text)
    return any(f.field in KIDNEY_FACTS for f in facts)


def ckd_stage_of(text: str) -> float | None:
    """The CKD stage a cell of the kidney-disease column gives ("3", "G4", "5D", "stade 3"),
    in the engine's own words for that column (states.toml); None when it gives none ("1"
    alone is a yes there, "ja")."""
    from triage.engine.state_words import load_state_vocabulary

    for fact in load_state_vocabulary().read("kidney_disease", text):
        if fact.field == "ckd_stage" and fact.number is not None:
            return fact.number
    return None
