"""Patient codes for the pages (output/patient_codes.py): numbered in order of first
appearance across chunks, the same key always the same code, a rolled-back file's new patients
forgotten, and the key's text kept only for the rows asked (the patients a page may be about)."""

from __future__ import annotations

import numpy as np

from triage.output.patient_codes import PatientCodes


def test_codes_follow_first_appearance_across_chunks() -> None:
    codes = PatientCodes()
    first = codes.codes(["MRN7\x1f1990-01-01", "MRN3\x1f", "MRN7\x1f1990-01-01", "MRN5\x1f"])
    assert first.tolist() == [0, 1, 0, 2]
    second = codes.codes(["MRN5\x1f", "MRN9\x1f", "MRN3\x1f", "MRN9\x1f", "MRN1\x1f"])
    assert second.tolist() == [2, 3, 1, 3, 4]
    assert codes.count == 5
    # the same id with another birth date is another patient (views.patient_keys)
    assert codes.codes(["MRN7\x1f1985-05-05"]).tolist() == [5]


def test_many_keys_never_share_a_code() -> None:
    codes = PatientCodes()
    keys = [f"P{i}\x1f" for i in range(50_000)]
    got = np.concatenate([codes.codes(keys[i : i + 7_000]) for i in range(0, len(keys), 7_000)])
    assert got.tolist() == list(range(50_000))
    again = codes.codes(keys[::-1])
    assert again.tolist() == list(range(50_000))[::-1]


def test_a_rolled_back_files_patients_are_forgotten() -> None:
    codes = PatientCodes()
    codes.codes(["A\x1f", "B\x1f"], np.array([True, True]))
    mark = codes.count
    codes.codes(["C\x1f", "A\x1f", "D\x1f"], np.array([True, True, True]))
    codes.forget_from(mark)
    assert codes.count == 2
    assert (codes.name_of(2), codes.name_of(0)) == ("", "A\x1f")
    assert codes.codes(["D\x1f", "B\x1f"]).tolist() == [2, 1]  # D numbered afresh


def test_only_the_named_rows_keep_their_keys_text() -> None:
    codes = PatientCodes()
    got = codes.codes(["A\x1f", "B\x1f", "C\x1f", "B\x1f"], np.array([False, False, True, True]))
    assert got.tolist() == [0, 1, 2, 1]
    assert [codes.name_of(c) for c in range(3)] == ["", "B\x1f", "C\x1f"]


def test_keys_whose_first_hashes_are_equal_are_told_apart(monkeypatch) -> None:
    """The pairs are searched on the first hash; keys sharing it (a chance of n² / 2^65) are
    told apart by the second, within a chunk and across chunks."""
    from triage.output import patient_codes

    real = patient_codes.key_hashes

    def clashing(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        first, second = real(texts)
        return first % np.uint64(3), second  # three first hashes for every key

    monkeypatch.setattr(patient_codes, "key_hashes", clashing)
    codes = PatientCodes()
    keys = [f"P{i}\x1f" for i in range(40)]
    got = np.concatenate([codes.codes(keys[i : i + 9]) for i in range(0, 40, 9)])
    assert got.tolist() == list(range(40))
    assert codes.codes(keys[::-1] + keys[:5]).tolist() == list(range(40))[::-1] + list(range(5))
    assert codes.codes(["new\x1f", "P3\x1f"]).tolist() == [40, 3]
