"""MLflow bookkeeping shared by the train and evaluate task units."""

import subprocess
from importlib.metadata import version

from compose.settings import REPO_ROOT
from projects.crypto_forecast import PROJECT


def registered_model_name(market: str) -> str:
    """One registered model per project and market, e.g. crypto_forecast-KRW-BTC."""
    return f"{PROJECT}-{market}"


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def flat_params(config: dict, prefix: str = "") -> dict[str, str]:
    """Nested config dict -> {"train.horizon_hours": "1", ...} for mlflow.log_params."""
    flat = {}
    for key, value in config.items():
        if isinstance(value, dict):
            flat.update(flat_params(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def pip_requirements() -> list[str]:
    """Pinned requirements of a logged model (given explicitly: MLflow's inference of them is slow)."""
    return [f"{package}=={version(package)}" for package in ("mlflow", "scikit-learn", "torch", "pandas", "numpy")]
