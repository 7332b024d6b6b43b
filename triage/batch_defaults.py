"""The defaults of cron mode's options, in a module the CLI can import without pandas."""

from __future__ import annotations

from typing import Final

DEFAULT_SETTLE_SECONDS: Final = 10.0
# An empty file, or a text export holding its header and no row yet, waits this long for the
# rest: many LIS exporters open the file, run a long query, then write the rows.
INCOMPLETE_GRACE_SECONDS: Final = 3600.0
# Names of files still being copied or downloaded: never read, whatever their age (the sender
# renames them when done).
TRANSFER_SUFFIXES: Final = (
    ".part",
    ".filepart",
    ".partial",
    ".crdownload",
    ".download",
    ".tmp",
    ".temp",
    ".upload",
    ".uploading",
    ".swp",
    "~",
)
DEFAULT_FILE_TIMEOUT: Final = 3600.0
DEFAULT_MEMORY_LIMIT_MB: Final = 8192
