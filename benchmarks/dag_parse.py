"""Parse time of each DAG file in dags/, as `airflow dags report` measures it, beside the same file with pandas,
torch, mlflow and sklearn imported at its top (what the dag-processor would pay every 30 s), as a ratio.

Each file is parsed alone in a fresh `airflow dags report` process (so a file never profits from imports an
earlier file paid for), `--repeat` times (the heavy twin 3 times); the median is reported, with the spread:
single parses vary by +-25% on this machine. Bytecode is cached (in a prefix of the run's
own, whatever PYTHONDONTWRITEBYTECODE says), as on a deployed dag-processor: a first parse that compiles the
repository's modules is run and not counted.

    .venv/bin/python benchmarks/dag_parse.py [--repeat 9] [--tree PATH]

`--tree` measures another checkout's DAG files with its own code (e.g. `git worktree add /tmp/before <commit>`),
under the same harness, to compare two versions on the same machine.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from compose.paths import REPO_ROOT
from devkit.figures import report

HEAVY_IMPORTS = "import pandas, torch, mlflow, sklearn  # what a DAG file must not do\n"
AIRFLOW = str(Path(sys.executable).parent / "airflow")


def parse_seconds(dag_file: Path, home: Path, heavy: bool, tree: Path) -> float:
    folder = Path(tempfile.mkdtemp(dir=home))
    source = dag_file.read_text()
    (folder / dag_file.name).write_text(HEAVY_IMPORTS + source if heavy else source)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": str(home / "pycache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run([AIRFLOW, "dags", "report", "-o", "json"], env=env, capture_output=True, text=True, check=True)
    shutil.rmtree(folder)
    [entry] = json.loads(out.stdout.strip().splitlines()[-1])
    hours, minutes, seconds = entry["duration"].split(":")
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds)).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--tree", type=Path, default=REPO_ROOT, help="the checkout whose dags/ to measure")
    args = parser.parse_args()
    repeat, tree = args.repeat, args.tree.resolve()
    with tempfile.TemporaryDirectory() as home:
        subprocess.run(
            [AIRFLOW, "db", "migrate"], env={**os.environ, "AIRFLOW_HOME": home}, capture_output=True, check=True
        )
        results = {}
        for dag_file in sorted((tree / "dags").glob("*_wf.py")):
            parse_seconds(dag_file, Path(home), heavy=True, tree=tree)  # compiles and caches the bytecode, not counted
            parses = sorted(parse_seconds(dag_file, Path(home), heavy=False, tree=tree) for _ in range(repeat))
            thin = statistics.median(parses)
            heavy = statistics.median(parse_seconds(dag_file, Path(home), heavy=True, tree=tree) for _ in range(3))
            results[dag_file.name] = {
                "thin_ms": round(thin * 1000, 1),
                "thin_range_ms": [round(parses[0] * 1000, 1), round(parses[-1] * 1000, 1)],
                "heavy_ms": round(heavy * 1000, 1),
                "heavy_over_thin": round(heavy / thin, 1),
            }
    rows = [
        (
            name,
            f"{r['thin_ms']:6.1f} ms ({r['thin_range_ms'][0]:.0f}-{r['thin_range_ms'][1]:.0f})   heavy twin {r['heavy_ms']:7.1f} ms   ratio {r['heavy_over_thin']}x",
        )
        for name, r in results.items()
    ]
    worst = max(r["thin_ms"] for r in results.values())
    rows.append(("slowest DAG file", f"{worst:.1f} ms (target <= 50 ms)"))
    report(
        f"DAG file parse time of {tree}, `airflow dags report`, median of {repeat} fresh processes",
        rows,
        {"tree": str(tree), "files": results, "slowest_thin_ms": worst},
    )


if __name__ == "__main__":
    main()
