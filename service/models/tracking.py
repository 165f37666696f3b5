"""MLflow bookkeeping of a training: the parent run, one child run per trial, the logged models.

Logged models carry their own code: the modules the caller names and this wrapper are pickled by value (cloudpickle),
so `mlflow.pyfunc.load_model` works in a fresh environment built from the model's own requirements.txt, outside
this repository (`mlflow models serve` included). Requirements are the libraries the model needs, no more.
"""

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import cloudpickle
import pandas as pd
from packaging.version import Version

from compose.settings import REPO_ROOT
from service.models import pyfunc
from service.models.mlflow_client import configure_mlflow, mlflow_call, project_experiment_id

BASE_REQUIREMENTS = ("mlflow", "cloudpickle", "pandas", "numpy", "scikit-learn")


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


def requirements(*packages: str) -> list[str]:
    """Pinned requirements of a logged model: the base every model needs and `packages` (e.g. torch). Pins carry
    no local version label (torch 2.13.0+cpu is pinned as torch==2.13.0, which the CPU build satisfies): no public
    index serves a file under such a name."""
    return [f"{package}=={Version(version(package)).public}" for package in (*BASE_REQUIREMENTS, *packages)]


def open_parent_run(
    project: str, run_name: str, tags: dict[str, str], params: dict, code_dir: Path, reuse_for: str
) -> str:
    """The training's parent run (trials log as its children, possibly from other processes), with the project's
    code as artifacts; returns its id. A retried task of the same training (`reuse_for`, its run id, and the same
    model) gets the run its first try opened."""
    with mlflow_call(f"a new run of {project}"):
        client = configure_mlflow()
        experiment = project_experiment_id(project)
        existing = client.search_runs(
            [experiment],
            filter_string=f"tags.airflow_run_id = '{reuse_for}' and tags.model_name = '{tags['model_name']}'",
            max_results=1,
        )
        if existing:
            return existing[0].info.run_id
        parent = client.create_run(
            experiment, run_name=run_name, tags={"project": project, "git_commit": git_commit(), **tags}
        )
        for key, value in flat_params(params).items():
            client.log_param(parent.info.run_id, key, value)
        for path in sorted(code_dir.rglob("*.py")):
            client.log_artifact(parent.info.run_id, str(path), f"code/{path.parent.relative_to(code_dir.parent)}")
    return parent.info.run_id


@dataclass(frozen=True)
class ModelToLog:
    """A child run's model: the fitted object, its output column, an input example, its pip requirements, and the
    modules whose code it carries (pickled by value, so it loads without them installed)."""

    model: Any
    output: str
    example: pd.DataFrame
    requirements: list[str]
    code: tuple[ModuleType, ...]


def log_child_run(
    project: str,
    parent_run_id: str,
    run_name: str,
    tags: dict[str, str],
    params: dict[str, Any],
    metrics: dict[str, float],
    epochs: list[dict[str, float]],
    model: ModelToLog,
    log_extras: Callable[[], None] | None = None,
) -> dict[str, str]:
    """One fit as a child run: params, metrics ("validation_mae", ...), a metric per epoch (the learning curve),
    the pyfunc model with its signature and input example; `log_extras()` may log more (plots) inside the run.
    Returns the run id and the model's URI."""
    import mlflow
    from mlflow.models import infer_signature

    wrapped = pyfunc.ProjectModel(model.model, model.output)
    with mlflow_call(f"a child run of {parent_run_id}"):
        configure_mlflow()
        with mlflow.start_run(
            experiment_id=project_experiment_id(project), run_name=run_name, parent_run_id=parent_run_id, tags=tags
        ) as child:
            mlflow.log_params({key: str(value) for key, value in params.items()})
            mlflow.log_metrics({name: value for name, value in metrics.items() if isinstance(value, int | float)})
            for step, values in enumerate(epochs, start=1):
                mlflow.log_metrics(values, step=step)
            if log_extras is not None:
                log_extras()
            with _code_by_value(pyfunc, *model.code):
                info = mlflow.pyfunc.log_model(
                    name="model",
                    python_model=wrapped,
                    input_example=model.example,
                    pip_requirements=model.requirements,
                    signature=infer_signature(model.example, wrapped.predict(None, model.example)),
                )
    return {"run_id": child.info.run_id, "model_uri": info.model_uri}


def close_parent_run(parent_run_id: str, metrics: dict[str, float], tags: dict[str, str]) -> None:
    with mlflow_call(f"run {parent_run_id}"):
        client = configure_mlflow()
        for name, value in metrics.items():
            client.log_metric(parent_run_id, name, float(value))
        for key, value in tags.items():
            client.set_tag(parent_run_id, key, value)
        client.set_terminated(parent_run_id, "FINISHED")


@contextmanager
def _code_by_value(*modules: ModuleType) -> Iterator[None]:
    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    try:
        yield
    finally:
        for module in modules:
            cloudpickle.unregister_pickle_by_value(module)
