"""Reading a large candle CSV for a 1-day interval: peak RSS and time of the streamed reader keeping only the day,
against the same file read whole (what the loader did before it streamed), each in a fresh process, as ratios.

    .venv/bin/python benchmarks/csv_load.py [--mb 200]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from devkit.figures import report

HEADER = "candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume"
FIRST_HOUR = pd.Timestamp("1900-01-01", tz="UTC")
DAY = ("1900-06-01T00:00:00+00:00", "1900-06-02T00:00:00+00:00")  # inside any file it writes
# a fresh process reads the file: the whole of it (start and end empty), or the rows of one day
READ = """
import sys
from projects.crypto_forecast.utils.candle_csv import read_candle_csv
start, end = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 2 else (None, None)
import pandas as pd
candles = read_candle_csv(sys.argv[1], start=start and pd.Timestamp(start), end=end and pd.Timestamp(end))
print(len(candles))
"""


def write_candles(path: Path, megabytes: int) -> int:
    """Hourly candles from 1900 on until the file holds about `megabytes` MB; returns how many."""
    rows, written, block = 0, 0, 100_000
    rng = np.random.default_rng(0)
    with path.open("w") as out:
        out.write(HEADER + "\n")
        while written < megabytes * 1_000_000:
            hours = pd.date_range(FIRST_HOUR + pd.Timedelta(hours=rows), periods=block, freq="h")
            close = rng.uniform(9e7, 1e8, block).round()
            lines = [
                f"{hour:%Y-%m-%dT%H:%M:%S},{price},{price + 1000},{price - 1000},{price},{volume:.4f}\n"
                for hour, price, volume in zip(hours, close, rng.uniform(0, 100, block), strict=True)
            ]
            written += out.write("".join(lines))
            rows += block
    return rows


def measure(path: Path, *interval: str) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and rows kept of one read in a fresh process."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", READ, str(path), *interval], stdout=subprocess.PIPE, text=True, env=environment
    )
    kept = int(child.stdout.read())
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - began, usage.ru_maxrss / 1024, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the generated CSV (bounded to 2000)")
    megabytes = min(parser.parse_args().mb, 2000)
    with tempfile.TemporaryDirectory(prefix="csv-load-") as folder:
        path = Path(folder) / "candles.csv"
        candles = write_candles(path, megabytes)
        size = path.stat().st_size / 1e6
        day_s, day_mb, day_rows = measure(path, *DAY)
        whole_s, whole_mb, whole_rows = measure(path)
    figures = {
        "file_mb": round(size),
        "candles": candles,
        "day_rows": day_rows,
        "day_s": round(day_s, 2),
        "day_peak_rss_mb": round(day_mb),
        "whole_rows": whole_rows,
        "whole_s": round(whole_s, 2),
        "whole_peak_rss_mb": round(whole_mb),
        "rss_ratio": round(whole_mb / day_mb, 2),
        "time_ratio": round(whole_s / day_s, 2),
    }
    report(
        f"A {size:.0f} MB candle CSV ({candles:,} candles), one fresh process per read",
        [
            ("1 day, streamed", f"{day_rows} rows in {day_s:.2f} s, peak RSS {day_mb:.0f} MB"),
            ("whole file", f"{whole_rows:,} rows in {whole_s:.2f} s, peak RSS {whole_mb:.0f} MB"),
            ("whole / 1 day", f"memory {whole_mb / day_mb:.1f}x, time {whole_s / day_s:.1f}x"),
        ],
        figures,
    )


if __name__ == "__main__":
    main()
