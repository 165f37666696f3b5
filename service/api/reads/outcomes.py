"""Forecasts against what happened: the realised forecasts of the champion (and of the shadow beside it), read
and joined to their outcomes as monitoring does, on the scale the project's display hook gives."""

import pandas as pd

from lifecycle.reads import newest
from lifecycle.records import project_engine
from lifecycle.stages.monitor import realised_forecasts
from service.api.catalog import KnownProject
from service.api.schemas import PartitionModels

DISPLAY_STEPS = 168  # data steps drawn, back from the newest stored row (a week of hours, 24 weeks of days)
ROLES = ("champion", "shadow")


def outcomes(known: KnownProject, models: PartitionModels) -> dict[str, pd.DataFrame]:
    """role -> time, predicted, actual of its realised forecasts; empty without a champion or stored rows."""
    project, partition = known.project, models.partition
    if models.champion is None:
        return {}
    with project_engine(project).connect() as conn:
        stored = newest(conn, project.tables, project.tables.raw, project.tables.time, partition)
        if stored is None:
            return {}
        end = stored + project.cadence
        start = end - DISPLAY_STEPS * project.cadence
        realised, _ = realised_forecasts(
            conn, project, partition, start, end, models.champion, models.shadow, known.spec
        )
    by_role = {role: realised.loc[realised["role"] == role] for role in ROLES}
    return {role: project.display(rows) for role, rows in by_role.items() if len(rows)}
