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


def log_candidate(
    project: str,
    parent_run_id: str,
    candidate: str,
    tags: dict[str, str],
    params: dict,
    metrics: dict[str, dict[str, float]],
    python_model,
    example,
    requirements: list[str],
    log_extras=None,
) -> dict[str, str]:
    """One candidate as a child run: params, metrics per split ("validation_mae", ...), the pyfunc model with
    its signature and input example; `log_extras()` may log more (plots) inside the run. Returns run and model ids."""
    import mlflow
    from mlflow.models import infer_signature

    configure_mlflow()
    with mlflow.start_run(
        experiment_id=project_experiment_id(project),
        run_name=candidate,
        parent_run_id=parent_run_id,
        tags={"candidate": candidate, **tags},
    ) as child:
        mlflow.log_params(flat_params(params, "model."))
        mlflow.log_metrics(
            {
                f"{split}_{name}": value
                for split, values in metrics.items()
                for name, value in values.items()
                if isinstance(value, (int, float))
            }
        )
        if log_extras is not None:
            log_extras()
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=python_model,
            input_example=example,
            pip_requirements=requirements,
            signature=infer_signature(example, python_model.predict(None, example)),
        )
    return {"run_id": child.info.run_id, "model_uri": info.model_uri}
