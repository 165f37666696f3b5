"""Logged models load and serve without this repository: scripts/check_model_portability.py --no-install on a GRU
(a torch module of the project's own, pickled by value with the rest of its code), in an interpreter that has this
checkout's packages but not the repository. The full check, in clean virtualenvs built from each model's
requirements.txt, takes minutes: it is a command (docs/COMMAND_REFERENCE.md)."""

import json
import subprocess
import sys
from pathlib import Path

import mlflow

from compose.paths import REPO_ROOT
from lifecycle import stages
from projects.crypto_forecast.run import PROJECT

from .conftest import FAST, TRAIN_END


def requirement_names(model_uri: str) -> list[str]:
    lines = Path(mlflow.pyfunc.get_model_dependencies(model_uri)).read_text().split()
    return [line.split("==")[0] for line in lines]


def test_a_gru_loads_and_serves_without_the_repository_and_only_it_requires_torch(candles, mlflow_store):
    prepared = stages.prepare(PROJECT, "KRW-BTC", TRAIN_END, config=FAST, quiet=True)
    ridge, gru = (
        stages.trial(PROJECT, prepared, candidate, config=FAST, quiet=True)["model_uri"]
        for candidate in ("ridge", "gru")
    )
    assert "torch" not in requirement_names(ridge) and "torch" in requirement_names(gru)

    check = [sys.executable, str(REPO_ROOT / "scripts/check_model_portability.py"), "--no-install", gru]
    result = subprocess.run(check, capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [checked] = json.loads(result.stdout.splitlines()[-1])["models"].values()
    assert "torch==2.13.0" in checked["requirements"]  # no local version label (+cpu): any index serves this pin
    assert checked["load_and_predict"] == checked["serve"]
    assert checked["serve"].endswith("rows as here") and not checked["serve"].startswith("0 ")
