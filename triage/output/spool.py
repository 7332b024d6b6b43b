"""The rows of a run, spooled chunk by chunk to one private file in the output folder, so that
the reports can fetch back at the end the few rows they show without the whole batch ever being
in memory twice (or once).

The file is a temporary of ``triage.io.atomic`` (``.<output name>.<hex>.tmp``, mode 0600): a
killed run's spool is found and removed with the other leftovers when the folder is next locked.
Each chunk is one pickle (protocol 5) at a remembered offset; taking chunks back truncates the
file.  Only this process reads what it wrote, from its own private file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from triage.io.atomic import open_private_temp


def _read_at(fd: int, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset`` (pread, as many calls as it takes)."""
    parts: list[bytes] = []
    while size > 0:
        part = os.pread(fd, size, offset)
        if not part:
            raise OSError(f"the spool ends {size} bytes early")
        parts.append(part)
        offset += len(part)
        size -= len(part)
    return b"".join(parts)


def open_spool(final: Path, *, mode: int) -> tuple[Path, BinaryIO]:
    """A new private temporary file beside ``final`` (``triage.io.atomic``'s name and mode),
    open for writing and reading back."""
    path, fd = open_private_temp(final, mode=mode)
    try:
        flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        handle = os.fdopen(os.open(path, flags | getattr(os, "O_BINARY", 0)), "w+b")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise
    finally:
        os.close(fd)
    return path, handle


class ChunkSpool:
    """Chunks of the results frame appended to a private file, read back by row position."""

    def __init__(self, final: Path, *, mode: int) -> None:
        self.path, self._handle = open_spool(final, mode=mode)
        self._offsets: list[int] = []  # where each chunk's pickle starts
        self._starts: list[int] = []  # position in the batch of each chunk's first row
        self._end = 0  # bytes written
        self.rows = 0
        self._last: tuple[int, pd.DataFrame] | None = None  # the chunk read last (one at most)

    def append(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        self._last = None
        data = pickle.dumps(frame.reset_index(drop=True), protocol=5)
        self._handle.seek(self._end)
        self._handle.write(data)
        self._offsets.append(self._end)
        self._starts.append(self.rows)
        self._end += len(data)
        self.rows += len(frame)

    def mark(self) -> tuple[int, int, int]:
        return len(self._offsets), self._end, self.rows

    def rollback(self, mark: tuple[int, int, int]) -> None:
        chunks, self._end, self.rows = mark
        self._last = None
        del self._offsets[chunks:]
        del self._starts[chunks:]
        self._handle.seek(self._end)
        self._handle.truncate()

    def _load(self, index: int) -> pd.DataFrame:
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        start = self._offsets[index]
        end = self._offsets[index + 1] if index + 1 < len(self._offsets) else self._end
        # pread: no shared file offset, so that a process forked to render a report may read
        # the spool while this one reads it too
        data = _read_at(self._handle.fileno(), start, end - start)
        frame: pd.DataFrame = pickle.loads(data)  # noqa: S301 - ours
        self._last = (index, frame)
        return frame

    def flush(self) -> None:
        self._handle.flush()

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Every chunk in order, one at a time."""
        self._handle.flush()
        for index in range(len(self._offsets)):
            yield self._load(index)

    def fetch(self, positions: np.ndarray) -> list[pd.DataFrame]:
        """The rows at ``positions`` of the batch (sorted, unique), one frame per chunk they are
        in, each indexed by position (not joined: chunks keep their own column types)."""
        positions = np.asarray(positions, dtype=np.int64)
        self._handle.flush()
        starts = np.asarray(self._starts, dtype=np.int64)
        which = np.searchsorted(starts, positions, side="right") - 1
        parts: list[pd.DataFrame] = []
        for index in np.unique(which).tolist():
            wanted = positions[which == index]
            part = self._load(index).iloc[wanted - starts[index]]
            part.index = pd.Index(wanted)
            parts.append(part)
        return parts

    def close(self) -> None:
        """Close and remove the file."""
        self._last = None
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
