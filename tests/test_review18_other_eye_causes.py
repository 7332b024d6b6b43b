"""A visual field loss the notes put down to glaucoma, cataract, a retinal disease or a stroke is
not a sign of a sellar mass (review 18).

clinical-reference §5 and §8: visual field loss with a raised prolactin, or a chiasmal sign
whatever the prolactin, asks for an urgent referral and imaging, because a pituitary mass may
press on the chiasm.  A field loss written with its own non-pituitary cause in the same clause
("due to glaucoma", "bei Glaukom", "sur glaucome") had sent a patient with a normal prolactin
for an urgent endocrine referral and a pituitary MRI.  Where the note doubts the cause, negates
it or names what a pituitary mass does (a bitemporal or hemianopic loss, the chiasm, an adenoma),
the red flag stays: a missed one costs more than a referral too many.  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

_HEADER = "id,sex,age,prolactin (ng/mL),comments"

EXPLAINED = [
    "visual field loss due to glaucoma",
    "glaucomatous visual field defect",
    "visual field defect (glaucoma)",
    "visual field loss after stroke",
    "Gesichtsfeldausfall bei Glaukom",
    "Gesichtsfeldeinschränkung nach Schlaganfall",
    "amputation du champ visuel sur glaucome",
    "déficit du champ visuel dû à une DMLA",
    "campo visual reducido por glaucoma",
    "difetto del campo visivo da glaucoma",
    "gezichtsvelduitval door glaucoom",
    "visual fields abnormal due to glaucoma",
    "Gesichtsfeld pathologisch bei Glaukom",
]
STILL_FLAGS = [
    "bitemporal hemianopia",
    "glaucoma; bitemporal hemianopia",
    "bitemporal hemianopia due to glaucoma",
    "visual field loss due to glaucoma or pituitary?",
    "visual field loss ?glaucoma",
    "visual field loss, glaucoma excluded",
    "visual field loss without glaucoma",
    "Gesichtsfeldausfall, DD Glaukom vs Adenom",
    "Gesichtsfeldausfall",
    "occipital headache and visual field loss",
    "visual fields abnormal",
]


def _rows(tmp_path: Path, notes: list[str], prolactin: float) -> list[tuple[str, str]]:
    lines = [f'P{i},F,60,{prolactin},"{note}"' for i, note in enumerate(notes)]
    results = triage_lines(tmp_path, _HEADER, lines)
    return list(zip(results["priority"], results["suggestions"].fillna(""), strict=True))


def test_a_field_loss_with_its_own_eye_cause_is_no_sellar_sign(tmp_path: Path) -> None:
    for priority, suggestions in _rows(tmp_path, EXPLAINED, 12):  # a normal prolactin
        assert priority == "none"
        assert "urgent_endocrine_referral" not in suggestions
        assert "pituitary_mri" not in suggestions


def test_doubted_negated_or_chiasmal_field_losses_stay_red_flags(tmp_path: Path) -> None:
    for priority, suggestions in _rows(tmp_path, STILL_FLAGS, 12):
        assert priority != "none"
        assert "urgent_endocrine_referral" in suggestions


def test_with_a_raised_prolactin_the_eye_cause_is_not_an_urgent_red_flag(tmp_path: Path) -> None:
    rows = _rows(tmp_path, ["visual field loss", *EXPLAINED[:3]], 60)
    assert rows[0][0] == "urgent"
    assert all(priority != "urgent" for priority, _ in rows[1:])
