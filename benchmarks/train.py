"""Training time and peak memory of each model family on the full shipped history, and skill versus naive
persistence on its last 90 days (the test window; validation is the 14 days before it, training everything
earlier). Each candidate trains in its own process so its peak RSS is its own.

    .venv/bin/python benchmarks/train.py
"""

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from typing import ClassVar

from _common import FULL_HISTORY, isolated_stack, peak_rss_mb, report

CANDIDATES = {"ridge": "sklearn", "gradient_boosting": "sklearn", "gru": "torch"}
TARGETS = {"sklearn": 60, "torch": 180}


def measure(candidate: str) -> dict:
    """In a child process: build the dataset, fit, score on the last 90 days."""
    import numpy as np
    from sqlalchemy import create_engine

    from projects.crypto_forecast.configs import Default, TrainConfig, model_config
    from projects.crypto_forecast.evaluator.metrics import score_models
    from projects.crypto_forecast.trainer.dataset import load_dataset
    from projects.crypto_forecast.trainer.fit import fit_candidate

    class FullHistory(Default):
        name: ClassVar[str] = "benchmark_full_history"
        train: TrainConfig = TrainConfig(training_days=3000, validation_days=14, test_days=90)

    spec = FullHistory()
    began = time.perf_counter()
    with create_engine(os.environ["DATABASE_URL"]).connect() as conn:
        frame, bounds = load_dataset(conn, "KRW-BTC", datetime.fromisoformat(FULL_HISTORY[1]), spec)
    loaded = time.perf_counter()
    forecaster = fit_candidate(frame, spec.features.columns, model_config(candidate), spec.train.seed)
    fitted = time.perf_counter()
    test = (frame["split"] == "test").to_numpy()
    predicted = forecaster.predict_log_returns(frame)[test]
    scores = score_models(frame["close"].to_numpy()[test], frame["target_close"].to_numpy()[test], {"model": predicted})
    return {
        "candidate": candidate,
        "train_rows": int((frame["split"] == "train").sum()),
        "test_rows": int(test.sum()),
        "load_s": round(loaded - began, 2),
        "fit_s": round(fitted - loaded, 2),
        "peak_rss_mb": round(peak_rss_mb()),
        "test_mae": round(scores["model"]["mae"]),
        "naive_mae": round(scores["naive"]["mae"]),
        "skill": round(scores["model"]["skill"], 4),
        "directional_accuracy": round(scores["model"]["directional_accuracy"], 3),
        "test_window": f"{bounds.test_start:%Y-%m-%d} .. {bounds.end:%Y-%m-%d}",
        "finite": bool(np.isfinite(predicted).all()),
    }


def main() -> None:
    import contextlib
    import io

    from projects.crypto_forecast import run

    with isolated_stack():
        with contextlib.redirect_stdout(io.StringIO()):
            run.data(*FULL_HISTORY, source="replay")
        results = []
        for candidate in CANDIDATES:
            child = subprocess.run(
                [sys.executable, __file__, candidate], capture_output=True, text=True, env=os.environ
            )
            if child.returncode != 0:
                sys.exit(f"{candidate} failed:\n{child.stderr[-3000:]}")
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    rows = []
    for r in results:
        family = CANDIDATES[r["candidate"]]
        rows.append(
            (
                f"{r['candidate']} ({family})",
                f"fit {r['fit_s']:6.1f} s (target <= {TARGETS[family]} s), peak RSS {r['peak_rss_mb']:5} MB "
                f"(target <= 2048), skill {r['skill']:+.4f}, direction {r['directional_accuracy']:.3f}",
            )
        )
    rows.append(
        ("rows", f"{results[0]['train_rows']:,} train, {results[0]['test_rows']:,} test ({results[0]['test_window']})")
    )
    rows.append(("naive MAE on the test window", f"{results[0]['naive_mae']:,} KRW"))
    report(
        "training on the full shipped history; skill = 1 - MAE/MAE_naive on the last 90 days",
        rows,
        {"candidates": results},
    )


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in CANDIDATES:
        print(json.dumps(measure(sys.argv[1])))
    else:
        main()
