"""Settings of the stack: URLs and credentials read from the environment and `.env`."""

from compose.settings import REPO_ROOT, Settings, get_settings

__all__ = ["REPO_ROOT", "Settings", "get_settings"]
