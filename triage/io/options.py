"""How the inputs are read (``ReadOptions``): a module of its own, light, so that a command
can start reading (``sources.parse_ahead``) before pandas and the readers are imported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from triage.io.delimited import InputLimits

_DEFAULT_LIMITS: Final = InputLimits()
DEFAULT_MAX_UNCOMPRESSED_BYTES: Final = _DEFAULT_LIMITS.max_uncompressed_bytes
DEFAULT_MAX_COMPRESSION_RATIO: Final = _DEFAULT_LIMITS.max_compression_ratio
DEFAULT_MAX_FILE_BYTES: Final = 1024 * 1024 * 1024


@dataclass
class ReadOptions:
    """How to read the inputs (CLI options; they override the mapping file's [input]).

    sheet: a sheet name, or its 0-based index (as in pandas; the CLI's "--sheet 2" is index 1);
    None: the first sheet holding a prolactin column.  header_row: 1-based; None: found below
    any title rows.  dayfirst: how ambiguous text dates (03/04/2026) are read when the column
    itself does not tell (None: not chosen; read day-first, and a row whose ages read either
    way fall in different reference strata is rejected).  unit: the prolactin unit of files
    that state none anywhere (used only where no cell, unit column, header or mapping default
    gives one).
    max_uncompressed_bytes / max_compression_ratio: zip-bomb guard for xlsx/ods.
    Resource bounds (a file over them is refused before its rows are built): max_file_bytes
    (size on disk), max_rows, max_columns and max_cells (rows x columns of a sheet's grid);
    max_cell_chars: a csv line with a longer cell is rejected (``malformed_line``), and
    max_record_lines: a quoted csv cell running over more lines is taken as a quote left open.
    """

    sheet: str | int | None = None
    header_row: int | None = None
    dayfirst: bool | None = None
    unit: str | None = None
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_rows: int = _DEFAULT_LIMITS.max_rows
    max_columns: int = _DEFAULT_LIMITS.max_columns
    max_cells: int = _DEFAULT_LIMITS.max_cells
    max_cell_chars: int = _DEFAULT_LIMITS.max_cell_chars
    max_record_lines: int = _DEFAULT_LIMITS.max_record_lines

    @property
    def limits(self) -> InputLimits:
        return InputLimits(
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cells=self.max_cells,
            max_cell_chars=self.max_cell_chars,
            max_record_lines=self.max_record_lines,
            max_uncompressed_bytes=self.max_uncompressed_bytes,
            max_compression_ratio=self.max_compression_ratio,
        )
