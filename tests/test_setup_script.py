"""scripts/setup.sh's Python check (scripts/find_python.sh) against fake interpreters on a PATH that holds nothing
else: a wrong version stops the setup with what was found, before anything is made."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compose.paths import REPO_ROOT


@pytest.fixture
def path_with(tmp_path):
    """`path_with(python3="3.12.1", ...)`: a PATH of bash, dirname and fake interpreters that print those versions."""

    def make(**versions: str) -> dict[str, str]:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        for tool in ("bash", "dirname"):
            if not (folder / tool).exists():
                (folder / tool).symlink_to(shutil.which(tool))
        for name, version in versions.items():
            fake = folder / name.replace("_", ".")
            fake.write_text(f"#!{shutil.which('bash')}\necho {version}\n")
            fake.chmod(0o755)
        return {"PATH": str(folder), "HOME": str(tmp_path)}

    return make


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A folder with setup.sh and find_python.sh in its scripts/, and nothing else."""
    folder = tmp_path / "checkout"
    (folder / "scripts").mkdir(parents=True)
    for script in ("setup.sh", "find_python.sh"):
        shutil.copy(REPO_ROOT / "scripts" / script, folder / "scripts" / script)
    return folder


def run(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=30)


def found(result: subprocess.CompletedProcess) -> list[str]:
    """The interpreters the failure message lists, one line each."""
    return [line.strip() for line in result.stderr.split("Found:\n")[1].split("Install")[0].splitlines()]


def test_python_3_11_is_taken_first(path_with):
    env = path_with(python3_11="3.11.9", python3="3.12.1")
    result = run(REPO_ROOT / "scripts/find_python.sh", env)
    assert (result.returncode, result.stdout.strip()) == (0, f"{env['PATH']}/python3.11")


def test_python3_is_taken_when_it_is_3_11(path_with):
    env = path_with(python3="3.11.2")
    result = run(REPO_ROOT / "scripts/find_python.sh", env)
    assert (result.returncode, result.stdout.strip()) == (0, f"{env['PATH']}/python3")


def test_a_named_interpreter_is_the_only_one_tried(path_with):
    env = path_with(python3_11="3.11.9", python3_12="3.12.1")
    result = run(REPO_ROOT / "scripts/find_python.sh", {**env, "PYTHON": "python3.12"})
    assert result.returncode == 1
    assert found(result) == [f"python3.12: 3.12.1 ({env['PATH']}/python3.12)"]


def test_setup_stops_with_what_it_found_and_makes_no_venv(path_with, checkout, tmp_path):
    result = run(checkout / "scripts/setup.sh", path_with(python3="3.12.1"))
    assert result.returncode == 1
    assert "Python 3.11 is required" in result.stderr
    assert found(result) == ["python3.11: not found", f"python3: 3.12.1 ({tmp_path}/bin/python3)"]
    assert "PYTHON=/path/to/python3.11 make setup" in result.stderr
    assert not (checkout / ".venv").exists()


def test_setup_refuses_a_venv_made_with_another_python(path_with, checkout):
    (checkout / ".venv/bin").mkdir(parents=True)
    os.symlink(path_with(python3="3.10.13")["PATH"] + "/python3", checkout / ".venv/bin/python")
    result = run(checkout / "scripts/setup.sh", path_with())
    assert result.returncode == 1
    assert ".venv/bin/python: 3.10.13" in result.stderr and "rm -rf .venv" in result.stderr
