"""Every DAG file imports cleanly, is named after its DAG, and keeps heavy libraries out of parse time."""

import json
import subprocess
import sys
from pathlib import Path

DAGS = Path(__file__).resolve().parents[2] / "dags"
HEAVY = ("pandas", "torch", "sklearn", "mlflow", "numpy", "sqlalchemy")

PROBE = """
import json, sys
from airflow.models import DagBag
bag = DagBag(sys.argv[1])
heavy = sorted(name for name in sys.modules if name.split('.')[0] in {heavy!r})
print(json.dumps({{"errors": {{k: str(v) for k, v in bag.import_errors.items()}},
                  "dags": {{d.dag_id: d.fileloc for d in bag.dags.values()}}}}))
"""


def dagbag(environ: dict, folder: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), str(folder)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_dagbag_has_no_import_errors_and_file_names_match_dag_ids(airflow_environ):
    bag = dagbag(airflow_environ, DAGS)
    assert bag["errors"] == {}
    files = sorted(path.stem for path in DAGS.glob("*_wf.py"))
    assert files and sorted(bag["dags"]) == files
    for dag_id, location in bag["dags"].items():
        assert Path(location).stem == dag_id
        project, kind = dag_id.removesuffix("_wf").rsplit("_", 1)
        assert kind in {"data", "train", "inference", "monitoring"} and (DAGS.parent / "projects" / project).is_dir()


def test_dag_files_do_not_import_heavy_libraries_at_parse_time(airflow_environ):
    for path in sorted(DAGS.glob("*_wf.py")):
        probe = (
            "import runpy, sys; runpy.run_path(sys.argv[1]); "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
        )
        result = subprocess.run(
            [sys.executable, "-c", probe, str(path)], env=airflow_environ, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        loaded = set(eval(result.stdout.strip().splitlines()[-1]))
        assert not loaded & {"torch", "sklearn", "mlflow", "pandas"}, f"{path.name} imports {loaded} at parse time"


def test_dag_files_read_config_names_without_building_the_config_classes(airflow_environ):
    """The config param's choices come from the project's CONFIG_NAMES; its pydantic config sets (~15 ms to build)
    and the platform's config bases stay unimported at parse time."""
    for path in sorted(DAGS.glob("*_wf.py")):
        probe = (
            "import runpy, sys; runpy.run_path(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m == 'compose.config' or m.endswith('.configs')))"
        )
        result = subprocess.run(
            [sys.executable, "-c", probe, str(path)], env=airflow_environ, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "[]", f"{path.name} imports config classes at parse time"
