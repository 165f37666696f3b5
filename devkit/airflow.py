"""An Airflow home for tests and scripts, and `airflow dags test` as a function.

`airflow dags test` runs a whole DAG run in-process on the home's SQLite metadata database (triggered runs
included): real Airflow, no scheduler needed."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from compose.paths import REPO_ROOT

AIRFLOW = str(Path(sys.executable).parent / "airflow")


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment, with Airflow's home at `home` and the repository's dags/."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        **extra,
    }


def migrate(home: Path) -> Path:
    """Create (or upgrade) Airflow's metadata database in `home`."""
    subprocess.run([AIRFLOW, "db", "migrate"], env=airflow_env(home), check=True, capture_output=True, timeout=300)
    return home


@dataclass(frozen=True)
class DagRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def summaries(self) -> list[dict]:
        """The JSON summary lines the run's stages printed, in order."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith('{"stage"')]

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0 and "state=failed" not in self.output


def dags_test(dag_id: str, env: dict[str, str], logical_date: str | None = None, conf: dict | None = None) -> DagRun:
    """One real DAG run in-process. Without `logical_date` the run has none (a bare trigger's run)."""
    command = [AIRFLOW, "dags", "test", dag_id, *([logical_date] if logical_date else [])]
    if conf:
        command += ["--conf", json.dumps(conf)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, cwd=REPO_ROOT)
    return DagRun(result.returncode, result.stdout, result.stderr)
