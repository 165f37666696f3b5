"""Backfills and trainings say how far they are in the logs (Airflow's task logs, the CLI's stderr): the Upbit
client a line per page, the data stage a line per partition, the trial stage which trial of how many."""

import logging

import responses

from compose.config import SearchConfig
from lifecycle import stages
from projects.crypto_forecast.core.load import replay_history
from projects.crypto_forecast.run import PROJECT

from .conftest import FAST, TRAIN_END
from .test_upbit_loader import END, START, URL, FakeUpbit


@responses.activate
def test_a_backfill_from_upbit_logs_its_pages_and_the_rows_of_each_partition(database, caplog):
    responses.add_callback(responses.GET, URL, callback=FakeUpbit(replay_history()))
    caplog.set_level(logging.INFO)

    stages.data(PROJECT, START, END, source="upbit")

    assert caplog.messages == [
        "Upbit KRW-BTC 1h: page 1 of ~3, 200 candles so far, back to 2024-04-13 16:00 UTC",
        "Upbit KRW-BTC 1h: page 2 of ~3, 400 candles so far, back to 2024-04-05 08:00 UTC",
        "Upbit KRW-BTC 1h: page 3 of ~3, 600 candles so far, back to 2024-03-27 21:00 UTC",
        "Upbit KRW-BTC 1h: 504 candles in the interval, from 3 pages",
        "crypto_forecast KRW-BTC: 504 rows loaded and checked for [2024-04-01 00:00, 2024-04-22 00:00) UTC",
        "crypto_forecast KRW-BTC: raw rows 504 written, 0 unchanged",
        "crypto_forecast KRW-BTC: feature rows 504 written, 0 unchanged",
    ]


def test_each_trial_logs_its_number_of_the_familys_total_and_its_scores(candles, mlflow_store, caplog):
    spec = FAST.model_copy(
        update={"train": FAST.train.model_copy(update={"search": SearchConfig(trials={"ridge": 3})})}
    )
    prepared = stages.prepare(PROJECT, "KRW-BTC", TRAIN_END, config=spec, quiet=True)
    caplog.set_level(logging.INFO, logger="lifecycle.stages.train")

    stages.trial(PROJECT, prepared, "ridge", 1, spec, quiet=True)
    stages.trial(PROJECT, prepared, "gru", 0, spec, quiet=True)

    ridge = [message for message in caplog.messages if "ridge trial" in message]
    assert ridge[0].startswith("crypto_forecast KRW-BTC: ridge trial 2 of 3: alpha=")
    assert ridge[1].startswith("crypto_forecast KRW-BTC: ridge trial 2 of 3 done: validation mae ")
    assert "test mae " in ridge[1]
    assert any(
        message.startswith("crypto_forecast KRW-BTC: gru trial 1 of 1: window=24") for message in caplog.messages
    )
