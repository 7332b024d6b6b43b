"""Stage 3, the clinical engine: canonical frame in, results frame out.

    from triage.engine import triage_frame
    results = triage_frame(frame, load_knowledge())

See core.triage_frame; the rules live in factors.py (contributing factors), suggestions.py (next
steps and cautions) and priority.py; the vocabulary in triage/data/cues.toml and labels.toml.
"""

from triage.engine.core import prepare, triage_frame
from triage.engine.frames import canonical_frame
from triage.engine.labels import Labels, load_labels

__all__ = ["Labels", "canonical_frame", "load_labels", "prepare", "triage_frame"]
