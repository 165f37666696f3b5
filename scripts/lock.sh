#!/usr/bin/env bash
# Rewrites constraints.txt from the current .venv (run after changing dependencies in pyproject.toml).
# Pins are portable: a local version label is dropped (torch==2.13.0+cpu -> torch==2.13.0), since no public index
# serves a file under that name, and a plain `==2.13.0` still matches the CPU build where an index offers one.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# Exact versions of every package, from a working install on Python 3.11 (pip install -c constraints.txt)."
  echo "# Regenerate after changing dependencies: scripts/lock.sh"
  .venv/bin/pip freeze --exclude-editable | grep -v "^-e" | sed -E 's/^([^=]+==[^+]+)\+.*$/\1/'
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
