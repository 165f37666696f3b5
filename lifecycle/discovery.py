"""The projects the platform finds by itself: every folder under projects/ with a run.py. No list to edit.

This is the one place that imports a project by its name: `PROJECT` from its run.py (the contract), and, for
DAG files that must stay light at parse time, `CONFIG_NAMES` from its package. `mlops projects` lists
what it finds.
"""

import importlib
from pathlib import Path

from compose.paths import REPO_ROOT

KINDS = ("data", "train", "inference", "monitoring")


def discover(root: Path = REPO_ROOT) -> list[str]:
    """Names of the project folders under `root`/projects, sorted."""
    folders = (root / "projects").glob("*/run.py")
    return sorted(path.parent.name for path in folders if (path.parent / "__init__.py").exists())


def load_project(name: str):
    """The project's contract (lifecycle.contract.Project), from `PROJECT` in projects/<name>/run.py."""
    from lifecycle.contract import Project

    if name not in discover():
        raise LookupError(f"no project {name!r}; projects: {', '.join(discover())}")
    project = importlib.import_module(f"projects.{name}.run").PROJECT
    if not isinstance(project, Project) or project.name != name:
        raise TypeError(f"projects/{name}/run.py must declare PROJECT = Project(name={name!r}, ...)")
    return project


def config_names(name: str) -> list[str]:
    """The project's config set names, from its package's CONFIG_NAMES: nothing else of the project is imported
    (DAG files call this at parse time)."""
    return list(importlib.import_module(f"projects.{name}").CONFIG_NAMES)


def dag_files(project: str, root: Path = REPO_ROOT) -> dict[str, Path]:
    return {kind: root / "dags" / f"{project}_{kind}_wf.py" for kind in KINDS}


def describe() -> str:
    """One paragraph per project: what it is, its partitions, DAG files and tables."""
    lines = []
    for name in discover():
        project = load_project(name)
        dags = [path.name for path in dag_files(name).values() if path.exists()]
        lines += [
            f"{name}: {project.description}",
            f"  partitions: {', '.join(project.partitions_of(project.spec()))}",
            f"  dags:       {', '.join(dags)}",
            f"  tables:     {', '.join(project.tables.names)}",
        ]
    return "\n".join(lines)
