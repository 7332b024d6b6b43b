"""Stage 1, reading: input files -> canonical frame + rejected rows (docs/design.md).

Public API: ``read_file``, ``expand_inputs``, ``load_mapping``, ``ReadOptions``, ``FileRead``,
``ColumnMapping``; ``read_inputs`` / ``InputsRead`` read several files (folders expanded) at
once.  Writers (``triage.io.writers``) live beside it and are imported from there.
"""

from triage.io.mapping import ColumnMapping, load_mapping
from triage.io.readers import (
    FileRead,
    InputsRead,
    ProgressHook,
    ReadOptions,
    expand_inputs,
    read_file,
    read_inputs,
)

__all__ = [
    "ColumnMapping",
    "FileRead",
    "InputsRead",
    "ProgressHook",
    "ReadOptions",
    "expand_inputs",
    "load_mapping",
    "read_file",
    "read_inputs",
]
