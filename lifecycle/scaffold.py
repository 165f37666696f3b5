"""Start a new project from an existing one: `new-project NAME --from crypto_forecast`.

Copies projects/<from>/ to projects/<NAME>/ and the four DAG files, replacing the source project's name
everywhere it is written (imports, DAG ids, docstrings). Table prefixes, the MLflow experiment and the
registered model follow the folder name by themselves. Refuses a name that is not a lowercase identifier,
that exists already, or whose tables or DAG ids would clash with an existing project's.
"""

import argparse
import keyword
import re
import shutil
import sys
from pathlib import Path

from compose.settings import REPO_ROOT
from db_handler.tables import metadata as platform_metadata
from service.projects import KINDS, dag_files, discover, table_names

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini"}


class ScaffoldError(ValueError):
    """The new project cannot be created as asked; the message says why."""


def create_project(name: str, source: str, root: Path = REPO_ROOT) -> list[Path]:
    """Create projects/<name> and its DAG files under `root` from `source`; returns the files written."""
    _check(name, source, root)
    target = root / "projects" / name
    shutil.copytree(root / "projects" / source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="new-project", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the new project's name: a lowercase identifier, e.g. churn_model")
    parser.add_argument(
        "--from", dest="source", default="crypto_forecast", help="project to copy (default crypto_forecast)"
    )
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        written = create_project(args.name, args.source, args.root)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"created projects/{args.name} ({len(written)} files rewritten) and its DAGs:")
    for path in dag_files(args.name, args.root).values():
        print(f"  {path.relative_to(args.root)}")
    print(f"next: python -m projects.{args.name}.run data --help, then edit configs/ and core/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
