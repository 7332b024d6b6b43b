"""Stage 1, reading: input files -> canonical frame + rejected rows (docs/design.md).

Public API: ``read_file``, ``expand_inputs``, ``load_mapping``, ``ReadOptions``, ``FileRead``,
``ColumnMapping``; ``read_each`` reads several files (folders expanded) one at a time,
``read_inputs`` / ``InputsRead`` read several files (folders expanded) at
once, and ``read_usable_inputs`` fails (NoUsableInputError) when none is usable.  The outputs
are written by ``triage.output``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triage.io.mapping import ColumnMapping, load_mapping
    from triage.io.readers import (
        FileRead,
        InputsRead,
        ProgressHook,
        ReadOptions,
        expand_inputs,
        folders_without_exports,
        nothing_to_read,
        read_each,
        read_file,
        read_inputs,
        read_usable_inputs,
        skipped_in_folders,
        warm_up,
    )

__all__ = [
    "ColumnMapping",
    "FileRead",
    "InputsRead",
    "ProgressHook",
    "ReadOptions",
    "expand_inputs",
    "folders_without_exports",
    "load_mapping",
    "nothing_to_read",
    "read_each",
    "read_file",
    "read_inputs",
    "read_usable_inputs",
    "skipped_in_folders",
    "warm_up",
]


def __getattr__(name: str) -> Any:
    """The API is imported when first used: ``triage.io.sources`` can start parsing a workbook
    (``parse_ahead``) before pandas and the readers are imported."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from triage.io import mapping, readers

    return getattr(mapping if name in ("ColumnMapping", "load_mapping") else readers, name)
