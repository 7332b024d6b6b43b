"""Databases for the results-history tests: a fresh SQLite file or a fresh PostgreSQL database.

``history_url`` runs a test twice, ids ``sqlite`` and ``postgresql``; ``postgres_url`` runs it on
PostgreSQL only. Each yields a SQLAlchemy URL string for a database of the test's own, empty and
dropped afterwards.

The PostgreSQL server is the one in ``PROLACTIN_TRIAGE_TEST_POSTGRES_URL`` (for example
``postgresql+psycopg://triage@127.0.0.1:5432/triage``; the role needs CREATEDB). ``.ci/run`` starts
a throwaway server with ``.ci/postgres.sh``; locally::

    eval "$(.ci/postgres.sh start)"
    pytest tests/test_history_fixtures.py
    .ci/postgres.sh stop

Without that variable the PostgreSQL tests are skipped, unless
``PROLACTIN_TRIAGE_REQUIRE_POSTGRES=1`` (set by CI), when they fail: CI must not skip them silently.
"""

from __future__ import annotations

import os
import secrets
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

POSTGRES_URL_ENV = "PROLACTIN_TRIAGE_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "PROLACTIN_TRIAGE_REQUIRE_POSTGRES"


def _postgres_server_url() -> str:
    """The server URL from the environment, or skip (fail when PostgreSQL is required)."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if url:
        return url
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(
            f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set: the PostgreSQL history "
            f'tests need a server (start one with: eval "$(.ci/postgres.sh start)")',
            pytrace=False,
        )
    pytest.skip(f"no PostgreSQL server: set {POSTGRES_URL_ENV} (see .ci/postgres.sh)")


def _fresh_postgres_database() -> Iterator[str]:
    """Create ``t_<random hex>`` on the server, yield its URL, drop it (closing connections)."""
    server_url = sa.make_url(_postgres_server_url())
    if server_url.get_backend_name() != "postgresql":
        pytest.fail(f"{POSTGRES_URL_ENV} is not a postgresql URL: {server_url!r}", pytrace=False)
    name = f"t_{secrets.token_hex(8)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server_url.set(database=name).render_as_string(hide_password=False)
        finally:
            _drop_database(admin, name)
    finally:
        admin.dispose()


def _drop_database(admin: sa.Engine, name: str, attempts: int = 10) -> None:
    """Drop the test's database.  FORCE closes what a test left open; a backend of another role
    (the server's autovacuum worker, started by a test's many deletes) cannot be closed by the
    test role, so the drop is tried again while it finishes, and a database left behind on the
    throwaway CI server is no test failure."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.DBAPIError:
            if attempt == attempts - 1:
                warnings.warn(f"test database {name} left on the server", stacklevel=2)
                return
            time.sleep(0.5)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database of this test's own: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        yield f"sqlite:///{(tmp_path / 'history.db').as_posix()}"
    else:
        yield from _fresh_postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL of an empty PostgreSQL database of this test's own."""
    yield from _fresh_postgres_database()


def run_with_history(tmp: Path, name: str, inputs: list[Path], url: str, now: Any) -> Any:
    """One run of ``inputs`` into ``tmp/name`` with the history at ``url``, its results kept
    (a TriageOutcome)."""
    from triage.history import HistoryOptions
    from triage.pipeline import TriageRequest, run_triage

    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=HistoryOptions(location=url),
        keep_results=True,
        jobs=1,
    )
    return run_triage(request, now=now)


def overdue_patients(url: str, now: Any) -> list[str]:
    """The patients of the urgent results the history lists as not yet acknowledged at ``now``."""
    from triage.history import HistoryOptions, overdue_urgent
    from triage.knowledge import load_knowledge

    thresholds = load_knowledge("default").thresholds
    rows = overdue_urgent(HistoryOptions(location=url), now, thresholds)
    return [str(p) for p in rows["patient_id"].tolist()]
