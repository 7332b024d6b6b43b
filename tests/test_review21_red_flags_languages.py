"""Review 21: red flags and pregnancy tests written in French, Spanish, Italian, Dutch (and German).

1. Visual loss and pituitary apoplexy outside English: a chiasmal syndrome in any word order
   ("syndrome chiasmatique", "síndrome quiasmático", "sindrome chiasmatica", "chiasmasyndroom"),
   a field loss written with the field's abbreviation or its side ("amputation du CV",
   "amputation temporale bilatérale"), sight lost in one eye with its side named ("cécité de
   l'œil gauche", "ceguera del ojo izquierdo", "cecità occhio sinistro", "auf dem linken Auge
   blind") and a haemorrhagic adenoma in any word order ("nécrose hémorragique de l'adénome",
   "adenoma ipofisario emorragico", "hämorrhagisches Hypophysenadenom", "hemorragisch
   hypofyseadenoom") were read as nothing or as a lesion alone: `soon`, where the English words
   were `urgent` (clinical-reference §1.3, §5, §8: visual field loss, apoplexy -> urgent
   referral).
2. A low morning cortisol was missed unless "low" stood right beside "cortisol" ("cortisol 8h
   bas", "cortisolo mattutino basso", "laag ochtendcortisol", "Cortisol morgens erniedrigt"), and
   a value in µg/L or ng/mL was not read ("cortisol 8h : 2 µg/L" is 55 nmol/L): clinical-reference
   §1.3 (BNSSG: 9 am cortisol < 100 nmol/L -> urgent) and §8 (adrenal insufficiency -> urgent).
3. An hCG in the Dutch unit E/L (eenheden = IU) was dropped in silence: "hCG (E/L)" 45000 left a
   pregnant woman's 60 µg/L `high`, `soon`, unexplained, with a pregnancy test suggested
   (clinical-reference §4, §8: pregnancy is the first physiological cause to exclude).  An hCG in
   a unit the tool cannot read is now said in the warnings.

What stays quiet: negated findings, a low-normal cortisol or one suppressed by dexamethasone, an
evening cortisol, a non-haemorrhagic adenoma, "CV" for cardiovascular.  Synthetic patients only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

from triage.output.fhir import hcg_value

FR_HEADER = "IPP;Sexe;Âge;Date de prélèvement;Prolactine (µg/L);Renseignements cliniques"


def _notes(tmp_path: Path, notes: list[str], *, sex: str = "F", prl: float = 80) -> pd.DataFrame:
    """One row per note (N0, N1, ...), aged 38, prolactin ``prl`` µg/L, as a French lab exports."""
    lines = [f"N{i};{sex};38;05/11/2026;{prl};{csv_quoted(n)}" for i, n in enumerate(notes)]
    return triage_lines(tmp_path, FR_HEADER, lines)


def _urgent_reasons(tmp_path: Path) -> dict[str, str]:
    """patient id -> the reason of its urgent referral ('' when none)."""
    found = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    return {
        str(r["patient_id"]): next(
            (
                s.get("reason", "")
                for s in r["suggestions"]
                if s["code"] == "urgent_endocrine_referral"
            ),
            "",
        )
        for r in found["results"]
    }


def _check(tmp_path: Path, urgent: list[str], quiet: list[str], **row: object) -> None:
    """Every note of ``urgent`` gives an urgent result whose reason quotes it; none of ``quiet``
    is urgent (the same rows otherwise)."""
    out = _notes(tmp_path, urgent + quiet, **row)  # type: ignore[arg-type]
    reasons = _urgent_reasons(tmp_path)
    for i, note in enumerate(urgent):
        assert out.loc[f"N{i}", "priority"] == "urgent", (note, out.loc[f"N{i}", "factors"])
        assert reasons[f"N{i}"], note
    for i, note in enumerate(quiet, start=len(urgent)):
        assert out.loc[f"N{i}", "priority"] != "urgent", (note, reasons[f"N{i}"])


# 1. Visual loss and apoplexy --------------------------------------------------------------------
def test_a_chiasmal_syndrome_in_any_word_order_and_language_is_urgent(tmp_path: Path) -> None:
    _check(
        tmp_path,
        [
            "syndrome chiasmatique",
            "síndrome quiasmático",
            "sindrome chiasmatica",
            "chiasmasyndroom",
            "Chiasmasyndrom",
            "chiasmatisches Syndrom",
            "syndrome du chiasma",
            "chiasmal syndrome",
        ],
        ["pas de syndrome chiasmatique", "geen chiasmasyndroom", "contact chiasmatique"],
    )


def test_a_field_loss_by_its_abbreviation_or_its_side_is_urgent(tmp_path: Path) -> None:
    _check(
        tmp_path,
        [
            "amputation du CV",
            "amputation du champ visuel",
            "amputation bilatérale du CV",
            "CV amputé en temporal",
            "amputation temporale bilatérale",
            "alteración del CV",
            "amputación temporal bilateral",
            "deficit del CV",
            "amputazione temporale",
            "temporaler Gesichtsfeldausfall",
        ],
        [
            "pas d'amputation du champ visuel",
            "pas d'amputation du CV",
            "risque CV élevé",
            "bilan CV normal",
            "amputation du membre inférieur gauche",
            "amputation temporale de la paupière",
        ],
    )


def test_sight_lost_in_one_eye_with_its_side_is_urgent(tmp_path: Path) -> None:
    _check(
        tmp_path,
        [
            "cécité de l'œil gauche",
            "cécité d'un œil",
            "cécité gauche",
            "ceguera del ojo izquierdo",
            "ceguera ojo derecho",
            "cecità occhio sinistro",
            "cecità dell'occhio destro",
            "blind aan het linkeroog",
            "blindheid links",
            "auf dem linken Auge blind",
            "linkes Auge erblindet",
            "blindness left eye",
        ],
        [
            "pas de cécité de l'œil gauche",
            "cécité de l'œil gauche (glaucome)",
            "sin ceguera del ojo izquierdo",
            "cécité",  # blindness without a side or an onset: of long standing, not read
        ],
    )


def test_a_haemorrhagic_adenoma_in_any_word_order_and_language_is_urgent(tmp_path: Path) -> None:
    _check(
        tmp_path,
        [
            "nécrose hémorragique de l'adénome",
            "macroadénome hypophysaire à composante hémorragique",
            "adénome nécrotico-hémorragique",
            "adenoma ipofisario emorragico",
            "emorragia intra-adenomatosa",
            "adenoma hipofisario hemorrágico",
            "hemorragia en el adenoma",
            "infarto hipofisario",
            "hämorrhagisches Hypophysenadenom",
            "Adenom mit frischer Einblutung",
            "hemorragisch hypofyseadenoom",
            "haemorrhagic adenoma",
        ],
        [
            "adénome hypophysaire non hémorragique",
            "pas d'adénome hémorragique",
            "adenoma hipofisario sin signos de hemorragia",
            "Hypophysenadenom ohne Einblutung",
            "Prolaktinom mit uteriner Blutung",
            "hämorrhagische Diathese bei Prolaktinom",
            "prolactinoom en vaginale bloeding",
            "adenoma ipofisario, no emorragia",
        ],
    )


# 2. A low morning cortisol ----------------------------------------------------------------------
def test_a_low_morning_cortisol_in_words_is_urgent_with_a_time_word_between(
    tmp_path: Path,
) -> None:
    _check(
        tmp_path,
        [
            "cortisol 8h bas",
            "cortisol du matin bas",
            "cortisol (8h) : très bas",
            "cortisol plasmatique bas",
            "cortisol matutino bajo",
            "cortisol de la mañana muy bajo",
            "cortisolo mattutino basso",
            "cortisolemia delle ore 8 bassa",
            "laag ochtendcortisol",
            "ochtendcortisol te laag",
            "Cortisol morgens erniedrigt",
            "8-Uhr-Cortisol erniedrigt",
            "morning cortisol low",
        ],
        [
            "cortisol bas-normal",
            "cortisol 8h bas après freinage à la dexaméthasone",
            "cortisol 16h bas",
            "cortisol basal normal",
            "pas de cortisol bas",
            "cortisol 8h normal, TSH basse",
        ],
        sex="M",
        prl=150,
    )


def test_a_low_morning_cortisol_in_micrograms_per_litre_is_urgent(tmp_path: Path) -> None:
    """1 µg/L = 1 ng/mL = 2.759 nmol/L: 2 µg/L is 55 nmol/L, below the BNSSG 100 nmol/L."""
    _check(
        tmp_path,
        [
            "cortisol 8h : 2 µg/L",
            "cortisol du matin 20 ng/mL",
            "cortisolo ore 8: 15 ng/ml",
            "cortisol matutino 50 nmol/L",
            "Cortisol 8 Uhr 30 µg/l",
        ],
        [
            "cortisol 8h : 150 µg/L",  # 414 nmol/L
            "cortisol 45 µg/L",  # no time of day
            "cortisol 22h 20 µg/L",  # an evening cortisol is low by nature
        ],
        sex="M",
        prl=40,
    )


# 3. hCG in the Dutch unit -----------------------------------------------------------------------
def test_an_hcg_in_dutch_units_in_the_header_is_read_as_iu_per_litre(tmp_path: Path) -> None:
    header = "ID;Geslacht;Leeftijd;Afnamedatum;Prolactine (ug/L);hCG (E/L)"
    lines = ["H1;V;34;05-11-2026;60;45000", "H2;V;34;05-11-2026;60;<2"]
    out = triage_lines(tmp_path, header, lines)
    assert "pregnancy" in out.loc["H1", "factors"], out.loc["H1", "factors"]
    assert out.loc["H1", "priority"] in ("none", "routine"), out.loc["H1", "priority"]
    assert "pregnancy_test" not in out.loc["H1", "suggestions"]
    # a negative hCG: not pregnant, and no pregnancy test left to do
    assert "pregnancy" not in out.loc["H2", "factors"]
    assert "pregnancy_test" not in out.loc["H2", "suggestions"]


def test_an_hcg_in_dutch_units_in_a_long_export_is_read(tmp_path: Path) -> None:
    head = "Patiëntnummer;Geslacht;Leeftijd;Aanvraagnummer;Afnamedatum;Bepaling;Uitslag;Eenheid"
    rows = [head]
    for i, unit in enumerate(["E/L", "mE/mL", "E/mL", "U/L", "IE/L"]):
        rows.append(f"L{i};V;34;A{i};06-11-2026;Prolactine;1250;mE/L")
        rows.append(f"L{i};V;34;A{i};06-11-2026;HCG;{45 if unit == 'E/mL' else 45000};{unit}")
    out, warnings = triage_csv_warned(tmp_path, "\n".join(rows) + "\n")
    for i in range(5):
        assert "pregnancy" in out.loc[f"L{i}", "factors"], (i, out.loc[f"L{i}", "factors"])
    assert not [w for w in warnings if "hCG written in" in w], warnings


def test_an_hcg_in_a_unit_not_read_is_said_not_dropped_in_silence(tmp_path: Path) -> None:
    wide = (
        "ID;Geslacht;Leeftijd;Afnamedatum;Prolactine (ug/L);hCG\n"
        "H1;V;34;05-11-2026;60;45000 kIU/L\n"
    )
    out, warnings = triage_csv_warned(tmp_path, wide)
    assert "pregnancy_test" in out.loc["H1", "suggestions"]
    assert any("kIU/L" in w and "hCG" in w for w in warnings), warnings
    long = (
        "Patiëntnummer;Geslacht;Leeftijd;Aanvraagnummer;Afnamedatum;Bepaling;Uitslag;Eenheid\n"
        "L1;V;34;A1;06-11-2026;Prolactine;1250;mE/L\n"
        "L1;V;34;A1;06-11-2026;HCG;45000;mIU/L\n"
    )
    (tmp_path / "long").mkdir()
    out, warnings = triage_csv_warned(tmp_path / "long", long)
    assert "pregnancy_test" in out.loc["L1", "suggestions"]
    assert any("mIU/L" in w and "hCG" in w for w in warnings), warnings


def test_an_hcg_in_dutch_units_is_written_to_fhir_in_ucum() -> None:
    assert hcg_value("45000 E/L")["valueQuantity"]["code"] == "[IU]/L"
    assert hcg_value("45000 mE/mL")["valueQuantity"]["code"] == "m[IU]/mL"
    assert hcg_value("45 E/mL")["valueQuantity"]["code"] == "[IU]/mL"
