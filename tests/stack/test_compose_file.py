"""docker-compose.yml and docker-compose.local.yml checked structurally (fast, no Docker engine needed; `make
compose-check` starts them for real): they parse, everything they point at exists, dependencies and healthchecks
line up, ports do not clash, images are pinned, credentials come from .env, the variables the app reads are
provided, first runs start paused, and the local override swaps only the images it names. Where a compose binary
is installed, it validates both files too."""

import json
import re
import shutil
import subprocess

import pytest
import yaml

from compose.settings import REPO_ROOT, Settings

COMPOSE_TEXT = (REPO_ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
LOCAL_TEXT = (REPO_ROOT / "docker-compose.local.yml").read_text()
LOCAL = yaml.safe_load(LOCAL_TEXT)
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
# ${X} is read from .env by compose; $${X} is left to the container's shell
REFERENCED = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", COMPOSE_TEXT))
ONE_SHOT = {name for name, service in SERVICES.items() if service.get("restart") == "no" or name.endswith("-init")}
AIRFLOW_ENV = COMPOSE["x-airflow-common"]["environment"]
PROJECT_IMAGE = COMPOSE["x-mlops-image"]["image"]
BUILDS_PROJECT_IMAGE = {name for name, service in SERVICES.items() if service.get("image") == PROJECT_IMAGE}
PULLED = {name: service["image"] for name, service in SERVICES.items() if name not in BUILDS_PROJECT_IMAGE}

# Settings the stack leaves at their defaults on purpose: where they matter, and why unset is right there.
DEFAULT_ON_THE_STACK = {
    "embedded_pg_dir": "only used without DATABASE_URL",
    "mlflow_artifact_location": "unset with a tracking server: the server's S3 store, proxied",
    "mlflow_s3_endpoint_url": "clients never touch S3: the MLflow server proxies artifacts (set on the mlflow service)",
    "aws_access_key_id": "as above",
    "aws_secret_access_key": "as above",
    "slack_api_url": "Slack's own",
    "slack_notify_success": "failures and alerts only",
    "airflow_username": "set on mlops-api and stack-bootstrap, the clients of Airflow's REST API",
    "airflow_password": "as above",
    "api_token": "set on mlops-api",
    "api_port": "mlops-api passes --port",
    "api_cors_origins": "CORS off by default",
    "api_max_body_bytes": "the default fits a full /predict",
    "api_max_predict_rows": "as above",
    "upbit_max_attempts": "defaults fit Upbit's limits",
    "upbit_backoff_seconds": "as above",
    "upbit_timeout_seconds": "as above",
}


def depends_on(service: dict) -> dict:
    found = service.get("depends_on", {})
    return {name: {"condition": "service_started"} for name in found} if isinstance(found, list) else found


def with_defaults(value: str) -> str:
    """Compose's interpolation with every variable unset: ${X:-default} -> default."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value))


def test_every_build_context_and_dockerfile_exists():
    built = {
        (file, name): service["build"]
        for file, services in (("main", SERVICES), ("local", LOCAL["services"]))
        for name, service in services.items()
        if "build" in service and "context" in service["build"]
    }
    assert {"airflow-scheduler", "airflow-worker", "mlflow", "mlops-api"} <= BUILDS_PROJECT_IMAGE
    for name, build in built.items():
        context = REPO_ROOT / build["context"]
        assert context.is_dir(), f"{name}: build context {context} missing"
        assert (context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: Dockerfile missing"


def test_every_volume_source_exists_and_no_v2_only_syntax():
    declared = set(COMPOSE.get("volumes", {}))
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (REPO_ROOT / source).exists(), f"{name}: volume source {source} missing"
            else:
                assert source in declared, f"{name}: named volume {source} not declared"
        # docker-compose 1.29 (Debian's) rejects env_file entries with `required:` and knows no pull_policy
        assert "env_file" not in service and "pull_policy" not in service, name
    assert "name" not in COMPOSE, "a top-level name: is Compose v2 only"


def test_dependencies_are_defined_and_their_conditions_can_be_met():
    for name, service in SERVICES.items():
        for dependency, rule in depends_on(service).items():
            assert dependency in SERVICES, f"{name} depends on undefined {dependency}"
            assert "profiles" not in SERVICES[dependency], f"{name} depends on {dependency}, which is in a profile"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], (
                    f"{name} waits for {dependency} to be healthy: no healthcheck"
                )
            if rule["condition"] == "service_completed_successfully":
                assert dependency in ONE_SHOT, f"{name} waits for {dependency} to finish, but it runs forever"


def test_each_long_running_service_has_a_healthcheck():
    for name in set(SERVICES) - ONE_SHOT:
        assert "test" in SERVICES[name].get("healthcheck", {}), f"{name} has no healthcheck"
        assert SERVICES[name].get("restart") == "always", f"{name} is not restarted"


def test_host_ports_do_not_clash_and_are_configurable():
    published = [(name, port) for name, service in SERVICES.items() for port in service.get("ports", [])]
    hosts = [with_defaults(port).split(":")[0] for _, port in published]
    assert len(hosts) == len(set(hosts)), published
    for name, port in published:
        assert re.fullmatch(r"\$\{[A-Z0-9_]+_PORT:-\d+\}:\d+", port), f"{name}: host port {port} not from a variable"


def test_the_topology_of_the_issue():
    expected = {
        "postgres",
        "redis",
        "seaweedfs",
        "s3-init",
        "mlflow",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
        "mlops-api",
        "stack-bootstrap",
        "flower",
        "airflow-cli",
    }
    assert expected <= set(SERVICES)
    assert AIRFLOW_ENV["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "airflow-worker" not in {name for name, s in SERVICES.items() if "container_name" in s}  # --scale works
    mlflow = SERVICES["mlflow"]["environment"]
    assert mlflow["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql")
    assert mlflow["MLFLOW_ARTIFACTS_DESTINATION"].startswith("s3://")
    assert mlflow["MLFLOW_S3_ENDPOINT_URL"] == SERVICES["s3-init"]["environment"]["S3_ENDPOINT_URL"]
    assert {"s3-init": {"condition": "service_completed_successfully"}}.items() <= depends_on(
        SERVICES["mlflow"]
    ).items()
    assert "create-databases.sh" in {path.name for path in (REPO_ROOT / "compose/postgres-init").iterdir()}


def test_no_minio_and_every_pulled_image_is_pinned():
    assert "minio" not in json.dumps([COMPOSE, LOCAL]).lower()  # no service, image or variable (comments aside)
    assert set(PULLED) == {"postgres", "redis", "seaweedfs"}
    assert PULLED["seaweedfs"].startswith("chrislusf/seaweedfs:")
    for name, image in {**PULLED, "project image": with_defaults(PROJECT_IMAGE)}.items():
        repository, _, tag = image.rpartition(":")
        assert repository and re.fullmatch(r"\d+(\.\d+)+(-[a-z0-9.]+)?", tag), f"{name}: {image} is not a pinned tag"
    assert re.search(r"^ARG BASE_IMAGE=apache/airflow:3\.3\.2-python3\.11$", DOCKERFILE, re.M)


def test_a_fresh_stack_starts_paused_and_bootstraps_on_demand():
    assert AIRFLOW_ENV["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"
    bootstrap = SERVICES["stack-bootstrap"]
    assert bootstrap["profiles"] == ["bootstrap"] and bootstrap["restart"] == "no"
    assert "scripts/bootstrap_stack.py" in " ".join(bootstrap["entrypoint"])
    assert (REPO_ROOT / "scripts/bootstrap_stack.py").is_file()
    assert {"AIRFLOW_USERNAME", "AIRFLOW_PASSWORD"} <= set(bootstrap["environment"])


def test_flower_and_the_cli_are_profiles_as_in_the_official_file():
    assert SERVICES["flower"]["profiles"] == ["flower"] and "flower" in SERVICES["flower"]["command"]
    assert SERVICES["airflow-cli"]["profiles"] == ["debug"]
    in_profiles = {name for name, service in SERVICES.items() if "profiles" in service}
    assert in_profiles == {"flower", "airflow-cli", "stack-bootstrap"}


def test_airflow_init_checks_resources_and_prepares_the_database_and_admin():
    init = SERVICES["airflow-init"]
    script = init["command"][-1]
    for needed in ("_PHYS_PAGES", "MLOPS_MIN_MEMORY_MB", "MLOPS_MIN_DISK_GB", "airflow db migrate", "users create"):
        assert needed in script, needed
    assert int(with_defaults(init["environment"]["MLOPS_MIN_MEMORY_MB"])) > 4000  # more than the official 4 GB
    assert init["user"] == "0:0"  # chowns the logs volume, as the official airflow-init does


def test_public_urls_and_mlflow_allowed_hosts_come_from_variables():
    for name in ("AIRFLOW_PUBLIC_URL", "MLFLOW_PUBLIC_URL", "DASHBOARD_PUBLIC_URL"):
        assert AIRFLOW_ENV[name].startswith("${" + name + ":-http"), name
    assert AIRFLOW_ENV["AIRFLOW__API__BASE_URL"] == AIRFLOW_ENV["AIRFLOW_PUBLIC_URL"]
    allowed = [arg for arg in SERVICES["mlflow"]["command"] if arg.startswith("--allowed-hosts=")]
    assert allowed and allowed[0].startswith("--allowed-hosts=${MLFLOW_ALLOWED_HOSTS:-")
    assert "mlflow:5000" in with_defaults(allowed[0])  # the stack's own clients


def test_links_in_alerts_use_the_public_urls(monkeypatch):
    from messenger.links import airflow_run_url, dashboard_url, mlflow_model_url

    monkeypatch.setenv("MLOPS_ENV_FILE", "/dev/null")
    for name in (
        "AIRFLOW_URL",
        "MLFLOW_TRACKING_URI",
        "AIRFLOW_PUBLIC_URL",
        "MLFLOW_PUBLIC_URL",
        "DASHBOARD_PUBLIC_URL",
    ):
        monkeypatch.setenv(name, with_defaults(AIRFLOW_ENV[name]))
    assert airflow_run_url("d", "r").startswith(with_defaults(AIRFLOW_ENV["AIRFLOW_PUBLIC_URL"]) + "/dags/d/")
    assert mlflow_model_url("m", "1").startswith(with_defaults(AIRFLOW_ENV["MLFLOW_PUBLIC_URL"]) + "/#/models/m/")
    assert dashboard_url("p") == with_defaults(AIRFLOW_ENV["DASHBOARD_PUBLIC_URL"]) + "/dashboard/p"
    monkeypatch.delenv("AIRFLOW_PUBLIC_URL")
    monkeypatch.delenv("MLFLOW_PUBLIC_URL")
    assert (airflow_run_url("d", "r"), mlflow_model_url("m", "1")) == (None, None)  # no link, never an inner address


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_the_variables_the_app_reads_are_provided(field):
    if field in DEFAULT_ON_THE_STACK:
        return
    assert field.upper() in AIRFLOW_ENV, f"{field.upper()} is read by the app but the stack does not set it"


def test_the_service_gets_what_its_endpoints_need():
    api = SERVICES["mlops-api"]["environment"]
    assert {"AIRFLOW_URL", "AIRFLOW_USERNAME", "AIRFLOW_PASSWORD", "API_TOKEN"} <= set(api)


def test_credentials_come_from_env_and_are_documented():
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (REPO_ROOT / ".env.example").read_text(), flags=re.M))
    assert REFERENCED - documented == set(), "variables used by docker-compose.yml but missing from .env.example"
    for name, service in {**SERVICES, "x-airflow-common": COMPOSE["x-airflow-common"]}.items():
        environment = service.get("environment", {})
        for key, value in environment.items() if isinstance(environment, dict) else []:
            if re.search(r"PASSWORD|SECRET|TOKEN|FERNET", key) and not key.endswith("_FILE"):
                assert "${" in str(value), f"{name}: {key} is a literal; it must come from .env"
    assert "admin:admin" not in COMPOSE_TEXT


def test_the_local_override_swaps_only_the_images_it_names():
    overridden = LOCAL["services"]
    assert set(overridden) <= set(SERVICES)
    for name, service in overridden.items():
        assert set(service) <= {"image", "build", "command", "healthcheck"}, f"{name}: {set(service)}"
        assert service["image"].startswith("mlops-local/"), name
    # every image that is pulled is replaced by a local build, and the header names it
    for name, image in PULLED.items():
        assert "build" in overridden[name] and image in LOCAL_TEXT, name
    # the project image: every service that builds it, on the stand-in base and nothing else
    assert {name for name in overridden if name not in PULLED} == BUILDS_PROJECT_IMAGE
    for name in BUILDS_PROJECT_IMAGE:
        assert set(overridden[name]["build"]) == {"args"}, name
        assert set(overridden[name]["build"]["args"]) == {"BASE_IMAGE", "TORCH_WHEELS"}, name
    assert "apache/airflow:3.3.2-python3.11" in LOCAL_TEXT
    # only the S3 stand-in runs another program (so another command and probe)
    assert {name for name, service in overridden.items() if {"command", "healthcheck"} & set(service)} == {"seaweedfs"}


def test_the_image_extends_the_official_one_with_the_pinned_project():
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", DOCKERFILE, re.M)
    assert "torch==2.13.0+cpu" in DOCKERFILE and "download.pytorch.org/whl/cpu" in DOCKERFILE
    assert '".[stack]"' in DOCKERFILE and "-c constraints.txt" in DOCKERFILE
    assert "_PIP_ADDITIONAL_REQUIREMENTS" not in COMPOSE_TEXT  # not for production (the official docs)
    packages = re.findall(r'"(\w+)\*"', re.search(r"include = \[(.*)\]", (REPO_ROOT / "pyproject.toml").read_text())[1])
    for package in [*packages, "dags", "scripts"]:
        assert re.search(rf"^COPY --chown=airflow:0 {package}/ {package}/$", DOCKERFILE, re.M), package


COMPOSE_BINARIES = [
    command
    for command, available in (
        (["docker-compose"], shutil.which("docker-compose")),
        (
            ["docker", "compose"],
            shutil.which("docker")
            and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0,
        ),
    )
    if available
]


@pytest.mark.skipif(not COMPOSE_BINARIES, reason="no docker-compose / docker compose installed")
@pytest.mark.parametrize("binary", COMPOSE_BINARIES, ids=" ".join)
def test_a_compose_binary_accepts_both_files(binary, tmp_path):
    documented = re.findall(r"^#?\s*([A-Z0-9_]+)=", (REPO_ROOT / ".env.example").read_text(), flags=re.M)
    env_file = tmp_path / "check.env"
    env_file.write_text("".join(f"{name}=x\n" for name in documented if name in REFERENCED and "PORT" not in name))
    for files in (["docker-compose.yml"], ["docker-compose.yml", "docker-compose.local.yml"]):
        command = [*binary, "--env-file", str(env_file), *(arg for f in files for arg in ("-f", f)), "config", "-q"]
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{' '.join(command)}: {result.stderr[-2000:]}"
