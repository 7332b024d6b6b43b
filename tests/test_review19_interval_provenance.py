"""Review 19: the reports say where the interval used came from, and what to know of it.

The task: reports "show the evidence and the reference interval used, and carry the tool version
and reference set"; the README: "that interval came from".  The patient pages, summary.html and
results.csv `reference_note` gave the set's title only, and the team-design limits of the default
set (third trimester 10-600 ng/mL, the first week after delivery <= 600, breastfeeding <= 200,
days 0-4 of life <= 500: upper limits set from the reported physiology, clinical-reference §2.1)
read "Reference interval" like a measured one.  The set's caveats ("paediatric limits derived on
Architect", the Roche upper limits being too low, §2.2, §7.7) were shown nowhere.

Now `reference_note` (contract: "which interval was used and why, with caveats") names each
stratum's source, and its note when the stratum is not a measured reference interval
(`measured = false`) or its note is a caveat (`note_is_caveat = true`); the patient page shows
it with the interval; summary.html lists the caveats of the run's set and of every other set
that judged a result, once, with the set's name and the tool version.

Synthetic patients only; the expected texts come from reference_ranges/*.toml.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted

from triage import __version__
from triage.knowledge import load_reference_set, validate_reference_file
from triage.knowledge.model import Stratum
from triage.output import OutputOptions
from triage.pipeline import TriageRequest, run_triage
from triage.schema import ConfigError

DEFAULT = load_reference_set("default")
ROCHE = load_reference_set("roche_elecsys")
DESIGN = "Not a measured reference interval"

HEADER = (
    "patient_id,sex,age_years,prolactin,prolactin_unit,reference_range,assay,pregnant,"
    "gestational_weeks,lactating,postpartum_weeks,comments"
)


def _row(pid: str, sex: str, age: str, value: str, unit: str = "ng/mL", **cells: str) -> str:
    order = (
        "reference_range",
        "assay",
        "pregnant",
        "gestational_weeks",
        "lactating",
        "postpartum_weeks",
    )
    rest = [cells.get(name, "") for name in order]
    comments = csv_quoted(cells["comments"]) if "comments" in cells else ""
    return ",".join([pid, sex, age, value, unit, *rest, comments])


ROWS = [
    # third trimester, in each language the exports come in (default:pregnant_t3, 10-600)
    _row("T3en", "F", "31", "240", pregnant="yes", gestational_weeks="34"),
    _row("T3de", "F", "30", "400", comments="Schwangerschaft 38. SSW"),
    _row("T3fr", "F", "30", "260", comments="enceinte 35 SA"),
    _row("T3es", "F", "30", "230", comments="embarazada 37 semanas"),
    _row("T3it", "F", "30", "350", comments="incinta 36 settimane"),
    _row("T3nl", "F", "28", "5600", "mIU/L", comments="zwanger 39 weken"),
    # pregnancy of unknown gestation: the whole-pregnancy interval, whose note is a caveat
    _row("PGx", "F", "29", "150", comments="gravida"),
    # the first week after delivery and breastfeeding later (team-design limits)
    _row("W1de", "F", "30", "350", comments="stillt; 3 Tage post partum"),
    _row("LAfr", "F", "30", "150", comments="allaitement maternel, 3 mois post-partum"),
    # neonates: days 0-4 (team design), 4-30 days (CALIPER, measured), 6 weeks (a caveat)
    _row("N2d", "M", "2 days", "300"),
    _row("N10d", "F", "10 days", "150"),
    _row("I6w", "F", "6 weeks", "90"),
    # adults: the default set's measured strata, a set chosen by the row's assay, the lab's own
    _row("AF", "F", "35", "41"),
    _row("AM", "M", "44", "25"),
    _row("AX", "", "40", "25"),
    _row("ARo", "F", "36", "27", assay="Elecsys Prolactin II"),
    _row("ALab", "F", "33", "31", reference_range="4.8 - 23.3"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One run of ROWS with a page for every patient: its results.csv rows by patient id and
    the text of summary.html and of each patient page."""
    tmp: Path = tmp_path_factory.mktemp("review19_provenance")
    path = tmp / "export.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    out = tmp / "out"
    run_triage(
        TriageRequest(inputs=[path], out_dir=out, output_options=OutputOptions(all_patients=True))
    )
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["patient_id"]: r for r in csv.DictReader(handle)}
    pages: dict[str, str] = {}
    for section in (out / "patients.html").read_text(encoding="utf-8").split("<section")[1:]:
        page = _text(section)
        found = re.search(r"Patient ID (\S+)", page)
        assert found, page[:200]
        pages[found.group(1)] = page
    return {"rows": rows, "pages": pages, "summary": _text(_read(out / "summary.html"))}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _text(markup: str) -> str:
    """What a reader sees: the tags dropped, the entities decoded, the spaces collapsed."""
    markup = re.sub(r"<(style|svg)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _stratum(stratum_id: str, rs: object = DEFAULT) -> Stratum:
    found = rs.find(stratum_id)  # type: ignore[attr-defined]
    assert found is not None, stratum_id
    return found


def _said(text: str) -> str:
    """A data text as the note quotes it: without its final stop."""
    return text.strip().rstrip(". ")


def _rows(run: dict[str, object]) -> dict[str, dict[str, str]]:
    return run["rows"]  # type: ignore[return-value]


def _pages(run: dict[str, object]) -> dict[str, str]:
    return run["pages"]  # type: ignore[return-value]


# ------------------------------------------------------------------------ the data ---------
def test_team_design_limits_are_marked_in_the_data_not_found_in_their_words() -> None:
    """The four limits set from physiology say so as a data attribute, with a note saying how;
    the strata cited from a measured study do not."""
    for sid in ("pregnant_t3", "postpartum_week1", "lactating", "neonate_0_4d"):
        stratum = _stratum(sid)
        assert stratum.measured is False and stratum.note, sid
    for sid in ("adult_female", "adult_male", "pregnant", "neonate_4_30d", "child_6_11y_male"):
        assert _stratum(sid).measured is True, sid
    assert _stratum("pregnant").note_is_caveat and _stratum("infant_30d_3m").note_is_caveat
    assert not _stratum("adult_female").note_is_caveat


def test_a_lab_set_marks_its_strata_in_toml_and_csv(tmp_path: Path) -> None:
    head = (
        '[set]\ntitle = "Hillside"\nmiu_per_ng = 21.2\nmiu_per_ng_source = "WHO"\n'
        'source = "Hillside 2025"\n'
    )
    women = (
        '[[stratum]]\nid = "w"\nsex = "F"\nstate = "adult"\nhigh = 25\nunit = "ng/mL"\n'
        'source = "local"\n'
    )
    men = women.replace('"w"', '"m"').replace('"F"', '"M"')
    ok = tmp_path / "hillside.toml"
    ok.write_text(
        head + women + men + '[[stratum]]\nid = "l"\nsex = "F"\nstate = "lactating"\n'
        'high = 180\nunit = "ng/mL"\nsource = "local"\nmeasured = false\n'
        'note = "twice the basal level"\n',
        encoding="utf-8",
    )
    lactating = validate_reference_file(ok).find("l")
    assert lactating is not None and not lactating.measured
    bare = tmp_path / "bare.toml"  # measured = false without saying how: refused, named
    bare.write_text(
        head + women.replace('source = "local"\n', 'source = "x"\nmeasured = false\n') + men
    )
    with pytest.raises(ConfigError, match="measured = false needs a 'note'"):
        validate_reference_file(bare)
    table = tmp_path / "hill.csv"
    table.write_text(
        "# title = Hill\n# miu_per_ng = 21.2\n# miu_per_ng_source = WHO\n# source = Hill 2024\n"
        "id;sex;state;high;unit;source;note;measured;note_is_caveat\n"
        "w;F;adult;26,5;ng/mL;insert;;;\n"
        "m;M;adult;19;ng/mL;insert;Men over 70 not studied.;yes;yes\n",
        encoding="utf-8",
    )
    men_csv = validate_reference_file(table).find("m")
    assert men_csv is not None and men_csv.measured and men_csv.note_is_caveat


# --------------------------------------------------------------- results.csv notes ---------
@pytest.mark.parametrize("pid", ["T3en", "T3de", "T3fr", "T3es", "T3it", "T3nl"])
def test_third_trimester_note_gives_the_source_and_says_not_measured(
    run: dict[str, object], pid: str
) -> None:
    row = _rows(run)[pid]
    stratum = _stratum("pregnant_t3")
    note = row["reference_note"]
    assert row["reference_stratum"] == "default:pregnant_t3", note
    assert f"Source of this interval: {_said(stratum.source)}" in note
    assert f"{DESIGN}: {_said(stratum.note)}" in note


def test_a_miu_row_reads_its_interval_in_its_unit_before_the_quoted_source(
    run: dict[str, object],
) -> None:
    note = _rows(run)["T3nl"]["reference_note"]
    assert note.startswith(
        "Physiological interval for pregnancy: pregnancy, 3rd trimester 212–12720 mIU/L"
    )
    said = note.replace(_said(_stratum("pregnant_t3").source), "")
    assert "ng/mL" not in re.sub(r"mIU/L \([^()]*?ng/mL\)", "", said), note


@pytest.mark.parametrize(
    ("pid", "stratum_id", "kind"),
    [
        ("PGx", "pregnant", "Caveat"),
        ("W1de", "postpartum_week1", DESIGN),
        ("LAfr", "lactating", DESIGN),
        ("N2d", "neonate_0_4d", DESIGN),
        ("I6w", "infant_30d_3m", "Caveat"),
    ],
)
def test_physiological_and_infant_strata_carry_their_note(
    run: dict[str, object], pid: str, stratum_id: str, kind: str
) -> None:
    row = _rows(run)[pid]
    stratum = _stratum(stratum_id)
    note = row["reference_note"]
    assert row["reference_stratum"] == f"default:{stratum_id}", note
    assert f"Source of this interval: {_said(stratum.source)}" in note
    assert f"{kind}: {_said(stratum.note)}" in note


@pytest.mark.parametrize(
    ("pid", "stratum_id"), [("AF", "adult_female"), ("AM", "adult_male"), ("N10d", "neonate_4_30d")]
)
def test_measured_strata_give_their_source_and_no_design_words(
    run: dict[str, object], pid: str, stratum_id: str
) -> None:
    note = _rows(run)[pid]["reference_note"]
    assert f"Source of this interval: {_said(_stratum(stratum_id).source)}" in note
    assert "measured" not in note and "Caveat" not in note
    # an ordinary stratum note (a textbook limit, a mean) is not shown as a caveat
    assert _said(_stratum(stratum_id).note) not in note


def test_unknown_sex_names_each_intervals_source(run: dict[str, object]) -> None:
    note = _rows(run)["AX"]["reference_note"]
    for sid, words in (("adult_female", "women"), ("adult_male", "men")):
        assert f"Source of the interval for {words}: {_said(_stratum(sid).source)}" in note
    # the judging sentence still ends the note (docs/output-contract-extensions.md)
    assert note.rindex("Judged against") > note.rindex("Source of the interval")


def test_an_assay_set_and_the_labs_own_interval(run: dict[str, object]) -> None:
    roche = _rows(run)["ARo"]
    assert roche["reference_stratum"] == "roche_elecsys:adult_female"
    assert (
        f"Source of this interval: {_said(_stratum('adult_female', ROCHE).source)}"
        in (roche["reference_note"])
    )
    lab = _rows(run)["ALab"]  # the lab's own interval: its note says so, no stratum source
    assert lab["reference_source"] == "row"
    assert "Source of" not in lab["reference_note"] and "measured" not in lab["reference_note"]


# ------------------------------------------------------------------ patient pages ----------
@pytest.mark.parametrize(
    ("pid", "stratum_id", "interval", "design"),
    [
        ("T3en", "pregnant_t3", "Reference interval 10–600 ng/mL", True),
        ("N2d", "neonate_0_4d", "Reference interval up to 500 ng/mL", True),
        ("AF", "adult_female", "Reference interval 3–30 ng/mL", False),
    ],
)
def test_patient_page_shows_the_interval_with_its_source(
    run: dict[str, object], pid: str, stratum_id: str, interval: str, design: bool
) -> None:
    page = _pages(run)[pid]
    stratum = _stratum(stratum_id)
    assert interval in page
    source = page.index(_said(stratum.source))
    assert page.index(interval) < source < page.index("Possible or likely contributing factors")
    assert (f"{DESIGN}: {_said(stratum.note)}" in page) is design
    assert ("not a measured reference interval" in page.casefold()) is design


# ---------------------------------------------------------------------- summary ------------
def test_summary_lists_the_sets_caveats_once_with_set_and_version(run: dict[str, object]) -> None:
    summary: str = run["summary"]  # type: ignore[assignment]
    assert DEFAULT.caveats and ROCHE.caveats
    for caveat in (*DEFAULT.caveats, *ROCHE.caveats):  # the run's set; the set of "Elecsys"
        assert summary.count(caveat) == 1, caveat
    assert "Paediatric limits were derived on Abbott Architect" in summary
    section = summary[summary.index("Reference intervals: sets and caveats") :]
    assert f"{DEFAULT.title} (default), prolactin-triage {__version__}" in section
    # every row but the Elecsys one and the one judged by the lab's own interval
    assert "default · the run's set · judged 15 results" in section
    assert "roche_elecsys · judged 1 result " in section
    # a set that judged no result of the batch is not listed
    atellica = load_reference_set("siemens_atellica")
    assert atellica.title not in summary and atellica.caveats[0] not in summary
