"""The projects the platform finds by itself: every folder under projects/ with a run.py. No list to edit.

python -m service.projects     one line per project: its stages, DAG files and tables
"""

import importlib
import sys
from pathlib import Path
from types import ModuleType

from compose.settings import REPO_ROOT

KINDS = ("data", "train", "inference", "monitoring")
STAGES = ("data", "train", "train_prepare", "train_candidate", "train_select", "inference", "monitor")
TASK_UNITS = ("load", "preprocess", "train", "evaluate", "inference", "monitor")


def discover(root: Path = REPO_ROOT) -> list[str]:
    """Names of the project folders under `root`/projects, sorted."""
    return sorted(
        path.parent.name for path in (root / "projects").glob("*/run.py") if (path.parent / "__init__.py").exists()
    )


def run_module(project: str) -> ModuleType:
    return importlib.import_module(f"projects.{project}.run")


def table_names(project: str) -> list[str]:
    """The tables a project defines (utils/tables.py's metadata)."""
    return sorted(importlib.import_module(f"projects.{project}.utils.tables").metadata.tables)


def dag_files(project: str, root: Path = REPO_ROOT) -> dict[str, Path]:
    return {kind: root / "dags" / f"{project}_{kind}_wf.py" for kind in KINDS}


def main() -> int:
    for project in discover():
        stages = [name for name in STAGES if callable(getattr(run_module(project), name, None))]
        dags = [path.name for path in dag_files(project).values() if path.exists()]
        print(
            f"{project}\n  stages: {', '.join(stages)}\n  dags:   {', '.join(dags)}\n  tables: {', '.join(table_names(project))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
