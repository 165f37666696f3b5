"""Where the repository and its local artifacts are (no imports: DAG files read this at parse time)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = REPO_ROOT / "artifacts"
