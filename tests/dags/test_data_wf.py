"""`airflow dags test` of the data workflow on the embedded default database."""

import json

from sqlalchemy import create_engine, text


def test_data_wf_loads_an_hour_into_the_embedded_postgresql(dags_test, tmp_path):
    pg_dir = tmp_path / "pg"
    result = dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", EMBEDDED_PG_DIR=str(pg_dir))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    summary = json.loads(next(line for line in result.stdout.splitlines() if line.startswith('{"stage": "data"')))
    assert summary["interval"] == {"start": "2024-05-01T04:00:00+00:00", "end": "2024-05-01T05:00:00+00:00"}
    assert summary["source"] == "replay" and summary["run_id"].startswith("manual__")

    from db_handler.embedded import embedded_url, stop

    engine = create_engine(embedded_url(pg_dir))
    with engine.connect() as conn:
        candles = conn.execute(text("select candle_time, close from crypto_forecast_raw_candles")).all()
        runs = conn.execute(text("select stage, status, run_id from workflow_runs")).all()
    engine.dispose()
    stop(pg_dir)
    assert len(candles) == 1 and candles[0][0].isoformat() == "2024-05-01T04:00:00+00:00"
    assert [(stage, status) for stage, status, _ in runs] == [("data", "success")]
    assert runs[0][2] == summary["run_id"]


def test_data_wf_backfills_a_range_given_as_params(dags_test, pg_url):
    conf = json.dumps({"start": "2024-04-01T00:00:00+00:00", "end": "2024-04-03T00:00:00+00:00"})
    result = dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", conf=conf, DATABASE_URL=pg_url)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        counted = conn.execute(
            text(
                "select count(*) from crypto_forecast_features where candle_time >= '2024-04-01' "
                "and candle_time < '2024-04-03'"
            )
        ).scalar_one()
    engine.dispose()
    assert counted == 48
