"""A chunk's results.csv rows and results.json lines, encoded where the chunk was triaged.

Encoding text is most of what writing the machine-readable files costs.  An engine worker
(pipeline.triage_chunks) encodes the chunk it has just triaged, in parallel with the others, and
the writing process only appends the bytes: the files are the same, byte for byte, as when the
session encodes the chunk itself (tested).  Used only where the bytes cannot differ: not under
--redact (the session's redactor rewrites identifiers) nor when the chunk is changed after the
engine (the history's columns are added in the writing process).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from triage.output.csv import results_csv_bytes
from triage.output.json import encoded_body
from triage.output.rows import result_file_columns


@dataclass(frozen=True, slots=True)
class EncodedChunk:
    rows: int
    columns: tuple[str, ...]  # results.csv's columns the rows were encoded with
    csv: bytes  # results.csv lines without the header
    json: bytes  # results.json's result lines, joined by json.SEPARATOR

    def fits(self, results: pd.DataFrame) -> bool:
        """Encoded from a frame shaped like ``results`` (same rows and file columns)."""
        return self.rows == len(results) and self.columns == tuple(result_file_columns(results))


def encode_chunk(results: pd.DataFrame) -> EncodedChunk:
    return EncodedChunk(
        rows=len(results),
        columns=tuple(result_file_columns(results)),
        csv=results_csv_bytes(results, header=False),
        json=encoded_body(results),
    )
