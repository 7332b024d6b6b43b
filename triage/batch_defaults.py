"""The defaults of cron mode's options, in a module the CLI can import without pandas."""

from __future__ import annotations

from typing import Final

DEFAULT_SETTLE_SECONDS: Final = 10.0
DEFAULT_FILE_TIMEOUT: Final = 3600.0
DEFAULT_MEMORY_LIMIT_MB: Final = 8192
