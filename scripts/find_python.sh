#!/usr/bin/env bash
# Prints the first interpreter that is Python 3.11 (pyproject.toml: requires-python >=3.11,<3.12): each argument in
# turn, else $PYTHON, else python3.11 then python3. When none is, says what each one was and exits 1.
set -uo pipefail

if [ $# -eq 0 ]; then
  if [ -n "${PYTHON:-}" ]; then set -- "$PYTHON"; else set -- python3.11 python3; fi
fi

found=()
for candidate in "$@"; do
  if ! command -v "$candidate" >/dev/null; then
    found+=("$candidate: not found")
    continue
  fi
  version=$("$candidate" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || version="did not run"
  if [[ "$version" == 3.11.* ]]; then
    command -v "$candidate"
    exit 0
  fi
  found+=("$candidate: $version ($(command -v "$candidate"))")
done

{
  echo "Python 3.11 is required (pyproject.toml: requires-python >=3.11,<3.12). Found:"
  printf '  %s\n' "${found[@]}"
  echo "Install Python 3.11 (pyenv install 3.11, apt install python3.11, brew install python@3.11, or python.org),"
  echo "then run again, naming it if it is not python3.11 on PATH: PYTHON=/path/to/python3.11 make setup"
} >&2
exit 1
