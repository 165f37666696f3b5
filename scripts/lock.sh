#!/usr/bin/env bash
# Rewrites constraints.txt from the current .venv (run after changing dependencies in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# Exact versions of every package, from a working install on Python 3.11 (pip install -c constraints.txt)."
  echo "# Regenerate after changing dependencies: scripts/lock.sh"
  .venv/bin/pip freeze --exclude-editable | grep -v "^-e"
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
