"""The history fixtures (tests/history_fixtures.py) give working, empty, per-test databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url)


def test_history_url_round_trip(history_url: str, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["history_url"]
    metadata = sa.MetaData()
    results = sa.Table(
        "results",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False),
        sa.Column("prolactin", sa.Float, nullable=False),
    )
    engine = _engine(history_url)
    try:
        assert engine.dialect.name == backend
        assert sa.inspect(engine).get_table_names() == []  # a fresh, empty database
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.insert(results), [{"patient": "P001", "prolactin": 42.5}])
        with engine.connect() as conn:
            rows = conn.execute(sa.select(results.c.patient, results.c.prolactin)).all()
        assert [tuple(row) for row in rows] == [("P001", 42.5)]
    finally:
        engine.dispose()


def test_postgres_url_is_a_fresh_database(postgres_url: str) -> None:
    url = sa.make_url(postgres_url)
    assert url.get_backend_name() == "postgresql"
    assert url.database is not None and url.database.startswith("t_")
    engine = _engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == url.database
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
