"""python -m service.api [--port N]: the REST API and dashboard (port from API_PORT, default 8000)."""

import argparse

import uvicorn

from compose.secrets import configure_logging
from compose.settings import get_settings
from service.api.app import create_app

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().api_port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    configure_logging()  # uvicorn's own loggers too (log_config=None): every line scrubbed of secrets
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info", log_config=None)
