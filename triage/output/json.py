"""results.json: the run's provenance, then ``results`` (one object per line) and ``rejected``.

NaN never appears: missing values are ``null``.  The results are encoded chunk by chunk as they
arrive (orjson, a dependency; the standard library's encoder if it is missing) into a private
spool file, and ``finish`` writes the header (its ``inputs`` are known only at the end), the
spooled body and the rejected rows; a run of one input file knows its header once the file is
read, and writes the body straight after it (``ResultsJsonBody.expect``).
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import IO, Any, BinaryIO, Final, TextIO

import numpy as np
import pandas as pd

try:  # a fast JSON encoder (a dependency; the standard library's encoder if it is missing)
    import orjson
except ImportError:  # pragma: no cover - orjson has wheels for every usual platform
    orjson = None  # type: ignore[assignment]

from triage.output.rows import (
    JSON_DETAIL_FOR,
    detail_cells,
    detail_column,
    detail_objects,
    json_columns,
    json_scalar_column,
    json_value,
    rejected_json,
    shown_numbers,
)
from triage.schema import Rejected

HAVE_ORJSON: Final[bool] = orjson is not None
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
SEPARATOR: Final = b",\n"  # between two result lines


def _compact_json(value: Any) -> str:
    return _ENCODER.encode(value)


def results_json_records(results: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON object per result: contract columns with factors/suggestions as objects."""
    names = json_columns(results)
    columns: list[list[Any]] = []
    for name in names:
        if name in JSON_DETAIL_FOR:
            columns.append(detail_column(results, name))
        else:
            columns.append(json_scalar_column(shown_numbers(results[name], name)))
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _json_fragments(values: pd.Series) -> list[str]:
    """A column's cells as JSON text; repeated text is encoded once."""
    if pd.api.types.is_float_dtype(values.dtype):
        return [
            "null" if (v != v or v in (math.inf, -math.inf)) else repr(float(v))
            for v in values.tolist()
        ]
    if (
        pd.api.types.is_integer_dtype(values.dtype)
        and not isinstance(values.dtype, pd.BooleanDtype)
        and not bool(values.isna().any())
    ):
        return [str(int(v)) for v in values.tolist()]
    cache: dict[Any, str] = {}
    out: list[str] = []
    for value in json_scalar_column(values):
        try:
            text = cache[value]
        except KeyError:
            text = cache[value] = _compact_json(value)
        except TypeError:  # unhashable (a list in an object column)
            text = _compact_json(value)
        out.append(text)
    return out


def results_json_lines(results: pd.DataFrame) -> list[str]:
    """results.json's ``results``, one JSON object per result, built column by column with the
    standard library's encoder (the fallback without orjson; the same objects as
    ``results_json_records``, tested)."""
    names = json_columns(results)
    columns: list[list[str]] = []
    for name in names:
        if name in JSON_DETAIL_FOR:
            cache: dict[int, str] = {}
            texts: list[str] = []
            for objects in detail_column(results, name):
                text = cache.get(id(objects))
                if text is None:
                    text = cache[id(objects)] = _compact_json(objects)
                texts.append(text)
            columns.append(texts)
        else:
            columns.append(_json_fragments(shown_numbers(results[name], name)))
    prefixes = [("{" if i == 0 else ",") + _compact_json(n) + ":" for i, n in enumerate(names)]
    return [
        "".join([p + v for p, v in zip(prefixes, row, strict=True)]) + "}"
        for row in zip(*columns, strict=True)
    ]


def _orjson_lines(results: pd.DataFrame) -> list[str]:
    """``results_json_lines`` with orjson: the records are built column-wise (each distinct
    detail list once) and the C encoder writes them; the same JSON values."""
    return [line.decode("utf-8") for line in _orjson_encoded(results)]


# A column's encodings: the distinct fragments and, per row, which one it has.
Fragments = tuple[list[bytes], np.ndarray]


def _orjson_encoded(results: pd.DataFrame) -> list[bytes]:
    """Each result's JSON object, built column by column: every distinct cell of a column is
    encoded once (with its key), a detail list once per list object and each of its items once
    per item object, and a row is the join of its columns' encodings — the bytes orjson gives
    for the record (tested), without building the record."""
    columns = [_taken(table, which) for table, which in _orjson_columns(results)]
    join = b"".join
    return [join(row) for row in zip(*columns, strict=True)]


def _taken(table: list[bytes], which: np.ndarray) -> list[bytes]:
    array = np.empty(len(table), dtype=object)
    array[:] = table
    taken: list[bytes] = array[which].tolist()
    return taken


def _orjson_columns(results: pd.DataFrame) -> list[Fragments]:
    assert orjson is not None
    dumps = orjson.dumps
    names = json_columns(results)
    if not len(results):
        return []
    columns: list[Fragments] = []
    last = len(names) - 1
    for i, name in enumerate(names):
        head = (b"{" if i == 0 else b",") + dumps(name) + b":"
        tail = b"}" if i == last else b""
        if name in JSON_DETAIL_FOR:
            columns.append(_detail_fragments(results, name, head, tail))
        else:
            columns.append(_scalar_fragments(shown_numbers(results[name], name), head, tail))
    return columns


def _detail_fragments(results: pd.DataFrame, name: str, head: bytes, tail: bytes) -> Fragments:
    """``factors``/``suggestions`` encoded from their detail column (``detail_objects``)."""
    assert orjson is not None
    dumps = orjson.dumps
    keys, details, codes = detail_cells(results, name)
    items: dict[int, bytes] = {}

    def encoded(cell: object, code: object) -> bytes:
        if not isinstance(cell, list | tuple):
            return head + dumps(detail_objects(cell, keys, code)) + tail
        parts: list[bytes] = []
        for item in cell:
            if not isinstance(item, Mapping):
                continue
            text = items.get(id(item))
            if text is None:
                text = items[id(item)] = dumps(detail_objects([item], keys)[0])
            parts.append(text)
        return head + b"[" + b",".join(parts) + b"]" + tail

    if not all(isinstance(cell, list | tuple) for cell in details):
        table = [encoded(cell, code) for cell, code in zip(details, codes, strict=True)]
        return table, np.arange(len(table))
    # every cell a list: each list object (rows share them) encoded once
    ids = np.fromiter(map(id, details), dtype=np.uint64, count=len(details))
    which, unique_ids = pd.factorize(ids)
    first = np.empty(len(unique_ids), dtype=np.int64)
    first[which[::-1]] = np.arange(len(details) - 1, -1, -1)
    return [encoded(details[i], None) for i in first.tolist()], which


def _scalar_fragments(values: pd.Series, head: bytes, tail: bytes) -> Fragments:
    """A scalar column's cells encoded, each distinct value once."""
    assert orjson is not None
    dumps = orjson.dumps
    if values.dtype == object:  # mixed Python values: encoded one by one, repeats cached
        found: dict[Any, int] = {}
        table: list[bytes] = []
        which = np.empty(len(values), dtype=np.int64)
        for row, value in enumerate(json_scalar_column(values)):
            try:
                index = found.get(value)
                if index is None:
                    index = found[value] = len(table)
                    table.append(head + dumps(value) + tail)
            except TypeError:  # unhashable
                index = len(table)
                table.append(head + dumps(value) + tail)
            which[row] = index
        return table, which
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        # by bit pattern: -0.0 and 0.0 are encoded apart, as orjson writes them
        bits = values.to_numpy(dtype=np.float64).view(np.int64)
        codes, unique_bits = pd.factorize(bits)
        uniques = pd.Series(np.asarray(unique_bits, dtype=np.int64).view(np.float64))
        return [head + dumps(v) + tail for v in json_scalar_column(uniques)], codes
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    texts = [head + dumps(v) + tail for v in json_scalar_column(pd.Series(distinct))]
    return [*texts, head + b"null" + tail], np.where(codes < 0, len(texts), codes)


def encoded_lines(results: pd.DataFrame) -> list[bytes]:
    """The ``results`` lines of one chunk, UTF-8."""
    if not HAVE_ORJSON:
        return [line.encode("utf-8") for line in results_json_lines(results)]
    return _orjson_encoded(results)


def encoded_body(results: pd.DataFrame) -> bytes:
    """``SEPARATOR.join(encoded_lines(results))``."""
    return SEPARATOR.join(encoded_lines(results))


class ResultsJsonBody:
    """The ``results`` array's lines, written as chunks arrive: into a private spool, or, once
    the header is known in advance (``expect``: a run of one input file knows it when that file
    is read), straight into results.json after it, so that ``finish`` copies nothing.  Should
    the header at ``finish`` differ after all, the lines are moved into the spool and the file
    is written as from the spool: the bytes are the same either way."""

    _OPEN: Final = b'"results": ['

    def __init__(self, spool: BinaryIO, target: BinaryIO | None = None) -> None:
        self.spool = spool
        self.target = target  # results.json, opened for reading too (for the move back)
        self.head: bytes | None = None  # written at the start of ``target``: the lines follow
        self.empty = True

    @property
    def _out(self) -> BinaryIO:
        return self.target if self.head is not None and self.target is not None else self.spool

    def expect(self, header: Mapping[str, Any]) -> None:
        """Write results.json's header and the opening of ``results`` now (before any line)."""
        if self.target is None or self.head is not None or not self.empty:
            return
        self.head = _head(header).encode("utf-8") + self._OPEN
        self.target.write(self.head)

    def add(self, results: pd.DataFrame) -> None:
        if len(results):
            self.add_encoded(encoded_body(results))

    def add_encoded(self, lines: bytes) -> None:
        """Result lines already encoded and joined (output/encoded.py)."""
        if not lines:
            return
        out = self._out
        if not self.empty:
            out.write(SEPARATOR)
        elif out is self.target:
            out.write(b"\n")  # as ``finish`` writes it before the spooled lines
        out.write(lines)
        self.empty = False

    def mark(self) -> tuple[int, bool]:
        return self._out.tell(), self.empty

    def rollback(self, mark: tuple[int, bool]) -> None:
        offset, self.empty = mark
        out = self._out
        if self.head is not None and out is self.target:
            # a mark taken before ``expect`` was taken with no line written: after the head
            offset = max(offset, len(self.head))
        out.seek(offset)
        out.truncate()

    def finish(
        self, header: Mapping[str, Any], rejected: Sequence[Rejected], handle: BinaryIO
    ) -> None:
        """results.json whole into ``handle``: header, the results, rejected."""
        head = _head(header).encode("utf-8") + self._OPEN
        if self.head is not None:
            if handle is not self.target:
                raise ValueError("results.json's lines are in the file given at the start")
            if head != self.head:
                self._move_back(handle)
            else:
                handle.write(b"],\n" if self.empty else b"\n],\n")
                handle.write(_rejected_part(rejected).encode("utf-8"))
                return
        self.spool.flush()
        end = self.spool.tell()
        handle.write(head)
        if not self.empty:
            handle.write(b"\n")
            self.spool.seek(0)
            copy_bytes(self.spool, handle, end)
            handle.write(b"\n")
        handle.write(b"],\n")
        handle.write(_rejected_part(rejected).encode("utf-8"))

    def _move_back(self, handle: BinaryIO) -> None:
        """The lines written after an expected header that turned out different: into the
        (empty) spool, and results.json emptied, to be written from the spool."""
        assert self.head is not None
        handle.flush()
        end = handle.tell()
        start = len(self.head) + 1  # the lines, after the head and its newline
        self.spool.seek(0)
        self.spool.truncate()
        if not self.empty:
            copy_bytes(handle, self.spool, end - start, start=start)
        handle.seek(0)
        handle.truncate()
        self.head = None


def copy_bytes(source: IO[bytes], target: IO[bytes], size: int, *, start: int = 0) -> None:
    """``size`` bytes of ``source`` from offset ``start`` appended to ``target``, in the kernel
    where it can (``copy_file_range``/``sendfile``: the spooled results are not read back into
    memory)."""
    source.flush()
    target.flush()
    done = 0
    try:
        source_fd, target_fd = source.fileno(), target.fileno()
        copy_range = getattr(os, "copy_file_range", None)
        while done < size:
            if copy_range is not None:
                sent = copy_range(source_fd, target_fd, size - done, start + done)
            else:
                sent = os.sendfile(target_fd, source_fd, start + done, size - done)
            if not sent:
                break
            done += sent
    except (OSError, AttributeError, io.UnsupportedOperation):
        pass  # not in the kernel here: the rest through user space
    target.seek(0, os.SEEK_END)
    while done < size:
        block = _read_at(source, min(size - done, 1 << 20), start + done)
        if not block:
            break
        target.write(block)
        done += len(block)


def _read_at(source: IO[bytes], size: int, offset: int) -> bytes:
    """``size`` bytes of ``source`` at ``offset`` (by its descriptor where it can: a handle
    opened for writing reads too when its descriptor was opened for both)."""
    try:
        return os.pread(source.fileno(), size, offset)
    except (AttributeError, OSError, io.UnsupportedOperation):
        source.seek(offset)
        return source.read(size)


def _head(header: Mapping[str, Any]) -> str:
    head = {k: json_value(v) for k, v in header.items()}
    return "{\n" + "".join(f"{_compact_json(k)}: {_compact_json(v)},\n" for k, v in head.items())


def _rejected_part(rejected: Sequence[Rejected]) -> str:
    lines = [_compact_json(item) for item in rejected_json(rejected)]
    body = "\n" + ",\n".join(lines) + "\n" if lines else ""
    return f'"rejected": [{body}]\n}}\n'


def write_results_json(
    results: pd.DataFrame,
    rejected: Sequence[Rejected],
    header: Mapping[str, Any],
    handle: TextIO,
) -> None:
    """results.json of a whole frame into a text handle (the session spools instead)."""
    handle.write(_head(header))
    lines = [line.decode("utf-8") for line in encoded_lines(results)]
    body = "\n" + ",\n".join(lines) + "\n" if lines else ""
    handle.write(f'"results": [{body}],\n')
    handle.write(_rejected_part(rejected))
