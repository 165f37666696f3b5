"""The upsert helper on real PostgreSQL (COPY and executemany paths) and SQLite."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Column, Double, Integer, MetaData, String, Table, create_engine, select

from db_handler import compare_stored, upsert
from db_handler.types import JSONDocument, UTCDateTime

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def make_table() -> Table:
    return Table(
        "upsert_probe",
        MetaData(),
        Column("market", String(20), primary_key=True),
        Column("at", UTCDateTime, primary_key=True),
        Column("price", Double),
        Column("count", Integer),
        Column("written_at", UTCDateTime),
    )


@pytest.fixture(params=["postgresql", "sqlite"])
def engine_and_table(request, database, tmp_path):
    engine = database if request.param == "postgresql" else create_engine(f"sqlite:///{tmp_path / 'probe.db'}")
    table = make_table()
    table.drop(engine, checkfirst=True)
    table.create(engine)
    yield engine, table
    table.drop(engine)


def frame(prices, written_at=T0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "market": "KRW-BTC",
            "at": pd.date_range(T0, periods=len(prices), freq="h", tz="UTC"),
            "price": prices,
            "count": range(len(prices)),
            "written_at": pd.Timestamp(written_at),
        }
    )


def stored(engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(table.c.at))]


@pytest.mark.parametrize("as_records", [False, True], ids=["dataframe", "records"])
def test_insert_then_rerun_changes_nothing(engine_and_table, as_records):
    engine, table = engine_and_table
    rows = frame([1.5, 2.5, float("nan")])
    payload = rows.to_dict("records") if as_records else rows
    with engine.begin() as conn:
        first = upsert(conn, table, payload, key=("market", "at"), touch=("written_at",))
    before = stored(engine, table)
    later = frame([1.5, 2.5, float("nan")], written_at=T0 + timedelta(days=1))
    with engine.begin() as conn:
        second = upsert(
            conn, table, later.to_dict("records") if as_records else later, ("market", "at"), ("written_at",)
        )

    assert (first.written, first.unchanged) == (3, 0)
    assert (second.written, second.unchanged) == (0, 3)
    assert stored(engine, table) == before  # the touch column did not move either
    assert before[2][2] is None  # NaN stored as NULL


def test_changed_row_is_updated_and_touched(engine_and_table):
    engine, table = engine_and_table
    with engine.begin() as conn:
        upsert(conn, table, frame([1.0, 2.0]), key=("market", "at"), touch=("written_at",))
        result = upsert(
            conn, table, frame([1.0, 9.0], written_at=T0 + timedelta(hours=5)), ("market", "at"), ("written_at",)
        )
    rows = stored(engine, table)
    assert (result.written, result.unchanged) == (1, 1)
    assert [row[2] for row in rows] == [1.0, 9.0]
    assert rows[0][4] == T0 and rows[1][4] == T0 + timedelta(hours=5)


def test_failure_inside_transaction_writes_nothing(engine_and_table):
    engine, table = engine_and_table
    with pytest.raises(RuntimeError), engine.begin() as conn:
        upsert(conn, table, frame([1.0, 2.0]), key=("market", "at"))
        raise RuntimeError("a later step fails")
    assert stored(engine, table) == []


def test_naive_times_are_refused(engine_and_table):
    engine, table = engine_and_table
    naive = frame([1.0]).assign(at=pd.Timestamp("2024-01-01 00:00"))
    with pytest.raises(Exception, match="naive"), engine.begin() as conn:
        upsert(conn, table, naive, key=("market", "at"))


def test_times_round_trip_as_utc(engine_and_table):
    engine, table = engine_and_table
    kst = frame([1.0]).assign(at=pd.Timestamp("2024-01-01 09:00", tz="Asia/Seoul"))
    with engine.begin() as conn:
        upsert(conn, table, kst, key=("market", "at"))
    assert stored(engine, table)[0][1] == datetime(2024, 1, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_json_documents_store_undefined_numbers_as_null(backend, database, tmp_path):
    """A skill against a baseline whose error is 0 is NaN: the document is stored with null there, not refused."""
    engine = database if backend == "postgresql" else create_engine(f"sqlite:///{tmp_path / 'probe.db'}")
    documents = Table("json_probe", MetaData(), Column("id", Integer, primary_key=True), Column("scores", JSONDocument))
    documents.drop(engine, checkfirst=True)
    documents.create(engine)
    scores = {"challenger": {"mae": 0.0, "skill": float("nan")}, "ratios": [1.5, float("inf"), float("-inf")]}
    with engine.begin() as conn:
        upsert(conn, documents, [{"id": 1, "scores": scores}], key=("id",))
        assert conn.execute(select(documents.c.scores)).scalar_one() == {
            "challenger": {"mae": 0.0, "skill": None},
            "ratios": [1.5, None, None],
        }
    documents.drop(engine)


def test_compare_stored_names_each_value_an_upsert_would_overwrite(engine_and_table):
    engine, table = engine_and_table
    with engine.begin() as conn:
        upsert(conn, table, frame([1.0, 2.0, float("nan")]), key=("market", "at"), touch=("written_at",))
    incoming = pd.concat([frame([1.0, 9.0, 3.0], written_at=T0 + timedelta(days=1)), frame([0.0, 0.0, 0.0, 4.0])[3:]])
    incoming = incoming.assign(count=[0, 1, 2, 3]).set_axis([10, 11, 12, 13])
    with engine.begin() as conn:
        compared = compare_stored(conn, table, incoming, key=("market", "at"), touch=("written_at",))
        result = upsert(conn, table, incoming, key=("market", "at"), touch=("written_at",))

    assert compared.written.to_dict() == {10: False, 11: True, 12: True, 13: True}  # same, changed, NULL -> 3, new
    assert result.written == int(compared.written.sum())
    assert [str(change) for change in compared.changes] == [
        "market=KRW-BTC at=2024-01-01T01:00:00+00:00 column 'price': stored 2.0, new 9.0",
        "market=KRW-BTC at=2024-01-01T02:00:00+00:00 column 'price': stored nan, new 3.0",
    ]
