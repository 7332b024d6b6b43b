"""International clinical vignettes, end to end through the CLI (issue 7, "Must show").

Each vignette in tests/data/vignettes_intl.toml is one synthetic patient written from the clinical
reference (/work/shared/spec/clinical-reference.md, cited per vignette) in German, French,
Spanish, Italian or Dutch, in a file shape the sample exports do not have:

- ``de_tsv_wide``  German wide TSV, UTF-8, decimal commas, µg/l, an unrelated ward column;
- ``fr_xlsx_wide`` French wide xlsx (openpyxl), header on row 1 without title rows, unrelated
  columns (``N° scanner``, ``Examen``, ``Fréquence respiratoire (/min)``), prolactin and TSH
  both in mUI/L;
- ``es_xlsx_long`` Spanish long xlsx, one row per test (``Prueba``/``Resultado``/``Unidad``) with
  local test names and codes;
- ``it_tsv_long``  Italian long TSV, one row per test (``Esame``/``Risultato``/``Unità di misura``);
- ``nl_csv_wide``  Dutch wide ``,``-CSV with a BOM, quoted decimal commas and V/M sex codes.

The files are generated at test time from the table, one file per (language, shape), and each
is triaged by one ``prolactin-triage run`` (Typer's CliRunner on the real app).  The expected
outcome per vignette is a clinician's judgement, not the tool's current answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.knowledge import factor_codes
from triage.schema import CAUTION_CODES, PRIORITIES, STATUSES, SUGGESTION_CODES

FACTOR_CODES = factor_codes()  # the contract's factor codes, drug classes included

VIGNETTE_FILE = Path(__file__).parent / "data" / "vignettes_intl.toml"
VIGNETTES: list[dict[str, Any]] = tomllib.loads(VIGNETTE_FILE.read_text("utf-8"))["vignette"]
ALL_SUGGESTIONS = set(SUGGESTION_CODES) | set(CAUTION_CODES)
PRIORITY_RANK = {"none": 0, "routine": 1, "soon": 2, "urgent": 3}
runner = CliRunner()

Row = list[object]


# --------------------------------------------------------------------------- file shapes -------


def _fr_date(text: str) -> dt.datetime:
    day, month, year = (int(p) for p in text.split("/"))
    return dt.datetime(year, month, day, 9, 30)


# Wide shapes: (header, key in `cells`, default value).  Keys "id", "ward" and the like are filled
# by the generator; everything else comes from the vignette's cells.
DE_COLUMNS: list[tuple[str, str, object]] = [
    ("Patienten-ID", "id", ""),
    ("Geschlecht", "sex", ""),
    ("Alter", "age", ""),
    ("Geburtsdatum", "dob", ""),
    ("Entnahmedatum", "date", "27.11.2026"),
    ("Station", "ward", "Endokrinologie Ambulanz"),
    ("Prolaktin (µg/l)", "prl", ""),
    ("Referenzbereich (µg/l)", "ref", ""),
    ("Schwangerschaft", "preg", ""),
    ("Stillzeit", "lact", ""),
    ("Menopause", "meno", ""),
    ("Medikation", "meds", ""),
    ("eGFR (ml/min/1,73m²)", "egfr", ""),
    ("Dialyse", "dial", ""),
    ("Leber", "liver", ""),
    ("TSH (mU/l)", "tsh", ""),
    ("Makroprolaktin PEG-Wiederfindung (%)", "peg", ""),
    ("Symptome", "sympt", ""),
    ("Klinische Angaben", "notes", ""),
]
FR_COLUMNS: list[tuple[str, str, object]] = [
    ("IPP", "id", ""),
    ("N° scanner", "scan", ""),
    ("Sexe", "sex", ""),
    ("Âge", "age", ""),
    ("Date de naissance", "dob", ""),
    ("Date de prélèvement", "date", "27/11/2026"),
    ("Examen", "exam", "Bilan hormonal"),
    ("Fréquence respiratoire (/min)", "resp", 16),
    ("Prolactine (mUI/L)", "prl", ""),
    ("Grossesse", "preg", ""),
    ("Allaitement", "lact", ""),
    ("Ménopause", "meno", ""),
    ("Traitement en cours", "meds", ""),
    ("DFG (mL/min/1,73 m²)", "egfr", ""),
    ("Dialyse", "dial", ""),
    ("Foie", "liver", ""),
    ("TSH (mUI/L)", "tsh", ""),
    ("Récupération PEG (%)", "peg", ""),
    ("Signes cliniques", "sympt", ""),
    ("Commentaire", "notes", ""),
]
NL_COLUMNS: list[tuple[str, str, object]] = [
    ("Patiëntnummer", "id", ""),
    ("Geslacht", "sex", ""),
    ("Leeftijd", "age", ""),
    ("Afnamedatum", "date", "27-11-2026"),
    ("Afdeling", "ward", "Polikliniek Interne"),
    ("Prolactine (µg/l)", "prl", ""),
    ("Zwanger", "preg", ""),
    ("Borstvoeding", "lact", ""),
    ("Medicatie", "meds", ""),
    ("eGFR (ml/min/1,73m2)", "egfr", ""),
    ("Dialyse", "dial", ""),
    ("Lever", "liver", ""),
    ("TSH (mE/l)", "tsh", ""),
    ("Klachten", "sympt", ""),
    ("Opmerkingen", "notes", ""),
]

# Long shapes: per-patient columns repeated on every test row, then the test columns.
ES_PATIENT: list[tuple[str, str, object]] = [
    ("NHC", "id", ""),
    ("Sexo", "sex", ""),
    ("Edad", "age", ""),
    ("Fecha extracción", "date", "27/11/2026 08:45"),
    ("Embarazo", "preg", ""),
    ("Lactancia", "lact", ""),
    ("Menopausia", "meno", ""),
    ("Tratamiento", "meds", ""),
    ("Hepatopatía", "liver", ""),
    ("Diálisis", "dial", ""),
    ("Datos clínicos", "notes", ""),
]
ES_TEST_HEADERS = ["Código", "Prueba", "Resultado", "Unidad"]
ES_TESTS = {  # key: (local code, test name, unit)
    "tsh": ("TSH", "Tirotropina (TSH)", "mUI/L"),
    "prl": ("PRL", "Prolactina", "ng/mL"),
    "ft4": ("T4L", "Tiroxina libre (T4L)", "ng/dL"),
    "egfr": ("FGE", "Filtrado glomerular estimado (CKD-EPI)", "mL/min/1,73m²"),
    "creat": ("CREA", "Creatinina", "mg/dL"),
    "peg": ("MPRL", "Macroprolactina (recuperación tras PEG)", "%"),
    "hcg": ("BHCG", "Gonadotropina coriónica beta (β-hCG)", "UI/L"),
}
IT_PATIENT: list[tuple[str, str, object]] = [
    ("Codice paziente", "id", ""),
    ("Sesso", "sex", ""),
    ("Età", "age", ""),
    ("Data prelievo", "date", "27/11/2026"),
    ("Terapia", "meds", ""),
    ("Notizie cliniche", "notes", ""),
]
IT_TEST_HEADERS = ["Codice esame", "Esame", "Risultato", "Unità di misura"]
IT_TESTS = {
    "tsh": ("TSH", "Tireotropina (TSH)", "µUI/mL"),
    "prl": ("PRL", "Prolattina", "ng/mL"),
    "egfr": ("EGFR", "Velocità di filtrazione glomerulare stimata (eGFR CKD-EPI)", "mL/min/1,73m²"),
    "creat": ("CREA", "Creatinina", "mg/dL"),
    "peg": ("MPRL", "Macroprolattina - recupero dopo PEG", "%"),
    "hcg": ("BHCG", "Beta-HCG", "mUI/mL"),
}


def _wide_rows(
    columns: list[tuple[str, str, object]], vignettes: list[dict[str, Any]], prefix: str
) -> tuple[list[str], list[Row], list[int]]:
    header = [h for h, _, _ in columns]
    rows: list[Row] = []
    source_rows: list[int] = []
    for n, v in enumerate(vignettes, start=1):
        cells = {"id": f"{prefix}{n:04d}", "scan": f"SC-26-{4100 + n}", **v["cells"]}
        rows.append([cells.get(key, default) for _, key, default in columns])
        source_rows.append(n + 1)  # header on row 1
    return header, rows, source_rows


def _long_rows(
    patient_cols: list[tuple[str, str, object]],
    test_headers: list[str],
    tests: dict[str, tuple[str, str, str]],
    vignettes: list[dict[str, Any]],
    prefix: str,
    numeric: bool,
) -> tuple[list[str], list[Row], list[int]]:
    header = [h for h, _, _ in patient_cols] + test_headers
    rows: list[Row] = []
    source_rows: list[int] = []
    for n, v in enumerate(vignettes, start=1):
        cells = {"id": f"{prefix}{n:04d}", **v["cells"]}
        patient = [cells.get(key, default) for _, key, default in patient_cols]
        for key in tests:  # the table's order: TSH before prolactin, as LIS exports often list
            if key not in v["tests"]:
                continue
            code, name, unit = tests[key]
            unit = v.get("units", {}).get(key, unit)  # a row may carry its own unit
            value: object = v["tests"][key]
            if numeric and isinstance(value, str) and "," not in value:
                value = float(value) if "." in value else int(value)
            if key == "prl":
                source_rows.append(len(rows) + 2)
            rows.append([*patient, code, name, value, unit])
    return header, rows, source_rows


def _write_delimited(
    path: Path, header: list[str], rows: list[Row], delimiter: str, bom: bool
) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(["" if c is None else c for c in row] for row in rows)


def _write_xlsx(path: Path, header: list[str], rows: list[Row], sheet: str) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append([None if c == "" else c for c in row])
    book.save(path)


def _make_de(path: Path, vs: list[dict[str, Any]]) -> list[int]:
    header, rows, where = _wide_rows(DE_COLUMNS, vs, "DE")
    _write_delimited(path, header, rows, "\t", bom=False)
    return where


def _make_fr(path: Path, vs: list[dict[str, Any]]) -> list[int]:
    header, rows, where = _wide_rows(FR_COLUMNS, vs, "FR")
    for row in rows:  # dates as real spreadsheet dates, as openpyxl exports write them
        for i, (h, _, _) in enumerate(FR_COLUMNS):
            if h.startswith("Date") and isinstance(row[i], str) and row[i]:
                row[i] = _fr_date(str(row[i]))
    _write_xlsx(path, header, rows, "Résultats")
    return where


def _make_es(path: Path, vs: list[dict[str, Any]]) -> list[int]:
    header, rows, where = _long_rows(ES_PATIENT, ES_TEST_HEADERS, ES_TESTS, vs, "ES", True)
    _write_xlsx(path, header, rows, "Resultados")
    return where


def _make_it(path: Path, vs: list[dict[str, Any]]) -> list[int]:
    header, rows, where = _long_rows(IT_PATIENT, IT_TEST_HEADERS, IT_TESTS, vs, "IT", False)
    _write_delimited(path, header, rows, "\t", bom=False)
    return where


def _make_nl(path: Path, vs: list[dict[str, Any]]) -> list[int]:
    header, rows, where = _wide_rows(NL_COLUMNS, vs, "NL")
    _write_delimited(path, header, rows, ",", bom=True)
    return where


SHAPES: dict[str, tuple[str, Callable[[Path, list[dict[str, Any]]], list[int]]]] = {
    "de_tsv_wide": ("labor_export_prolaktin.tsv", _make_de),
    "fr_xlsx_wide": ("export_labo_prolactine.xlsx", _make_fr),
    "es_xlsx_long": ("resultados_lis.xlsx", _make_es),
    "it_tsv_long": ("esami_laboratorio.tsv", _make_it),
    "nl_csv_wide": ("uitslagen_prolactine.csv", _make_nl),
}


# --------------------------------------------------------------------------- running -----------


@cache
def _run(shape: str, workdir: Path) -> dict[str, Any]:
    """Write the shape's file, triage it through the CLI, return results.json and the rows."""
    name, make = SHAPES[shape]
    chosen = [v for v in VIGNETTES if v["shape"] == shape]
    folder = workdir / shape
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    where = make(path, chosen)
    out = folder / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    outcome: dict[str, Any] = {"exit_code": result.exit_code, "output": result.output}
    if (out / "results.json").exists():
        outcome["json"] = json.loads((out / "results.json").read_text("utf-8"))
    outcome["rows"] = {v["id"]: row for v, row in zip(chosen, where, strict=True)}
    return outcome


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vignettes_intl")


def _completed(shape: str, workdir: Path) -> dict[str, Any]:
    run = _run(shape, workdir)
    assert "json" in run, f"no results.json (exit {run['exit_code']}): {run['output'][-2000:]}"
    return run


def _result_for(vignette: dict[str, Any], workdir: Path) -> dict[str, Any]:
    run = _completed(vignette["shape"], workdir)
    row = run["rows"][vignette["id"]]
    found = [r for r in run["json"]["results"] if r["source_row"] == row]
    if not found:
        rejected = [r for r in run["json"]["rejected"] if r["source_row"] == row]
        inputs = run["json"]["inputs"]
        pytest.fail(
            f"{vignette['id']}: row {row} not triaged; rejected={rejected}; "
            f"mapping={[i.get('mapping') for i in inputs]}"
        )
    assert len(found) == 1, found
    result: dict[str, Any] = found[0]
    return result


def _order_pairs(vignette: dict[str, Any]) -> list[tuple[str, str]]:
    """`suggestions_order` is one [first, second] pair or a list of such pairs."""
    order = vignette.get("suggestions_order", [])
    pairs = order if order and isinstance(order[0], list) else [order] if order else []
    return [(first, second) for first, second in pairs]


def _codes(items: list[Any]) -> list[str]:
    return [i["code"] if isinstance(i, dict) else str(i) for i in items]


# --------------------------------------------------------------------------- tests -------------


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_row_is_accounted_for(shape: str, workdir: Path) -> None:
    run = _run(shape, workdir)
    assert run["exit_code"] == 0, run["output"][-2000:]
    inputs = run["json"]["inputs"]
    assert len(inputs) == 1
    (info,) = inputs
    assert info["rows_read"] == info["rows_triaged"] + info["rows_rejected"], info
    # Every row is usable: a prolactin result or a context test the contract names (TSH, free T4,
    # eGFR, creatinine, hCG, macroprolactin/PEG recovery; contract §2).
    assert info["rows_rejected"] == 0, run["json"]["rejected"]
    expected = len([v for v in VIGNETTES if v["shape"] == shape])
    # Long shape: context rows (TSH, eGFR, PEG...) count as used, one result per prolactin row.
    assert len(run["json"]["results"]) == expected, (info, run["json"]["rejected"])
    if shape.endswith("_wide"):
        assert info["rows_read"] == expected, info
        assert info["rows_triaged"] == expected, (info, run["json"]["rejected"])


# Columns that carry nothing for the triage: they may stay unmapped.  Every other column holds
# clinical context a clinician would read, so the reader must not drop it.
UNRELATED = {"Station", "N° scanner", "Examen", "Fréquence respiratoire (/min)", "Afdeling"}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_clinical_column_is_read(shape: str, workdir: Path) -> None:
    run = _completed(shape, workdir)
    (info,) = run["json"]["inputs"]
    dropped = set(info.get("unmapped_headers", [])) - UNRELATED
    assert not dropped, f"clinical columns not read: {sorted(dropped)}; mapping={info['mapping']}"


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_intl(vignette: dict[str, Any], workdir: Path) -> None:
    res = _result_for(vignette, workdir)
    factors = _codes(res["factors"])
    suggestions = _codes(res["suggestions"])
    context = (
        f"{vignette['id']} ({vignette['source']}): {vignette['why']}\n"
        f"actual: status={res['status']} priority={res['priority']} sex={res['sex']} "
        f"age={res['age_years']} prl={res['prolactin_ng_ml']} "
        f"interval={res['reference_low_ng_ml']}-{res['reference_high_ng_ml']} "
        f"({res['reference_source']}/{res.get('reference_stratum')})\n"
        f"factors={factors}\nsuggestions={suggestions}"
    )
    problems: list[str] = []
    if res["status"] != vignette["status"]:
        problems.append(f"status {res['status']!r} != {vignette['status']!r}")
    if "priority" in vignette and res["priority"] != vignette["priority"]:
        problems.append(f"priority {res['priority']!r} != {vignette['priority']!r}")
    if "priority_min" in vignette and (
        PRIORITY_RANK[res["priority"]] < PRIORITY_RANK[vignette["priority_min"]]
    ):
        problems.append(f"priority {res['priority']!r} < {vignette['priority_min']!r}")
    problems += [
        f"missing factor {c}" for c in vignette.get("factors_include", []) if c not in factors
    ]
    problems += [
        f"unexpected factor {c}" for c in vignette.get("factors_exclude", []) if c in factors
    ]
    if "factors_any" in vignette and not set(vignette["factors_any"]) & set(factors):
        problems.append(f"none of the factors {vignette['factors_any']}")
    problems += [
        f"missing suggestion {c}"
        for c in vignette.get("suggestions_include", [])
        if c not in suggestions
    ]
    problems += [
        f"unexpected suggestion {c}"
        for c in vignette.get("suggestions_exclude", [])
        if c in suggestions
    ]
    for first, second in _order_pairs(vignette):
        both = first in suggestions and second in suggestions
        if both and suggestions.index(first) > suggestions.index(second):
            problems.append(f"{second} listed before {first}")
    assert not problems, "; ".join(problems) + "\n" + context


def test_no_false_normal(workdir: Path) -> None:
    """No vignette a clinician calls high or indeterminate may come out normal (contract §5)."""
    false_normal = []
    for vignette in VIGNETTES:
        if vignette["status"] not in ("high", "indeterminate"):
            continue
        run = _run(vignette["shape"], workdir)
        row = run["rows"][vignette["id"]]
        for res in run.get("json", {}).get("results", []):
            if res["source_row"] == row and res["status"] in ("normal", "low"):
                false_normal.append(f"{vignette['id']}: {res['status']} ({vignette['why']})")
    assert not false_normal, "false normal:\n" + "\n".join(false_normal)


def test_table_is_well_formed() -> None:
    """A typo in the table would make a must-not check pass for nothing."""
    assert len(VIGNETTES) >= 120
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
    assert {v["lang"] for v in VIGNETTES} >= {"de", "fr", "es"}
    assert {v["shape"] for v in VIGNETTES} == set(SHAPES)
    for v in VIGNETTES:
        assert v["shape"].startswith(v["lang"] + "_"), v["id"]
        assert v.get("why") and v.get("source"), v["id"]
        assert v["status"] in STATUSES, v["id"]
        assert ("priority" in v) != ("priority_min" in v), v["id"]
        assert v.get("priority", v.get("priority_min")) in PRIORITIES, v["id"]
        for key in ("factors_include", "factors_exclude", "factors_any"):
            for code in v.get(key, []):
                assert code in FACTOR_CODES, (v["id"], code)
        for key in ("suggestions_include", "suggestions_exclude"):
            for code in v.get(key, []):
                assert code in ALL_SUGGESTIONS, (v["id"], code)
        for pair in _order_pairs(v):
            assert set(pair) <= ALL_SUGGESTIONS and pair[0] != pair[1], (v["id"], pair)
        if v["shape"].endswith("_long"):
            assert "prl" in v.get("tests", {}), v["id"]
        else:
            assert "prl" in v["cells"], v["id"]
