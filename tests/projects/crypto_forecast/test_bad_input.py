"""Every bad input through the real command line: one `error:` line naming what was wrong (file, row, column, flag),
exit code 1, no summary, nothing written, no alert."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db_handler.tables import alerts
from lifecycle import stages
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, monitoring, predictions, raw_candles
from tests.faults.conftest import snapshot

DAY = ["--start", "2024-03-05T00:00:00+00:00", "--end", "2024-03-06T00:00:00+00:00"]
UPBIT = "candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume"
PYUPBIT = "timestamp,open,high,low,close,volume"
STORED = "2024-03-05T05:00:00,94251000.0,94500000.0,93000000.0,93011000.0,10.0"  # differs from the shipped candle
WRITTEN = (raw_candles, features, predictions, monitoring, alerts)


def csv(content: str | bytes):
    """A case's --source: a file with `content`, made in the test's folder."""

    def make(folder: Path) -> list[str]:
        path = folder / "candles.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return ["--source", str(path)]

    return make


def directory(folder: Path) -> list[str]:
    (folder / "candles.csv").mkdir()
    return ["--source", str(folder / "candles.csv")]


# case: (stage, its flags, the --source maker or None, what the error line says, environment)
CASES = {
    "empty file": ("data", DAY, csv(""), "candles.csv: empty file", {}),
    "binary file": ("data", DAY, csv(b"\x89PNG\r\n\x1a\n\x00" + bytes(range(256))), "candles.csv: not UTF-8 text", {}),
    "latin-1 file": (
        "data",
        DAY,
        csv(f"{UPBIT}\n".encode() + "2024-03-05T00:00:00,1,2,1,1,1\xe9\n".encode("latin-1")),
        "candles.csv: not UTF-8 text (byte 0xe9",
        {},
    ),
    "a directory": ("data", DAY, directory, "candles.csv: is a directory", {}),
    "naive times, no --tz": (
        "data",
        DAY,
        csv(f"{PYUPBIT}\n2024-03-05 09:00:00,1,2,1,1,1\n"),
        "candles.csv row 2 column 'timestamp': time '2024-03-05 09:00:00' has no offset: give the zone",
        {},
    ),
    "unknown --tz": ("data", [*DAY, "--tz", "Mars/Base"], csv(f"{PYUPBIT}\n"), "--tz 'Mars/Base' is not a time", {}),
    "DST-skipped local time": (
        "data",
        ["--start", "2024-03-31", "--end", "2024-04-01", "--tz", "Europe/Berlin"],
        csv(f"{PYUPBIT}\n2024-03-31 01:00:00,1,2,1,1,1\n2024-03-31 02:30:00,1,2,1,1,1\n"),
        "candles.csv row 3 column 'timestamp': '2024-03-31 02:30:00' does not exist or is ambiguous in Europe/Berlin",
        {},
    ),
    "implausible price": (
        "data",
        DAY,
        csv(f"{UPBIT}\n2024-03-05T00:00:00,1,1e308,1,1,1\n"),
        "KRW-BTC 2024-03-05T00:00:00+00:00 column 'high': 1e+308 above the plausible 1e+12",
        {},
    ),
    "undeclared market in the CSV": (
        "data",
        DAY,
        csv(f"market,{UPBIT}\nKRW-BTC,2024-03-05T00:00:00,1,2,1,1,1\n../../etc,2024-03-05T01:00:00,1,2,1,1,1\n"),
        "candles.csv row 3 column 'market': '../../etc' is not a market of the config (declared: KRW-BTC)",
        {},
    ),
    "interval the CSV does not cover": (
        "data",
        DAY,
        csv(f"{UPBIT}\n2024-01-01T00:00:00,1,2,1,1,1\n"),
        "has no KRW-BTC candles in [2024-03-05T00:00:00+00:00, 2024-03-06T00:00:00+00:00) (its candles run "
        "2024-01-01T00:00:00+00:00 .. 2024-01-01T00:00:00+00:00)",
        {},
    ),
    "a correction without --allow-corrections": (
        "data",
        DAY,
        csv(f"{UPBIT}\n{STORED}\n"),
        "CorrectionRefused: crypto_forecast KRW-BTC: 5 stored value(s) in 1 row(s) differ from the source, first "
        "market=KRW-BTC candle_time=2024-03-05T05:00:00+00:00 column 'open'",
        {},
    ),
    **{
        f"unknown --market ({stage})": (
            stage,
            ["--market", "KRW-NOPE"],
            None,
            "UnknownPartition: --market: unknown market 'KRW-NOPE': config 'default' of crypto_forecast declares "
            "KRW-BTC",
            {},
        )
        for stage in ("data", "train", "inference", "monitor")
    },
    "PostgreSQL down": (
        "data",
        [*DAY, "--source", "replay"],
        None,
        'OperationalError: connection failed: connection to server at "127.0.0.1", port 9 failed',
        {"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:9/down"},
    ),
}


@pytest.fixture
def stored_day(database, pg_url):
    """A day of shipped candles stored; returns the environment the command line runs in."""
    stages.data(PROJECT, DAY[1], DAY[3], source="replay")
    return {**os.environ, "DATABASE_URL": pg_url}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_naming_it_and_writes_nothing(case, stored_day, database, tmp_path):
    stage, flags, source, message, environment = CASES[case]
    before = snapshot(database, WRITTEN)
    command = [
        sys.executable,
        "-m",
        "projects.crypto_forecast.run",
        stage,
        *flags,
        *(source(tmp_path) if source else []),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, env={**stored_day, **environment})

    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1, result.stderr
    assert len(errors) == 1 and result.stderr.splitlines()[-1] == errors[0], result.stderr
    assert message in errors[0] and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert snapshot(database, WRITTEN) == before
