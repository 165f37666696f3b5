"""What an oversize request costs the service: its memory stays flat, because a body over API_MAX_BODY_BYTES is
refused (413) before it is read whole, let alone parsed.

    .venv/bin/python benchmarks/api_limits.py [--rows 1000000]

The service runs in its own process (`python -m service.api`, default limits) on a temporary MLflow store. This
process posts crypto_forecast feature rows to /predict over a raw socket, never holding the body itself: `--rows`
of them (the default, 1M rows, is the 243 MB of the issue) with their Content-Length declared, the same streamed
chunked (no length: the server counts the bytes), and, for scale, the largest body it does parse (just under the
cap, refused afterwards for its rows). After each, the server's resident memory now and at its peak.
"""

import argparse

from compose.settings import get_settings
from devkit.environment import temporary_mlflow
from devkit.figures import memory_mb, report
from devkit.http import free_port, post_streamed, rows_body
from devkit.processes import service

PATH = "/projects/crypto_forecast/predict"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the oversize bodies")
    args = parser.parse_args()

    with temporary_mlflow() as home:
        from lifecycle.discovery import load_project

        row = {name: 0.001234567 for name in load_project("crypto_forecast").spec("smoke").features.columns}
        length, _ = rows_body(row, args.rows)
        cap = get_settings().api_max_body_bytes
        under_cap = int(args.rows * (cap * 0.95) / length)  # rows of a body just under the cap
        port = free_port()
        server = service(port, home / "service.log").start()
        url, pid = f"http://127.0.0.1:{port}", server.process.pid
        try:
            memory = {"started": memory_mb(pid)}
            statuses = {}
            for label, count, declared in (
                ("declared", args.rows, True),
                ("chunked", args.rows, False),
                ("under the cap", under_cap, True),
            ):
                size, chunks = rows_body(row, count)
                statuses[label] = (post_streamed(url, PATH, chunks, size if declared else None), size)
                memory[label] = memory_mb(pid)
        finally:
            server.stop()

    rows = [("service at start", f"RSS {memory['started']['rss']:.0f} MB")]
    rows += [
        (
            f"{label} ({size / 1e6:.0f} MB)",
            f"HTTP {status}; RSS {memory[label]['rss']:.0f} MB, peak {memory[label]['peak']:.0f} MB",
        )
        for label, (status, size) in statuses.items()
    ]
    report(
        f"/predict with oversize bodies (API_MAX_BODY_BYTES {cap})",
        rows,
        {"cap_bytes": cap, "memory_mb": memory, "answers": {label: status for label, (status, _) in statuses.items()}},
    )


if __name__ == "__main__":
    main()
