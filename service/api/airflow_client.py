"""Airflow 3's REST API (v2) with its token auth: trigger runs, read runs, task instances and logs."""

import time
from functools import lru_cache
from urllib.parse import quote

import httpx

from compose.settings import Settings, get_settings


class AirflowError(RuntimeError):
    """Airflow answered with an error or could not be reached; `status` is the HTTP status to pass on."""

    def __init__(self, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


class AirflowClient:
    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        self.base = settings.airflow_url.rstrip("/")
        self.username = settings.airflow_username
        self.password = settings.airflow_password.get_secret_value() if settings.airflow_password else None
        self.http = httpx.Client(timeout=timeout)
        self._token: tuple[str, float] | None = None

    def health(self) -> dict:
        return self._request("GET", "/api/v2/monitor/health", auth=False)

    def dag(self, dag_id: str) -> dict:
        return self._request("GET", _path("dags", dag_id))

    def set_paused(self, dag_id: str, paused: bool) -> dict:
        return self._request("PATCH", _path("dags", dag_id), json={"is_paused": paused})

    def trigger(self, dag_id: str, conf: dict) -> dict:
        return self._request("POST", _path("dags", dag_id, "dagRuns"), json={"logical_date": None, "conf": conf})

    def runs(self, dag_id: str, limit: int = 20, offset: int = 0) -> tuple[list[dict], int]:
        """The runs of `dag_id`, newest first, from `offset`; and how many there are in all."""
        answer = self._request(
            "GET", _path("dags", dag_id, "dagRuns"), params={"order_by": "-run_after", "limit": limit, "offset": offset}
        )
        runs = answer.get("dag_runs", [])
        total = answer.get("total_entries")
        return runs, total if total is not None else offset + len(runs)

    def run(self, dag_id: str, run_id: str) -> dict:
        return self._request("GET", _path("dags", dag_id, "dagRuns", run_id))

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self._request("GET", _path("dags", dag_id, "dagRuns", run_id, "taskInstances")).get("task_instances", [])

    def log(self, dag_id: str, run_id: str, task_id: str, try_number: int, map_index: int = -1) -> dict:
        return self._request(
            "GET",
            _path("dags", dag_id, "dagRuns", run_id, "taskInstances", task_id, "logs", try_number),
            params={"map_index": map_index},
            headers={"Accept": "application/json"},
        )

    def _request(self, method: str, path: str, auth: bool = True, **kwargs) -> dict:
        headers = kwargs.pop("headers", {})
        if auth:
            headers["Authorization"] = f"Bearer {self._access_token()}"
        try:
            response = self.http.request(method, self.base + path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise AirflowError(f"Airflow at {self.base} unreachable: {type(error).__name__}") from error
        if response.status_code == 401 and auth:
            self._token = None  # expired: one fresh token, one retry
            headers["Authorization"] = f"Bearer {self._access_token()}"
            response = self.http.request(method, self.base + path, headers=headers, **kwargs)
        if response.status_code >= 400:
            detail = (
                response.json().get("detail")
                if response.headers.get("content-type", "").startswith("application/json")
                else response.text[:200]
            )
            raise AirflowError(
                f"Airflow answered {response.status_code} to {method} {path}: {detail}",
                status=response.status_code if response.status_code in (404, 409, 422) else 502,
            )
        return response.json()

    def _access_token(self) -> str:
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        if not self.username or not self.password:
            raise AirflowError("AIRFLOW_USERNAME and AIRFLOW_PASSWORD are not set", status=503)
        try:
            response = self.http.post(
                f"{self.base}/auth/token", json={"username": self.username, "password": self.password}
            )
        except httpx.HTTPError as error:
            raise AirflowError(f"Airflow at {self.base} unreachable: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise AirflowError(f"Airflow refused the credentials ({response.status_code})", status=502)
        self._token = (response.json()["access_token"], time.monotonic() + 300)
        return self._token[0]


def _path(*segments: object) -> str:
    """/api/v2/<segments>, each percent-encoded: run ids hold ':' and '+', and ids taken from a URL may hold anything."""
    return "/api/v2/" + "/".join(quote(str(segment), safe="") for segment in segments)


def airflow_client() -> AirflowClient:
    """One client (and so one access token, until it expires) per Airflow address and credentials."""
    settings = get_settings()
    password = settings.airflow_password.get_secret_value() if settings.airflow_password else None
    return _client_for(settings.airflow_url, settings.airflow_username, password)


@lru_cache(maxsize=8)
def _client_for(url: str, username: str | None, password: str | None) -> AirflowClient:
    return AirflowClient(Settings(airflow_url=url, airflow_username=username, airflow_password=password))
