"""Logged models with a known behaviour, for tests that need a champion or a shadow whose quality does not depend
on the data: a constant forecast, logged like any trial (a real pyfunc model in a real MLflow run)."""

import pandas as pd

from lifecycle import models
from lifecycle.contract import Project
from service.models import tracking
from service.models.mlflow_client import configure_mlflow, project_experiment_id


def log_constant(project: Project, inputs: list[str], value: float, parent_run_id: str | None = None) -> dict[str, str]:
    """A model forecasting `value` for every row, logged as a child run; its run id and model URI."""
    parent = parent_run_id or configure_mlflow().create_run(project_experiment_id(project.name)).info.run_id
    example = pd.DataFrame([[0.0] * len(inputs)], columns=inputs)
    return tracking.log_child_run(
        project.name,
        parent,
        f"constant {value}",
        {"candidate": f"constant {value}"},
        {},
        {},
        [],
        tracking.ModelToLog(
            models.ConstantModel(inputs, value), project.output, example, tracking.requirements(), (models,)
        ),
    )
