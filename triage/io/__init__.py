"""Stage 1, reading: input files -> canonical frame + rejected rows (docs/design.md).

Public API: ``read_file``, ``expand_inputs``, ``load_mapping``, ``ReadOptions``, ``FileRead``,
``ColumnMapping``; ``read_each`` reads several files (folders expanded) one at a time,
``read_inputs`` / ``InputsRead`` read several files (folders expanded) at
once.  The outputs are written by ``triage.output``.
"""

from triage.io.mapping import ColumnMapping, load_mapping
from triage.io.readers import (
    FileRead,
    InputsRead,
    ProgressHook,
    ReadOptions,
    expand_inputs,
    read_each,
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
    "read_each",
    "read_file",
    "read_inputs",
]
