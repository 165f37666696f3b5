"""`airflow dags test` of the data workflow: on the embedded default database, a range given as params, and a
bare trigger (no logical date, no params)."""

from sqlalchemy import create_engine, text


def test_data_wf_loads_an_hour_into_the_embedded_postgresql(dags_test, embedded_pg_dir):
    pg_dir = embedded_pg_dir
    result = dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", EMBEDDED_PG_DIR=str(pg_dir))
    assert result.succeeded, result.output[-6000:]

    [summary] = result.summaries
    assert summary["interval"] == {"start": "2024-05-01T04:00:00+00:00", "end": "2024-05-01T05:00:00+00:00"}
    assert summary["partitions"]["KRW-BTC"]["source"] == "replay" and summary["run_id"].startswith("manual__")

    from db_handler.embedded import embedded_url

    engine = create_engine(embedded_url(pg_dir))
    with engine.connect() as conn:
        candles = conn.execute(text("select candle_time, close from crypto_forecast_raw_candles")).all()
        runs = conn.execute(text("select stage, status, run_id from workflow_runs")).all()
    engine.dispose()
    assert len(candles) == 1 and candles[0][0].isoformat() == "2024-05-01T04:00:00+00:00"
    assert [(stage, status) for stage, status, _ in runs] == [("data", "success")]
    assert runs[0][2] == summary["run_id"]


def test_data_wf_backfills_a_range_given_as_params(dags_test, pg_url):
    conf = {"start": "2024-04-01T00:00:00+00:00", "end": "2024-04-03T00:00:00+00:00"}
    result = dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", conf=conf, DATABASE_URL=pg_url)
    assert result.succeeded, result.output[-6000:]
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


def test_a_run_of_the_current_hour_succeeds_offline_with_nothing_new(dags_test, pg_url):
    """What the UI sends with its form untouched (the logical date is now, the interval the past hour): offline
    the replay has no candles that recent, so the run writes nothing and succeeds rather than retry in vain."""
    result = dags_test("crypto_forecast_data_wf", DATABASE_URL=pg_url)
    assert result.succeeded, result.output[-6000:]
    [summary] = result.summaries
    assert summary["rows_written"] == 0 and summary["partitions"]["KRW-BTC"]["rows"] == 0


def test_a_stored_candle_that_differs_fails_the_run_at_once_unless_corrections_are_allowed(dags_test, pg_url):
    """One run of the data workflow at a time; a correction is opt-in (the allow_corrections param)."""
    from workflows.factories import data_workflow

    dag = data_workflow("crypto_forecast", schedule=None)
    assert dag.max_active_runs == 1 and dag.params["allow_corrections"] is False

    hour = {"start": "2024-04-01T05:00:00+00:00", "end": "2024-04-01T06:00:00+00:00"}
    assert dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", conf=hour, DATABASE_URL=pg_url).succeeded
    engine = create_engine(pg_url)
    with engine.begin() as conn:  # a stored value the source no longer gives
        conn.execute(text("update crypto_forecast_raw_candles set close = low"))

    refused = dags_test("crypto_forecast_data_wf", "2024-05-01T05:00:00+00:00", conf=hour, DATABASE_URL=pg_url)
    assert not refused.succeeded
    assert "AirflowFailException: CorrectionRefused: crypto_forecast KRW-BTC: 1 stored value(s)" in refused.output
    corrected = dags_test(
        "crypto_forecast_data_wf",
        "2024-05-01T05:00:00+00:00",
        conf={**hour, "allow_corrections": True},
        DATABASE_URL=pg_url,
    )
    assert corrected.succeeded, corrected.output[-6000:]
    assert corrected.summaries[-1]["changed"]["values"] == 1
    engine.dispose()
