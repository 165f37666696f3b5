"""Model management from the command line (every action is recorded in model_events):

python -m service.models history   --project crypto_forecast [--model NAME]
python -m service.models promote   --project crypto_forecast --model NAME --version 3 --reason "..."
python -m service.models rollback  --project crypto_forecast --model NAME [--reason "..."]
python -m service.models retention --project crypto_forecast --model NAME --days 30
"""

import argparse
import json
import sys

from db_handler import get_engine
from db_handler.migrate import ensure_schema
from service import registry
from service.events import list_events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.models", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["history", "promote", "rollback", "retention"])
    parser.add_argument("--project", required=True)
    parser.add_argument("--model", help="registered model name, e.g. crypto_forecast-KRW-BTC")
    parser.add_argument("--version", help="version to promote")
    parser.add_argument("--days", type=int, help="retention: delete versions older than this with no alias")
    parser.add_argument("--reason", default="manual, from the command line")
    args = parser.parse_args(argv)
    if args.action != "history" and not args.model:
        parser.error(f"{args.action} needs --model")

    engine = get_engine()
    ensure_schema(engine)
    try:
        if args.action == "history":
            result = list_events(engine, args.project, args.model)
        elif args.action == "promote":
            if not args.version:
                parser.error("promote needs --version")
            result = registry.promote(engine, args.project, args.model, args.version, args.reason)
        elif args.action == "rollback":
            result = registry.rollback(engine, args.project, args.model, args.reason)
        else:
            if args.days is None:
                parser.error("retention needs --days")
            result = {"deleted_versions": registry.apply_retention(engine, args.project, args.model, args.days)}
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result if isinstance(result, (dict, list)) else vars(result), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
