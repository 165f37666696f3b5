"""mlops new-project: refusals, and a scaffolded copy that is small, runs its stages and its DAGs, and passes the
contract suite untouched."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compose.paths import REPO_ROOT
from lifecycle import scaffold
from lifecycle.scaffold import ScaffoldError, create_project

NEW = "churn_demo"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A fresh copy of the repository's tracked files, as a user would have after cloning."""
    root = tmp_path_factory.mktemp("checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        if (REPO_ROOT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, root / name)
    return root


@pytest.mark.parametrize(
    "name, message",
    [
        ("1st_model", "not a valid project name"),
        ("Churn", "not a valid project name"),
        ("class", "not a valid"),
        ("crypto_forecast", "exists already"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(checkout, name, message):
    before = sorted(path.name for path in (checkout / "projects").iterdir())
    with pytest.raises(ScaffoldError, match=message):
        create_project(name, "tumor_classifier", checkout)
    assert sorted(path.name for path in (checkout / "projects").iterdir()) == before


def test_dag_id_and_table_clashes_are_refused(checkout, monkeypatch):
    (checkout / "dags" / "orphan_data_wf.py").write_text('"""Airflow DAG left behind by a deleted project."""\n')
    with pytest.raises(ScaffoldError, match=r"DAG id\(s\) \['orphan_data_wf'\]"):
        create_project("orphan", "tumor_classifier", checkout)
    (checkout / "dags" / "orphan_data_wf.py").unlink()

    real = scaffold.table_names
    monkeypatch.setattr(
        scaffold,
        "table_names",
        lambda project: real(project) + (["lab_samples"] if project == "crypto_forecast" else []),
    )  # another project already owns lab_samples
    with pytest.raises(ScaffoldError, match="lab_samples"):
        create_project("lab", "tumor_classifier", checkout)


def test_copy_runs_its_stages_dags_and_the_contract_suite(checkout, pg_url, tmp_path):
    created = subprocess.run(
        [str(BIN / "mlops"), "new-project", NEW, "--from", "tumor_classifier", "--root", str(checkout)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    project = checkout / "projects" / NEW
    assert "tumor_classifier" not in "".join(path.read_text() for path in project.rglob("*.py"))
    code = [path for path in project.rglob("*.py") if "migrations" not in path.parts]
    assert len(code) <= 12 and sum(len(path.read_text().splitlines()) for path in code) <= 300
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "DATABASE_URL": pg_url,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(checkout / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}",
        "MLFLOW_ARTIFACT_LOCATION": (tmp_path / "mlruns").as_uri(),
    }

    def run(*command: str) -> subprocess.CompletedProcess:
        done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    def stage(*args: str) -> dict:
        printed = run(sys.executable, "-m", f"projects.{NEW}.run", *args, "--config", "smoke").stdout
        return json.loads(next(line for line in printed.splitlines() if line.startswith('{"stage"')))

    summaries = [
        stage(*args)
        for args in (
            ["data", "--start", "2024-01-01", "--end", "2024-01-16"],
            ["train", "--end", "2024-01-12"],
            ["inference", "--start", "2024-01-12", "--end", "2024-01-16"],
            ["monitor", "--end", "2024-01-16"],
        )
    ]
    assert [s["stage"] for s in summaries] == ["data", "train", "inference", "monitor"]
    assert summaries[1]["model"] == NEW and summaries[1]["decision"] == "promoted"

    run(str(BIN / "airflow"), "db", "migrate")
    conf = {
        "data": {"start": "2024-01-16T00:00:00+00:00", "end": "2024-01-17T00:00:00+00:00", "config": "smoke"},
        "train": {"end": "2024-01-17T00:00:00+00:00", "config": "smoke"},
        "inference": {"start": "2024-01-16T00:00:00+00:00", "end": "2024-01-17T00:00:00+00:00", "config": "smoke"},
        "monitoring": {"end": "2024-01-17T00:00:00+00:00", "config": "smoke"},
    }
    for kind in ("data", "train", "inference", "monitoring"):
        out = run(
            str(BIN / "airflow"),
            "dags",
            "test",
            f"{NEW}_{kind}_wf",
            "2024-01-17T00:00:00+00:00",
            "--conf",
            json.dumps(conf[kind]),
        )
        assert "state=success" in out.stdout + out.stderr

    contract = run(
        sys.executable, "-m", "pytest", "-q", "tests/projects/test_contract.py", "-k", NEW, "-p", "no:cacheprovider"
    )
    assert "passed" in contract.stdout and "failed" not in contract.stdout
