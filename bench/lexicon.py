"""Benchmark: the drug matcher and the cue book on distinct free texts (no cache hits).

    python bench/lexicon.py [--texts 100000] [--seed 7]

Builds --texts distinct medication lists and clinical notes in six languages (synthetic), then
times DrugMatcher.find on the lists and CueBook.match (every field it reads) on the notes, each
on a fresh matcher/book so the per-text cache never hits.  Prints seconds and µs per text.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import MEDS as EXPORT_MEDS

from triage.engine.text import CUES_FILE, load_cue_book
from triage.knowledge import load_knowledge
from triage.knowledge.drugs import DrugMatcher
from triage.resources import data_file

# The export bench's medication lists (bench/ingest.py), then lists in the other five languages.
MEDS = [
    *(text for text in EXPORT_MEDS if text),
    "MCP-Tropfen 3x20 gtt, Ramipril 5 mg 1-0-0",
    "Dogmatil 50 mg abgesetzt, Pantoprazol 40 mg",
    "Primperan 10 mg cp 3x/j depuis 2 semaines",
    "risperidona 1 mg desde enero; omeprazol 20 mg",
    "aloperidolo 2 mg gtt dal 2024, sospeso Plasil",
    "Haldol decanoaat 50 mg sinds 2023; geen andere medicatie",
    "keine Medikamente",
    "Zantac 150 mg, paracetamol",
]
NOTES = [
    "anxious, difficult draw x3",
    "Krampfanfall heute morgen, postiktal",
    "Herpes zoster thorakal T5, Schmerzen",
    "macroadénome hypophysaire 45 mm",
    "no headache, no visual disturbance",
    "amenorrea da 6 mesi, galattorrea",
    "Galaktorrhoe, keine Sehstörung",
    "gezichtsvelduitval links, hoofdpijn",
    "TCE hace 2 días",
    "routine check",
]
SUFFIX = ["", " ", "; ", " (", " - ", ". "]


def distinct(base: list[str], n: int, rng: random.Random) -> list[str]:
    texts = set()
    while len(texts) < n:
        parts = rng.sample(base, 2)
        texts.add(f"{parts[0]}{rng.choice(SUFFIX)}{parts[1]} #{rng.randrange(10**9)}")
    return list(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    meds = distinct(MEDS, args.texts, rng)
    notes = distinct(NOTES, args.texts, rng)
    drugs = load_knowledge().drugs
    start = time.perf_counter()
    matcher = DrugMatcher(drugs, cache_size=args.texts)
    built = time.perf_counter() - start
    start = time.perf_counter()
    for text in meds:
        matcher.find(text)
    found = time.perf_counter() - start
    print(
        f"drug matcher: build {built * 1000:.1f} ms; {len(meds)} texts {found:.2f} s "
        f"({found / len(meds) * 1e6:.1f} µs/text)"
    )
    for fields in (("comments",), load_cue_book().fields):
        book = load_cue_book(data_file(CUES_FILE))  # a fresh book: an empty cache
        start = time.perf_counter()
        for text in notes:
            for field in fields:
                book.match(field, text)
        matched = time.perf_counter() - start
        print(
            f"cue book: {len(fields)} field(s) × {len(notes)} texts {matched:.2f} s "
            f"({matched / len(notes) * 1e6:.1f} µs/text)"
        )


if __name__ == "__main__":
    main()
