"""python -m service.api [--port N]: the REST API and dashboard (port from API_PORT, default 8000)."""

import argparse

import uvicorn

from compose.settings import get_settings
from service.api.app import create_app

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().api_port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
