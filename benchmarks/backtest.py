"""Walk-forward skill of crypto_forecast's candidates against naive persistence over the last 13 weeks of the
shipped history (13 weekly origins, each candidate refitted at each one on the default config's window), with
the spread across origins and the time each family's refits take: `run backtest` on a throwaway database.

    .venv/bin/python benchmarks/backtest.py [--weeks 13] [--candidates ridge,gradient_boosting,gru]
"""

import argparse
import contextlib
import io
import time

from devkit.environment import isolated_stack
from devkit.figures import report

HISTORY = ("2023-01-01T00:00:00+00:00", "2024-05-21T00:00:00+00:00")  # a year and 13 weeks back, with lookback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--candidates", default="ridge,gradient_boosting,gru")
    args = parser.parse_args()
    from lifecycle import stages
    from lifecycle.backtest import backtest
    from lifecycle.discovery import load_project

    project = load_project("crypto_forecast")
    with isolated_stack():
        with contextlib.redirect_stdout(io.StringIO()):
            stages.data(project, *HISTORY, source="replay")
            began = time.perf_counter()
            summary = backtest(project, args.weeks, candidates=tuple(args.candidates.split(",")))
        seconds = time.perf_counter() - began
    rows = [
        (
            candidate,
            f"skill {stats['mean']:+.4f} ± {stats['std']:.4f} (min {stats['min']:+.4f}, max {stats['max']:+.4f}), "
            f"beats naive at {stats['beats_baseline']}/{stats['origins']} origins; refits {summary['fit_seconds'][candidate]:.0f} s",
        )
        for candidate, stats in summary["skill"].items()
    ]
    rows.append(("origins", f"{summary['origins'][0][:10]} .. {summary['origins'][1][:10]} (weekly)"))
    rows.append(("backtest", f"{seconds:.0f} s"))
    report(
        f"walk-forward {summary['metric']} skill vs {summary['baseline']} over {args.weeks} weekly origins "
        "(mean ± std across origins)",
        rows,
        {**summary, "seconds": round(seconds, 1)},
    )


if __name__ == "__main__":
    main()
