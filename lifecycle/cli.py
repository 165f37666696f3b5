"""The command line of a project's stages: `python -m projects.<name>.run <stage> [flags]`.

Each stage prints its summary as one JSON line on stdout. Any error is one line on stderr and exit code 1
(`--traceback` shows the whole of it); bad flags exit with 2.
"""

import argparse
import sys
import traceback
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

from compose.secrets import configure_logging, scrub
from lifecycle import stages
from lifecycle.backtest import backtest
from lifecycle.contract import Project, UnknownPartition

WHEN = "ISO 8601, UTC when no offset"


def run_cli(project: Project, argv: list[str] | None = None) -> int:
    parser = build_parser(project)
    args = vars(parser.parse_args(argv))
    stage, whole_traceback = args.pop("stage"), args.pop("traceback")
    configure_logging()
    run: Callable[..., Any] = {
        "data": stages.data,
        "train": stages.train,
        "inference": stages.inference,
        "monitor": stages.monitor,
        "backtest": backtest,
    }[stage]
    options = {name: args.pop(name) for name in project.data_options if name in args}
    try:
        run(project, **args, **{name: value for name, value in options.items() if value is not None})
    except Exception as error:
        message = traceback.format_exc() if whole_traceback else f"error: {one_line(project, error)}"
        print(scrub(message), file=sys.stderr)
        return 1
    return 0


def one_line(project: Project, error: Exception) -> str:
    """`Type: message` on one line. A database error shows the driver's own message, without SQLAlchemy's statement
    and link; an unknown partition names its flag."""
    shown = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    message = " ".join(str(shown).split())
    if isinstance(error, UnknownPartition) and project.tables.partition:
        message = f"--{project.tables.partition.replace('_', '-')}: {message}"
    return f"{type(shown).__name__}: {message}"


def build_parser(project: Project) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m projects.{project.name}.run", description=project.description)
    parser.add_argument("--traceback", action="store_true", help="show the whole traceback of an error")
    commands = parser.add_subparsers(dest="stage", required=True)
    data = commands.add_parser("data", help="load rows of [start, end) and build their features")
    data.add_argument("--start", help=f"interval start, {WHEN}; with --end, or neither: from the newest stored row")
    data.add_argument("--end", help=f"interval end (exclusive), {WHEN}")
    data.add_argument(
        "--allow-corrections",
        action="store_true",
        help="overwrite stored rows whose values differ from the source (default: refuse, naming the first one)",
    )
    for name, help_text in project.data_options.items():
        data.add_argument(f"--{name.replace('_', '-')}", dest=name, help=help_text)
    train = commands.add_parser("train", help="train the candidates, gate the winner, register it, move its alias")
    train.add_argument("--end", help=f"end of the data window, {WHEN} (default: after the newest stored row)")
    train.add_argument("--reason", default="manual", help="why this training runs (recorded in MLflow)")
    inference = commands.add_parser("inference", help="forecast the feature rows of [start, end) with the champion")
    inference.add_argument("--start", help=f"first feature row, {WHEN}; with --end, or neither: the newest row")
    inference.add_argument("--end", help=f"end (exclusive) of the feature rows, {WHEN}")
    monitor = commands.add_parser("monitor", help="decay and drift of the champion over the windows ending at --end")
    monitor.add_argument("--end", help=f"end of the monitored windows, {WHEN} (default: after the newest row)")
    walk = commands.add_parser(
        "backtest", help="walk-forward: refit every candidate at each weekly origin, score the week after it"
    )
    walk.add_argument("--weeks", type=int, default=13, help="weekly origins, the newest a week before --end")
    walk.add_argument("--end", help=f"end of the last forecast week, {WHEN} (default: after the newest row)")
    walk.add_argument(
        "--candidates",
        type=lambda names: tuple(name.strip() for name in names.split(",") if name.strip()),
        help="comma-separated candidate families (default: the config's); the baseline always runs",
    )
    for command in (data, train, inference, monitor, walk):
        if project.tables.partition:
            flag = project.tables.partition.replace("_", "-")
            command.add_argument(f"--{flag}", dest="partition", help=f"one {flag} (default: every one in the config)")
        command.add_argument("--config", default="default", choices=list(project.config_sets), help="config set")
        command.add_argument("--run-id", help="run id to record (Airflow passes its own)")
    return parser
