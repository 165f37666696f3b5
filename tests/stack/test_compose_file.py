"""docker-compose.yml checked structurally (this machine has no Docker engine): it parses, everything it points
at exists, dependencies and healthchecks line up, ports do not clash, credentials come from .env, and the
variables the app reads are provided."""

import re

import pytest
import yaml

from compose.settings import REPO_ROOT, Settings

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# ${X} is read from .env by compose; $${X} is left to the container's shell
REFERENCED = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", (REPO_ROOT / "docker-compose.yml").read_text()))
ONE_SHOT = {name for name, service in SERVICES.items() if service.get("restart") == "no" or name.endswith("-init")}
AIRFLOW_ENV = COMPOSE["x-airflow-common"]["environment"]

# Settings the stack leaves at their defaults on purpose: where they matter, and why unset is right there.
DEFAULT_ON_THE_STACK = {
    "embedded_pg_dir": "only used without DATABASE_URL",
    "mlflow_artifact_location": "unset with a tracking server: the server's S3 store, proxied",
    "mlflow_s3_endpoint_url": "clients never touch S3: the MLflow server proxies artifacts (set on the mlflow service)",
    "aws_access_key_id": "as above",
    "aws_secret_access_key": "as above",
    "slack_api_url": "Slack's own",
    "slack_notify_success": "failures and alerts only",
    "airflow_username": "set on mlops-api, the only client of Airflow's REST API",
    "airflow_password": "set on mlops-api",
    "api_token": "set on mlops-api",
    "api_port": "mlops-api passes --port",
    "api_cors_origins": "CORS off by default",
    "upbit_max_attempts": "defaults fit Upbit's limits",
    "upbit_backoff_seconds": "as above",
    "upbit_timeout_seconds": "as above",
}


def depends_on(service: dict) -> dict:
    found = service.get("depends_on", {})
    return {name: {"condition": "service_started"} for name in found} if isinstance(found, list) else found


def test_every_build_context_and_dockerfile_exists():
    built = {name: service["build"] for name, service in SERVICES.items() if "build" in service}
    assert {"airflow-scheduler", "airflow-worker", "mlflow", "mlops-api"} <= set(built)
    for name, build in built.items():
        context = REPO_ROOT / build["context"]
        assert context.is_dir(), f"{name}: build context {context} missing"
        assert (context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: Dockerfile missing"


def test_every_volume_source_and_env_file_exists():
    declared = set(COMPOSE.get("volumes", {}))
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (REPO_ROOT / source).exists(), f"{name}: volume source {source} missing"
            else:
                assert source in declared, f"{name}: named volume {source} not declared"
        for env_file in service.get("env_file", []):
            entry = env_file if isinstance(env_file, dict) else {"path": env_file, "required": True}
            assert (REPO_ROOT / entry["path"]).exists() or entry.get("required") is False, f"{name}: {entry['path']}"


def test_dependencies_are_defined_and_their_conditions_can_be_met():
    for name, service in SERVICES.items():
        for dependency, rule in depends_on(service).items():
            assert dependency in SERVICES, f"{name} depends on undefined {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], (
                    f"{name} waits for {dependency} to be healthy: no healthcheck"
                )
            if rule["condition"] == "service_completed_successfully":
                assert dependency in ONE_SHOT, f"{name} waits for {dependency} to finish, but it runs forever"


def test_each_long_running_service_has_a_healthcheck():
    for name in set(SERVICES) - ONE_SHOT:
        assert "test" in SERVICES[name].get("healthcheck", {}), f"{name} has no healthcheck"


def test_host_ports_do_not_clash():
    published = [
        (name, str(port).split(":")[0]) for name, service in SERVICES.items() for port in service.get("ports", [])
    ]
    ports = [port for _, port in published]
    assert len(ports) == len(set(ports)), published


def test_the_topology_of_the_issue():
    expected = {
        "postgres",
        "redis",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
        "airflow-init",
        "mlflow",
        "minio",
        "minio-init",
    }
    assert expected <= set(SERVICES)
    assert AIRFLOW_ENV["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "airflow-worker" not in {name for name, s in SERVICES.items() if "container_name" in s}  # --scale works
    mlflow = " ".join(SERVICES["mlflow"]["command"])
    assert "--backend-store-uri=postgresql" in mlflow and "--artifacts-destination=s3://" in mlflow
    assert "create-databases.sh" in {path.name for path in (REPO_ROOT / "compose/postgres-init").iterdir()}


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
    assert "admin:admin" not in (REPO_ROOT / "docker-compose.yml").read_text()


def test_the_image_pins_torch_cpu_and_installs_the_stack_extra():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile and "download.pytorch.org/whl/cpu" in dockerfile
    assert '".[stack]"' in dockerfile and "constraints.txt" in dockerfile
