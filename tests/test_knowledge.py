"""Reference sets, thresholds and the knowledge bundle: shipped data valid, lab files checked."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest

from triage.knowledge import (
    find_assay_set,
    list_reference_sets,
    load_drugs,
    load_knowledge,
    load_reference_set,
    load_thresholds,
    reference_file_problems,
    reference_set_paths,
    validate_reference_file,
)
from triage.knowledge.loaders import BAND_NAMES, REQUIRED_THRESHOLDS
from triage.knowledge.model import ReferenceSet, Stratum
from triage.schema import ConfigError

SHIPPED = sorted(reference_set_paths())
ASSAY_SETS = (
    "roche_elecsys",
    "roche_elecsys_rederived",
    "abbott_architect",
    "siemens_centaur",
    "siemens_atellica",
    "beckman_access",
)


def write(folder: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return path


LAB_TOML = """
# St Elsewhere chemistry: our verified Centaur intervals
[set]
title = "St Elsewhere (ADVIA Centaur XPT)"
assay = "Siemens ADVIA Centaur XPT"
aliases = ["XPT"]
miu_per_ng = 21.2
miu_per_ng_source = "Centaur PRL insert"
source = "St Elsewhere verification study 2025"
caveats = ["Verified on 120 donors"]

[[stratum]]
id = "women"
sex = "F"
state = "adult"
age_min_years = 16
low = 60        # mIU/L
high = 620
unit = "mIU/L"
source = "local verification"

[[stratum]]
id = "men"
sex = "M"
state = "adult"
age_min_years = 16
low = 2.9
high = 17.7
unit = "µg/L"
source = "local verification"
note = "µg/L = ng/mL"
"""


def lab_csv(delimiter: str = ",", decimal: str = ".") -> str:
    """A lab's set in CSV form; cells of data rows are written with `delimiter`."""
    set_lines = [
        "# title = Hillside lab, Architect",
        "# assay = Abbott Architect i2000SR",
        "# aliases = Hillside; i2000SR-HS",
        f"# miu_per_ng = 21{decimal}2",
        "# miu_per_ng_source = Architect prolactin insert",
        "# source = Hillside verification 2024",
        "# caveats = first caveat",
        "# caveats = second caveat",
        "# a free comment: values verified in 2024",
    ]
    rows = [
        [
            "id",
            "sex",
            "state",
            "age_min_years",
            "age_max_years",
            "low",
            "high",
            "unit",
            "source",
            "note",
            "neonatal",
        ],
        ["women", "F", "adult", "18", "", "5.2", "26.5", "ng/mL", "insert", "", ""],
        ["men", "M", "adult", "18", "", "3.5", "19.4", "ng/mL", "insert", "", ""],
        [
            "newborn",
            "any",
            "child",
            "0",
            "30 days",
            "",
            "4500",
            "mIU/L",
            "CALIPER",
            "first month",
            "yes",
        ],
    ]
    lines = [delimiter.join(cell.replace(".", decimal) for cell in row) for row in rows]
    return "\n".join(set_lines + lines) + "\n"


# ------------------------------------------------------------------------------ shipped sets ---
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_set_loads_and_validates(name: str) -> None:
    path = reference_set_paths()[name]
    assert reference_file_problems(path) == []
    ref = validate_reference_file(path)
    assert ref.name == name and ref.title and ref.source and ref.miu_per_ng_source
    assert ref.miu_per_ng == pytest.approx(21.2)
    for sex in ("F", "M"):
        assert any(s.state == "adult" and s.sex in (sex, "any") for s in ref.strata)
    for stratum in ref.strata:
        assert stratum.source.strip(), stratum.id
        assert stratum.high_ng_ml > (stratum.low_ng_ml or 0)
        assert stratum.line > 0
    if name != "default":
        assert ref.assay


def test_shipped_set_names() -> None:
    assert set(SHIPPED) == {"default", *ASSAY_SETS}
    listed = list_reference_sets()
    assert listed[0].name == "default"
    assert sorted(s.name for s in listed) == sorted(SHIPPED)


def test_every_number_in_shipped_sets_cites_a_tag() -> None:
    """The reviewer must see how firm each number is: every stratum source carries a tag."""
    for ref in list_reference_sets():
        for stratum in ref.strata:
            assert any(tag in stratum.source for tag in ("[S]", "[S2]", "[M]")), (ref, stratum.id)
        assert any(tag in ref.miu_per_ng_source for tag in ("[S]", "[S2]", "[M]")), ref.name


def _applying(ref: ReferenceSet, sex: str, state: str, age: float) -> list[Stratum]:
    return [
        s
        for s in ref.strata
        if s.state == state
        and s.sex in (sex, "any")
        and s.age_min_years <= age < (math.inf if s.age_max_years is None else s.age_max_years)
    ]


@pytest.mark.parametrize("sex", ["F", "M"])
def test_default_set_covers_every_age_exactly_once(sex: str) -> None:
    ref = load_reference_set("default")
    ages = [d / 365.25 for d in (0, 1, 3, 10, 29, 30, 60, 89, 92, 200)] + [
        1,
        1.5,
        2,
        5.9,
        6,
        10.99,
        11,
        17.99,
    ]
    for age in ages:
        assert len(_applying(ref, sex, "child", age)) == 1, age
        assert _applying(ref, sex, "adult", age) == []
    for age in (18, 30, 64, 90):
        assert len(_applying(ref, sex, "adult", age)) == 1
        assert _applying(ref, sex, "child", age) == []


def test_default_set_physiological_strata() -> None:
    ref = load_reference_set("default")
    states = {s.state for s in ref.strata}
    assert {"pregnant", "lactating", "postmenopausal"} <= states
    pregnant = ref.find("pregnant")
    assert pregnant is not None and pregnant.high_ng_ml == pytest.approx(209.0)
    assert "trimester" in pregnant.note  # the choice not to ship trimester strata is explained
    neonatal = [s for s in ref.strata if s.neonatal]
    assert neonatal and all(s.state == "child" for s in neonatal)
    assert max(s.age_max_years or 0 for s in neonatal) == pytest.approx(0.25)
    # The first days of life (before CALIPER's day 4) have a wider physiological limit: the
    # day-1 mean is ~267 ng/mL (Perlman 1978), above CALIPER's 4-29 day limit of 212.8.
    first_days = _applying(ref, "F", "child", 2 / 365.25)[0]
    assert first_days.neonatal and first_days.high_ng_ml >= 267
    # not a measured interval: a data attribute of the stratum, its note says how it was set
    assert first_days.low_ng_ml is None and not first_days.measured and first_days.note
    assert first_days.age_max_years == pytest.approx(4 / 365.25)
    caliper = _applying(ref, "F", "child", 10 / 365.25)[0]
    assert caliper.neonatal and caliper.high_ng_ml == pytest.approx(212.8)
    assert caliper.age_max_years == pytest.approx(30 / 365.25)


def test_roche_points_to_rederived_set() -> None:
    roche = load_reference_set("roche_elecsys")
    rederived = load_reference_set("roche_elecsys_rederived")
    assert any("roche_elecsys_rederived" in caveat for caveat in roche.caveats)
    female, male = rederived.find("adult_female"), rederived.find("adult_male")
    assert female is not None and female.high_ng_ml == pytest.approx(37.8)
    assert male is not None and male.high_ng_ml == pytest.approx(22.8)
    assert rederived.aliases == ()  # a row saying "cobas" keeps the manufacturer set


def test_miu_strata_are_converted_with_the_set_factor() -> None:
    atellica = load_reference_set("siemens_atellica")
    male = atellica.find("adult_male")
    assert male is not None
    assert male.high_ng_ml == pytest.approx(320 / 21.2, abs=1e-3)
    assert male.low_ng_ml is None
    assert "320 mIU/L" in male.note


def test_lab_toml_converts_units_and_parses(tmp_path: Path) -> None:
    path = write(tmp_path, "st_elsewhere.toml", LAB_TOML.replace("21.2", "20.0", 1))
    ref = validate_reference_file(path)
    women = ref.find("women")
    men = ref.find("men")
    assert women is not None and men is not None
    assert [women.low_ng_ml, women.high_ng_ml] == pytest.approx([3.0, 31.0])
    assert [men.low_ng_ml, men.high_ng_ml] == pytest.approx([2.9, 17.7])
    assert women.line == 11 and men.line == 21
    assert ref.aliases == ("XPT",) and ref.caveats == ("Verified on 120 donors",)
    assert ref.name == "st_elsewhere" and ref.path == str(path)


def test_iu_per_litre_and_age_texts(tmp_path: Path) -> None:
    text = LAB_TOML.replace('high = 620\nunit = "mIU/L"', 'high = 0.636\nunit = "IU/L"')
    text = text.replace("low = 60        # mIU/L\n", "")
    text = text.replace("age_min_years = 16\nlow = 2.9", 'age_min_years = "192 months"\nlow = 2.9')
    ref = validate_reference_file(write(tmp_path, "iu.toml", text))
    women, men = ref.find("women"), ref.find("men")
    assert women is not None and men is not None
    assert women.high_ng_ml == pytest.approx(30.0) and women.low_ng_ml is None
    assert men.age_min_years == pytest.approx(16.0)


@pytest.mark.parametrize(("unit", "high"), [("mIE/l", 636.0), ("mE/L", 636.0), ("UI/L", 0.636)])
def test_a_set_writes_its_unit_as_the_exports_do(tmp_path: Path, unit: str, high: float) -> None:
    """A set file's units are read by the readers' own table (synonyms.toml), local
    abbreviations of the international unit included."""
    text = LAB_TOML.replace('high = 620\nunit = "mIU/L"', f'high = {high}\nunit = "{unit}"')
    text = text.replace("low = 60        # mIU/L\n", "")
    women = validate_reference_file(write(tmp_path, "local.toml", text)).find("women")
    assert women is not None and women.high_ng_ml == pytest.approx(30.0)


# ---------------------------------------------------------------------------------- CSV form ---
@pytest.mark.parametrize(("delimiter", "decimal"), [(",", "."), (";", ","), ("\t", ".")])
def test_lab_csv_set(tmp_path: Path, delimiter: str, decimal: str) -> None:
    path = write(tmp_path, "hillside.csv", lab_csv(delimiter, decimal))
    ref = validate_reference_file(path)
    assert ref.title == "Hillside lab, Architect"
    assert ref.assay == "Abbott Architect i2000SR"
    assert ref.aliases == ("Hillside", "i2000SR-HS")
    assert ref.caveats == ("first caveat", "second caveat")
    assert ref.miu_per_ng == pytest.approx(21.2)
    women = ref.find("women")
    assert women is not None and (women.low_ng_ml, women.high_ng_ml) == (5.2, 26.5)
    assert women.line == 11 and women.age_max_years is None
    newborn = ref.find("newborn")
    assert newborn is not None and newborn.neonatal and newborn.low_ng_ml is None
    assert newborn.high_ng_ml == pytest.approx(4500 / 21.2, abs=1e-3)
    assert newborn.age_max_years == pytest.approx(30 / 365.25)


def test_csv_round_tripped_through_a_spreadsheet(tmp_path: Path) -> None:
    """Excel pads comment rows with delimiters and quotes cells holding commas; BOM, cp1252."""
    lines = lab_csv().splitlines()
    padded = []
    for line in lines:
        if line.startswith("#"):
            padded.append((f'"{line}"' if "," in line else line) + ",,,,,,,,,,")
        else:
            padded.append(line)
    text = "\r\n".join(padded).replace("first caveat", "first caveat, with a comma µ")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    ref = validate_reference_file(path)
    assert ref.title == "Hillside lab, Architect"
    assert ref.caveats[0] == "first caveat, with a comma µ"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert validate_reference_file(path).find("men") is not None


def test_csv_and_toml_forms_agree(tmp_path: Path) -> None:
    csv_ref = validate_reference_file(write(tmp_path, "a.csv", lab_csv()))
    toml_text = """
    [set]
    title = "Hillside lab, Architect"
    assay = "Abbott Architect i2000SR"
    aliases = ["Hillside", "i2000SR-HS"]
    miu_per_ng = 21.2
    miu_per_ng_source = "Architect prolactin insert"
    source = "Hillside verification 2024"
    caveats = ["first caveat", "second caveat"]
    [[stratum]]
    id = "women"
    sex = "F"
    state = "adult"
    age_min_years = 18
    low = 5.2
    high = 26.5
    unit = "ng/mL"
    source = "insert"
    [[stratum]]
    id = "men"
    sex = "M"
    state = "adult"
    age_min_years = 18
    low = 3.5
    high = 19.4
    unit = "ng/mL"
    source = "insert"
    [[stratum]]
    id = "newborn"
    sex = "any"
    state = "child"
    age_max_years = "30 days"
    high = 4500
    unit = "mIU/L"
    neonatal = true
    source = "CALIPER"
    note = "first month"
    """
    toml_ref = validate_reference_file(write(tmp_path, "a.toml", toml_text))

    def shape(ref: ReferenceSet) -> object:
        return [(s.id, s.sex, s.state, s.low_ng_ml, s.high_ng_ml, s.neonatal) for s in ref.strata]

    assert shape(csv_ref) == shape(toml_ref)
    assert csv_ref.caveats == toml_ref.caveats and csv_ref.aliases == toml_ref.aliases


# ---------------------------------------------------------------------------- broken files -----
def _error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        validate_reference_file(path)
    return caught.value


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", LAB_TOML.replace('sex = "M"', 'sex = "M'))
    error = _error(path)
    assert error.line == 23
    assert error.file == str(path)
    assert str(error).startswith(f"{path}:23")
    assert "syntax" in error.message


BROKEN_TOML = [
    # (description, old text, new text, line, field, words in the message)
    ("unknown key", "note = ", "notes = ", 30, "notes", "unknown stratum key"),
    ("unknown set key", "caveats =", "caveat =", 9, "caveat", "unknown set key"),
    ("low above high", "low = 2.9", "low = 29", 26, "low", "below high"),
    ("negative", "low = 2.9", "low = -2.9", 26, "low", "negative"),
    ("number in quotes", "high = 17.7", 'high = "17.7"', 27, "high", "number"),
    ("unknown sex", 'sex = "M"', 'sex = "male"', 23, "sex", "F, M or any"),
    (
        "unknown state",
        'state = "adult"\nage_min_years = 16\nlow = 2.9',
        'state = "grown"\nlow = 2.9',
        24,
        "state",
        "not one of",
    ),
    ("missing source", 'source = "local verification"\nnote', "note", 21, "source", "missing"),
    ("bad unit", 'unit = "µg/L"', 'unit = "mg/dL"', 28, "unit", "not known"),
    ("bad factor", "miu_per_ng = 21.2", "miu_per_ng = 0.0472", 6, "miu_per_ng", "implausible"),
    ("factor as text", "miu_per_ng = 21.2", 'miu_per_ng = "x"', 6, "miu_per_ng", "number"),
    (
        "overlap",
        'id = "men"\nsex = "M"',
        'id = "men"\nsex = "any"',
        21,
        "age_min_years",
        "overlaps 'women'",
    ),
    ("duplicate id", 'id = "men"', 'id = "women"', 21, "id", "duplicate"),
    (
        "bad age",
        "age_min_years = 16\nlow = 2.9",
        'age_min_years = "sixteen"\nlow = 2.9',
        25,
        "age_min_years",
        "30 days",
    ),
    (
        "ages reversed",
        "age_min_years = 16\nlow = 2.9",
        "age_min_years = 16\nage_max_years = 2\nlow = 2.9",
        26,
        "age_max_years",
        "must be below",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [case[1:] for case in BROKEN_TOML],
    ids=[case[0] for case in BROKEN_TOML],
)
def test_broken_toml_is_rejected_with_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    assert old in LAB_TOML
    path = write(tmp_path, "lab.toml", LAB_TOML.replace(old, new, 1))
    error = _error(path)
    assert (error.line, error.field) == (line, field), error
    assert words in error.message
    assert str(error).startswith(f"{path}:{line} [{field}]")


def test_no_adult_male_stratum(tmp_path: Path) -> None:
    text = LAB_TOML.replace(
        'id = "men"\nsex = "M"\nstate = "adult"', 'id = "boys"\nsex = "M"\nstate = "child"'
    )
    error = _error(write(tmp_path, "lab.toml", text))
    assert "no adult stratum for sex M" in error.message


def test_missing_set_table_and_strata(tmp_path: Path) -> None:
    error = _error(write(tmp_path, "empty.toml", "# nothing here\n"))
    assert "[set]" in error.message and error.line == 1
    problems = reference_file_problems(tmp_path / "empty.toml")
    assert any("no [[stratum]]" in p.message for p in problems)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    text = LAB_TOML.replace('sex = "M"', 'sex = "X"').replace("low = 60", "low = 6000")
    path = write(tmp_path, "many.toml", text)
    problems = reference_file_problems(path)
    assert [(p.line, p.field) for p in problems] == [(16, "low"), (23, "sex")]
    assert "(and 1 more problem)" in _error(path).message


CSV_BROKEN = [
    ("low above high", "men,M,adult,18,,3.5,", "men,M,adult,18,,35,", 12, "low", "below high"),
    ("unknown sex", "men,M,", "men,male,", 12, "sex", "F, M or any"),
    ("shifted cells", ",19.4,", ",19,4x,", 12, "unit", "not known"),
    ("bad high", ",19.4,", ",n/a,", 12, "high", "number"),
    ("unknown column", ",note,neonatal", ",notes,neonatal", 10, "notes", "unknown column"),
    ("missing column", "state,age_min", "status,age_min", 10, "status", "unknown column"),
    ("unknown set key", "# assay =", "# asay =", 2, "asay", "unknown set key"),
    ("bad factor", "# miu_per_ng = 21.2", "# miu_per_ng = 212", 4, "miu_per_ng", "implausible"),
    ("bad neonatal", "first month,yes", "first month,maybe", 13, "neonatal", "true or false"),
    (
        "neonatal adult",
        "men,M,adult,18,,3.5,19.4,ng/mL,insert,,",
        "men,M,adult,18,,3.5,19.4,ng/mL,insert,,true",
        12,
        "neonatal",
        "only allowed",
    ),
    ("missing source", "19.4,ng/mL,insert", "19.4,ng/mL,", 12, "source", "missing"),
    (
        "overlap",
        "newborn,any,child,0,30 days,,4500,mIU/L,CALIPER,first month,yes",
        "newborn,any,adult,18,30,,4500,mIU/L,CALIPER,first month,",
        13,
        "age_min_years",
        "overlaps 'women'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [case[1:] for case in CSV_BROKEN],
    ids=[case[0] for case in CSV_BROKEN],
)
def test_broken_csv_is_rejected_with_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str | None, words: str
) -> None:
    text = lab_csv()
    assert old in text
    path = write(tmp_path, "lab.csv", text.replace(old, new, 1))
    error = _error(path)
    assert (error.line, error.field) == (line, field), error
    assert words in error.message
    assert str(error).startswith(f"{path}:{line}")


def test_not_a_set_file(tmp_path: Path) -> None:
    path = write(tmp_path, "ranges.txt", "hello\n")
    assert "toml or .csv" in _error(path).message
    with pytest.raises(ConfigError, match="not found"):
        load_reference_set(tmp_path / "missing.toml")


def test_unknown_set_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_reference_set("roche_elecsis")
    assert "roche_elecsys" in caught.value.message
    assert load_reference_set("Roche_Elecsys").name == "roche_elecsys"


# -------------------------------------------------------------------------------- knowledge ----
def test_load_knowledge_default() -> None:
    knowledge = load_knowledge()
    assert knowledge.reference_set.name == "default"
    assert knowledge.default_set.name == "default"
    assert set(knowledge.assay_sets) == set(ASSAY_SETS)
    assert len(knowledge.drugs) >= 60
    assert load_knowledge() is knowledge  # cached per files


def test_load_knowledge_by_name_and_file(tmp_path: Path) -> None:
    by_name = load_knowledge("roche_elecsys_rederived")
    assert by_name.reference_set.name == "roche_elecsys_rederived"
    assert by_name.default_set.name == "default"
    path = write(tmp_path, "st_elsewhere.toml", LAB_TOML)
    by_file = load_knowledge(path)
    assert by_file.reference_set.name == "st_elsewhere"
    assert "st_elsewhere" in by_file.assay_sets
    assert load_knowledge(str(path)).reference_set is by_file.reference_set


def test_extra_dirs_add_sets_and_take_over_aliases(tmp_path: Path) -> None:
    write(tmp_path, "st_elsewhere.toml", LAB_TOML.replace('["XPT"]', '["XPT", "Centaur XP"]'))
    knowledge = load_knowledge("st_elsewhere", extra_dirs=[tmp_path])
    assert knowledge.reference_set.name == "st_elsewhere"
    assert [s.name for s in list_reference_sets([tmp_path])].count("st_elsewhere") == 1
    assert "Centaur XP" not in knowledge.assay_sets["siemens_centaur"].aliases
    found = find_assay_set("Centaur XP", knowledge.assay_sets)
    assert found is not None and found.name == "st_elsewhere"
    found = find_assay_set("Siemens XPT", knowledge.assay_sets)
    assert found is not None and found.name == "st_elsewhere"


def test_two_lab_sets_claiming_one_alias(tmp_path: Path) -> None:
    write(tmp_path, "lab_a.toml", LAB_TOML)
    write(tmp_path, "lab_b.toml", LAB_TOML)
    with pytest.raises(ConfigError, match="alias 'XPT'"):
        load_knowledge(extra_dirs=[tmp_path])


def test_broken_lab_file_in_extra_dir_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "bad.csv", lab_csv().replace("men,M,", "men,Q,"))
    with pytest.raises(ConfigError) as caught:
        load_knowledge(extra_dirs=[tmp_path])
    assert caught.value.file.endswith("bad.csv") and caught.value.line == 12


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = write(tmp_path, "lab.toml", LAB_TOML)
    first = validate_reference_file(path)
    write(tmp_path, "lab.toml", LAB_TOML.replace("high = 17.7", "high = 18.9"))
    second = validate_reference_file(path)
    men = second.find("men")
    assert first is not second and men is not None and men.high_ng_ml == 18.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Roche cobas e801", "roche_elecsys"),
        ("Elecsys Prolactin II", "roche_elecsys"),
        ("roche_elecsys", "roche_elecsys"),
        ("ARCHITECT i2000SR", "abbott_architect"),
        ("Abbott Alinity i", "abbott_architect"),
        ("ADVIA Centaur XP", "siemens_centaur"),
        ("Atellica IM 1600", "siemens_atellica"),
        ("Beckman Coulter UniCel DxI 800", "beckman_access"),
        ("Access 2", "beckman_access"),
        ("roche elecsys rederived", "roche_elecsys_rederived"),
        ("Siemens", None),  # Centaur or Atellica: ambiguous
        ("cobas / Architect comparison", None),
        ("", None),
        (None, None),
        ("Accessory", None),
    ],
)
def test_find_assay_set(text: str | None, expected: str | None) -> None:
    found = find_assay_set(text, load_knowledge().assay_sets)
    assert (found.name if found else None) == expected


# ------------------------------------------------------------------------------- thresholds ----
def test_thresholds_complete_and_sourced() -> None:
    thresholds = load_thresholds()
    assert tuple(b.name for b in thresholds.bands) == BAND_NAMES
    assert [b.lower_ng_ml for b in thresholds.bands] == [0, 50, 100, 250, 500]
    for name in REQUIRED_THRESHOLDS:
        assert thresholds.values[name].unit and thresholds.source(name), name
    for item in thresholds.values.values():
        assert any(tag in item.source for tag in ("[S]", "[S2]", "[M]", "team design", "§")), item
    assert thresholds.get("urgent_miu_l") == 5000
    assert thresholds.get("stalk_effect_max_ng_ml") == 94
    assert thresholds.get("repeat_rested_max_times_uln") == 2.5
    assert thresholds.get("neonatal_max_age_years") == 0.25
    with pytest.raises(KeyError, match="no_such"):
        thresholds.get("no_such")


def _thresholds_text() -> str:
    from triage import resources

    return resources.data_file("thresholds.toml").read_text(encoding="utf-8")


def test_thresholds_missing_name_and_bad_values(tmp_path: Path) -> None:
    text = _thresholds_text()
    start = text.index("[threshold.hook_max_ng_ml]")
    end = text.index("[threshold.hook_dilution_factor]")
    path = write(tmp_path, "t.toml", text[:start] + text[end:])
    with pytest.raises(ConfigError, match="'hook_max_ng_ml' is missing"):
        load_thresholds(path)
    broken = text.replace('value = 4.2\nunit = "mIU/L"', 'value = "4.2"\nunit = "mIU/L"')
    path = write(tmp_path, "t2.toml", broken)
    with pytest.raises(ConfigError) as caught:
        load_thresholds(path)
    expected_line = broken[: broken.index('value = "4.2"')].count("\n") + 1
    assert caught.value.line == expected_line and caught.value.field == "value"


def test_thresholds_band_order(tmp_path: Path) -> None:
    text = _thresholds_text().replace("lower_ng_ml = 100", "lower_ng_ml = 40")
    with pytest.raises(ConfigError, match="rise strictly"):
        load_thresholds(write(tmp_path, "t.toml", text))


def test_drug_file_problems_name_the_line(tmp_path: Path) -> None:
    text = """
    [[drug]]
    name = "haloperidol"
    class = "antipsychotic"
    effect = "raises"
    brands = ["Haldol"]
    frequency = "high"
    masks = false
    source = "x [S]"

    [[drug]]
    name = "haloperidol decanoate"
    class = "antipsychotic"
    effect = "raises"
    brands = ["haldol"]
    frequency = "often"
    masks = false
    source = "y [S]"

    [[class]]
    name = "antipsychotic"
    effect = "raises"
    label = "Antipsychotic medication"
    evidence = "antipsychotic"
    """
    path = write(tmp_path, "drugs.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_drugs(path)
    assert caught.value.line == 15 and caught.value.field == "frequency"
    fixed = write(tmp_path, "drugs2.toml", text.replace('"often"', '"high"'))
    with pytest.raises(ConfigError) as caught:
        load_drugs(fixed)
    assert caught.value.line == 10 and "also a term of 'haloperidol'" in caught.value.message


def test_examples_in_the_reference_data_docs_are_valid(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "reference-data.md"
    text = docs.read_text(encoding="utf-8")
    blocks = re.findall(r"```(toml|csv)\n(.*?)```", text, re.S)
    assert [kind for kind, _ in blocks] == ["toml", "csv"]
    for index, (kind, body) in enumerate(blocks):
        ref = validate_reference_file(write(tmp_path, f"example{index}.{kind}", body))
        assert len(ref.strata) >= 2
