"""Alembic upgrades for the platform schema and for each project's own schema.

Every schema owner (the platform, each project) keeps its own lineage of revisions and its own version table,
so copying a project folder brings its migrations along without touching anyone else's.
"""

from pathlib import Path
from threading import Lock

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

PLATFORM_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_SCRIPT_LOCATION = Path(__file__).parent / "migrations"
_done: set[tuple[str, str]] = set()
_lock = Lock()


def upgrade(engine: Engine, owner: str = "platform", versions_dir: Path = PLATFORM_VERSIONS) -> None:
    """Bring `owner`'s tables to the newest revision in `versions_dir` (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPT_LOCATION))
    config.set_main_option("version_locations", str(versions_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["version_table"] = "alembic_version" if owner == "platform" else f"alembic_version_{owner}"
    config.attributes["project"] = owner
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ensure_schema(engine: Engine, project: str | None = None, project_versions_dir: Path | None = None) -> None:
    """Upgrade the platform schema, and `project`'s when given, once per process and database."""
    owners = [("platform", PLATFORM_VERSIONS)] + ([(project, project_versions_dir)] if project else [])
    with _lock:
        for owner, versions in owners:
            marker = (engine.url.render_as_string(hide_password=True), owner)
            if marker not in _done:
                upgrade(engine, owner, versions)
                _done.add(marker)
