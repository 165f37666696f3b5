"""Bad numbers never become answers: in every project, a champion without forecasts in the performance window
(right after a promotion) claims no decay, windows without any rows (long after the last batch) give
insufficient_data, and no NaN or infinity reaches a JSON column."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from lifecycle import stages
from lifecycle.discovery import discover, load_project
from lifecycle.records import utc

from .conftest import SMOKE


@pytest.mark.parametrize("name", discover())
def test_an_empty_monitoring_window_is_insufficient_data_in_every_project(name, database, mlflow_store):
    project = load_project(name)
    example = project.spec(SMOKE).example
    stages.data(project, example.data_start, example.train_end, config=SMOKE)
    assert stages.train(project, end=example.train_end, config=SMOKE)["decision"] == "promoted"

    promoted = utc(example.train_end)
    right_after = stages.monitor(project, promoted, config=SMOKE)  # the new champion has forecast nothing yet
    long_after = stages.monitor(project, promoted + timedelta(days=30), config=SMOKE)  # no rows at all in the windows

    assert right_after["rows_joined"] == 0 and "decay" not in right_after["decision"]  # drift may still be measured
    assert (long_after["decision"], long_after["rows_joined"], long_after["retrain"]) == ("insufficient_data", 0, False)
    with database.connect() as conn:
        stored = conn.execute(select(project.tables.monitoring.c.metrics, project.tables.monitoring.c.drift)).all()
    assert len(stored) == 2
    json.dumps([tuple(row) for row in stored], allow_nan=False)  # strict JSON: no NaN, no infinity
