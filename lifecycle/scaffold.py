"""Start a new project from an existing one: `mlops new-project NAME --from tumor_classifier`.

Copies projects/<from>/ to projects/<NAME>/ and the four DAG files, replacing the source project's name
everywhere it is written (imports, PROJECT's name, table prefixes, DAG ids, docstrings); the data the source
ships (data/) is left behind. Refuses a name that is not a lowercase identifier, that exists already, or whose
tables or DAG ids would clash with an existing project's.
"""

import keyword
import re
import shutil
from pathlib import Path

from compose.paths import REPO_ROOT
from db_handler.tables import metadata as platform_metadata
from lifecycle.discovery import KINDS, dag_files, discover, load_project

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini"}


class ScaffoldError(ValueError):
    """The new project cannot be created as asked; the message says why."""


def create_project(name: str, source: str, root: Path = REPO_ROOT) -> list[Path]:
    """Create projects/<name> and its DAG files under `root` from `source`; returns the files written."""
    _check(name, source, root)
    target = root / "projects" / name
    shutil.copytree(root / "projects" / source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))
    written = []
    for path in sorted(target.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            path.write_text(path.read_text().replace(source, name))
            written.append(path)
    for kind, source_dag in dag_files(source, root).items():
        new_dag = dag_files(name, root)[kind]
        new_dag.write_text(source_dag.read_text().replace(source, name))
        written.append(new_dag)
    return written


def table_names(project: str) -> list[str]:
    return load_project(project).tables.names


def _check(name: str, source: str, root: Path) -> None:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is not a valid project name: use a lowercase Python identifier like my_project")
    existing = discover(root)
    if source not in existing:
        raise ScaffoldError(f"no project {source!r} to copy; projects: {', '.join(existing)}")
    if (root / "projects" / name).exists():
        raise ScaffoldError(f"projects/{name} exists already")
    taken_dags = {path.stem for path in (root / "dags").glob("*_wf.py")}
    clashing_dags = sorted(taken_dags & {f"{name}_{kind}_wf" for kind in KINDS})
    if clashing_dags:
        raise ScaffoldError(f"DAG id(s) {clashing_dags} already exist in dags/")
    new_tables = {table.replace(source, name, 1) for table in table_names(source)}
    taken_tables = set(platform_metadata.tables) | {table for project in existing for table in table_names(project)}
    if new_tables & taken_tables:
        raise ScaffoldError(f"table(s) {sorted(new_tables & taken_tables)} would clash with existing tables")
