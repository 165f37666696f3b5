"""Can any MLflow client load and serve the models this platform logs, without this repository?

    .venv/bin/python scripts/check_model_portability.py                 # three sample models, trained here
    .venv/bin/python scripts/check_model_portability.py MODEL_URI ...   # e.g. models:/crypto_forecast-KRW-BTC@champion

For each model, in a work folder outside the repository: its artifacts are downloaded; a clean virtualenv is built
from its own requirements.txt (models with the same requirements share one); in that virtualenv, with the work
folder as working directory, no PYTHONPATH and none of this checkout's variables, `mlflow.pyfunc.load_model`
predicts the model's input example, and `mlflow models serve --env-manager local` answers /invocations with the
serving example. Both must give the numbers the model gives here. Without MODEL_URIs, the samples are a
crypto_forecast ridge and GRU and a tumor_classifier random forest, trained on their smoke timelines in a
throwaway schema and MLflow store; the torch model alone may list torch in its requirements.

--no-install swaps the clean virtualenvs for one that sees this checkout's installed packages but not the
repository (seconds instead of minutes; the test suite uses it). Prints a line per step with its time, then one
JSON line; exit 1 when any model fails.
"""

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from compose.paths import REPO_ROOT
from devkit.http import free_port
from devkit.processes import Server

# Run by the model's own interpreter: the repository must be out of reach, the model must load and predict.
PREDICT = """
import importlib.util, json, sys
for package in ("projects", "lifecycle", "service"):
    assert importlib.util.find_spec(package) is None, f"package {package} is importable: the repository is in reach"
import mlflow
from mlflow.models import Model
model = mlflow.pyfunc.load_model(sys.argv[1])
print(json.dumps(model.predict(Model.load(sys.argv[1]).load_input_example(sys.argv[1])).iloc[:, 0].tolist()))
"""
SAMPLES = {"crypto_forecast": ("ridge", "gru"), "tumor_classifier": ("random_forest",)}
SAMPLE_LABELS = {f"{project} {candidate}" for project, candidates in SAMPLES.items() for candidate in candidates}
TORCH_SAMPLES = {"crypto_forecast gru"}  # the one sample whose requirements list torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="model URIs of the configured MLflow (default: train three samples)")
    parser.add_argument("--no-install", action="store_true", help="this checkout's packages, without the repository")
    args = parser.parse_args()
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mlops-portability-") as folder:
        work = Path(folder)
        models = downloaded(args.models, work) if args.models else sample_models(work)
        print(f"models ready in {time.perf_counter() - began:.0f} s, in {work}", flush=True)
        os.chdir(work)  # what runs from here on runs outside the repository
        environments: dict[str, Path] = {}
        results = {label: check(label, path, work, environments, args.no_install) for label, path in models.items()}
        checked = time.perf_counter() - began
        print(f"removing {work} (a virtualenv with torch takes minutes to delete on some disks) ...", flush=True)
    removed = time.perf_counter() - began - checked
    failed = [label for label, result in results.items() if "error" in result]
    print(
        f"{len(results) - len(failed)} of {len(results)} models portable, checked in {checked:.0f} s "
        f"(+{removed:.0f} s to remove the work folder)" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    figures = {"seconds": round(checked, 1), "removal_seconds": round(removed, 1), "models": results}
    print(json.dumps({"check": "model_portability", **figures}))
    return 1 if failed else 0


def check(label: str, model: Path, work: Path, environments: dict[str, Path], no_install: bool) -> dict:
    """Every step for one model; a failure is reported and ends this model's check, not the others'."""
    result: dict = {"requirements": (model / "requirements.txt").read_text().split()}
    try:
        names = [line.split("==")[0].lower() for line in result["requirements"]]
        if label in SAMPLE_LABELS and ("torch" in names) != (label in TORCH_SAMPLES):
            raise AssertionError(f"requirements {'lack' if label in TORCH_SAMPLES else 'list'} torch: {names}")
        expected = local_predictions(model)
        key = "repository packages" if no_install else "\n".join(sorted(result["requirements"]))
        if key not in environments:
            folder = work / f"venv{len(environments)}"
            if no_install:
                environments[key] = timed(
                    f"{label}: virtualenv of this checkout's packages", lambda: repo_packages_venv(folder)
                )
            else:
                requirements = model / "requirements.txt"
                environments[key] = timed(
                    f"{label}: clean virtualenv from its requirements.txt", lambda: clean_venv(requirements, folder)
                )
        bin_dir = environments[key]
        result["load_and_predict"] = compared(
            timed(f"{label}: load_model + predict", lambda: predicted(bin_dir, model)), expected
        )
        result["serve"] = compared(
            timed(f"{label}: mlflow models serve", lambda: served(bin_dir, model, work)), expected
        )
    except subprocess.CalledProcessError as error:
        result["error"] = f"{Path(error.cmd[0]).name} exited with {error.returncode}:\n{error.stderr[-2000:]}"
    except (AssertionError, OSError) as error:
        result["error"] = str(error)
    if "error" in result:
        print(f"{label}: FAILED {result['error']}", flush=True)
    return result


def timed(what: str, step):
    began = time.perf_counter()
    value = step()
    print(f"{what}: {time.perf_counter() - began:.1f} s", flush=True)
    return value


def sample_models(work: Path) -> dict[str, Path]:
    """The samples, each fitted as one trial of its project's smoke training, downloaded into `work`."""
    from devkit.databases import throwaway_schema
    from devkit.environment import temporary_mlflow
    from lifecycle import stages
    from lifecycle.discovery import load_project

    models = {}
    with temporary_mlflow(), throwaway_schema("portability") as url:
        os.environ["DATABASE_URL"] = url
        for name, candidates in SAMPLES.items():
            project = load_project(name)
            smoke = project.spec("smoke")
            spec = smoke.model_copy(update={"train": smoke.train.model_copy(update={"candidates": candidates})})
            stages.data(project, spec.example.data_start, spec.example.end, config=spec)
            partition = project.partitions_of(spec)[0]
            prepared = stages.prepare(project, partition, spec.example.train_end, config=spec, quiet=True)
            for candidate in candidates:
                uri = stages.trial(project, prepared, candidate, config=spec, quiet=True)["model_uri"]
                models[f"{name} {candidate}"] = download(uri, work / f"{name}-{candidate}")
    return models


def downloaded(uris: list[str], work: Path) -> dict[str, Path]:
    from service.models.mlflow_client import configure_mlflow

    configure_mlflow()
    return {uri: download(uri, work / f"model{number}") for number, uri in enumerate(uris)}


def download(uri: str, folder: Path) -> Path:
    import mlflow

    return Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(folder)))


def local_predictions(model: Path) -> np.ndarray:
    """What the model predicts for its input example here, in this checkout's environment."""
    import mlflow
    from mlflow.models import Model

    loaded = mlflow.pyfunc.load_model(str(model))
    return loaded.predict(Model.load(str(model)).load_input_example(str(model))).iloc[:, 0].to_numpy(dtype=float)


def outside_env(bin_dir: Path | None = None) -> dict[str, str]:
    """The variables a stranger's shell would have: PATH without this checkout (the virtualenv first), HOME, and
    pip's own settings (an index or mirror); no PYTHONPATH, nothing of this project's."""
    system_path = [entry for entry in os.environ["PATH"].split(os.pathsep) if not entry.startswith(str(REPO_ROOT))]
    return {
        "PATH": os.pathsep.join([*([str(bin_dir)] if bin_dir else []), *system_path]),
        "HOME": os.environ.get("HOME", "/"),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        **{name: value for name, value in os.environ.items() if name.startswith("PIP_")},
    }


def clean_venv(requirements: Path, folder: Path) -> Path:
    """A new virtualenv with `requirements` installed and nothing else; returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True, text=True)
    install = [str(folder / "bin/pip"), "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)]
    subprocess.run(install, check=True, capture_output=True, text=True, env=outside_env(folder / "bin"))
    return folder / "bin"


def repo_packages_venv(folder: Path) -> Path:
    """A virtualenv whose only site folder is this checkout's site-packages, added by a .pth line (a folder added
    that way is not scanned for .pth files, so the editable install of the repository, a .pth hook, never runs),
    with the console scripts serving needs; returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    own = sysconfig.get_paths(vars={"base": str(folder), "platbase": str(folder)})["purelib"]
    Path(own, "checkout_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    for script in ("mlflow", "uvicorn"):
        _, body = (Path(sys.executable).parent / script).read_text().split("\n", 1)
        (folder / "bin" / script).write_text(f"#!{folder / 'bin/python'}\n{body}")
        (folder / "bin" / script).chmod(0o755)
    return folder / "bin"


def predicted(bin_dir: Path, model: Path) -> list[float]:
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", PREDICT, str(model)],
        check=True,
        capture_output=True,
        text=True,
        env=outside_env(bin_dir),
        timeout=300,
    )
    return json.loads(done.stdout.splitlines()[-1])


def served(bin_dir: Path, model: Path, work: Path) -> list[float]:
    """`mlflow models serve --env-manager local` from the virtualenv, asked for the model's serving example."""
    port = free_port()
    command = [str(bin_dir / "mlflow"), "models", "serve", "-m", str(model), "--env-manager", "local"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = work / f"serve-{model.name}.log"
    server = Server("mlflow models serve", command, log, f"http://127.0.0.1:{port}/ping", outside_env(bin_dir))
    try:
        server.start(timeout=180)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/invocations",
            content=(model / "serving_input_example.json").read_bytes(),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
    except AssertionError as error:
        raise AssertionError(f"{error}; its log:\n{log.read_text()[-2000:]}") from None
    finally:
        server.stop()
    assert answer.status_code == 200, f"/invocations answered {answer.status_code}: {answer.text[:500]}"
    return [next(iter(row.values())) for row in answer.json()["predictions"]]


def compared(values: list[float], expected: np.ndarray) -> str:
    got = np.array([np.nan if value is None else value for value in values], dtype=float)
    assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-9, atol=0, equal_nan=True), (
        f"predictions differ from this checkout's: {got.tolist()} vs {expected.tolist()}"
    )
    return f"{np.isfinite(got).sum()} of {len(got)} rows as here"


if __name__ == "__main__":
    sys.exit(main())
