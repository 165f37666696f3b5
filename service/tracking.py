"""MLflow bookkeeping every project's training shares: the parent run, parameters, requirements."""

import subprocess
from importlib.metadata import version

from compose.settings import REPO_ROOT
from service.mlflow_setup import configure_mlflow, project_experiment_id


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def flat_params(config: dict, prefix: str = "") -> dict[str, str]:
    """Nested config dict -> {"train.horizon_hours": "1", ...} for MLflow params."""
    flat = {}
    for key, value in config.items():
        if isinstance(value, dict):
            flat.update(flat_params(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def pip_requirements(*packages: str) -> list[str]:
    """Pinned requirements of a logged model (given explicitly: MLflow's inference of them is slow)."""
    return [f"{package}=={version(package)}" for package in ("mlflow", "scikit-learn", "pandas", "numpy", *packages)]


def open_parent_run(project: str, run_name: str, tags: dict[str, str], params: dict) -> str:
    """The training's parent run (candidates log as its children, possibly from other processes); its id."""
    client = configure_mlflow()
    parent = client.create_run(
        project_experiment_id(project), run_name=run_name, tags={"project": project, "git_commit": git_commit(), **tags}
    )
    for key, value in flat_params(params).items():
        client.log_param(parent.info.run_id, key, value)
    return parent.info.run_id
