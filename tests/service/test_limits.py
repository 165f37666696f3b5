"""What a request may cost and how every error answers: bodies over API_MAX_BODY_BYTES refused before they are read
(by the service in its own process, whose memory is watched), /predict's rows capped and non-finite numbers
refused, echoed keys shortened, every error a JSON `detail` (unknown routes, 405, the unexpected), a database
outage 503 on every route, unknown partitions 404 naming the declared ones. Real PostgreSQL, a real MLflow store,
Airflow's REST API doubled at the HTTP level."""

import os

import pytest
from fastapi.testclient import TestClient

from devkit.figures import memory_mb
from devkit.http import post_streamed, rows_body
from devkit.processes import service
from service.api.app import create_app
from tests.service.conftest import API_TOKEN, CRYPTO, MARKET

PREDICT = f"/projects/{CRYPTO}/predict"
ROW = {"ret_1h": 0.01, "ret_3h": 0.02}


@pytest.fixture
def client(database, mlflow_store, airflow_server, monkeypatch):
    """The app over an empty schema and MLflow store (no champion): the limits act before any model is needed."""
    monkeypatch.setenv("API_TOKEN", API_TOKEN)
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_oversize_body_is_refused_before_it_is_read_and_memory_stays_flat(mlflow_store, tmp_path, free_port):
    cap = 1_000_000
    server = service(free_port, tmp_path / "service.log", {**os.environ, "API_MAX_BODY_BYTES": str(cap)}).start()
    try:
        before = memory_mb(server.process.pid)
        length, _ = rows_body(ROW, 2_000_000)  # ~64 MB
        for declared in (True, False):  # Content-Length over the cap; chunked, counted as it streams
            _, chunks = rows_body(ROW, 2_000_000)
            assert post_streamed(f"http://127.0.0.1:{free_port}", PREDICT, chunks, length if declared else None) == 413
        grown = memory_mb(server.process.pid)["peak"] - before["peak"]
        assert grown < 20, f"the service's peak memory grew by {grown:.0f} MB for a {length / 1e6:.0f} MB body"
    finally:
        server.stop()
    assert "Traceback" not in (tmp_path / "service.log").read_text()


def test_a_body_over_the_cap_is_413_json(client, monkeypatch):
    monkeypatch.setenv("API_MAX_BODY_BYTES", "100")
    with TestClient(create_app(), raise_server_exceptions=False) as small:
        answer = small.post(PREDICT, json={"rows": [ROW] * 10})
    assert answer.status_code == 413
    assert answer.json() == {"detail": "the body is larger than 100 bytes (API_MAX_BODY_BYTES)"}


def test_predict_takes_at_most_the_configured_rows(client, monkeypatch):
    monkeypatch.setenv("API_MAX_PREDICT_ROWS", "3")
    with TestClient(create_app(), raise_server_exceptions=False) as limited:
        answer = limited.post(PREDICT, json={"rows": [ROW] * 4})
    assert answer.status_code == 413
    assert answer.json()["detail"] == "4 rows: at most 3 per request (API_MAX_PREDICT_ROWS)"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", '"NaN"', '"-inf"'])
def test_predict_refuses_non_finite_numbers_naming_row_and_column(client, number):
    body = f'{{"rows": [{{"ret_1h": 0.1}}, {{"ret_1h": 0.2, "ret_3h": {number}}}]}}'
    answer = client.post(PREDICT, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.json() == {"detail": "body.rows.1.ret_3h: Input should be a finite number"}


def test_keys_a_request_names_are_echoed_shortened(client):
    long_key = "K" * 10_000
    answers = [
        client.get(f"/projects/{long_key}"),
        client.get(f"/projects/{CRYPTO}/monitoring", params={"partition": long_key}),
        client.post(PREDICT, json={"partition": long_key, "rows": [ROW]}),
        client.post(
            PREDICT, content=f'{{"rows": [{{"{long_key}": NaN}}]}}', headers={"Content-Type": "application/json"}
        ),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 422]
    for answer in answers:
        detail = answer.json()["detail"]
        assert "K" * 80 + "..." in detail and "K" * 81 not in detail


def test_every_error_is_json_with_a_detail(client, http_server, monkeypatch):
    assert client.get("/no/such/route").json() == {"detail": "Not Found"}
    answer = client.delete("/health")
    assert answer.status_code == 405 and answer.json() == {"detail": "Method Not Allowed"}
    answer = client.post(PREDICT, content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["detail"].startswith("body.1: JSON decode error")

    # Airflow answering what is not JSON is nothing the service expects: 500, one scrubbed line, no traceback
    monkeypatch.setenv("AIRFLOW_URL", http_server(lambda *request: (200, {"Content-Type": "text/html"}, "<html>")))
    runs = f"/projects/{CRYPTO}/workflows/train/runs"
    answer = client.post(runs, json={"conf": {}}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/json"
    assert answer.json() == {"detail": "internal error: JSONDecodeError: Expecting value: line 1 column 1 (char 0)"}


@pytest.mark.parametrize(
    "path",
    [
        f"/projects/{CRYPTO}/events",
        f"/projects/{CRYPTO}/alerts",
        f"/projects/{CRYPTO}/monitoring",
        "/dashboard",
        f"/dashboard/{CRYPTO}",
    ],
)
def test_a_database_outage_is_503_json_on_every_route(client, monkeypatch, free_port, path):
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://mlops:db-pass@127.0.0.1:{free_port}/x?connect_timeout=2")
    answer = client.get(path)
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/json"
    detail = answer.json()["detail"]
    assert detail.startswith("the results database is unavailable: connection failed") and "db-pass" not in detail
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["database"]["status"] == "error"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/projects/{CRYPTO}/monitoring?partition=KRW-NOPE", None),
        ("get", f"/projects/{CRYPTO}/events?partition=KRW-NOPE", None),
        ("get", f"/projects/{CRYPTO}/models/KRW-NOPE", None),
        ("get", f"/dashboard/{CRYPTO}?partition=KRW-NOPE", None),
        ("post", PREDICT, {"partition": "KRW-NOPE", "rows": [ROW]}),
        ("post", PREDICT, {"model": "KRW-NOPE", "rows": [ROW]}),
    ],
)
def test_an_unknown_partition_is_404_naming_the_declared_ones(client, method, path, body):
    answer = client.request(method.upper(), path, json=body)
    assert answer.status_code == 404
    assert answer.json() == {"detail": f"{CRYPTO} has no partition or model 'KRW-NOPE'; partitions: {MARKET}"}
