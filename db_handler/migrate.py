"""Alembic for the platform schema and for each project's own schema: upgrade, current, new revisions.

Every schema owner (the platform, each project) keeps its own lineage of revisions and its own version table,
so copying a project folder brings its migrations along without touching anyone else's.
"""

from pathlib import Path
from threading import Lock

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

PLATFORM_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_SCRIPT_LOCATION = Path(__file__).parent / "migrations"
_done: set[tuple[str, str]] = set()
_lock = Lock()


def upgrade(engine: Engine, owner: str = "platform", versions_dir: Path = PLATFORM_VERSIONS) -> None:
    """Bring `owner`'s tables to the newest revision in `versions_dir` (idempotent)."""
    config = _config(owner, versions_dir)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current(engine: Engine, owner: str = "platform") -> str | None:
    """The revision `owner`'s tables are at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": _version_table(owner)}
        ).get_current_revision()


def head(owner: str = "platform", versions_dir: Path = PLATFORM_VERSIONS) -> str | None:
    return ScriptDirectory.from_config(_config(owner, versions_dir)).get_current_head()


def revision(
    engine: Engine, owner: str, versions_dir: Path, metadata: MetaData, message: str, autogenerate: bool = True
) -> Path:
    """A new revision file in `versions_dir`, numbered after the last one; with `autogenerate`, its operations
    are what it takes to bring the database (upgraded first) to `metadata`. Returns the file."""
    upgrade(engine, owner, versions_dir)
    config = _config(owner, versions_dir)
    config.attributes.update(target_metadata=metadata, table_prefix=None if owner == "platform" else f"{owner}_")
    latest = head(owner, versions_dir)
    number = f"{int(latest) + 1:04d}" if latest and latest.isdigit() else "0001"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(
            config, message=message, autogenerate=autogenerate, rev_id=number, version_path=str(versions_dir)
        )
    return Path(script.path)


def ensure_schema(engine: Engine, project: str | None = None, project_versions_dir: Path | None = None) -> None:
    """Upgrade the platform schema, and `project`'s when given, once per process and database."""
    owners = [("platform", PLATFORM_VERSIONS)] + ([(project, project_versions_dir)] if project else [])
    with _lock:
        for owner, versions in owners:
            marker = (engine.url.render_as_string(hide_password=True), owner)
            if marker not in _done:
                upgrade(engine, owner, versions)
                _done.add(marker)


def _version_table(owner: str) -> str:
    return "alembic_version" if owner == "platform" else f"alembic_version_{owner}"


def _config(owner: str, versions_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPT_LOCATION))
    config.set_main_option("version_locations", str(versions_dir))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["version_table"] = _version_table(owner)
    config.attributes["project"] = owner
    return config
