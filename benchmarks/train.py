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

from devkit.environment import isolated_stack
from devkit.figures import peak_rss_mb, report

FULL_HISTORY = ("2017-09-26T00:00:00+00:00", "2024-05-21T00:00:00+00:00")
CANDIDATES = {"ridge": "sklearn", "gradient_boosting": "sklearn", "gru": "torch"}
TARGETS = {"sklearn": 60, "torch": 180}


def measure(candidate: str) -> dict:
    """In a child process: build the dataset, fit the candidate's defaults, score on the last 90 days."""
    import numpy as np

    from db_handler import get_engine
    from lifecycle.discovery import load_project
    from lifecycle.stages.train import load_dataset
    from projects.crypto_forecast.configs import Default, TrainConfig

    project = load_project("crypto_forecast")
    spec = Default(train=TrainConfig(training_days=3000, validation_days=14, test_days=90))
    family = project.hooks.candidates[candidate]
    began = time.perf_counter()
    frame, bounds = load_dataset(get_engine(), project, "KRW-BTC", datetime.fromisoformat(FULL_HISTORY[1]), spec)
    loaded = time.perf_counter()
    fitted = family.fit(frame, family.params(), spec.train.seed, lambda epoch, value: None)
    trained = time.perf_counter()
    test = (frame["split"] == "test").to_numpy()
    predicted = np.asarray(fitted.model.predict(frame))[test]
    model = project.hooks.score(frame.loc[test], predicted, spec)
    naive = project.hooks.score(frame.loc[test], np.zeros(test.sum()), spec)
    return {
        "candidate": candidate,
        "train_rows": int((frame["split"] == "train").sum()),
        "test_rows": int(test.sum()),
        "load_s": round(loaded - began, 2),
        "fit_s": round(trained - loaded, 2),
        "epochs": len(fitted.epochs),
        "peak_rss_mb": round(peak_rss_mb()),
        "test_mae": round(model["mae"]),
        "naive_mae": round(naive["mae"]),
        "skill": round(1 - model["mae"] / naive["mae"], 4),
        "directional_accuracy": round(model["directional_accuracy"], 3),
        "test_window": f"{bounds.test_start:%Y-%m-%d} .. {bounds.end:%Y-%m-%d}",
        "finite": bool(np.isfinite(predicted).all()),
    }


def main() -> None:
    import contextlib
    import io

    from lifecycle import stages
    from lifecycle.discovery import load_project

    with isolated_stack():
        with contextlib.redirect_stdout(io.StringIO()):
            stages.data(load_project("crypto_forecast"), *FULL_HISTORY, source="replay")
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
